"""The proof engine: computer-algebra checked steps with stated side conditions, plus a
40-digit random falsifier.

A *relation* (``Equal``, ``Less``, ``LimitIs``, ``UniqueRoot``, ``ArgMax``, ``Induction``,
``All``) is a statement about SymPy expressions whose free quantities live in a ``Domain``.
``Relation.check(domain, rng)`` first checks the domain itself (``Domain.side_conditions``):
each atom's SymPy assumptions must follow from its declared interval, range or {0, 1}
(``positive=True`` on (-1, 1) is refused), every interval must be nonempty and every definition
must respect its quantity's interval and assumptions; a violation found at a point raises
``DomainError``.  Then it returns a ``Verdict``:

- ``proved``: the relation holds at every point of the domain, by a symbolic argument that
  ``method`` names, with its side conditions proved too (a side condition that is neither
  proved nor refuted leaves the verdict undecided):

  - ``Equal``: the difference reduces to 0 (polynomial algebra with roots and logs as
    symbols, else ``sympy.simplify``), in every case of the binary quantities, and every
    divisor and log argument on either side is shown nonzero on the whole domain (an identity
    after cancelling, ``(x²-1)/(x-1) = x+1``, says nothing where ``x = 1``);
  - ``Less``: numerator and denominator of ``rhs - lhs`` have known signs, divisors as above;
  - ``LimitIs``: ``sympy.limit`` from the side(s) the domain allows (from the right at the
    lower end of the variable's interval, from the left at the upper end, both inside, where
    the two one-sided limits must agree) equals the value as an ``Equal``; a point outside the
    interval's closure is undecided, and so is an expression that is not a sum of (other
    quantities) × (function of the variable alone), whose SymPy limit may hold for generic
    parameter values only;
  - ``UniqueRoot``: the value lies inside the interval, the expression vanishes there while its
    denominator does not, and the numerator is ``(x - value)·Q(x)`` with ``Q`` of one strict
    sign on the whole interval for every admissible parameter;
  - ``ArgMax``: the value inside, the unique stationary point, one strict sign of curvature;
  - ``Induction``: base case; the step at ``base + 1`` on the domain specialised there (where
    ``β̄_0 = 1`` is a constant, not a quantity in (0, 1)), and at any other index where a
    quantity becomes constant; the step for a symbolic index on the domain as declared;
  - ``All``: every part proved.

- ``refuted``: a point of the domain where the relation fails, found by evaluating both sides
  at 40 significant digits (a relative disagreement above 1e-25); ``counterexample`` holds the
  point and both sides' values;
- ``undecided``: no counterexample was found but no proof either.  It is never counted as
  proved; a falsehood that no random point exposes (a relative error of 1e-30, a failure only
  at ``p_r = p_g``) lands here.

Points are searched first because a wrong formula is refuted in milliseconds, while SymPy's
simplification of a false identity can take long and proves nothing.  The search is a
falsifier, never a proof: agreement at every point gives at best undecided.

Symbolic checks replace each quantity with an open interval ``(lo, hi)`` by
``lo + (hi - lo)·u/(1+u)`` with ``u > 0`` a fresh positive symbol (``lo + u`` when
``hi = ∞``).  The map is a bijection onto the interval (given ``lo < hi``, a side condition),
so an identity or inequality proved for all ``u > 0`` holds on the whole domain; and it lets
SymPy see, say, that ``1 - β_t > 0``, which its assumption system cannot express directly.
Integer ranges become integer symbols with the sign the range implies (``{0..N}``:
nonnegative).  What is trusted: SymPy's simplification, sign and limit routines, applied to
fresh symbols that carry only the assumptions the domain implies.
"""

from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.core.assumptions import _assume_defined
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


class DomainError(ValueError):
    """The domain contradicts itself: an assumption, an empty interval or a definition."""


@dataclass(frozen=True)
class Domain:
    """Where each free quantity of a derivation lives.

    ``intervals`` maps an atom (a symbol, ``beta(t)``, ``f(θ)``, ``Derivative(f(θ), θ)``...)
    to an open interval ``(lo, hi)``; bounds may use atoms listed before it (``D ∈ (0, ε)``).
    ``binary`` atoms take the values 0 and 1 (a mask), ``integers`` a closed range.
    ``definitions`` rewrite a quantity in terms of others (``β̄_t = (1-β_t) β̄_{t-1}``) and
    are applied before every check.  ``hypotheses`` are shown to the reader only.

    The declarations are checked before any relation is (``side_conditions``): an atom's own
    SymPy assumptions must follow from its declared set, every interval must be nonempty and
    every definition must respect its quantity's interval and assumptions.  A violation found
    at a point raises ``DomainError``; one neither found nor proved makes every verdict on the
    domain at best undecided.
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

    def specialise(self, index: sp.Symbol, value: int) -> "Domain":
        """The domain at ``index = value``: ``β_t ∈ (0, 1)`` becomes ``β_1 ∈ (0, 1)``.

        A quantity that becomes a constant (``β̄_{t-1}`` at t = 1 is ``β̄_0 = 1``) is no longer
        free: its interval and definition, stated for the generic index, are dropped.
        """
        sub = {index: sp.Integer(value)}

        def keep(atom):
            return not isinstance(atom.subs(sub), sp.Number)

        return Domain(
            {a.subs(sub): tuple(sp.sympify(e).subs(sub) for e in b) for a, b in self.intervals.items() if keep(a)},
            tuple(a.subs(sub) for a in self.binary if keep(a)),
            {a.subs(sub): b for a, b in self.integers.items() if keep(a)},
            {a.subs(sub): sp.sympify(v).subs(sub) for a, v in self.definitions.items() if keep(a)},
            self.hypotheses,
        )

    def collapses(self, index: sp.Symbol, value: int) -> bool:
        """Whether some declared quantity is a constant at ``index = value`` (``β̄_0 = 1``)."""
        sub = {index: sp.Integer(value)}
        atoms = [*self.intervals, *self.binary, *self.integers, *self.definitions]
        return any(a.has(index) and isinstance(a.subs(sub), sp.Number) for a in atoms)

    def apply_definitions(self, expr):
        for _ in range(16):
            new = expr.xreplace(dict(self.definitions))
            if new == expr:
                return new
            expr = new
        raise DomainError("definitions do not terminate")

    def prepare(self, expr):
        """Expand notation functions (``KL``, ``JSD``, derivatives) and apply definitions."""
        return self.apply_definitions(sp.sympify(expr).doit())

    # -- consistency ---------------------------------------------------------------------

    def side_conditions(self) -> tuple[str, ...]:
        """The declarations' side conditions that could not be proved (empty: all proved).

        Raises ``DomainError`` for a contradiction: an atom whose SymPy assumptions say more
        than its declared set (``positive=True`` on (-1, 1), or ``integer=True`` on an
        interval), or an empty interval or a definition outside its quantity's set at a
        point.  Rejecting rather than rebuilding the symbols is the sound choice: SymPy uses
        the assumptions while an expression is built (``sqrt(x**2)`` is already ``x`` for a
        positive ``x``), before the engine sees it, so no rebuilding can undo them.
        """
        key = self._key()
        if key not in _SIDE_CONDITIONS:
            _SIDE_CONDITIONS[key] = _consistency(self)
        return _SIDE_CONDITIONS[key]

    def _key(self):
        return (tuple((a, tuple(map(sp.sympify, b))) for a, b in self.intervals.items()), tuple(self.binary),
                tuple(self.integers.items()), tuple(self.definitions.items()))

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
            else:
                mapping[atom] = _on_interval(_name(atom), lo, hi)
        for atom, (lo, hi) in self.integers.items():
            mapping[atom] = sp.Dummy(_name(atom), **_integer_facts(lo, hi))
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


def _on_interval(name: str, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """``lo + (hi - lo)·u/(1+u)`` (``lo + u``, ``hi - u`` for a half-line) with ``u > 0``: a
    bijection from the positive reals onto the open interval (``lo < hi`` is a side condition)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Dummy(name, real=True)
    u = sp.Dummy(name, positive=True)
    if hi == sp.oo:
        return lo + u
    if lo == -sp.oo:
        return hi - u
    return lo + (hi - lo) * u / (1 + u)


def _integer_facts(lo: int, hi: int) -> dict:
    """The SymPy assumptions that every integer in ``lo..hi`` satisfies."""
    facts = {"integer": True}
    if lo >= 1:
        facts["positive"] = True
    elif lo >= 0:
        facts["nonnegative"] = True
    elif hi <= -1:
        facts["negative"] = True
    elif hi <= 0:
        facts["nonpositive"] = True
    return facts


#: Side conditions found unproved, per domain (``Domain.side_conditions``).
_SIDE_CONDITIONS: dict = {}
#: Points at which the declarations are checked numerically; a fixed seed keeps the check a
#: property of the domain rather than of the caller's generator.
_CONSISTENCY_POINTS, _CONSISTENCY_SEED = 16, 0


def _undue_assumptions(atom: sp.Basic, model: sp.Symbol) -> list[str]:
    """The assumptions of ``atom`` that ``model`` (a symbol for its declared set) lacks."""
    return [f"{fact}={value}" for fact in sorted(_assume_defined)
            if (value := getattr(atom, "is_" + fact)) is not None and getattr(model, "is_" + fact) != value]


def _consistency(domain: Domain) -> tuple[str, ...]:
    """``Domain.side_conditions`` uncached: the unproved conditions, or ``DomainError``."""
    mapping = domain._symbolic_map(None, reparametrise=True)
    unproved: list[str] = []
    checks: list[tuple[str, sp.Expr, bool]] = []  # (condition, e, strict): e > 0, or e ≥ 0
    for atom, (lo, hi) in domain.intervals.items():
        lo, hi = sp.sympify(lo), sp.sympify(hi)
        name = f"{_name(atom)} ∈ ({sp.sstr(lo)}, {sp.sstr(hi)})"
        if lo == sp.oo or hi == -sp.oo or (lo.is_number and hi.is_number and not lo < hi):
            raise DomainError(f"inconsistent domain: the interval {name} is empty")
        if lo.is_finite and hi.is_finite and not (lo.is_number and hi.is_number):
            checks.append((f"{sp.sstr(lo)} < {sp.sstr(hi)} (the interval of {_name(atom)} is nonempty)", hi - lo, True))
        lo_m, hi_m = lo.xreplace(mapping), hi.xreplace(mapping)
        if lo_m.is_nonnegative or (lo.is_finite and _sign(lo_m, strict=False)):
            model = sp.Dummy(positive=True)
        elif hi_m.is_nonpositive or (hi.is_finite and _sign(-hi_m, strict=False)):
            model = sp.Dummy(negative=True)
        else:
            model = sp.Dummy(real=True)
        _refuse_undue(atom, model, name)
    for atom, (lo, hi) in domain.integers.items():
        if lo > hi:
            raise DomainError(f"inconsistent domain: the range {_name(atom)} ∈ {{{lo}..{hi}}} is empty")
        _refuse_undue(atom, sp.Dummy(**_integer_facts(lo, hi)), f"{_name(atom)} ∈ {{{lo}..{hi}}}")
    for atom in domain.binary:
        _refuse_undue(atom, sp.Dummy(integer=True, nonnegative=True), f"{_name(atom)} ∈ {{0, 1}}")
    declared = set(domain.atoms())
    for atom, value in domain.definitions.items():
        value = domain.apply_definitions(sp.sympify(value))
        if not _declared(value, declared):
            continue  # only usable where the evaluator would reject the undeclared quantity
        checks.extend(_definition_conditions(domain, atom, value))
    checks = [(c, domain.apply_definitions(e), s) for c, e, s in checks]
    _refute_at_points(domain, checks)
    for condition, expr, strict in checks:
        if not _sign(expr.xreplace(mapping), strict):
            unproved.append(condition)
    return tuple(unproved)


def _refuse_undue(atom, model, declared: str) -> None:
    undue = _undue_assumptions(atom, model)
    if undue:
        raise DomainError(f"inconsistent domain: {_name(atom)} is declared {declared} but created with "
                          f"{', '.join(undue)}; create it with assumptions its set implies")


def _declared(expr: sp.Expr, declared: set) -> bool:
    stray = expr.xreplace({a: sp.Dummy() for a in declared})
    return not any(isinstance(f, sp.core.function.AppliedUndef) for f in stray.atoms(sp.Function)) and \
        all(isinstance(s, sp.Dummy) for s in stray.free_symbols)


#: The assumptions a defined quantity may carry: reality and sign, each checked on its value.
_DEFINABLE_FACTS = frozenset({
    "commutative", "complex", "hermitian", "finite", "real", "extended_real", "positive", "extended_positive",
    "nonnegative", "extended_nonnegative", "negative", "extended_negative", "nonpositive", "extended_nonpositive",
    "nonzero", "extended_nonzero",
})


def _definition_conditions(domain: Domain, atom, value) -> list[tuple[str, sp.Expr, bool]]:
    """What ``atom := value`` must satisfy: ``atom``'s interval and sign assumptions."""
    shown = f"{_name(atom)} := {sp.sstr(value)}"
    out = []
    if atom in domain.intervals:
        lo, hi = domain.interval(atom)
        if lo.is_finite:
            out.append((f"{shown} > {sp.sstr(lo)}", value - lo, True))
        if hi.is_finite:
            out.append((f"{shown} < {sp.sstr(hi)}", hi - value, True))
    if atom in domain.integers or atom in domain.binary or atom.is_integer or atom.is_zero:
        raise DomainError(f"inconsistent domain: {_name(atom)} is defined but also declared integer, "
                          "binary or zero; declare its value instead")
    unchecked = sorted(f for f in _assume_defined if getattr(atom, "is_" + f) and f not in _DEFINABLE_FACTS)
    if unchecked:
        raise DomainError(f"inconsistent domain: {_name(atom)} is defined but created with {', '.join(unchecked)}, "
                          "which a definition is not checked against; create it with sign assumptions only")
    for fact, expr, strict in (("positive", value, True), ("nonnegative", value, False),
                               ("negative", -value, True), ("nonpositive", -value, False)):
        if getattr(atom, "is_" + fact):
            out.append((f"{shown} is {fact} (an assumption of {_name(atom)})", expr, strict))
            break
    else:
        if atom.is_nonzero or atom.is_real:
            # A real (or nonzero) symbol defined by a complex or possibly vanishing value.
            out.append((f"{shown} is real{' and nonzero' if atom.is_nonzero else ''}", value**2, bool(atom.is_nonzero)))
    return out


def _refute_at_points(domain: Domain, checks) -> None:
    """``DomainError`` at the first point where a side condition fails."""
    if not checks:
        return
    rng = np.random.default_rng(_CONSISTENCY_SEED)
    evaluator = _Evaluator(domain, [e for _, e, _ in checks])
    for _ in range(_CONSISTENCY_POINTS):
        point = domain.sample(rng)
        values = evaluator(point)
        if values is None:
            continue
        for (condition, _, strict), v in zip(checks, values):
            holds = v.imag == 0 and (v.real > 0 if strict else v.real >= -TOLERANCE * (1 + abs(v)))
            if not holds:
                shown = ", ".join(f"{_name(a)} = {mpmath.nstr(mpmath.mpmathify(str(point[a])), 6)}" for a in evaluator.used)
                raise DomainError(f"inconsistent domain: {condition} fails at {shown}")


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
            replaced = expr.xreplace(replace)
            stray = replaced.free_symbols - set(self.dummies)
            stray |= {f for f in replaced.atoms(sp.Function) if isinstance(f, sp.core.function.AppliedUndef)}
            if stray:
                raise ValueError(f"quantities not declared in the domain: {sorted(map(str, stray))}")
            self.functions.append(_compiled(tuple(atoms), expr))
        self.used = [a for a in atoms if any(e.has(a) for e in exprs)]

    def __call__(self, point: dict) -> list | None:
        args = [mpmath.mpf(str(point[a])) if not point[a].is_Integer else int(point[a]) for a in self.atoms]
        try:
            with mpmath.workdps(DIGITS):
                values = [mpmath.mpmathify(f(*args)) for f in self.functions]
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None
        return values


# Performance hook (genverify check < 5 s): compiled functions are reused, verdicts never are.
@functools.lru_cache(maxsize=4096)
def _compiled(atoms: tuple, expr: sp.Expr) -> Callable:
    """``expr`` compiled by ``lambdify`` into an mpmath function of ``atoms`` (in that order).

    Chained steps share sides and claims repeat their steps' expressions, so a run compiles
    about half of its expressions more than once; this caches the compilation by expression and
    atoms.  Every relation is still evaluated at its own points and proved on every run.
    """
    dummies = [sp.Dummy() for _ in atoms]
    return sp.lambdify(dummies, expr.xreplace(dict(zip(atoms, dummies))), modules="mpmath")


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
    ``log(ab)`` is ``log a + log b``), every square root ``√b`` a symbol ``s`` subject only
    to ``den(b)·s² = num(b)``, which holds for either branch and for negative ``b`` too (no
    sign is assumed for ``s``, so ``|√b| = √b`` is never used).  The numerator of the resulting rational function is reduced
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
            radicals[base] = sp.Dummy("s")
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


def _vanishing(exprs: Sequence[sp.Expr], domain: Domain) -> list[sp.Expr]:
    """The divisors and log arguments in ``exprs`` not shown nonzero on the whole domain.

    An identity proved after cancelling, ``(x²-1)/(x-1) = x+1``, says nothing where a divisor
    vanishes; a verdict about the whole domain needs every divisor nonzero there.
    """
    bases = set()
    for e in exprs:
        bases |= {b.base for b in e.atoms(sp.Pow) if b.exp.is_negative}
        bases |= {arg.args[0] for arg in e.atoms(sp.log)}
    key = domain._key()
    out = []
    for base in bases:
        if (key, base) not in _NONZERO:
            _NONZERO[(key, base)] = base.is_zero is False or any(
                _sign(base.xreplace(m), strict=True) or _sign(-base.xreplace(m), strict=True)
                for m in domain.symbolic_maps())
        if not _NONZERO[(key, base)]:
            out.append(base)
    return out


#: Whether a divisor was shown nonzero on a domain (``_vanishing``), per (domain, divisor).
_NONZERO: dict = {}


def _undefined_somewhere(exprs, domain) -> Verdict | None:
    vanishing = _vanishing(exprs, domain)
    if vanishing:
        return Verdict(UNDECIDED, "not shown nonzero on the whole domain (a divisor or log argument): "
                       + ", ".join(sorted(sp.sstr(v) for v in vanishing)))
    return None


# --------------------------------------------------------------------------- relations


class Relation:
    """A statement about SymPy expressions that can be checked on a ``Domain``."""

    def check(self, domain: Domain, rng: np.random.Generator) -> Verdict:
        """The verdict on ``domain``; ``DomainError`` when the domain contradicts itself."""
        unproved = domain.side_conditions()
        verdict = self._check(domain, rng)
        if verdict.proved and unproved:
            return Verdict(UNDECIDED, f"{verdict.method}, but the domain's side conditions are not proved: "
                           + "; ".join(unproved))
        return verdict

    def _check(self, domain: Domain, rng: np.random.Generator) -> Verdict:
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

    def _check(self, domain, rng):
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
        return refuted or self._prove(domain)

    def prove(self, domain) -> Verdict:
        """The symbolic half of ``check``: proved, or undecided; never searches for a point.

        For callers that have already compared both sides numerically (the grader).
        """
        unproved = domain.side_conditions()
        verdict = self._prove(domain)
        if verdict.proved and unproved:
            return Verdict(UNDECIDED, f"{verdict.method}, but the domain's side conditions are not proved: "
                           + "; ".join(unproved))
        return verdict

    def _prove(self, domain) -> Verdict:
        lhs, rhs = domain.prepare(self.lhs), domain.prepare(self.rhs)
        methods = []
        for case in domain.binary_cases():
            difference = (lhs - rhs).xreplace(case)
            method = _is_zero([difference.xreplace(m) for m in domain.symbolic_maps()])
            if method is None:
                return Verdict(UNDECIDED, "no counterexample, but SymPy could not simplify the difference to 0")
            undefined = _undefined_somewhere([lhs.xreplace(case), rhs.xreplace(case)], domain)
            if undefined:
                return Verdict(UNDECIDED, f"both sides agree ({method}) where defined, but " + undefined.method)
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

    def _check(self, domain, rng):
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
            undefined = _undefined_somewhere([gap_case], domain)
            if undefined:
                return Verdict(UNDECIDED, f"the sign holds ({method}) where defined, but " + undefined.method)
            methods.append(method)
        return Verdict(PROVED, "; ".join(dict.fromkeys(methods)))


def _variable_interval(domain: Domain, var: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """The interval a bound variable ranges over: declared, or else read off its assumptions."""
    if var in domain.intervals:
        return domain.interval(var)
    if var.is_positive or var.is_nonnegative:
        return sp.Integer(0), sp.oo
    if var.is_negative or var.is_nonpositive:
        return -sp.oo, sp.Integer(0)
    if var.is_real:
        return -sp.oo, sp.oo
    return None


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return a == b or (a.is_finite is not False and b.is_finite is not False and sp.expand(a - b) == 0)


@dataclass(frozen=True)
class LimitIs(Relation):
    """``lim_{var → point} expr = value``, ``var`` approaching ``point`` from inside its interval.

    The direction comes from the domain: from the right at the interval's lower end, from the
    left at its upper end, from both sides inside it (both one-sided limits must exist and
    equal ``value``).  A point outside the interval's closure is undecided.  ``var`` is bound;
    the other quantities range over the domain.
    """

    expr: sp.Expr
    var: sp.Symbol
    point: sp.Expr
    value: sp.Expr

    def _check(self, domain, rng):
        interval = _variable_interval(domain, self.var)
        if interval is None:
            return Verdict(UNDECIDED, f"no interval for the limit variable {_name(self.var)}: declare one")
        inner = domain.without(self.var)
        directions = self._directions(interval, inner, rng)
        if isinstance(directions, Verdict):
            return directions
        terms = self._separate(domain.prepare(self.expr))
        if terms is None:
            return Verdict(UNDECIDED, "the expression is not a sum of (other quantities) × (function of "
                           f"{_name(self.var)} alone): sympy.limit's answer could hold for generic values of the "
                           "other quantities only (lim_{x→0+} x/(x+a) is 0 except at a = 0)")
        parts = []
        for direction in directions:
            side = {"+": "from the right", "-": "from the left"}[direction]
            limits = []
            for coefficient, function in terms:
                try:
                    limit = sp.limit(function, self.var, self.point, direction)
                except (NotImplementedError, ValueError) as exc:
                    return Verdict(UNDECIDED, f"sympy.limit {side} failed: {exc}")
                if limit.has(sp.Limit, sp.AccumBounds, sp.nan, sp.zoo):
                    return Verdict(UNDECIDED, f"sympy.limit {side} returned no definite value ({sp.sstr(limit)})")
                if limit.is_infinite and not (len(terms) == 1 and coefficient.is_number and coefficient != 0):
                    return Verdict(UNDECIDED, f"an infinite limit {side} times {sp.sstr(coefficient)}")
                limits.append(coefficient * limit)
            limit = sp.Add(*limits)
            parts.append((f"limit {side} is {sp.sstr(limit)}", self._compare(limit, side, inner, rng)))
        return combine(parts)

    def _separate(self, expr: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]] | None:
        """``expr = Σ c_i·g_i(var)`` with ``c_i`` free of ``var`` and ``g_i`` free of all else, or None.

        Then ``lim expr = Σ c_i·lim g_i`` for every value of the other quantities, whereas SymPy
        takes the limit of an expression that mixes them for generic values only.
        """
        terms = []
        for term in sp.Add.make_args(sp.expand(expr)):
            coefficient, function = term.as_independent(self.var, as_Add=False)
            if function.free_symbols - {self.var} or any(
                    isinstance(f, sp.core.function.AppliedUndef) for f in function.atoms(sp.Function)):
                return None
            terms.append((coefficient, function))
        return terms

    def _directions(self, interval, inner: Domain, rng) -> tuple[str, ...] | Verdict:
        lo, hi = interval
        point = sp.sympify(self.point)
        if point is sp.oo or point is -sp.oo:
            if (point is sp.oo and hi is sp.oo) or (point is -sp.oo and lo is -sp.oo):
                return ("-",) if point is sp.oo else ("+",)
            return Verdict(UNDECIDED, f"{sp.sstr(point)} is not an end of the interval of {_name(self.var)}")
        if _same(point, lo):
            return ("+",)
        if _same(point, hi):
            return ("-",)
        inside = [(label, Less(a, b).check(inner, rng)) for label, a, b in
                  (("above the lower end", lo, point), ("below the upper end", point, hi))
                  if a is not -sp.oo and b is not sp.oo]
        if not combine(inside).proved:
            return Verdict(UNDECIDED, f"the limit point is not shown to be an end of, or inside, the interval of "
                           f"{_name(self.var)}: {combine(inside).method}")
        return ("+", "-")

    def _compare(self, limit: sp.Expr, side: str, inner: Domain, rng) -> Verdict:
        value = sp.sympify(self.value)
        if limit.is_infinite or value.is_infinite:
            if limit == value:
                return Verdict(PROVED, f"sympy.limit {side} gives {sp.sstr(limit)}")
            if limit.is_number and value.is_number:
                return Verdict(REFUTED, "the limit differs from the claimed value",
                               {"limit": sp.sstr(limit), "claimed": sp.sstr(value)})
            return Verdict(UNDECIDED, f"sympy.limit {side} gives {sp.sstr(limit)}, not recognised as {sp.sstr(value)}")
        verdict = Equal(limit, value).check(inner, rng)
        return Verdict(verdict.status, f"sympy.limit {side} gives {sp.sstr(limit)}; {verdict.method}",
                       verdict.counterexample)


@dataclass(frozen=True)
class UniqueRoot(Relation):
    """``expr = 0`` has exactly one solution for ``var`` on its interval, namely ``value``.

    Checked as: ``value`` lies inside the interval; ``expr`` vanishes there (and its denominator
    does not); and, writing ``expr``'s numerator as ``(var - value)·Q(var)`` by polynomial
    division, ``Q`` has one strict sign on the whole interval for every admissible parameter.
    A factor that vanishes for some parameter (``(p_r - p_g)·(D - ½)`` at ``p_r = p_g``) leaves
    ``Q`` without a sign, so the verdict is then undecided, never proved.
    """

    expr: sp.Expr
    var: sp.Symbol
    value: sp.Expr

    def _check(self, domain, rng):
        if self.var not in domain.intervals:
            return Verdict(UNDECIDED, f"no interval for {_name(self.var)}: declare one")
        lo, hi = domain.interval(self.var)
        expr = domain.prepare(self.expr)
        inner = domain.without(self.var)
        parts = [(label, Less(a, b).check(inner, rng)) for label, a, b in
                 (("root above the lower end", lo, self.value), ("root below the upper end", self.value, hi))
                 if a is not -sp.oo and b is not sp.oo]
        at_value = Equal(expr.subs(self.var, self.value), 0).check(inner, rng)
        parts.append(("expression at the claimed root", at_value))
        verdict = combine(parts)
        if not verdict.proved:
            return verdict
        return self._only_root(domain, expr, lo, hi)

    def _only_root(self, domain, expr, lo, hi) -> Verdict:
        mapping = domain._symbolic_map(self.var, reparametrise=True)
        x = mapping[self.var]
        numer, denom = sp.fraction(sp.together(expr.xreplace(mapping)))
        value = sp.sympify(self.value).xreplace(mapping)
        if not numer.is_polynomial(x):
            return Verdict(UNDECIDED, "the numerator is not a polynomial in " + _name(self.var))
        if not _sign(denom.subs(x, value), strict=True) and not _sign(-denom.subs(x, value), strict=True):
            return Verdict(UNDECIDED, "the denominator is not shown nonzero at the claimed root")
        # Synthetic division: numer = (x - value)·Σ q_k x^k + remainder.
        quotient, acc = [], sp.Integer(0)
        for c in sp.Poly(numer, x).all_coeffs():
            acc = acc * value + c
            quotient.append(acc)
        remainder = quotient.pop()
        if not quotient:
            return Verdict(UNDECIDED, f"the numerator does not depend on {_name(self.var)}: no unique root")
        if _is_zero([remainder]) is None:
            return Verdict(UNDECIDED, "the claimed root does not divide the numerator symbolically")
        q = sp.Add(*(c * x**k for k, c in enumerate(reversed(quotient))))
        q_on = q.xreplace({x: _on_interval(_name(self.var), lo.xreplace(mapping), hi.xreplace(mapping))})
        if _sign(q_on, strict=True) or _sign(-q_on, strict=True):
            return Verdict(PROVED, "numerator = (x - root)·Q(x) with Q of one strict sign on the whole interval "
                           "for every admissible parameter")
        return Verdict(UNDECIDED, "numerator = (x - root)·Q(x), but Q is not shown nonzero on the whole interval "
                       "for every admissible parameter: the root may not be unique")


@dataclass(frozen=True)
class All(Relation):
    """The conjunction of labelled relations."""

    parts: tuple[tuple[str, Relation], ...]

    def _check(self, domain, rng):
        return combine([(label, rel.check(domain, rng)) for label, rel in self.parts])


class ArgMax(All):
    """``value`` is the unique maximiser (``sense="min"``: minimiser) of ``f`` over ``interval``.

    Sufficient conditions, each checked: the value lies inside the open interval, the
    derivative's only zero there is the value, and the second derivative has one strict sign
    on the whole interval (strict concavity, resp. convexity).  The last two are checked on
    ``var``'s declared interval, so that must be ``interval`` itself: a claim over (0, 3)
    checked on a domain declaring (0, ½) is undecided, never proved.
    """

    def __init__(self, f: sp.Expr, var: sp.Symbol, value: sp.Expr, interval: tuple, sense: str = "max"):
        lo, hi = map(sp.sympify, interval)
        f1, f2 = sp.diff(f, var), sp.diff(f, var, 2)
        curvature = Less(f2, 0) if sense == "max" else Less(0, f2)
        inside = []
        if lo.is_finite:
            inside.append(("lower end below the value", Less(lo, value)))
        if hi.is_finite:
            inside.append(("value below the upper end", Less(value, hi)))
        object.__setattr__(self, "parts", (
            *inside,
            ("stationary point", UniqueRoot(f1, var, value)),
            ("concave" if sense == "max" else "convex", curvature),
        ))
        object.__setattr__(self, "var", var)
        object.__setattr__(self, "interval", (lo, hi))

    def _check(self, domain, rng):
        declared = domain.interval(self.var) if self.var in domain.intervals else None
        if declared is None or any(not _same(a, b) for a, b in zip(declared, self.interval)):
            shown = "undeclared" if declared is None else f"declared on ({sp.sstr(declared[0])}, {sp.sstr(declared[1])})"
            return Verdict(UNDECIDED, f"the claim is over ({sp.sstr(self.interval[0])}, {sp.sstr(self.interval[1])}) "
                           f"but {_name(self.var)} is {shown}")
        return super()._check(domain, rng)


#: How far past ``base + 1`` ``Induction`` looks for indices where a quantity is a constant.
_INDUCTION_LOOKAHEAD = 8


class Induction(All):
    """``closed(k)`` solves ``a_k = recurrence(a_{k-1}, k)`` for every ``k ≥ base``, ``a_base = initial``.

    Checked as the base case ``closed(base) = initial`` (on the domain at ``index = base``),
    the step at ``index = base + 1`` on the domain specialised there, where ``β̄_{index-1}``
    is ``β̄_0 = 1`` rather than a free quantity in (0, 1), likewise at any later index where a
    declared quantity becomes a constant or the index's declared range has not started, and
    the step for a symbolic ``index`` on the domain as declared (which states the generic case).
    """

    def __init__(self, closed: sp.Lambda, recurrence: sp.Lambda, initial: sp.Expr, index: sp.Symbol, base: int = 0):
        object.__setattr__(self, "parts", (
            ("base case", Equal(closed(base), initial)),
            (f"step at {index} = {base + 1}", Equal(closed(base + 1), recurrence(closed(base), base + 1))),
            (f"step for {index} ≥ {base + 2}", Equal(closed(index), recurrence(closed(index - 1), index))),
        ))
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "closed", closed)
        object.__setattr__(self, "recurrence", recurrence)

    def _step(self, k) -> Equal:
        return Equal(self.closed(k), self.recurrence(self.closed(k - 1), k))

    def _check(self, domain, rng):
        index, base = self.index, self.base
        (base_label, base_case), (first_label, first), (step_label, step) = self.parts
        start = domain.integers.get(index, (base + 1, None))[0]
        if start > base + 1 + _INDUCTION_LOOKAHEAD:
            return Verdict(UNDECIDED, f"the range of {_name(index)} starts at {start}, far above {base + 1}: "
                           "the steps below it are not checked")
        verdicts = [(base_label, base_case.check(domain.specialise(index, base), rng)),
                    (first_label, first.check(domain.specialise(index, base + 1), rng))]
        for k in range(base + 2, base + 2 + _INDUCTION_LOOKAHEAD):
            if domain.collapses(index, k) or k < start:
                verdicts.append((f"step at {index} = {k}", self._step(k).check(domain.specialise(index, k), rng)))
        verdicts.append((step_label, step.check(domain, rng)))
        return combine(verdicts)


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
