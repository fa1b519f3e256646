"""Domains: where a derivation's free quantities live, and the checks of their declarations
(assumptions implied by the declared sets, nonempty intervals, definitions inside their sets)."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.core.assumptions import _assume_defined

from .evaluation import DIGITS, TOLERANCE, _compiled, _Evaluator
from .symbolic import _integer_facts, _name, _on_interval, _sign


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
        for atom, lo, hi in self._float_bounds:
            lo = lo if isinstance(lo, float) else _end_at(lo, point)
            hi = hi if isinstance(hi, float) else _end_at(hi, point)
            if lo == -math.inf and hi == math.inf:
                value = rng.normal(0.0, 1.5)
            elif hi == math.inf:
                value = lo + float(np.exp(rng.normal(0.0, 1.0)))
            elif lo == -math.inf:
                value = hi - float(np.exp(rng.normal(0.0, 1.0)))
            else:
                value = lo + (hi - lo) * rng.uniform(0.05, 0.95)
            point[atom] = sp.Float(value, DIGITS)
        for atom in self.binary:
            point[atom] = sp.Integer(int(rng.integers(0, 2)))
        for atom, (lo, hi) in self.integers.items():
            point[atom] = sp.Integer(int(rng.integers(lo, hi + 1)))
        return point

    @functools.cached_property
    def _float_bounds(self) -> list[tuple[sp.Basic, float | tuple, float | tuple]]:
        """Each interval's ends: a float (±inf included) where the end is a constant, else the
        earlier atoms it uses and its compiled form, evaluated at each point (``_end_at``).
        Converting once rather than at every point spares SymPy arithmetic on every draw."""
        earlier: list = []

        def end(e):
            e = sp.sympify(e)
            if e.is_number:
                return float(e)
            used = tuple(a for a in earlier if e.has(a))
            return used, _compiled(used, e)

        out = []
        for atom, (lo, hi) in self.intervals.items():
            out.append((atom, end(lo), end(hi)))
            earlier.append(atom)
        return out

    def atoms(self) -> list[sp.Basic]:
        return [*self.intervals, *self.binary, *self.integers]


def _end_at(end: tuple, point: dict) -> float:
    """An interval end that depends on earlier atoms, at ``point``, to ``DIGITS`` digits."""
    used, function = end
    with mpmath.workdps(DIGITS):
        return float(function(*(mpmath.mpf(point[a]._mpf_) for a in used)))


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
