"""Evaluate an answer and the reference at random points of the target's domain.

A *point* fixes everything an answer may mention: a concrete random schedule ``β_1..β_T`` and a
time ``t`` (so ``β̄``, ``∏`` and ``σ_q(t)²`` get values that satisfy every schedule identity),
values of ``x_t``, ``x_0``, ``x``, ``x_known``, ``s_θ(x)``, a binary mask value, positive
density values, two random discrete distributions on which ``∫``, ``E``, ``KL`` and ``JSD``
are finite sums, and for a ``GAUSSIANS`` target two Gaussians' means ``μ_1, μ_2`` and standard
deviations ``σ_1, σ_2 > 0``.  ``evaluate`` compiles an expression once into closures that
compute it with mpmath at ``DIGITS`` significant digits, then runs them at each point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from genverify.derivations.notation import beta, beta_bar
from genverify.grading.functionals import DENSITIES, Expectation, IntegralDx, JSDivergence, KLDivergence, \
    expand_functionals
from genverify.grading.targets import FUNCTIONALS, GAUSSIANS, INPAINTING, M, Target, mu_1, mu_2, s_theta, sigma_1, \
    sigma_2, t, x, x_0, x_known, x_t

#: Working precision.  High enough that an offset a student might add to game a numeric
#: comparison (``+ 10^{-20}``, ``+ β_t^{100}`` with β_t ≥ 0.13) shows up as a disagreement.
DIGITS = 120
#: Relative disagreement that makes two values different: 20 digits above round-off at DIGITS,
#: which leaves room for cancellation between large terms of a correct answer.
RTOL = mpmath.mpf("1e-100")


@dataclass(frozen=True)
class Point:
    """One random point: a schedule and time, symbol values and discrete distributions."""

    betas: tuple[float, ...]
    t: int
    values: dict = field(default_factory=dict)
    atoms: tuple[dict, ...] = ()

    def describe(self, used: set, schedule: bool) -> dict:
        """The point as JSON-ready data for a counterexample: the schedule at t (when
        ``schedule``) and the values of the ``used`` symbols."""
        out = {}
        if schedule:
            b = np.asarray(self.betas)
            out = {"t": self.t, "T": len(b), "β_t": b[self.t - 1],
                   "β̄_{t-1}": float(np.prod(1 - b[: self.t - 1])), "β̄_t": float(np.prod(1 - b[: self.t]))}
        # With discrete distributions the densities only appear inside functionals, as atoms.
        out.update({sp.sstr(k): float(v) for k, v in self.values.items()
                    if k in used and not (self.atoms and k in DENSITIES)})
        if self.atoms:
            out["p_r atoms"] = [float(a[DENSITIES[0]]) for a in self.atoms]
            out["p_g atoms"] = [float(a[DENSITIES[1]]) for a in self.atoms]
        return out


def draw_points(target: Target, rng: np.random.Generator, n: int) -> list[Point]:
    """``n`` points for ``target``; schedules have T in [3, 40] and β log-uniform in [1e-3, 0.5]."""
    points = []
    for _ in range(n):
        T = int(rng.integers(3, 41))
        betas = tuple(float(b) for b in np.exp(rng.uniform(np.log(1e-3), np.log(0.5), T)))
        step = int(rng.integers(2, T))  # 2..T-1: β_{t-1} and β_{t+1} exist too
        values = {x_t: rng.normal(0, 1.5), x_0: rng.normal(0, 1.5), x: rng.normal(0, 1.5),
                  x_known: rng.normal(0, 1.5), s_theta: rng.normal(0, 1.5),
                  M: float(rng.integers(0, 2)) if target.kind == INPAINTING else 1.0,
                  **{d: float(np.exp(rng.normal(0, 0.7))) for d in DENSITIES}}
        if target.kind == GAUSSIANS:
            # Drawn only here, so the other targets' points stay the draws they always were.
            values.update({mu_1: rng.normal(0, 1.5), mu_2: rng.normal(0, 1.5),
                           sigma_1: float(np.exp(rng.normal(0, 0.5))), sigma_2: float(np.exp(rng.normal(0, 0.5)))})
        atoms = ()
        if target.kind == FUNCTIONALS:
            k = int(rng.integers(2, 6))
            r, g = _normalised(rng.dirichlet(np.ones(k))), _normalised(rng.dirichlet(np.ones(k)))
            atoms = tuple({DENSITIES[0]: ri, DENSITIES[1]: gi} for ri, gi in zip(r, g))
        points.append(Point(betas, step, values, atoms))
    return points


def _normalised(weights) -> list[sp.Float]:
    """Probabilities summing to 1 at ``DIGITS`` digits: a float sum off by 1e-16 would make
    ``∫ (p_r + p_g) log 2 dx`` differ from ``log 4`` by more than ``RTOL``."""
    with mpmath.workdps(DIGITS):
        exact = [mpmath.mpf(float(w)) for w in weights]
        total = mpmath.fsum(exact)
        return [sp.Float(w / total, DIGITS) for w in exact]


class EvaluationError(ValueError):
    """The expression has no finite value at the point (a pole, a log of a negative, ...)."""


#: Largest |x| whose exp(x) is computed: beyond it a value has more than ~10^30000 in magnitude,
#: far from any answer's, and mpmath would need more digits than memory allows
#: (``e^{e^{e^{e^{10}}}}`` raised OverflowError before).
_MAX_EXP_ARGUMENT = 70000
#: Longest ∏/Σ evaluated term by term (schedules have T ≤ 40).
_MAX_TERMS = 10000


def _integer(value, what: str) -> int:
    if isinstance(value, mpmath.mpc) or not mpmath.isint(value):
        raise EvaluationError(f"{what} is not an integer")
    return int(value)


class _Context:
    """What a compiled expression reads besides its symbols: the point's β_k and β̄_k as mpf and
    its atoms' density values."""

    __slots__ = ("betas", "cumulative", "atoms")

    def __init__(self, betas, cumulative, atoms):
        self.betas, self.cumulative, self.atoms = betas, cumulative, atoms


def _compile(e):
    """``e`` as a closure ``f(env, ctx) -> mpf``, built once per expression and run at every point.

    Same values as ``sp.N(e.xreplace(point))`` (principal branches: a negative base under a square
    root gives a complex intermediate, judged at the end), without SymPy rebuilding the expression
    at every substitution or dispatching on node types at every point.
    """
    if isinstance(e, (sp.Symbol, sp.Dummy)):
        def symbol(env, ctx):
            try:
                return env[e]
            except KeyError:
                raise EvaluationError(f"no value for {sp.sstr(e)}") from None
        return symbol
    if isinstance(e, sp.Rational):
        constant = mpmath.mpf(e.p) / e.q
        return lambda env, ctx: constant
    if isinstance(e, sp.Float):
        constant = mpmath.mpf(e._mpf_)
        return lambda env, ctx: constant
    if e is sp.pi or e is sp.E:
        constant = +mpmath.pi if e is sp.pi else +mpmath.e
        return lambda env, ctx: constant
    if isinstance(e, sp.Number):  # zoo, nan, oo
        def infinite(env, ctx):
            raise EvaluationError("not a finite number")
        return infinite
    parts = [_compile(a) for a in e.args] if not isinstance(e, (sp.Product, sp.Sum)) else None
    if isinstance(e, sp.Add):
        def add(env, ctx):
            total = parts[0](env, ctx)
            for f in parts[1:]:
                total += f(env, ctx)
            return total
        return add
    if isinstance(e, sp.Mul):
        def mul(env, ctx):
            out = parts[0](env, ctx)
            for f in parts[1:]:
                out *= f(env, ctx)
            return out
        return mul
    if isinstance(e, sp.Pow):
        return _compile_pow(e, parts[0], parts[1])
    if isinstance(e, sp.exp):
        def exp(env, ctx):
            argument = parts[0](env, ctx)
            _bounded(argument)
            return mpmath.exp(argument)
        return exp
    if isinstance(e, sp.log):
        def log(env, ctx):
            argument = parts[0](env, ctx)
            if argument == 0:
                raise EvaluationError("log of zero")
            return mpmath.log(argument)
        return log
    if isinstance(e, (beta, beta_bar)):
        return _compile_schedule(e, parts[0])
    if isinstance(e, (sp.Product, sp.Sum)):
        return _compile_big(e)
    if isinstance(e, (IntegralDx, Expectation, KLDivergence, JSDivergence)):
        return _compile_functional(e, parts)
    raise EvaluationError(f"cannot evaluate {type(e).__name__}")


def _compile_pow(e, base_of, power_of):
    exponent = e.args[1]
    if exponent.is_Integer:
        n = int(exponent)

        def integer_power(env, ctx):
            base = base_of(env, ctx)
            if n < 0 and base == 0:
                raise EvaluationError("division by zero")
            return base ** n
        return integer_power
    if exponent == sp.S.Half:
        return lambda env, ctx: mpmath.sqrt(base_of(env, ctx))

    def power(env, ctx):
        base, p = base_of(env, ctx), power_of(env, ctx)
        if base == 0:
            if mpmath.re(p) <= 0:
                raise EvaluationError("zero to a non-positive power")
            return mpmath.mpf(0)
        _bounded(p * mpmath.log(base))
        return mpmath.power(base, p)
    return power


def _compile_schedule(e, index_of):
    name, is_beta = sp.sstr(e), isinstance(e, beta)

    def schedule(env, ctx):
        T = len(ctx.betas)
        k = _integer(index_of(env, ctx), name)
        if is_beta:
            if not 1 <= k <= T:
                raise EvaluationError(f"{name} is outside the schedule (T = {T})")
            return ctx.betas[k - 1]
        if not 0 <= k <= T:
            raise EvaluationError(f"{name} is outside the schedule (T = {T})")
        return ctx.cumulative[k]
    return schedule


def _compile_big(e):
    body_of = _compile(e.args[0])
    i, lower, upper = e.args[1]
    lower_of, upper_of = _compile(lower), _compile(upper)
    product = isinstance(e, sp.Product)

    def big(env, ctx):
        a = _integer(lower_of(env, ctx), "a bound of ∏/Σ")
        b = _integer(upper_of(env, ctx), "a bound of ∏/Σ")
        # Karr's convention, as SymPy's doit: an upper bound below lower - 1 inverts the range.
        inverted = b < a - 1
        if inverted:
            a, b = b + 1, a - 1
        if b - a + 1 > _MAX_TERMS:
            raise EvaluationError(f"more than {_MAX_TERMS} terms")
        local = dict(env)
        out = mpmath.mpf(1) if product else mpmath.mpf(0)
        for j in range(a, b + 1):
            local[i] = mpmath.mpf(j)
            if product:
                out *= body_of(local, ctx)
            else:
                out += body_of(local, ctx)
        if inverted:
            return 1 / out if product else -out
        return out
    return big


def _compile_functional(e, parts):
    """∫, E, KL, JSD as finite sums over the point's atoms (``functionals.expand_functionals``)."""
    kind = type(e)

    def functional(env, ctx):
        if not ctx.atoms:
            raise EvaluationError("a functional needs the discrete distributions")
        total = mpmath.mpf(0)
        for atom in ctx.atoms:
            local = {**env, **atom}
            args = [f(local, ctx) for f in parts]
            if kind is IntegralDx:
                total += args[0]
            elif kind is Expectation:
                total += args[0] * args[1]
            elif kind is KLDivergence:
                total += args[0] * mpmath.log(args[0] / args[1])
            else:
                p, q = args
                m = (p + q) / 2
                total += (p * mpmath.log(p / m) + q * mpmath.log(q / m)) / 2
        return total
    return functional


@lru_cache(maxsize=4096)
def _compiled(expr: sp.Expr):
    with mpmath.workdps(DIGITS):
        try:
            return _compile(expr), None
        except EvaluationError as exc:
            return None, exc


#: Per point (by id, holding the point so the id stays its own): the symbol values, β_k and β̄_k
#: as mpf, and the atoms' density values; points are reused across every answer of a target.
_PREPARED: dict[int, tuple] = {}


def _prepared(point: Point) -> tuple:
    entry = _PREPARED.get(id(point))
    if entry is None or entry[0] is not point:
        env = {t: mpmath.mpf(point.t), **{k: mpmath.mpf(v) for k, v in point.values.items()}}
        betas = [mpmath.mpf(b) for b in point.betas]
        cumulative = [mpmath.mpf(1)]
        for b in betas:
            cumulative.append(cumulative[-1] * (1 - b))
        atoms = [{k: mpmath.mpf(v._mpf_) for k, v in atom.items()} for atom in point.atoms]
        if len(_PREPARED) > 4096:
            _PREPARED.clear()
        entry = _PREPARED[id(point)] = (point, env, betas, cumulative, atoms)
    return entry[1:]


def _bounded(argument) -> None:
    if mpmath.re(argument) > _MAX_EXP_ARGUMENT:
        raise EvaluationError(f"the value exceeds e^{_MAX_EXP_ARGUMENT}")


def evaluate(expr: sp.Expr, point: Point) -> mpmath.mpf:
    """``expr`` at ``point``, at ``DIGITS`` digits; ``EvaluationError`` where it is undefined."""
    function, error = _compiled(expr)
    if error is not None:
        raise EvaluationError(str(error))
    with mpmath.workdps(DIGITS):
        env, betas, cumulative, atoms = _prepared(point)
        try:
            value = function(env, _Context(betas, cumulative, atoms))
        except (ZeroDivisionError, OverflowError) as exc:
            raise EvaluationError(f"not a finite number ({exc})") from None
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > RTOL * (1 + abs(value.real)):
                raise EvaluationError("not a finite real number")
            value = value.real
        if not mpmath.isfinite(value):
            raise EvaluationError("not a finite number")
        return +value


def evaluate_sympy(expr: sp.Expr, point: Point) -> mpmath.mpf:
    """The same value through SymPy (substitute, ``doit``, ``N``): the slow path the walker
    replaced, kept as its oracle in the tests and the benchmark."""
    e = expr.xreplace({t: sp.Integer(point.t)}).doit()
    e = expand_functionals(e, list(point.atoms))
    cumulative = [sp.Integer(1)]
    for b in point.betas:
        cumulative.append(cumulative[-1] * (1 - sp.Rational(b)))
    schedule = {a: sp.Float(point.betas[int(a.args[0]) - 1] if isinstance(a, beta) else cumulative[int(a.args[0])],
                            DIGITS) for a in e.atoms(beta, beta_bar)}
    e = e.xreplace(schedule).xreplace({k: sp.Float(v, DIGITS) for k, v in point.values.items()})
    value = sp.N(e, DIGITS)
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise EvaluationError("not a finite number")
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(sp.Float(sp.re(value), DIGITS)._mpf_)


def agree(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    return abs(a - b) <= RTOL * (1 + abs(a) + abs(b))
