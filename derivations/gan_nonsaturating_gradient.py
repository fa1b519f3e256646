"""At the optimal discriminator the non-saturating generator loss follows ``∇[KL(p_g‖p_r) - 2 JSD(p_g‖p_r)]``.

Arjovsky & Bottou (2017), *Towards Principled Methods for Training GANs*, Theorem 2.5; Goodfellow
et al. (2014), §3.  Train ``D`` to optimality for the generator ``θ_0``,
``D*(x) = p_r(x)/(p_r(x) + p_{g,θ_0}(x))``, then take the non-saturating step
``-∇_θ E_{x ~ p_{g,θ}}[log D*(x)]`` at ``θ = θ_0`` with ``D*`` held fixed.  With ``g_i(θ)`` the
generator's probabilities on finitely many atoms (``Σ_i g_i = 1``, so ``Σ_i g_i' = 0``):

    ∇KL(p_g‖p_r)  = Σ_i g_i' log(g_i/r_i),
    ∇ 2JSD(p_g‖p_r) = Σ_i g_i' log(2g_i/(g_i + r_i)),
    ∇[KL - 2JSD] = Σ_i g_i' log((g_i + r_i)/(2r_i)) = -Σ_i g_i' log D*_i = ∇_θ E_{p_g}[-log D*].

The reverse KL barely penalises dropping a mode of ``p_r`` (``g_i → 0`` costs little), and the
``-2JSD`` term pushes ``p_g`` *away* from ``p_r``: Arjovsky & Bottou's explanation of mode
dropping and instability of the non-saturating loss.

Scope (what the engine checks): ``p_r`` and ``p_g`` on 2 atoms with positive probabilities, ``p_g``
a differentiable family ``g_1(θ), g_2 = 1 - g_1(θ)`` (value and derivative at θ as free
quantities; 2 atoms keep each step on one line of the page, and more atoms, where the same
algebra runs term by term with ``Σ g_i' = 0``, are argued, not checked), ``D*`` held fixed while differentiating and evaluated at the same θ.  For
densities and a generator ``x = G_θ(z)`` the same computation with integrals (differentiating
under the integral, and the reparametrisation ``∇_θ E_{p_θ} h = E_z ∇_θ h(G_θ(z))``) is argued,
not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Step, chain
from .notation import JSD, KL, Discrete

theta = sp.Symbol("θ", real=True)
g_1 = sp.Function("g_1")(theta)
r_1, r_2 = sp.symbols("r_1 r_2", positive=True)
#: ``D*_i = r_i/(r_i + g_i(θ_0))``: the discriminator trained for θ_0, a constant while θ moves.
d_1, d_2 = sp.symbols("D*_1 D*_2", positive=True)

G = Discrete("p_g", (g_1, 1 - g_1))
R = Discrete("p_r", (r_1, r_2))
D_STAR = (d_1, d_2)


def _fixed_discriminator_definitions() -> dict:
    return {d: r / (r + g) for d, r, g in zip(D_STAR, R.probabilities, G.probabilities)}


DOMAIN = Domain(
    intervals={theta: (-sp.oo, sp.oo), g_1: (0, 1), sp.Derivative(g_1, theta): (-sp.oo, sp.oo), r_1: (0, 1)},
    definitions={r_2: 1 - r_1, **_fixed_discriminator_definitions()},
    hypotheses=("p_r = (r_1, r_2 = 1 - r_1) and p_g = (g_1(θ), 1 - g_1(θ)) on 2 atoms, all > 0",
                "D*_i = r_i/(r_i + g_i(θ_0)) is the discriminator trained for θ_0: held fixed while "
                "differentiating, evaluated at θ = θ_0"),
)


def loss(log_term=lambda d: -sp.log(d)) -> sp.Expr:
    """``E_{p_g}[ℓ(D*)] = Σ_i g_i(θ) ℓ(D*_i)``; ``ℓ = -log D`` (non-saturating) by default."""
    return sp.Add(*(g * log_term(d) for g, d in zip(G.probabilities, D_STAR)))


def derivation(generator_loss: sp.Expr | None = None, kl: sp.Expr = KL(G, R), jsd_term: sp.Expr = 2 * JSD(G, R),
               jsd_sign: int = -1) -> Derivation:
    """The derivation; the arguments let a test substitute another loss, KL, JSD term or sign."""
    generator_loss = loss() if generator_loss is None else generator_loss
    derivatives = [sp.Derivative(p, theta) for p in G.probabilities]
    pairs = tuple(zip(derivatives, G.probabilities, R.probabilities))
    grad_ns = sp.Add(*(-dp * sp.log(d) for dp, d in zip(derivatives, D_STAR)))
    grad_kl = sp.Add(*(dp * sp.log(g / r) for dp, g, r in pairs))
    grad_jsd2 = sp.Add(*(dp * sp.log(2 * g / (g + r)) for dp, g, r in pairs))
    relations = (
        ("∇_θ E_{p_g}[-log D*] with D* fixed", Equal(sp.Derivative(generator_loss, theta), grad_ns),
         "D* is held fixed: only the weights g_i(θ) of E_{p_g}[-log D*] move"),
        ("∇KL(p_g‖p_r)", Equal(sp.Derivative(kl, theta), grad_kl),
         "∇ Σ g_i log(g_i/r_i) = Σ g_i' log(g_i/r_i) + Σ g_i', and Σ g_i' = 0 (p_g sums to 1)"),
        ("∇2JSD(p_g‖p_r)", Equal(sp.Derivative(jsd_term, theta), grad_jsd2),
         "in ∇ 2JSD the derivatives of the logs of m = (g + r)/2 cancel between the two halves, leaving "
         "Σ g_i' log(g_i/m_i)"),
    )
    links = chain(
        grad_kl + jsd_sign * grad_jsd2,
        (sp.Add(*(dp * sp.log((g + r) / (2 * r)) for dp, g, r in pairs)),
         "subtracting, log(g/r) - log(2g/(g + r)) = log((g + r)/(2r))"),
        (grad_ns, "log((g + r)/(2r)) = -log D*_i - log 2, and the log 2 terms sum to -log 2·Σ g_i' = 0"),
    )
    steps = (*(Step(relation, why) for _, relation, why in relations), *links)
    return Derivation(
        # The theorem follows from the conjunction by linearity of ∇ and transitivity of =:
        # ∇E[-log D*] = -Σ g_i' log D*_i = ∇KL - ∇2JSD.  Checked as such, each part once, rather
        # than as one identity between the two gradients, whose expansion costs SymPy 6 s more.
        claim=All((*((label, relation) for label, relation, _ in relations),
                   *((f"∇KL - ∇2JSD, link {i}", link.relation) for i, link in enumerate(links, start=1)))),
        statement="for p_r, p_g on 2 atoms with positive probabilities and a differentiable family g(θ): with D* "
                  "held fixed, ∇_θ E_{p_g}[-log D*] = -Σ_i g_i' log D*_i = ∇_θ KL(p_g‖p_r) - ∇_θ 2JSD(p_g‖p_r)",
        domain=DOMAIN,
        steps=steps,
        display_claim=r"\nabla_\theta\, \mathbb{E}_{x \sim p_{g_\theta}}\bigl[-\log D^*(x)\bigr] "
                      r"= \nabla_\theta \bigl[D_{\mathrm{KL}}(p_{g_\theta} \,\|\, p_r) "
                      r"- 2\,\mathrm{JSD}(p_{g_\theta} \,\|\, p_r)\bigr], \qquad D^* = \frac{p_r}{p_r + p_{g_{\theta_0}}} "
                      r"\text{ fixed}",
    )


def mutants() -> dict[str, Derivation]:
    """Wrong divergences and losses the engine must refute."""
    return {
        "KL + 2JSD: the sign of the JSD term flipped": derivation(jsd_sign=1),
        "KL(p_r‖p_g), the forward KL, for KL(p_g‖p_r)": derivation(kl=KL(R, G)),
        "KL - JSD: the factor 2 dropped": derivation(jsd_term=JSD(G, R)),
        "the saturating loss E_{p_g} log(1 - D*), whose gradient is ∇2JSD, in place of -log D*": derivation(
            generator_loss=loss(lambda d: sp.log(1 - d))),
    }
