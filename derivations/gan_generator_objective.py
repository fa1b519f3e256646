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
2 and 3 atoms, all positive, where integrals are finite sums and normalisation is the definition
``p_n = 1 - p_1 - ... - p_{n-1}``; Gibbs' inequality and its equality case on 3 atoms.  The step
"a sum of nonnegative terms is 0 iff every term is" is argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from . import gibbs
from .engine import All, Derivation, Domain, Equal, Relation, Step, UniqueRoot, chain
from .notation import JSD, KL, Discrete

r = sp.Symbol("p_r(x)", positive=True)
g = sp.Symbol("p_g(x)", positive=True)
y = gibbs.y


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


#: p_r and p_g on 2 atoms (a, b) and on 3 atoms (r, g); distinct letters keep the two
#: normalisation definitions apart.
DISCRETE = {2: _discrete(2, ("a", "b")), 3: _discrete(3, ("r", "g"))}

DOMAIN = Domain(
    intervals={r: (0, sp.oo), g: (0, sp.oo), y: (0, sp.oo),
               **{k: v for P, Q, iv, _ in DISCRETE.values() for k, v in iv.items()}},
    definitions={k: v for *_, defs in DISCRETE.values() for k, v in defs.items()},
    hypotheses=("p_r(x) > 0, p_g(x) > 0 at every point x",
                "discrete checks: p_r = (r_i) or (a_i), p_g = (g_i) or (b_i), all > 0 and summing to 1"),
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
        *(Step(relation, why) for why, relation in minimum_relations(P3, Q3, m3, minimiser)),
        Step(Equal(objective(P3, P3), -sp.log(4)), "at p_g = p_r the minimum -log 4 is attained"),
    )
    claim = All((
        *((f"C(G) = -log 4 + 2·JSD on {n} atoms", Equal(objective(P, Q), value(P, Q)))
          for n, (P, Q, _, _) in DISCRETE.items()),
        *minimum_relations(P3, Q3, m3, minimiser),
        ("C(G) = -log 4 at p_g = p_r", Equal(objective(P3, P3), -sp.log(4))),
    ))
    return Derivation(
        claim=claim,
        statement="for p_r, p_g on 2 or 3 atoms with positive probabilities: C(G) = max_D V(G,D) "
                  "= -log 4 + 2·JSD(p_r‖p_g) ≥ -log 4, with equality iff p_g = p_r",
        domain=DOMAIN,
        steps=steps,
    )


def minimum_relations(P: Discrete, Q: Discrete, m: Discrete, minimiser) -> tuple[tuple[str, Relation], ...]:
    """JSD ≥ 0 with equality iff p_g = p_r: Gibbs for both KLs to m, and m = p_r iff p_g = p_r."""
    (kl_p, kl_p_sum), *facts = gibbs.relations(P, m)
    (kl_q, kl_q_sum), *_ = gibbs.relations(Q, m)
    return (
        (f"{kl_p}: JSD = ½KL(p_r‖m) + ½KL(p_g‖m) is a sum of such terms", kl_p_sum),
        (kl_q, kl_q_sum),
        *((f"{name}: each summand p φ(m/p) is ≥ 0, and 0 only where m = p", rel) for name, rel in facts),
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
