"""The relations the proof engine checks: ``Equal``, ``Less``, ``LimitIs``, ``UniqueRoot``,
``All``, ``ArgMax`` and ``Induction`` (the methods are summarised in ``engine``'s docstring)."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .domain import Domain
from .evaluation import TOLERANCE, _search
from .symbolic import _is_zero, _name, _on_interval, _sign, _undefined_somewhere
from .verdicts import PROVED, REFUTED, UNDECIDED, Verdict, combine


class Relation:
    """A statement about SymPy expressions that can be checked on a ``Domain``."""

    def check(self, domain: Domain, rng: np.random.Generator) -> Verdict:
        """The verdict on ``domain``; ``DomainError`` when the domain contradicts itself.

        Inside ``reusing_verdicts()``, a relation identical to one already proved or refuted on
        the identical domain gets that verdict again (see ``_reuse_key``).
        """
        refused = _unevaluated_substitution(self)
        if refused:
            return refused
        verdicts, key = _REUSABLE.get(), None
        if verdicts is not None and not _substitutions(self):
            key = _reuse_key(self, domain)
            if key in verdicts:
                return verdicts[key]
        unproved = domain.side_conditions()
        verdict = self._check(domain, rng)
        if verdict.proved and unproved:
            verdict = Verdict(UNDECIDED, f"{verdict.method}, but the domain's side conditions are not proved: "
                              + "; ".join(unproved))
        # An undecided verdict is not reused: checked again, the falsifier draws new points.
        if key is not None and verdict.status != UNDECIDED:
            verdicts[key] = verdict
        return verdict

    def _check(self, domain: Domain, rng: np.random.Generator) -> Verdict:
        raise NotImplementedError


#: Proved and refuted verdicts by ``_reuse_key``, while ``reusing_verdicts`` is active (else None).
_REUSABLE: ContextVar[dict | None] = ContextVar("reusable_verdicts", default=None)


@contextlib.contextmanager
def reusing_verdicts():
    """Within the block, a relation checked again on the same domain reuses its verdict.

    A derivation's claim restates relations its steps have just proved (``All`` of the steps'
    equalities), and the ``ArgMax`` and ``Induction`` parts repeat ``Less`` and ``Equal``
    checks; checking them again would redo the same proof.  The verdicts live only as long as
    the block: nothing is kept between checks of a derivation, let alone between runs.
    """
    token = _REUSABLE.set({})
    try:
        yield
    finally:
        _REUSABLE.reset(token)


class _NoKey(Exception):
    """A relation holds an object without a structural equality (a mutable matrix)."""


def _structure(value) -> tuple:
    """A hashable key equal for two values only when they are the same structure.

    Relations compare by class and every attribute (not the dataclass fields alone: ``ArgMax``
    and ``Induction`` keep more), SymPy objects by SymPy's structural equality, which tells
    apart assumptions, ``Dummy`` symbols and ``Float`` precisions; the type tag keeps ``True``
    apart from ``1``.  Never a printed form, which could name two different expressions alike.
    """
    if isinstance(value, Relation):
        return type(value), tuple((name, _structure(v)) for name, v in sorted(vars(value).items()))
    if isinstance(value, tuple):
        return tuple, tuple(_structure(v) for v in value)
    if isinstance(value, (sp.Basic, str, int, float)):
        return type(value), value
    raise _NoKey


def _unevaluated_substitution(relation: Relation) -> Verdict | None:
    """Undecided when ``relation`` holds a ``Subs`` that does not evaluate, else None.

    SymPy's equality renames a substitution's variables and can then call different ones equal
    (``Subs(∂g/∂θ, (θ, ψ), (0, 0)) == Subs(∂g/∂ψ, (θ, ψ), (0, 0))``), so their difference
    cancels to 0 as soon as it is formed: nothing about such an expression is proved.
    """
    unevaluated = [s for s in _substitutions(relation) if s.doit().has(sp.Subs)]
    if not unevaluated:
        return None
    return Verdict(UNDECIDED, f"holds the unevaluated substitution {unevaluated[0]}, which SymPy can "
                   "compare equal to a different one; evaluate it or write it without Subs")


def _substitutions(value) -> set:
    """Every ``Subs`` in the expressions a relation holds (at any depth of nested relations)."""
    if isinstance(value, Relation):
        return set().union(*(_substitutions(v) for v in vars(value).values()))
    if isinstance(value, (tuple, list)):
        return set().union(*(_substitutions(v) for v in value))
    atoms = getattr(value, "atoms", None)
    return set(atoms(sp.Subs)) if callable(atoms) else set()


def _reuse_key(relation: Relation, domain: Domain):
    """``(relation, domain)`` as a key of ``_REUSABLE``, or None when one cannot be formed."""
    try:
        return _structure(relation), domain._key()
    except (_NoKey, TypeError):
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
        refused = _unevaluated_substitution(self)
        if refused:
            return refused
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
            g = g.real  # a complex value with zero imaginary part has no order of its own
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
        # Kept for a reader (render.compact): the parts above are what is checked.
        object.__setattr__(self, "f", sp.sympify(f))
        object.__setattr__(self, "value", sp.sympify(value))
        object.__setattr__(self, "sense", sense)

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
