"""The conditional (inpainting) score: ``∇_x log p(x | x_known) = s_θ(x) - 2 (x - x_known) ⊙ M``.

Homework 2.5; Song et al. (2021), *Score-Based Generative Modeling through SDEs*, §5 and
App. I (controllable generation); Chung et al. (2022), *Diffusion Posterior Sampling*, eq. (5).
Bayes' rule gives ``log p(x | x_known) = log p(x_known | x) + log p(x) - log p(x_known)``; the
evidence does not depend on x, so its gradient is 0, and ``∇_x log p(x) = s_θ(x)``.  With the
likelihood ``p(x_known | x) ∝ exp(-‖(x - x_known) ⊙ M‖²)`` and a binary mask (``M_i² = M_i``)
the likelihood's gradient is ``-2 (x - x_known) ⊙ M``; with variance ``σ²``,
``p(x_known | x) ∝ exp(-‖(x - x_known) ⊙ M‖²/(2σ²))`` gives ``-(x - x_known) ⊙ M / σ²``.
Checked with symbolic vectors of dimension 3, the mask by a case split over its 8 values.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Step
from .notation import gradient, hadamard

DIM = 3
x = sp.Matrix(sp.symbols(f"x_1:{DIM + 1}", real=True))
x_known = sp.Matrix(sp.symbols(f"x_known_1:{DIM + 1}", real=True))
M = sp.Matrix(sp.symbols(f"M_1:{DIM + 1}", real=True))
sigma2 = sp.Symbol("σ²", positive=True)

#: ``log p(x)``, an arbitrary differentiable prior, and ``log p(x_known)``, the evidence.
log_prior = sp.Function("log p")(*x)
log_evidence = sp.Function("log p_known")(*x_known)
s_theta = gradient(log_prior, x)

residual = hadamard(x - x_known, M)
LOG_LIKELIHOOD = -(residual.T * residual)[0]
LOG_POSTERIOR = LOG_LIKELIHOOD + log_prior - log_evidence
CONDITIONAL_SCORE = s_theta - 2 * residual

DOMAIN = Domain(
    intervals={**{xi: (-sp.oo, sp.oo) for xi in [*x, *x_known]},
               **{si: (-sp.oo, sp.oo) for si in s_theta}, sigma2: (0, sp.oo)},
    binary=tuple(M),
    hypotheses=(f"x, x_known ∈ ℝ^{DIM}; M ∈ {{0,1}}^{DIM} a binary mask",
                "p(x_known | x) ∝ exp(-‖(x - x_known) ⊙ M‖²); s_θ(x) = ∇_x log p(x)"),
)


def derivation(score=CONDITIONAL_SCORE, likelihood_gradient=-2 * residual) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong score or gradient."""
    steps = (
        Step(Equal(gradient(log_evidence, x), sp.zeros(DIM, 1)),
             "the evidence log p(x_known) does not depend on x"),
        Step(Equal(gradient(log_prior, x), s_theta), "the prior's gradient is the unconditional score s_θ(x)"),
        Step(Equal(gradient(LOG_LIKELIHOOD, x, evaluate=False), likelihood_gradient),
             "∂/∂x_i of -Σ_j (x_j - x_known_j)² M_j² is -2 (x_i - x_known_i) M_i² = -2 (x_i - x_known_i) M_i"),
        Step(Equal(gradient(LOG_LIKELIHOOD / (2 * sigma2), x), -residual / sigma2),
             "with likelihood variance σ²: ∇_x of -‖(x - x_known) ⊙ M‖²/(2σ²) is -(x - x_known) ⊙ M/σ²"),
        Step(Equal(gradient(LOG_POSTERIOR, x), score),
             "Bayes: ∇ log p(x|x_known) = ∇ log p(x_known|x) + ∇ log p(x) - ∇ log p(x_known)"),
    )
    return Derivation(
        # One labelled part, so a table showing the start of the formal claim says what it is.
        claim=All((("∇_x log p(x | x_known), 3 coordinates",
                    Equal(gradient(LOG_POSTERIOR, x), score)),)),
        statement="∇_x log p(x | x_known) = s_θ(x) - 2 (x - x_known) ⊙ M for a binary mask M",
        display_claim=r"\nabla_x \log p(x \mid x_{\mathrm{known}}) = s_\theta(x) - 2 (x - x_{\mathrm{known}}) \odot M \quad \text{for } p(x_{\mathrm{known}} \mid x) \propto \exp\left(-\left\| (x - x_{\mathrm{known}}) \odot M \right\|^2\right)",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong conditional scores the engine must refute."""
    return {
        "prior score s_θ(x) missing": derivation(score=-2 * residual),
        "mask M missing": derivation(score=s_theta - 2 * (x - x_known)),
        "sign of the likelihood term flipped": derivation(score=s_theta + 2 * residual),
        "factor 2 missing": derivation(score=s_theta - residual, likelihood_gradient=-residual),
    }
