"""For a fixed generator the optimal discriminator is ``D*(x) = p_r(x) / (p_r(x) + p_g(x))``.

Goodfellow et al. (2014), *Generative Adversarial Nets*, Proposition 1.  The value function
``V(G, D) = ∫ p_r log D + p_g log(1 - D) dx`` is maximised pointwise: at each x,
``f(D) = a log D + b log(1 - D)`` with ``a = p_r(x) > 0``, ``b = p_g(x) > 0`` is strictly
concave on (0, 1) and its derivative vanishes only at ``a/(a+b)``.
"""

from __future__ import annotations

import sympy as sp

from .engine import ArgMax, Derivation, Domain, Equal, Less, Step, UniqueRoot

p_r = sp.Symbol("p_r(x)", positive=True)
p_g = sp.Symbol("p_g(x)", positive=True)
D = sp.Symbol("D", positive=True)

#: The pointwise objective ``f(D) = p_r log D + p_g log(1 - D)``.
f = p_r * sp.log(D) + p_g * sp.log(1 - D)

D_STAR = p_r / (p_r + p_g)
F_PRIME = p_r / D - p_g / (1 - D)
F_SECOND = -p_r / D**2 - p_g / (1 - D) ** 2

DOMAIN = Domain(
    intervals={p_r: (0, sp.oo), p_g: (0, sp.oo), D: (0, 1)},
    hypotheses=("p_r(x) > 0 and p_g(x) > 0 at the point x", "D(x) ∈ (0, 1)"),
)


def derivation(d_star=D_STAR, f_prime=F_PRIME, f_second=F_SECOND) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong formula for one step."""
    steps = (
        Step(Equal(sp.Derivative(f, D), f_prime), "differentiate p_r log D + p_g log(1-D) with respect to D"),
        Step(UniqueRoot(f_prime, D, d_star), "p_r (1-D) = p_g D has the single solution D = p_r/(p_r+p_g)"),
        Step(Equal(sp.Derivative(f, (D, 2)), f_second), "differentiate once more"),
        Step(Less(f_second, 0), "both terms are negative on (0, 1): f is strictly concave"),
        Step(Less(0, d_star), "the stationary point lies in (0, 1)"),
        Step(Less(d_star, 1), "the stationary point lies in (0, 1)"),
    )
    return Derivation(
        claim=ArgMax(f, D, d_star, DOMAIN.interval(D)),
        statement="D*(x) = p_r(x)/(p_r(x)+p_g(x)) uniquely maximises p_r log D + p_g log(1-D) on (0,1)",
        display_claim=r"D^*(x) = \underset{D \in (0, 1)}{\mathrm{arg\,max}}\,  \left[ p_r(x) \log D + p_g(x) \log(1 - D) \right] = \frac{p_r(x)}{p_r(x) + p_g(x)}",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong versions the engine must refute."""
    return {
        "p_r and p_g swapped in D*": derivation(d_star=p_g / (p_r + p_g)),
        "sign of p_g flipped in D*": derivation(d_star=p_r / (p_r - p_g)),
        "dropped square in the second derivative": derivation(f_second=-p_r / D - p_g / (1 - D) ** 2),
        "sign error in the first derivative": derivation(f_prime=p_r / D + p_g / (1 - D)),
    }
