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

Within one ``check`` of one derivation, a relation identical (as SymPy objects) to one already
proved or refuted on the identical domain gets that verdict again (``relations.reusing_verdicts``):
a claim restates what its steps proved.  Nothing is reused across derivations or runs.
"""

from __future__ import annotations

from .domain import Domain, DomainError
from .evaluation import DIGITS, POINTS, TOLERANCE
from .relations import All, ArgMax, Equal, Induction, Less, LimitIs, Relation, UniqueRoot
from .steps import Derivation, Report, Step, StepReport, chain, check
from .verdicts import PROVED, REFUTED, UNDECIDED, Verdict, combine

__all__ = [
    "DIGITS", "POINTS", "PROVED", "REFUTED", "TOLERANCE", "UNDECIDED", "All", "ArgMax", "Derivation", "Domain",
    "DomainError", "Equal", "Induction", "Less", "LimitIs", "Relation", "Report", "Step", "StepReport", "UniqueRoot",
    "Verdict", "chain", "check", "combine",
]
