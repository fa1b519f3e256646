"""Symbolic helpers of the proof engine: readable names, the reparametrisation of an interval,
sound zero and sign tests, and the divisors not shown nonzero on a domain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

from .verdicts import UNDECIDED, Verdict

if TYPE_CHECKING:
    from .domain import Domain


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
