"""Grade a symbolic answer against a target: parse, compare at random points, confirm, diagnose.

1. Parse the answer (``genverify.grading.parse``); a parse error or a symbol the target does not
   allow is an ``invalid`` verdict naming the problem.
2. Evaluate answer and reference at ``points`` random points of the target's domain
   (``genverify.grading.evaluate``).  One disagreement makes the answer ``incorrect``, with that
   point as the counterexample; if the answer agrees everywhere with a catalogued mistake, the
   feedback names the mistake and the score is that mistake's partial credit.
3. An answer that agrees everywhere is confirmed with the proof engine (``derivations.engine``):
   ``correct`` by method ``symbolic`` only when the engine proves answer = reference.  Agreement
   at the points without a proof is ``undecided`` (left for review), unless the course opts in
   with ``accept_numeric``: then it is ``correct`` by method ``numeric``, reporting the points
   and the tolerance.  At 120 digits and relative tolerance 1e-100 an offset such as
   ``+ 10^{-20}`` or ``+ β_t^{100}`` is a disagreement, so such answers are ``incorrect``.
An answer that uses a name standing for the answer itself (``Target.restates``: ``σ_q(t)²`` for
the posterior variance) is ``invalid``: it restates the question.  Every verdict on a parsed
answer carries ``read_as``, the expression as the grader read it (``genverify.grading.readback``).
A time limit turns runaway input into ``undecided``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import lru_cache

import numpy as np
import sympy as sp

from genverify.derivations.engine import PROVED, Domain, DomainError, Equal
from genverify.derivations.notation import beta, beta_bar
from genverify.grading.evaluate import RTOL, EvaluationError, Point, agree, draw_points, evaluate
from genverify.grading.functionals import DENSITIES, Expectation, IntegralDx, JSDivergence, KLDivergence, \
    expand_functionals
from genverify.grading.limits import TimeLimitExceeded, time_limit
from genverify.grading.parse import ParseError, parse, symbol_names
from genverify.grading.readback import read_as
from genverify.grading.targets import FUNCTIONALS, INPAINTING, SCHEDULE, TARGETS, M, Target, t

POINTS = 24
TIMEOUT = 5.0


def lookup_target(target_id: str) -> Target:
    """The target named ``target_id``; ``KeyError`` with a message listing the known ones."""
    if target_id not in TARGETS:
        raise KeyError(f"unknown grading target {target_id!r} (known: {', '.join(TARGETS)})")
    return TARGETS[target_id]


def with_credits(target: Target, credits: dict[str, float]) -> Target:
    """``target`` with the partial credit of the named mistakes replaced; ``KeyError`` naming an
    unknown mistake, ``ValueError`` for a credit outside [0, 1]."""
    names = {m.name for m in target.mistakes}
    unknown = sorted(set(credits) - names)
    if unknown:
        raise KeyError(f"{target.id} has no mistake {unknown[0]!r} (its mistakes: {', '.join(sorted(names))})")
    bad = {k: v for k, v in credits.items() if not (isinstance(v, (int, float)) and 0 <= v <= 1)}
    if bad:
        raise ValueError(f"credit for {next(iter(bad))!r} must be a number in [0, 1]")
    mistakes = tuple(replace(m, credit=float(credits.get(m.name, m.credit))) for m in target.mistakes)
    return replace(target, mistakes=mistakes)


@lru_cache(maxsize=64)
def _reference(target_id: str, seed: int, points: int) -> tuple[tuple[Point, ...], tuple, tuple]:
    """The points, the reference's values and each mistake's values (computed once per target)."""
    target = TARGETS[target_id]
    pts = tuple(draw_points(target, np.random.default_rng(seed), points))
    reference = tuple(evaluate(target.reference, p) for p in pts)
    mistakes = []
    for mistake in target.mistakes:
        try:
            mistakes.append(tuple(evaluate(mistake.expr, p) for p in pts))
        except EvaluationError:
            mistakes.append(None)
    return pts, reference, tuple(mistakes)


def _result(answer_id, target_id, verdict, score, feedback, start, diagnosis=(), counterexample=None,
            method=None, **extra) -> dict:
    return {"id": answer_id, "target": target_id, "verdict": verdict, "score": score, "feedback": feedback,
            "diagnosis": list(diagnosis), "counterexample": counterexample, "method": method,
            "seconds": round(time.perf_counter() - start, 4), **extra}


def grade_answer(target_id: str, answer: str, *, answer_id=None, seed: int = 0, points: int = POINTS,
                 timeout: float = TIMEOUT, credits: dict[str, float] | None = None,
                 accept_numeric: bool = False) -> dict:
    """The grade of ``answer`` for ``target_id`` as the design's JSON object (a dict).

    ``credits`` overrides the partial credit of the target's catalogued mistakes, by name.
    ``accept_numeric``: agreement at every random point without a symbolic proof is ``correct``
    (method ``numeric``) instead of ``undecided``.
    """
    start = time.perf_counter()
    target = lookup_target(target_id)
    if credits:
        target = with_credits(target, credits)
    try:
        with time_limit(timeout):
            return _grade(target, answer, answer_id, seed, points, start, accept_numeric)
    except TimeLimitExceeded as exc:
        return _result(answer_id, target.id, "undecided", 0.0, f"Could not grade this answer: {exc}.", start)
    except RecursionError:
        return _result(answer_id, target.id, "invalid", 0.0, "The answer is nested too deeply to read.", start)


def _grade(target: Target, answer: str, answer_id, seed: int, points: int, start: float,
           accept_numeric: bool = False) -> dict:
    heads: set[str] = set()
    try:
        expr = parse(answer, allowed=target.allowed | set(target.restates), used=heads)
    except ParseError as exc:
        return _result(answer_id, target.id, "invalid", 0.0, f"Could not read the answer: {exc}", start)
    read = read_as(expr)
    restated = sorted(set(target.restates) & (heads | symbol_names(expr)))
    if restated:
        return _result(answer_id, target.id, "invalid", 0.0,
                       f"The answer uses {target.restates[restated[0]]}, which is the quantity asked for "
                       f"({target.description}): that restates the question. Write it in the target's variables.", start,
                       read_as=read)
    pts, reference, mistake_values = _reference(target.id, seed, points)
    for point, expected in zip(pts, reference):
        try:
            value = evaluate(expr, point)
        except EvaluationError as exc:
            return _incorrect(target, expr, answer_id, start, point, expected, f"undefined ({exc})", read)
        if not agree(value, expected):
            return _incorrect(target, expr, answer_id, start, point, expected, value, read)
    method, detail = _confirm(target, expr)
    if method == "symbolic":
        return _result(answer_id, target.id, "correct", 1.0, "Correct: equal to the reference, proved symbolically.",
                       start, method=method, read_as=read)
    agreement = (f"equal to the reference at {len(pts)} random points (relative tolerance {float(RTOL):g}), "
                 f"but a symbolic proof was not found ({detail})")
    if accept_numeric:
        return _result(answer_id, target.id, "correct", 1.0, f"Correct: {agreement}.", start, method=method,
                       points=len(pts), tolerance=float(RTOL), read_as=read)
    return _result(answer_id, target.id, "undecided", 0.0, f"Left for review: {agreement}.", start,
                   method=method, points=len(pts), tolerance=float(RTOL), read_as=read)


def _incorrect(target, expr, answer_id, start, point, expected, actual, read) -> dict:
    """An incorrect verdict at ``point``, naming the catalogued mistake the answer equals, if any."""
    used = expr.free_symbols | target.reference.free_symbols
    counterexample = {"point": point.describe(used, target.kind == SCHEDULE), "expected": float(expected),
                      "answer": actual if isinstance(actual, str) else float(actual)}
    if not isinstance(actual, str):
        # An offset such as 10^{-20} vanishes in the two floats above but not in their difference.
        counterexample["difference"] = float(actual - expected)
    mistake = _diagnose(target, expr)
    if mistake is not None:
        return _result(answer_id, target.id, "incorrect", mistake.credit, mistake.feedback, start,
                       diagnosis=[mistake.name], counterexample=counterexample, method="numeric", read_as=read)
    shown = actual if isinstance(actual, str) else f"{float(actual):.6g} (a difference of {float(actual - expected):.3g})"
    where = f"at t = {point.t} " if target.kind == SCHEDULE else "at a random point "
    feedback = (f"Not equal to {target.description}: {where}the reference is "
                f"{float(expected):.6g} but the answer gives {shown}.")
    return _result(answer_id, target.id, "incorrect", 0.0, feedback, start, counterexample=counterexample,
                   method="numeric", read_as=read)


def _diagnose(target: Target, expr: sp.Expr):
    """The catalogued mistake that equals the answer at every point, or None."""
    pts, _, mistake_values = _reference(target.id, *_DIAGNOSIS_POINTS)
    try:
        values = [evaluate(expr, p) for p in pts]
    except EvaluationError:
        return None
    for mistake, expected in zip(target.mistakes, mistake_values):
        if expected is not None and all(agree(a, b) for a, b in zip(values, expected)):
            return mistake
    return None


#: Seed and number of the points on which an answer is matched against the mistakes.
_DIAGNOSIS_POINTS = (1, 12)


def _confirm(target: Target, expr: sp.Expr) -> tuple[str, str]:
    """``("symbolic", ...)`` when the proof engine proves answer = reference, else ``("numeric", why)``."""
    return _proof(target.id, expr)


@lru_cache(maxsize=4096)
def _proof(target_id: str, expr: sp.Expr) -> tuple[str, str]:
    """``_confirm``'s work, once per distinct expression: a class submits the same answer many
    times, and one proof costs up to seconds (functionals expanded on three atoms)."""
    target = TARGETS[target_id]
    if sp.expand(expr - target.reference) == 0:
        return "symbolic", "equal after expansion"
    if target.kind == FUNCTIONALS and _equal_integrands(expr, target.reference):
        return "symbolic", "equal integrands (∫ p_r = ∫ p_g = 1 for constants)"
    try:
        difference_domain = _symbolic_domain(target, expr)
    except ValueError as exc:
        return "numeric", str(exc)
    lhs, rhs, domain = difference_domain
    # The answer already agreed at every random point: only the proof is missing.
    try:
        verdict = Equal(lhs, rhs).prove(domain)
    except DomainError as exc:
        # Symbols whose assumptions say more than the domain built for them: no proof.
        return "numeric", str(exc)
    if verdict.status == PROVED:
        return "symbolic", verdict.method
    return "numeric", verdict.method


def _integrand(expr: sp.Expr):
    """``g`` with ``expr = ∫ g dx`` for a linear combination of functionals and constants, or None.

    KL(p‖q) = ∫ p log(p/q), JSD(p‖q) = ∫ ½p log(2p/(p+q)) + ½q log(2q/(p+q)), E_p[f] = ∫ p f, and a
    constant c = ∫ c (p_r + p_g)/2, since both densities integrate to 1.
    """
    if isinstance(expr, sp.Add):
        parts = [_integrand(a) for a in expr.args]
        return None if any(p is None for p in parts) else sp.Add(*parts)
    functionals = (IntegralDx, Expectation, KLDivergence, JSDivergence)
    if not expr.has(*functionals):
        return None if expr.has(*DENSITIES) else expr * (DENSITIES[0] + DENSITIES[1]) / 2
    if isinstance(expr, sp.Mul):
        inside = [a for a in expr.args if a.has(*functionals)]
        outside = sp.Mul(*(a for a in expr.args if not a.has(*functionals)))
        if len(inside) != 1 or outside.has(*DENSITIES):
            return None
        g = _integrand(inside[0])
        return None if g is None else outside * g
    if any(a.has(*functionals) for a in expr.args):
        return None  # a functional inside a functional or a function of one: no pointwise form
    if isinstance(expr, IntegralDx):
        return expr.args[0]
    if isinstance(expr, Expectation):
        return expr.args[0] * expr.args[1]
    p, q = expr.args
    if isinstance(expr, KLDivergence):
        return p * sp.log(p / q)
    if isinstance(expr, JSDivergence):
        return (p * sp.log(2 * p / (p + q)) + q * sp.log(2 * q / (p + q))) / 2
    return None


def _equal_integrands(answer: sp.Expr, reference: sp.Expr) -> bool:
    """Both sides are ∫ of integrands that are equal at every x (sufficient, not necessary).

    ``expand_log`` splits only logs of factors SymPy knows positive (the densities are positive
    symbols), so no branch of the logarithm is assumed.
    """
    a, b = _integrand(answer), _integrand(reference)
    if a is None or b is None:
        return False
    return sp.expand(sp.expand_log(sp.expand(a - b))) == 0


def _products_as_beta_bar(expr: sp.Expr) -> sp.Expr:
    """``∏_{i=1}^{k} (1-β_i)^p`` → ``β̄_k^p``, so the engine sees the schedule's named products."""
    def rewrite(product):
        body, (i, lower, upper) = product.args[0], product.args[1]
        base, power = body.as_base_exp()
        if lower == 1 and sp.simplify(base - (1 - beta(i))) == 0:
            return beta_bar(upper) ** power
        return product

    return expr.replace(lambda e: isinstance(e, sp.Product), rewrite)


def _symbolic_domain(target: Target, expr: sp.Expr):
    """Both sides in the engine's atoms, and the domain that ties the schedule together."""
    lhs, rhs = _products_as_beta_bar(target.reference), _products_as_beta_bar(expr)
    if lhs.has(sp.Product, sp.Sum) or rhs.has(sp.Product, sp.Sum):
        raise ValueError("a product or sum that is not the schedule's ∏(1-β_i)")
    intervals, definitions = {}, {}
    if target.kind == FUNCTIONALS:
        from genverify.derivations.gan_generator_objective import DISCRETE

        P, Q, discrete_intervals, discrete_definitions = DISCRETE[3]
        atoms = [{DENSITIES[0]: r, DENSITIES[1]: g} for r, g in zip(P.probabilities, Q.probabilities)]
        lhs, rhs = expand_functionals(lhs, atoms), expand_functionals(rhs, atoms)
        intervals.update(discrete_intervals)
        definitions.update(discrete_definitions)
    offsets = {k - t for e in (lhs, rhs) for k in (a.args[0] for a in e.atoms(beta_bar))} | {sp.Integer(-1)}
    if not all(o.is_Integer for o in offsets):
        raise ValueError("schedule indices other than t plus a constant")
    low, high = min(map(int, offsets)), max(map(int, offsets))
    intervals[beta_bar(t + low)] = (0, 1)
    for o in range(low + 1, high + 1):
        definitions[beta_bar(t + o)] = (1 - beta(t + o)) * beta_bar(t + o - 1)
    for e in (lhs, rhs, *definitions.values()):
        for a in e.atoms(beta):
            intervals.setdefault(a, (0, 1))
    for s in lhs.free_symbols | rhs.free_symbols | set().union(*(d.free_symbols for d in definitions.values())):
        if s == t or s in intervals:
            continue
        intervals[s] = (0, sp.oo) if s in DENSITIES or s.is_positive else (-sp.oo, sp.oo)
    binary = (M,) if target.kind == INPAINTING else ()
    intervals.pop(M, None)
    return lhs, rhs, Domain(intervals=intervals, binary=binary, definitions=definitions)
