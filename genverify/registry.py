"""The registry: one record per result, tying its proof to everything built on it.

``genverify check``, ``genverify show``, the test suite (and later the docs and the grader)
iterate over ``RESULTS``; adding a result means adding one record and its modules.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from genverify.derivations.engine import Derivation
    from genverify.numeric.crosschecks import CrossCheck


@dataclass(frozen=True)
class Result:
    """One verified result: what it says, where it comes from, and how it is proved."""

    id: str
    title: str
    section: str
    references: tuple[str, ...]
    #: Builds the machine-checked derivation.
    derivation: Callable[[], Derivation]
    #: Wrong variants (name → derivation) that the engine must refute.
    mutants: Callable[[], dict[str, Derivation]]
    #: What the formal claim is checked on, in plain words, where that is narrower than the
    #: general statement (finitely many atoms, one coordinate, a fixed dimension) and which steps
    #: are argued rather than checked; printed beside "proved".
    scope: str

    @property
    def crosschecks(self) -> tuple[CrossCheck, ...]:
        """The Monte Carlo cross-checks of this result (``numeric.crosschecks.CHECKS``)."""
        from genverify.numeric.crosschecks import CHECKS

        return tuple(c for c in CHECKS if c.result_id == self.id)

    @classmethod
    def from_module(cls, id: str, title: str, section: str, references: tuple[str, ...],
                    module: str, scope: str) -> "Result":
        """The record of ``genverify.derivations.<module>``, imported at the first call of its
        ``derivation`` or ``mutants``: SymPy and the proofs load only for the commands that use
        them, so ``genverify list`` and ``--help`` start fast."""
        return cls(id, title, section, references, _deferred(module, "derivation"), _deferred(module, "mutants"),
                   scope)


def _deferred(module: str, name: str) -> Callable:
    def call():
        return getattr(importlib.import_module(f"genverify.derivations.{module}"), name)()

    return call


RESULTS: tuple[Result, ...] = (
    Result.from_module(
        "gan.optimal_discriminator", "Optimal discriminator for a fixed generator", "1.1",
        ("Goodfellow et al. 2014, Generative Adversarial Nets, Prop. 1",),
        "gan_optimal_discriminator",
        "pointwise, at one x, for any p_r(x) > 0 and p_g(x) > 0"),
    Result.from_module(
        "gan.generator_objective", "The generator's objective is -log 4 + 2·JSD", "1.2",
        ("Goodfellow et al. 2014, Generative Adversarial Nets, Thm. 1",),
        "gan_generator_objective",
        "checked for discrete p_r, p_g on 3 atoms with positive probabilities (integrals as finite sums); "
        "Gibbs' inequality and its equality case for any two distributions on 3 atoms, applied with q = m; "
        "the integrand identity pointwise for any positive densities; \"a sum of nonnegative terms is 0 "
        "iff each is\" is argued, not checked"),
    Result.from_module(
        "gan.vanishing_gradient", "Vanishing gradients of the saturating generator loss", "1.3",
        ("Goodfellow et al. 2014, §3", "Arjovsky & Bottou 2017, Towards Principled Methods for Training GANs, Thm. 2.4"),
        "gan_vanishing_gradient",
        "gradients and limits for a symbolic logit f; the bound's pointwise factor for 0 < D < ε; Jensen for "
        "‖J_θG‖ taking 2 values; the chain rule and norm inequalities that join them into the Arjovsky–Bottou"
        " bound are argued, not checked"),
    Result.from_module(
        "diffusion.forward_marginal", "Closed-form forward marginal q(x_t | x_0)", "2.3",
        ("Ho et al. 2020, Denoising Diffusion Probabilistic Models, eq. 4",),
        "diffusion_forward_marginal",
        "symbolic t and schedule (induction on t); one coordinate (covariances are multiples of I); the "
        "mean and variance recursions are checked, that x_t is Gaussian (a sum of independent Gaussians) is "
        "argued, not checked"),
    Result.from_module(
        "diffusion.posterior", "Forward posterior q(x_{t-1} | x_t, x_0)", "2.4",
        ("Ho et al. 2020, eqs. 6-7", "Chan 2024, Tutorial on Diffusion Models for Imaging and Vision, §2.2"),
        "diffusion_posterior",
        "symbolic t ≥ 2 and schedule (at t = 1, σ̃_1² = 0: the posterior is the point mass at x_0); one "
        "coordinate (covariances are multiples of I); the Gaussian log-densities are checked to agree exactly"),
    Result.from_module(
        "diffusion.elbo", "ELBO decomposition and the weight of each denoising term", "2.1",
        ("Ho et al. 2020, eqs. 5 and 8", "Luo 2022, Understanding Diffusion Models: A Unified Perspective",
         "Kingma et al. 2021, Variational Diffusion Models, eq. 13"),
        "diffusion_elbo",
        "symbolic t, T and schedule (telescoping by induction over T); one coordinate of ‖x̂_θ - x_0‖²; "
        "expectations are taken by linearity, not checked"),
    Result.from_module(
        "diffusion.conditional_score", "Conditional (inpainting) score", "2.5",
        ("Song et al. 2021, Score-Based Generative Modeling through SDEs, §5",
         "Chung et al. 2022, Diffusion Posterior Sampling, eq. 5"),
        "diffusion_conditional_score",
        "checked for vectors of dimension 3, the mask by a case split over its 8 values"),
    Result.from_module(
        "diffusion.likelihood_bound", "The ELBO bounds the log-likelihood, tight iff q is the model's posterior",
        "2.2",
        ("Ho et al. 2020, eq. 3", "Luo 2022, Understanding Diffusion Models: A Unified Perspective, eqs. 34-43",
         "Kingma & Welling 2019, An Introduction to Variational Autoencoders, eq. 2.8"),
        "diffusion_likelihood_bound",
        "the Bayes identity pointwise for any densities; the expectations (importance sampling, the gap as a KL, "
        "Gibbs and the equality case) for a latent path x_{1:T} taking 3 values; \"a sum of nonnegative terms "
        "is 0 iff each is\" is argued, not checked"),
    Result.from_module(
        "gan.dirac", "Dirac-GAN: the equilibrium's eigenvalues without and with R1", "—",
        ("Mescheder, Geiger & Nowozin 2018, Which Training Methods for GANs do actually Converge?, "
         "Lemma 2.2 and Thm. 4.1",),
        "gan_dirac",
        "the field and its Jacobian for a symbolic f (f'(ψθ), f''(ψθ) as free quantities), f'(0) > 0; the "
        "eigenvalues as the roots of the characteristic polynomial (an identity in λ); γ = 0 and γ > 0; that "
        "a negative sum and a positive product of the roots give negative real parts is argued, not checked"),
    Result.from_module(
        "diffusion.dsm", "Denoising score matching equals explicit score matching up to a constant", "—",
        ("Vincent 2011, A Connection Between Score Matching and Denoising Autoencoders, eqs. 4-7",
         "Song & Ermon 2019, Generative Modeling by Estimating Gradients of the Data Distribution, eq. 2"),
        "score_matching_dsm",
        "one coordinate; data on 3 atoms (any positions and probabilities); the Gaussian kernel's score and "
        "gradient as functions of x_t; the integrands of J_DSM and J_ESM at one x_t for any kernel values, "
        "conditional scores and model value s; integrating over x_t is argued, not checked"),
    Result.from_module(
        "diffusion.probability_flow", "The probability-flow ODE and the reverse SDE keep the forward marginals", "—",
        ("Song et al. 2021, Score-Based Generative Modeling through SDEs, eqs. 5, 6 and 13, App. D.1",
         "Anderson 1982, Reverse-time diffusion equation models"),
        "diffusion_probability_flow",
        "one coordinate; Gaussian data under the VP SDE, p_t = N(m_t, v_t) with symbolic β(t) > 0, m_t, v_t > 0 "
        "and the moment equations m' = -½βm, v' = β(1-v); the Fokker–Planck, continuity and reverse equations "
        "at every (x, t); the moment equations (Itô) and uniqueness of the equations' solutions are argued, "
        "not checked"),
    Result.from_module(
        "gan.nonsaturating_gradient", "At D* the non-saturating loss follows ∇[KL(p_g‖p_r) - 2 JSD(p_g‖p_r)]", "—",
        ("Arjovsky & Bottou 2017, Towards Principled Methods for Training GANs, Thm. 2.5",
         "Goodfellow et al. 2014, Generative Adversarial Nets, §3"),
        "gan_nonsaturating_gradient",
        "p_r and p_g on 2 atoms with positive probabilities (more atoms argued), p_g a differentiable family "
        "g(θ) (value and derivative at θ free), D* held fixed while differentiating; the claim is checked as its parts, "
        "∇E[-log D*] = -Σ g_i' log D*_i = ∇KL - ∇2JSD (linearity of ∇ and transitivity joining them); densities "
        "and the reparametrised generator are argued, not checked"),
    Result.from_module(
        "diffusion.tweedie", "Tweedie's formula: x_0-, ε- and score-prediction, and Ho et al.'s ε-weight", "—",
        ("Efron 2011, Tweedie's Formula and Selection Bias, eq. 2.8",
         "Ho et al. 2020, Denoising Diffusion Probabilistic Models, eqs. 11, 12 and 14",
         "Luo 2022, Understanding Diffusion Models: A Unified Perspective, eqs. 133 and 151"),
        "diffusion_tweedie",
        "Tweedie and the ε-relations for x_t = c_t x_0 + s_t ε with any c_t, s_t > 0 (DDPM's c_t = √β̄_t, "
        "s_t = √(1-β̄_t)) and data on 3 atoms with any positions and weights; for a general data density the "
        "same steps with integrals (differentiation under the integral) are argued, not checked; the ε-weight "
        "for symbolic t ≥ 2, schedule and σ², one coordinate; L_simple's weight 1 is a choice, not derived"),
    Result.from_module(
        "diffusion.gaussian_kl", "KL divergence between two Gaussians with unequal variances", "—",
        ("Kingma & Welling 2014, Auto-Encoding Variational Bayes, Appendix B",
         "Ho et al. 2020, Denoising Diffusion Probabilistic Models, eq. 5"),
        "gaussian_kl",
        "one coordinate, all real means and positive standard deviations; the moments E Z = 0 and E Z² = 1 of "
        "N(0, 1) are checked by antiderivatives and limits at ±∞; ∫φ = 1 and linearity of expectation are used, "
        "not checked"),
    Result.from_module(
        "diffusion.ddim_marginals", "DDIM keeps the forward marginals for every σ; η = 0 and η = 1", "—",
        ("Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models, eq. 7, Lemma 1 and eq. 16",),
        "ddim_marginals",
        "one reverse step for symbolic t ≥ 2 and schedule, one coordinate: the Gaussian law of x_{t-1} | x_0 for "
        "every 0 < σ² < 1-β̄_{t-1} (exact log-densities), its moments at σ = 0; Lemma 1's induction over the "
        "steps, ∫ of a Gaussian density = 1 and the affine image of a Gaussian are argued, not checked"),
)

BY_ID: dict[str, Result] = {r.id: r for r in RESULTS}


def lookup(ids: list[str]) -> list[Result]:
    """The records for ``ids`` (all of them when empty); ``KeyError`` naming an unknown id."""
    if not ids:
        return list(RESULTS)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise KeyError(f"unknown result id {unknown[0]!r} (known: {', '.join(BY_ID)})")
    return [BY_ID[i] for i in ids]
