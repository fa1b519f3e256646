"""Gibbs' inequality: ``KL(p‖q) ≥ 0``, with equality iff ``p = q``.

Cover & Thomas (2006), *Elements of Information Theory*, Thm. 2.6.3.  With
``φ(y) = y - 1 - log y`` and ``Σ p_i = Σ q_i = 1``,

    KL(p‖q) = Σ_i p_i log(p_i/q_i) = Σ_i p_i φ(q_i/p_i),

because ``Σ p_i (q_i/p_i - 1) = Σ q_i - Σ p_i = 0``.  ``log y - y + 1 = -φ(y)`` is strictly concave
on (0, ∞) with its unique maximum 0 at ``y = 1``, so every summand is ``≥ 0`` and vanishes only
where ``q_i = p_i``: the sum is ``≥ 0``, and 0 iff ``q_i = p_i`` for every atom.  The last
sentence (a sum of nonnegative terms is 0 iff each term is) is the one step the engine does not
check; the identity and the two facts about ``φ`` are checked.  For densities the same argument
holds pointwise under ``∫``.
"""

from __future__ import annotations

import sympy as sp

from .engine import ArgMax, Equal, Relation
from .notation import KL, Discrete

y = sp.Symbol("y", positive=True)


def phi(value) -> sp.Expr:
    """``φ(y) = y - 1 - log y ≥ 0``, zero only at ``y = 1``."""
    return value - 1 - sp.log(value)


def kl_as_phi_sum(P: Discrete, Q: Discrete) -> sp.Expr:
    """``Σ_i p_i φ(q_i/p_i)``, equal to ``KL(P‖Q)`` when both sum to 1."""
    return sp.Add(*(p * phi(q / p) for p, q in zip(P.probabilities, Q.probabilities)))


#: ``log y - y + 1 = -φ(y)`` has its unique maximiser at ``y = 1`` on (0, ∞).
PHI_MINIMUM = ArgMax(sp.log(y) - y + 1, y, 1, (0, sp.oo))
#: and its maximum value there is 0.
PHI_AT_ONE = Equal(phi(sp.Integer(1)), 0)


#: A generic pair of distributions on 3 atoms, for results that apply the lemma to a
#: distribution they build (``m = (p_r + p_g)/2``) rather than re-proving it there.
p1, p2, p3 = sp.symbols("p_1 p_2 p_3", positive=True)
q1, q2, q3 = sp.symbols("q_1 q_2 q_3", positive=True)
P, Q = Discrete("p", (p1, p2, p3)), Discrete("q", (q1, q2, q3))
INTERVALS = {p1: (0, 1), p2: (0, 1 - p1), q1: (0, 1), q2: (0, 1 - q1), y: (0, sp.oo)}
DEFINITIONS = {p3: 1 - p1 - p2, q3: 1 - q1 - q2}


def relations(P: Discrete = P, Q: Discrete = Q) -> tuple[tuple[str, Relation], ...]:
    """The checked parts of ``KL(P‖Q) ≥ 0, = 0 iff P = Q`` (needs ``y`` in the domain)."""
    return (
        (f"KL({P.name}‖{Q.name}) = Σ {P.name}_i φ({Q.name}_i/{P.name}_i)", Equal(KL(P, Q), kl_as_phi_sum(P, Q))),
        ("φ(y) = y - 1 - log y has its unique minimum at y = 1", PHI_MINIMUM),
        ("φ(1) = 0", PHI_AT_ONE),
    )
