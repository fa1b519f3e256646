"""The saturating generator loss has vanishing gradients when the discriminator is confident.

Goodfellow et al. (2014), §3; Arjovsky & Bottou (2017), *Towards Principled Methods for
Training GANs*, Theorem 2.4; homework 1.3.  Write the discriminator's output as ``D = σ(f)``
with ``f = f(θ)`` its logit at a generated sample ``G_θ(z)``.  Then

    ∂/∂θ log(1 - σ(f)) = -σ(f) · ∂f/∂θ        (saturating: → 0 as D(G(z)) → 0),
    ∂/∂θ (-log σ(f))   = -(1 - σ(f)) · ∂f/∂θ  (non-saturating: → -∂f/∂θ).

Arjovsky & Bottou bound the saturating gradient: if ``‖D - D*‖ < ε`` and ``‖∇_x D‖ < ε`` on
the generator's support (where ``D* = 0`` when the supports are disjoint) and
``E_z ‖J_θ G_θ(z)‖² ≤ M²``, then ``‖∇_θ E_z log(1 - D(G_θ(z)))‖ < M ε/(1 - ε)``.

Scope (what the engine checks): the two gradients and their limits as f → -∞ for symbolic f;
the pointwise factor ``‖∇_x D‖/(1 - D) < ε/(1 - ε)`` for ``0 < D < ε``, ``‖∇_x D‖ < ε``; Jensen's
``(E‖J‖)² ≤ E‖J‖²`` for ``‖J_θ G‖`` taking 2 values; and ``M ε/(1 - ε) → 0`` as ε → 0.  The
chain rule through ``G``, Cauchy–Schwarz and moving ``∇_θ`` inside ``E_z`` that join them into
Arjovsky–Bottou's bound are argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Less, LimitIs, Step
from .notation import sigmoid

theta = sp.Symbol("θ", real=True)
f = sp.Function("f")(theta)
u = sp.Symbol("u", real=True)
c = sp.Symbol("∂f/∂θ", real=True)
eps = sp.Symbol("ε", positive=True)
D = sp.Symbol("D", positive=True)
grad_D = sp.Symbol("‖∇_x D‖", positive=True)
M = sp.Symbol("M", positive=True)
q = sp.Symbol("q", positive=True)
j1, j2 = sp.symbols("j_1 j_2", positive=True)

f_prime = sp.Derivative(f, theta)
SATURATING = -sigmoid(f) * f_prime
NON_SATURATING = -(1 - sigmoid(f)) * f_prime
BOUND = eps / (1 - eps)

DOMAIN = Domain(
    intervals={f: (-sp.oo, sp.oo), f_prime: (-sp.oo, sp.oo), c: (-sp.oo, sp.oo),
               eps: (0, 1), D: (0, eps), grad_D: (0, eps), M: (0, sp.oo),
               q: (0, 1), j1: (0, sp.oo), j2: (0, sp.oo)},
    hypotheses=("D = σ(f(θ)) with f the discriminator's logit at G_θ(z)",
                "Arjovsky–Bottou: D* = 0 and ∇_x D* = 0 on the generator's support, |D - D*| < ε, "
                "‖∇_x D‖ < ε, E‖J_θ G‖² ≤ M², 0 < ε < 1"),
)


def derivation(saturating=SATURATING, non_saturating=NON_SATURATING, bound=BOUND,
               saturating_limit=0, jensen=True) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong gradient, bound or limit."""
    steps = (
        Step(Equal(sp.Derivative(sigmoid(f), theta), sigmoid(f) * (1 - sigmoid(f)) * f_prime),
             "the logistic function satisfies σ' = σ(1-σ); chain rule"),
        Step(Equal(sp.Derivative(sp.log(1 - sigmoid(f)), theta), saturating),
             "saturating loss log(1 - D(G_θ(z))): d log(1-σ) = -σ' /(1-σ) = -σ df"),
        Step(Equal(sp.Derivative(-sp.log(sigmoid(f)), theta), non_saturating),
             "non-saturating loss -log D(G_θ(z)): d(-log σ) = -σ'/σ = -(1-σ) df"),
        Step(LimitIs(saturating.subs(f_prime, c).subs(f, u), u, -sp.oo, saturating_limit),
             "a confident discriminator, D(G(z)) = σ(f) → 0 (f → -∞): the saturating gradient vanishes"),
        Step(LimitIs(non_saturating.subs(f_prime, c).subs(f, u), u, -sp.oo, -c),
             "while the non-saturating gradient tends to -∂f/∂θ"),
        Step(Less(grad_D / (1 - D), bound),
             "‖∇_θ log(1-D(G))‖ ≤ ‖∇_x D‖ ‖J_θ G‖ / (1-D) < ε ‖J_θ G‖/(1-ε) for 0 < D < ε, ‖∇_x D‖ < ε"),
        Step(jensen_step(jensen), "Jensen, (E‖J‖)² ≤ E‖J‖² ≤ M² (checked for ‖J_θ G‖ taking 2 values)"),
        Step(LimitIs(M * bound, eps, 0, 0), "the bound M ε/(1-ε) → 0 as the discriminator approaches D*"),
    )
    return Derivation(
        claim=All((
            ("saturating gradient", Equal(sp.Derivative(sp.log(1 - sigmoid(f)), theta), saturating)),
            ("non-saturating gradient", Equal(sp.Derivative(-sp.log(sigmoid(f)), theta), non_saturating)),
            ("saturating limit", LimitIs(saturating.subs(f_prime, c).subs(f, u), u, -sp.oo, saturating_limit)),
            ("non-saturating limit", LimitIs(non_saturating.subs(f_prime, c).subs(f, u), u, -sp.oo, -c)),
            ("pointwise factor of the Arjovsky–Bottou bound", Less(grad_D / (1 - D), bound)),
            ("Jensen on 2 values", jensen_step(jensen)),
            ("the bound vanishes", LimitIs(M * bound, eps, 0, 0)),
        )),
        statement="∇_θ log(1-D(G_θ(z))) = -σ(f)∂f/∂θ → 0 as f → -∞ (D(G(z)) → 0), while -log D gives "
                  "-(1-σ(f))∂f/∂θ → -∂f/∂θ; ‖∇_x D‖/(1-D) < ε/(1-ε) for D, ‖∇_x D‖ < ε, "
                  "(E‖J_θG‖)² ≤ E‖J_θG‖² ≤ M² (on 2 values) and Mε/(1-ε) → 0: the ingredients of "
                  "Arjovsky–Bottou's ‖∇_θ E_z log(1-D(G_θ(z)))‖ < Mε/(1-ε)",
        display_claim=r"\left\| \nabla_\theta\, \mathbb{E}_z \log\left(1 - D(G_\theta(z))\right) \right\| < \frac{M \varepsilon}{1 - \varepsilon} \to 0 \ \text{as } \varepsilon \to 0, \quad \text{while the non-saturating } \nabla_\theta\left[-\log D(G_\theta(z))\right] \text{ does not vanish}",
        domain=DOMAIN,
        steps=steps,
    )


def jensen_step(right: bool = True) -> Less:
    """``(q j_1 + (1-q) j_2)² ≤ q j_1² + (1-q) j_2²`` (``right=False``: the reverse, a mutant)."""
    mean_squared, mean_of_squares = (q * j1 + (1 - q) * j2) ** 2, q * j1**2 + (1 - q) * j2**2
    return Less(mean_squared, mean_of_squares, strict=False) if right else Less(mean_of_squares, mean_squared,
                                                                                  strict=False)


def mutants() -> dict[str, Derivation]:
    """Wrong gradients, limits and bounds the engine must refute."""
    return {
        "sign of the saturating gradient flipped": derivation(saturating=-SATURATING),
        "non-saturating gradient claimed to vanish as well": derivation(
            non_saturating=-sigmoid(f) * f_prime),
        "Arjovsky–Bottou bound with 1+ε for 1-ε": derivation(bound=eps / (1 + eps)),
        "saturating gradient claimed to tend to -∂f/∂θ": derivation(saturating_limit=-c),
        "Jensen reversed, E‖J‖² ≤ (E‖J‖)²": derivation(jensen=False),
    }
