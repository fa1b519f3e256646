"""The proof engine: a claim, its assumptions and a chain of steps, each machine-checked.

A *relation* (``Equal``, ``Less``, ``LimitIs``, ``UniqueRoot``, ``ArgMax``, ``Induction``,
``All``) is a statement about SymPy expressions whose free quantities live in a ``Domain``.
``Relation.check(domain, rng)`` returns a ``Verdict``:

- ``proved``: a symbolic argument succeeded; ``method`` names it (``simplify``, positivity of
  a numerator with positive coefficients, a case split over a binary mask, ``sympy.limit``...);
- ``refuted``: a point of the domain where the relation fails, found by evaluating both sides
  at 40 significant digits; ``counterexample`` holds the point and both sides' values;
- ``undecided``: no counterexample was found but SymPy could not prove it.  It is never
  counted as proved.

Points are searched first because a wrong formula is refuted in milliseconds, while SymPy's
simplification of a false identity can take long and proves nothing.

Symbolic checks replace each quantity with an open interval ``(lo, hi)`` by
``lo + (hi - lo)·u/(1+u)`` with ``u > 0`` a fresh positive symbol (``lo + u`` when
``hi = ∞``).  The map is a bijection onto the interval, so an identity or inequality proved
for all ``u > 0`` holds on the whole domain; and it lets SymPy see, say, that ``1 - β_t > 0``,
which its assumption system cannot express directly.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

PROVED, REFUTED, UNDECIDED = "proved", "refuted", "undecided"

#: Significant digits of the numeric search; a true identity then agrees to ~1e-38.
DIGITS = 40
#: Relative size of a difference that counts as a disagreement (far above round-off at
#: ``DIGITS``, far below any genuine error of a formula).
TOLERANCE = mpmath.mpf("1e-25")
#: Points tried per relation when searching for a counterexample.
POINTS = 48


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking one relation."""

    status: str
    method: str
    counterexample: Mapping[str, str] | None = None

    @property
    def proved(self) -> bool:
        return self.status == PROVED


def combine(verdicts: Sequence[tuple[str, Verdict]]) -> Verdict:
    """All parts proved → proved; any part refuted → refuted (naming it); else undecided."""
    for label, v in verdicts:
        if v.status == REFUTED:
            method = f"{label}: {v.method}" if label else v.method
            return Verdict(REFUTED, method, v.counterexample)
    methods = list(dict.fromkeys(v.method for _, v in verdicts))
    if all(v.proved for _, v in verdicts):
        return Verdict(PROVED, "; ".join(methods))
    undecided = [label or v.method for label, v in verdicts if v.status == UNDECIDED]
    return Verdict(UNDECIDED, "could not decide: " + "; ".join(undecided))


# --------------------------------------------------------------------------- domains


@dataclass(frozen=True)
class Domain:
    """Where each free quantity of a derivation lives.

    ``intervals`` maps an atom (a symbol, ``beta(t)``, ``f(θ)``, ``Derivative(f(θ), θ)``...)
    to an open interval ``(lo, hi)``; bounds may use atoms listed before it (``D ∈ (0, ε)``).
    ``binary`` atoms take the values 0 and 1 (a mask), ``integers`` a closed range.
    ``definitions`` rewrite a quantity in terms of others (``β̄_t = (1-β_t) β̄_{t-1}``) and
    are applied before every check.  ``hypotheses`` are shown to the reader only.
    """

    intervals: Mapping[sp.Basic, tuple] = field(default_factory=dict)
    binary: Sequence[sp.Basic] = ()
    integers: Mapping[sp.Basic, tuple[int, int]] = field(default_factory=dict)
    definitions: Mapping[sp.Basic, sp.Expr] = field(default_factory=dict)
    hypotheses: Sequence[str] = ()

    def interval(self, atom: sp.Basic) -> tuple[sp.Expr, sp.Expr]:
        lo, hi = self.intervals[atom]
        return sp.sympify(lo), sp.sympify(hi)

    def without(self, atom: sp.Basic) -> "Domain":
        """The domain with ``atom`` bound (a limit or a solve variable).

        Quantities whose interval depends on ``atom`` go with it.
        """
        removed, intervals = {atom}, {}
        for a, bounds in self.intervals.items():
            if a in removed or any(sp.sympify(e).has(*removed) for e in bounds):
                removed.add(a)
            else:
                intervals[a] = bounds
        return Domain(intervals, self.binary, self.integers, self.definitions, self.hypotheses)

    def apply_definitions(self, expr):
        for _ in range(16):
            new = expr.xreplace(dict(self.definitions))
            if new == expr:
                return new
            expr = new
        raise ValueError("definitions do not terminate")

    def prepare(self, expr):
        """Expand notation functions (``KL``, ``JSD``, derivatives) and apply definitions."""
        return self.apply_definitions(sp.sympify(expr).doit())

    # -- symbolic form -------------------------------------------------------------------

    def symbolic_maps(self, keep: sp.Basic | None = None):
        """Atom → expression in fresh symbols that SymPy's assumptions understand.

        Yields two maps, cheapest first: plain symbols carrying only their sign, then the
        reparametrisation of every bounded interval (see the module docstring).  ``keep`` stays
        a plain real symbol in both (a variable to solve for).
        """
        yield self._symbolic_map(keep, reparametrise=False)
        yield self._symbolic_map(keep, reparametrise=True)

    def _symbolic_map(self, keep, reparametrise: bool) -> dict:
        mapping: dict = {}
        for atom, (lo, hi) in self.intervals.items():
            lo, hi = sp.sympify(lo).xreplace(mapping), sp.sympify(hi).xreplace(mapping)
            if atom == keep or (lo == -sp.oo and hi == sp.oo):
                mapping[atom] = sp.Dummy(_name(atom), real=True)
            elif not reparametrise:
                mapping[atom] = sp.Dummy(_name(atom), real=True, positive=True if lo.is_nonnegative else None)
            elif hi == sp.oo:
                mapping[atom] = lo + sp.Dummy(_name(atom), positive=True)
            elif lo == -sp.oo:
                mapping[atom] = hi - sp.Dummy(_name(atom), positive=True)
            else:
                u = sp.Dummy(_name(atom), positive=True)
                mapping[atom] = lo + (hi - lo) * u / (1 + u)
        for atom, (lo, _) in self.integers.items():
            mapping[atom] = sp.Dummy(_name(atom), integer=True, positive=lo >= 1)
        return mapping

    def binary_cases(self):
        """Every assignment of 0/1 to the binary atoms (a finite case split)."""
        for values in itertools.product((0, 1), repeat=len(self.binary)):
            yield dict(zip(self.binary, map(sp.Integer, values)))

    # -- numeric form ------------------------------------------------------------------

    def sample(self, rng: np.random.Generator) -> dict:
        """One random point of the domain, away from the interval ends."""
        point: dict = {}
        for atom, (lo, hi) in self.intervals.items():
            lo = sp.sympify(lo).xreplace(point)
            hi = sp.sympify(hi).xreplace(point)
            if lo == -sp.oo and hi == sp.oo:
                value = rng.normal(0.0, 1.5)
            elif hi == sp.oo:
                value = float(lo) + float(np.exp(rng.normal(0.0, 1.0)))
            elif lo == -sp.oo:
                value = float(hi) - float(np.exp(rng.normal(0.0, 1.0)))
            else:
                value = float(lo) + (float(hi) - float(lo)) * rng.uniform(0.05, 0.95)
            point[atom] = sp.Float(value, DIGITS)
        for atom in self.binary:
            point[atom] = sp.Integer(int(rng.integers(0, 2)))
        for atom, (lo, hi) in self.integers.items():
            point[atom] = sp.Integer(int(rng.integers(lo, hi + 1)))
        return point

    def atoms(self) -> list[sp.Basic]:
        return [*self.intervals, *self.binary, *self.integers]


def _name(atom: sp.Basic) -> str:
    """A short readable name for an atom (``∂log p/∂x_1`` rather than ``Derivative(...)``)."""
    if isinstance(atom, sp.Derivative):
        variables = "".join(f"∂{sp.sstr(v)}" for v in atom.variables)
        return f"∂{atom.expr.func}/{variables}"
    return sp.sstr(atom).replace(" ", "")


# --------------------------------------------------------------------------- evaluation


class _Evaluator:
    """Evaluate prepared expressions at domain points, at ``DIGITS`` significant digits."""

    def __init__(self, domain: Domain, exprs: Sequence[sp.Expr]):
        atoms = domain.atoms()
        self.dummies = [sp.Dummy(_name(a)) for a in atoms]
        self.atoms = atoms
        replace = dict(zip(atoms, self.dummies))
        self.functions = []
        for expr in exprs:
            expr = expr.xreplace(replace)
            stray = expr.free_symbols - set(self.dummies)
            stray |= {f for f in expr.atoms(sp.Function) if isinstance(f, sp.core.function.AppliedUndef)}
            if stray:
                raise ValueError(f"quantities not declared in the domain: {sorted(map(str, stray))}")
            self.functions.append(sp.lambdify(self.dummies, expr, modules="mpmath"))
        self.used = [a for a in atoms if any(e.has(a) for e in exprs)]

    def __call__(self, point: dict) -> list | None:
        args = [mpmath.mpf(str(point[a])) if not point[a].is_Integer else int(point[a]) for a in self.atoms]
        try:
            with mpmath.workdps(DIGITS):
                values = [mpmath.mpmathify(f(*args)) for f in self.functions]
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        return values


def _describe(point: dict, extra: Mapping[str, object]) -> dict[str, str]:
    out = {_name(a): mpmath.nstr(mpmath.mpmathify(str(v)), 8) for a, v in point.items()}
    out.update({k: mpmath.nstr(v, 10) if not isinstance(v, str) else v for k, v in extra.items()})
    return out


# --------------------------------------------------------------------------- symbolic helpers


def _normalise_radicands(expr: sp.Expr) -> sp.Expr:
    """Factor every log argument and every radicand so SymPy can split them.

    ``log(a·b) = log a + log b`` and ``√(a·b) = √a·√b`` hold once the factors are known to be
    positive; factoring exposes factors that are sums of positive terms.
    """

    def factor_arg(e):
        return sp.factor(sp.together(e))

    expr = expr.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(factor_arg(e.args[0])))
    expr = expr.replace(
        lambda e: e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer,
        lambda e: sp.Pow(factor_arg(e.base), e.exp),
    )
    return expr


def _algebraic_zero(expr: sp.Expr) -> bool:
    """A sufficient condition for ``expr = 0`` by polynomial algebra.

    Every ``log`` becomes an independent symbol ``L_j`` (after factoring and expanding, so
    ``log(ab)`` is ``log a + log b``), every square root ``√b`` a positive symbol ``s`` subject
    to ``den(b)·s² = num(b)``.  The numerator of the resulting rational function is reduced
    modulo those relations (pseudo-remainders in each ``s``); a zero remainder means ``expr``
    vanishes wherever the relations hold.  Treating logs and roots as free symbols can only
    lose identities, never invent them.
    """
    if expr.has(sp.log):
        expr = sp.expand_log(_normalise_radicands(expr))
        expr = expr.xreplace({L: sp.Dummy("L") for L in expr.atoms(sp.log)})
    radicals: dict = {}

    def root_of(base):
        if base not in radicals:
            radicals[base] = sp.Dummy("s", positive=True)
        return radicals[base]

    expr = expr.replace(lambda e: e.is_Pow and e.exp.is_Rational and e.exp.q == 2,
                        lambda e: root_of(e.base) ** e.exp.p)
    if any(base.has(*radicals.values()) for base in radicals):
        return False  # nested radicals: beyond this argument
    numerator = sp.numer(sp.together(expr))
    for base, s in radicals.items():
        num, den = sp.fraction(sp.together(base))
        numerator = sp.prem(numerator, den * s**2 - num, s)
    return sp.expand(numerator) == 0


#: Zero tests, cheapest first; each is sound (a ``True`` is a proof).
_ZERO_TESTS = (
    ("algebra with roots and logs as symbols", _algebraic_zero),
    ("simplify", lambda e: sp.simplify(e) == 0),
)


def _is_zero(variants: Sequence[sp.Expr]) -> str | None:
    """Name of the first test that reduces one of the equivalent ``variants`` to 0, else None.

    Variants are the same expression in different symbols (see ``Domain.symbolic_maps``);
    every cheap test is tried on all of them before the expensive ``simplify``.
    """
    for name, test in _ZERO_TESTS:
        for v in variants:
            try:
                if test(v):
                    return name
            except BasePolynomialError:
                continue  # outside the algebra this test handles: no conclusion
    return None


def _sign(expr: sp.Expr, strict: bool) -> str | None:
    """Name of the argument showing ``expr > 0`` (or ``≥ 0``), else None."""
    numer, denom = sp.fraction(sp.factor(sp.together(expr)))
    for n, d in ((numer, denom), (sp.expand(numer), sp.expand(denom))):
        if strict and ((n.is_positive and d.is_positive) or (n.is_negative and d.is_negative)):
            return "sign of numerator and denominator"
        if not strict and ((n.is_nonnegative and d.is_positive) or (n.is_nonpositive and d.is_negative)):
            return "sign of numerator and denominator"
    return None


# --------------------------------------------------------------------------- relations


class Relation:
    """A statement about SymPy expressions that can be checked on a ``Domain``."""

    def check(self, domain: Domain, rng: np.random.Generator) -> Verdict:
        raise NotImplementedError


def _search(domain: Domain, exprs, fails: Callable[[list], bool], rng, describe) -> Verdict | None:
    """Evaluate at random points; a refuted verdict at the first failing point, else None.

    Returns an undecided verdict when no point of the domain could be evaluated.
    """
    evaluator = _Evaluator(domain, exprs)
    evaluated = 0
    for _ in range(POINTS):
        point = domain.sample(rng)
        values = evaluator(point)
        if values is None:
            continue
        evaluated += 1
        if fails(values):
            shown = {a: point[a] for a in evaluator.used}
            return Verdict(REFUTED, f"counterexample at {DIGITS} digits", _describe(shown, describe(values)))
    if evaluated == 0:
        return Verdict(UNDECIDED, "no point of the domain could be evaluated")
    return None


@dataclass(frozen=True)
class Equal(Relation):
    """``lhs = rhs`` everywhere on the domain (scalars, or matrices entry by entry)."""

    lhs: sp.Basic
    rhs: sp.Basic

    def check(self, domain, rng):
        lhs, rhs = sp.sympify(self.lhs), sp.sympify(self.rhs)
        if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
            if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)) or lhs.shape != rhs.shape:
                return Verdict(REFUTED, "shapes differ", {"lhs": str(getattr(lhs, "shape", "scalar")),
                                                          "rhs": str(getattr(rhs, "shape", "scalar"))})
            parts = [(f"entry {i + 1}", Equal(a, b).check(domain, rng)) for i, (a, b) in enumerate(zip(lhs, rhs))]
            return combine(parts)
        lhs, rhs = domain.prepare(lhs), domain.prepare(rhs)

        def fails(values):
            l, r = values
            return abs(l - r) > TOLERANCE * (1 + abs(l) + abs(r))

        refuted = _search(domain, [lhs, rhs], fails, rng, lambda v: {"lhs": v[0], "rhs": v[1]})
        return refuted or self.prove(domain)

    def prove(self, domain) -> Verdict:
        """The symbolic half of ``check``: proved, or undecided; never searches for a point.

        For callers that have already compared both sides numerically (the grader).
        """
        lhs, rhs = domain.prepare(self.lhs), domain.prepare(self.rhs)
        methods = []
        for case in domain.binary_cases():
            difference = (lhs - rhs).xreplace(case)
            method = _is_zero([difference.xreplace(m) for m in domain.symbolic_maps()])
            if method is None:
                return Verdict(UNDECIDED, "no counterexample, but SymPy could not simplify the difference to 0")
            methods.append(method)
        method = "; ".join(dict.fromkeys(methods))
        if domain.binary:
            method += f" (case split over {2 ** len(domain.binary)} values of the binary quantities)"
        return Verdict(PROVED, method)


@dataclass(frozen=True)
class Less(Relation):
    """``lhs < rhs`` (or ``≤`` with ``strict=False``) everywhere on the domain."""

    lhs: sp.Expr
    rhs: sp.Expr
    strict: bool = True

    def check(self, domain, rng):
        gap = domain.prepare(sp.sympify(self.rhs) - sp.sympify(self.lhs))

        def fails(values):
            (g,) = values
            if g.imag != 0:
                return True
            return g <= 0 if self.strict else g < -TOLERANCE * (1 + abs(g))

        refuted = _search(domain, [gap], fails, rng, lambda v: {"rhs - lhs": v[0]})
        if refuted:
            return refuted
        methods = []
        for case in domain.binary_cases():
            gap_case = gap.xreplace(case)
            method = next(filter(None, (_sign(gap_case.xreplace(m), self.strict) for m in domain.symbolic_maps())), None)
            if method is None:
                return Verdict(UNDECIDED, "no counterexample, but SymPy could not establish the sign")
            methods.append(method)
        return Verdict(PROVED, "; ".join(dict.fromkeys(methods)))


@dataclass(frozen=True)
class LimitIs(Relation):
    """``lim_{var → point} expr = value``; ``var`` is bound, other quantities range over the domain."""

    expr: sp.Expr
    var: sp.Symbol
    point: sp.Expr
    value: sp.Expr

    def check(self, domain, rng):
        inner = domain.without(self.var)
        expr = domain.prepare(self.expr)
        try:
            limit = sp.limit(expr, self.var, self.point)
        except (NotImplementedError, ValueError) as exc:
            return Verdict(UNDECIDED, f"sympy.limit failed: {exc}")
        if limit.has(sp.Limit) or limit.has(sp.AccumBounds):
            return Verdict(UNDECIDED, "sympy.limit returned no definite value")
        verdict = Equal(limit, self.value).check(inner, rng)
        method = f"sympy.limit gives {sp.sstr(limit)}; {verdict.method}"
        return Verdict(verdict.status, method, verdict.counterexample)


@dataclass(frozen=True)
class UniqueRoot(Relation):
    """``expr = 0`` has exactly one solution for ``var`` on its interval, namely ``value``."""

    expr: sp.Expr
    var: sp.Symbol
    value: sp.Expr

    def check(self, domain, rng):
        expr = domain.prepare(self.expr)
        at_value = Equal(expr.subs(self.var, self.value), 0).check(domain.without(self.var), rng)
        if at_value.status != PROVED:
            return Verdict(at_value.status, "expression at the claimed root: " + at_value.method,
                           at_value.counterexample)
        *_, mapping = domain.symbolic_maps(keep=self.var)
        x = mapping[self.var]
        numer = sp.numer(sp.together(expr.xreplace(mapping)))
        if not numer.is_polynomial(x):
            return Verdict(UNDECIDED, "the numerator is not a polynomial in " + _name(self.var))
        roots = sp.solve(numer, x)
        value = sp.sympify(self.value).xreplace(mapping)
        if roots and all(_is_zero([r - value]) for r in roots):
            return Verdict(PROVED, "the numerator is a polynomial whose only root is the claimed one")
        return Verdict(UNDECIDED, f"the numerator has roots {roots} besides the claimed one")


@dataclass(frozen=True)
class All(Relation):
    """The conjunction of labelled relations."""

    parts: tuple[tuple[str, Relation], ...]

    def check(self, domain, rng):
        return combine([(label, rel.check(domain, rng)) for label, rel in self.parts])


def ArgMax(f: sp.Expr, var: sp.Symbol, value: sp.Expr, interval: tuple, sense: str = "max") -> All:
    """``value`` is the unique maximiser (``sense="min"``: minimiser) of ``f`` over ``interval``.

    Sufficient conditions, each checked: the value lies inside the open interval, the
    derivative's only zero there is the value, and the second derivative has one strict sign
    on the whole interval (strict concavity, resp. convexity).
    """
    lo, hi = map(sp.sympify, interval)
    f1, f2 = sp.diff(f, var), sp.diff(f, var, 2)
    curvature = Less(f2, 0) if sense == "max" else Less(0, f2)
    inside = []
    if lo.is_finite:
        inside.append(("lower end below the value", Less(lo, value)))
    if hi.is_finite:
        inside.append(("value below the upper end", Less(value, hi)))
    return All((
        *inside,
        ("stationary point", UniqueRoot(f1, var, value)),
        ("concave" if sense == "max" else "convex", curvature),
    ))


def Induction(closed: sp.Lambda, recurrence: sp.Lambda, initial: sp.Expr, index: sp.Symbol, base: int = 0) -> All:
    """``closed(k)`` solves ``a_k = recurrence(a_{k-1}, k)`` with ``a_base = initial``.

    Checked as the base case ``closed(base) = initial`` and the inductive step
    ``closed(index) = recurrence(closed(index - 1), index)`` for symbolic ``index``.
    """
    return All((
        ("base case", Equal(closed(base), initial)),
        ("inductive step", Equal(closed(index), recurrence(closed(index - 1), index))),
    ))


# --------------------------------------------------------------------------- derivations


@dataclass(frozen=True)
class Step:
    """One step of a derivation: what it asserts and why."""

    relation: Relation
    why: str
    #: Shown as ``= rhs`` continuing the previous line (a chain of equalities).
    chained: bool = False


def chain(start: sp.Expr, *steps: tuple[sp.Expr, str]) -> tuple[Step, ...]:
    """``start = e_1 = e_2 = ...``: each consecutive pair is one checked step."""
    out, previous = [], start
    for expr, why in steps:
        out.append(Step(Equal(previous, expr), why, chained=bool(out)))
        previous = expr
    return tuple(out)


@dataclass(frozen=True)
class Derivation:
    """A claim, the domain it holds on, and the steps that establish it."""

    claim: Relation
    statement: str
    domain: Domain
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class StepReport:
    step: Step
    verdict: Verdict
    seconds: float


@dataclass(frozen=True)
class Report:
    derivation: Derivation
    steps: tuple[StepReport, ...]
    claim: Verdict
    seconds: float

    @property
    def status(self) -> str:
        """Proved only when every step and the claim are proved."""
        return combine([("", s.verdict) for s in self.steps] + [("", self.claim)]).status

    @property
    def first_failure(self) -> int | None:
        """Index of the first step that is not proved (``len(steps)`` for the claim)."""
        for i, s in enumerate(self.steps):
            if not s.verdict.proved:
                return i
        return None if self.claim.proved else len(self.steps)


def check(derivation: Derivation, rng: np.random.Generator) -> Report:
    """Check every step and the claim of ``derivation`` on its domain."""
    start = time.perf_counter()
    reports = []
    for step in derivation.steps:
        t0 = time.perf_counter()
        verdict = step.relation.check(derivation.domain, rng)
        reports.append(StepReport(step, verdict, time.perf_counter() - t0))
    claim = derivation.claim.check(derivation.domain, rng)
    return Report(derivation, tuple(reports), claim, time.perf_counter() - start)
