"""At the optimal discriminator the GAN objective is ``C(G) = -log 4 + 2·JSD(p_r‖p_g)``.

Goodfellow et al. (2014), Theorem 1; homework 1.2.  Substituting ``D* = p_r/(p_r+p_g)`` into
``V(G, D) = ∫ p_r log D + p_g log(1-D) dx`` and writing ``p_r + p_g = 2m``:

    C(G) = ∫ p_r log(p_r/m) + p_g log(p_g/m) dx - log 2 ∫ (p_r + p_g) dx
         = KL(p_r‖m) + KL(p_g‖m) - log 4 = -log 4 + 2·JSD(p_r‖p_g),

because both densities integrate to 1.  By Gibbs' inequality (``derivations.gibbs``) each
``KL(p‖m) = Σ p_i φ(m_i/p_i) ≥ 0`` with ``φ(y) = y - 1 - log y``, zero iff ``m = p``; and
``m_i = (p_{r,i} + p_{g,i})/2 = p_{r,i}`` iff ``p_{g,i} = p_{r,i}``.  So ``C(G) ≥ -log 4`` with
equality iff ``p_g = p_r``.

Scope (what the engine checks): the pointwise integrand identity for arbitrary positive
densities; the integrated identity on discrete distributions with symbolic probabilities over
3 atoms, all positive, where integrals are finite sums and normalisation is the definition
``p_n = 1 - p_1 - ... - p_{n-1}``; Gibbs' inequality and its equality case for any two
distributions on 3 atoms, applied with ``q = m``.  The step "a sum of nonnegative terms is 0 iff
every term is" is argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from . import gibbs
from .engine import All, Derivation, Domain, Equal, Relation, Step, UniqueRoot, chain
from .notation import JSD, KL, Discrete

r = sp.Symbol("p_r(x)", positive=True)
g = sp.Symbol("p_g(x)", positive=True)


def _atoms(name: str, n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"{name}{i}", positive=True) for i in range(1, n + 1)]


def _simplex(name: str, n: int) -> tuple[Discrete, dict, dict]:
    """A distribution on n atoms: free probabilities ``name1..`` and the last one defined."""
    free = _atoms(name, n - 1)
    last = sp.Symbol(f"{name}{n}", positive=True)
    intervals, bound = {}, sp.Integer(1)
    for p in free:
        intervals[p] = (0, bound)
        bound = bound - p
    return Discrete(name, [*free, last]), intervals, {last: 1 - sum(free)}


def integrand(p_r, p_g):
    """``p_r log D* + p_g log(1 - D*)`` at one point (or one atom)."""
    return p_r * sp.log(p_r / (p_r + p_g)) + p_g * sp.log(p_g / (p_r + p_g))


def objective(P: Discrete, Q: Discrete):
    """``C(G) = V(G, D*)`` for discrete ``p_r = P`` and ``p_g = Q``."""
    return sp.Add(*(integrand(a, b) for a, b in zip(P.probabilities, Q.probabilities)))


def _discrete(n: int, names: tuple[str, str]):
    P, intervals_p, defs_p = _simplex(names[0], n)
    Q, intervals_q, defs_q = _simplex(names[1], n)
    return P, Q, {**intervals_p, **intervals_q}, {**defs_p, **defs_q}


#: p_r and p_g on 3 atoms (r, g); the letters keep their normalisation definitions apart from
#: Gibbs' lemma's generic p, q.
DISCRETE = {3: _discrete(3, ("r", "g"))}

DOMAIN = Domain(
    intervals={r: (0, sp.oo), g: (0, sp.oo), **gibbs.INTERVALS,
               **{k: v for P, Q, iv, _ in DISCRETE.values() for k, v in iv.items()}},
    definitions={**gibbs.DEFINITIONS, **{k: v for *_, defs in DISCRETE.values() for k, v in defs.items()}},
    hypotheses=("p_r(x) > 0, p_g(x) > 0 at every point x",
                "discrete checks: p_r = (r_i), p_g = (g_i) on 3 atoms, all > 0 and summing to 1; Gibbs' "
                "lemma for any p = (p_i), q = (q_i) on 3 atoms, applied with q = m"),
)


def derivation(value=lambda P, Q: -sp.log(4) + 2 * JSD(P, Q),
               pointwise=lambda r, g: r * sp.log(2 * r / (r + g)) + g * sp.log(2 * g / (r + g)) - (r + g) * sp.log(2),
               minimiser=lambda r: r) -> Derivation:
    """The derivation; ``value(P, Q)`` is the claimed C(G), ``pointwise`` the integrand's rewrite,
    ``minimiser(p_r)`` the p_g at which the minimum is claimed to be attained."""
    P3, Q3, _, _ = DISCRETE[3]
    m3 = P3.mixture(Q3)
    steps = (
        *chain(
            integrand(r, g),
            (pointwise(r, g), "write p_r + p_g = 2m: log(p/(p_r+p_g)) = log(p/m) - log 2, pointwise"),
        ),
        *chain(
            objective(P3, Q3),
            (KL(P3, m3) + KL(Q3, m3) - sp.log(2) * sum(P3.probabilities + Q3.probabilities),
             "sum the pointwise identity over the atoms (the integral over x)"),
            (KL(P3, m3) + KL(Q3, m3) - sp.log(4), "both distributions sum to 1"),
            (value(P3, Q3), "JSD = ½KL(p_r‖m) + ½KL(p_g‖m)"),
        ),
    )
    claim = All((
        ("C(G) = -log 4 + 2·JSD on 3 atoms", Equal(objective(P3, Q3), value(P3, Q3))),
        *minimum_relations(minimiser),
        ("C(G) = -log 4 at p_g = p_r", Equal(objective(P3, P3), -sp.log(4))),
    ))
    return Derivation(
        claim=claim,
        statement="for p_r, p_g on 3 atoms with positive probabilities: C(G) = max_D V(G,D) "
                  "= -log 4 + 2·JSD(p_r‖p_g) ≥ -log 4, with equality iff p_g = p_r",
        display_claim=r"C(G) = \max_D V(G, D) = -\log 4 + 2\,\mathrm{JSD}(p_r \,\|\, p_g) \ge -\log 4, \quad \text{with equality iff } p_g = p_r",
        domain=DOMAIN,
        steps=steps,
    )


def minimum_relations(minimiser) -> tuple[tuple[str, Relation], ...]:
    """JSD ≥ 0 with equality iff p_g = p_r: Gibbs' lemma (applied with q = m to KL(p_r‖m) and
    KL(p_g‖m)), and m = p_r iff p_g = p_r."""
    (kl, kl_sum), *facts = gibbs.relations()
    return (
        (f"Gibbs, any p, q on 3 atoms: {kl}, each summand ≥ 0 and 0 only where q = p (applied with q = m)",
         kl_sum),
        *facts,
        ("m = (p_r + p_g)/2 equals p_r iff p_g = p_r (pointwise)", UniqueRoot((r + g) / 2 - r, g, minimiser(r))),
    )


def mutants() -> dict[str, Derivation]:
    """Wrong objectives the engine must refute (the first is the homework's line)."""
    return {
        "-log 4 dropped (C = ½KL(p_r‖m) + ½KL(p_g‖m), the homework's line)": derivation(
            value=lambda P, Q: JSD(P, Q)),
        "factor 2 on the JSD missing": derivation(value=lambda P, Q: -sp.log(4) + JSD(P, Q)),
        "KL(p_r‖p_g) instead of the JSD": derivation(value=lambda P, Q: -sp.log(4) + 2 * KL(P, Q)),
        "log 2 term dropped pointwise": derivation(
            pointwise=lambda r, g: r * sp.log(2 * r / (r + g)) + g * sp.log(2 * g / (r + g))),
        "minimum claimed where p_g = 2 p_r": derivation(minimiser=lambda r: 2 * r),
    }
