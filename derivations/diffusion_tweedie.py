"""Tweedie's formula and the three parameterisations of a diffusion model's denoiser.

For ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` with ``ε ~ N(0, I)`` independent of ``x_0`` (Ho et al.
2020, eq. 4), the marginal ``q_t(x_t) = ∫ p(x_0) N(x_t; √β̄_t x_0, (1-β̄_t) I) dx_0`` satisfies

    E[x_0 | x_t] = (x_t + (1-β̄_t) ∇ log q_t(x_t)) / √β̄_t            (Tweedie; Efron 2011, eq. 2.8)
    E[ε | x_t]   = -√(1-β̄_t) ∇ log q_t(x_t),
    E[x_0 | x_t] = (x_t - √(1-β̄_t) E[ε | x_t]) / √β̄_t,

so predicting x_0, predicting ε and predicting the score are one model in three coordinates
(Luo 2022, *Understanding Diffusion Models*, eqs. 133 and 151; Song et al. 2021, §3).  Per
sample, ``ε = -√(1-β̄_t) ∇_{x_t} log q(x_t | x_0)``.  Written through ``ε_θ``, the model mean
``μ_θ = μ̃_t(x_t, x̂_0(ε_θ))`` is ``(x_t - β_t/√(1-β̄_t) ε_θ)/√(1-β_t)`` (Ho et al. 2020, eq. 11),
and the t-th ELBO term ``KL(N(μ̃_t, σ²) ‖ N(μ_θ, σ²))`` is
``β_t² / (2σ² (1-β_t)(1-β̄_t)) · ‖ε - ε_θ‖²`` (eq. 12), the x_0-weight of ``diffusion.elbo``
divided by ``SNR(t) = β̄_t/(1-β̄_t)``.  ``L_simple = E‖ε - ε_θ(x_t)‖²`` (eq. 14) sets that weight
to 1: a reweighting of the terms, chosen, not derived; since the weight is positive, each t's
term has the same minimiser ``ε_θ(x_t) = E[ε | x_t]`` under either.

Checked: Tweedie and the ε-relations for data on 3 atoms with arbitrary positions ``a_i`` and
positive weights ``w_i`` (``p(x_0 = a_i) = w_i / Σ w_j``), where ``q_t`` is a mixture of three
Gaussians, the posterior weights ``π_i ∝ w_i N(x_t; √β̄_t a_i, 1-β̄_t)`` follow from Bayes, and
every step is an identity between explicit expressions; the general density needs the same
steps with ``∫`` for ``Σ`` and differentiation under the integral, argued, not checked.  One
coordinate (the covariances are multiples of I).
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Less, Step, chain
from .notation import GaussianKL, NormalPDF, Quantity, beta, beta_bar, gaussian_logpdf

t = sp.Symbol("t", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
#: The signal and noise scales of ``x_t = c_t x_0 + s_t ε``; DDPM's are ``√β̄_t`` and ``√(1-β̄_t)``, and
#: Tweedie holds for any positive pair, so the identities below are checked for every ``c_t, s_t > 0``.
c_t, s_t = sp.symbols("c_t s_t", positive=True)
x_0 = sp.Symbol("x_0", real=True)
a = sp.Symbol("a", real=True)
atoms = sp.symbols("a_1:4", real=True)
weights = sp.symbols("w_1:4", positive=True)
eps = sp.Symbol("ε", real=True)
eps_theta = sp.Symbol("ε_θ", real=True)
sigma2 = sp.Symbol("σ²", positive=True)

BAR = beta_bar(t)


def normal(mean_of_x0):
    """``N(x_t; c_t x_0, s_t²)`` at ``x_0 = mean_of_x0``: the density of ``x_t`` given ``x_0``."""
    return NormalPDF(x_t, c_t * mean_of_x0, s_t**2)


def x0_from_eps(noise):
    """``(x_t - √(1-β̄_t) ε)/√β̄_t``: eq. 4 solved for x_0."""
    return (x_t - sp.sqrt(1 - BAR) * noise) / sp.sqrt(BAR)


def mu_tilde(x_start):
    """``μ̃_t(x_t, x_0)``, the mean of ``q(x_{t-1} | x_t, x_0)`` (``diffusion.posterior``)."""
    return (sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) / (1 - BAR) * x_t
            + sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - BAR) * x_start)


#: ``w_i N(x_t; √β̄_t a_i, 1-β̄_t)``: the unnormalised posterior weight of atom i.
JOINT = [w * normal(a_i) for w, a_i in zip(weights, atoms)]
EVIDENCE = sp.Add(*JOINT)
# Named quantities print as their names (their definitions are in DOMAIN's hypotheses); the
# engine checks the sums they stand for.
#: ``q_t(x_t)`` for data on the atoms ``a_i`` with probabilities ``w_i / Σ w_j``.
MARGINAL = Quantity("q_t(x_t)", "q_t(x_t)", EVIDENCE / sp.Add(*weights))
SCORE = sp.Derivative(sp.log(MARGINAL), x_t)
#: ``E[x_0 | x_t] = Σ π_i a_i`` and ``E[ε | x_t] = Σ π_i (x_t - c_t a_i)/s_t``, ``π_i = w_i N_i / Σ w_j N_j``.
POSTERIOR_MEAN = Quantity("E[x_0 | x_t]", r"\mathbb{E}[x_0 \mid x_t]",
                          sp.Add(*(j * a_i for j, a_i in zip(JOINT, atoms))) / EVIDENCE)
POSTERIOR_EPS = Quantity("E[ε | x_t]", r"\mathbb{E}[\varepsilon \mid x_t]",
                         sp.Add(*(j * (x_t - c_t * a_i) / s_t for j, a_i in zip(JOINT, atoms))) / EVIDENCE)

TWEEDIE = (x_t + s_t**2 * SCORE) / c_t
EPS_WEIGHT = beta(t) ** 2 / (2 * sigma2 * (1 - beta(t)) * (1 - BAR))
X0_WEIGHT = beta_bar(t - 1) * beta(t) ** 2 / (2 * sigma2 * (1 - BAR) ** 2)

# β̄_t is a quantity of its own and β_t is defined from it: the Tweedie steps then involve one
# schedule quantity, which keeps their algebra small; β̄_t < β̄_{t-1} is exactly 0 < β_t < 1.
DOMAIN = Domain(
    intervals={c_t: (0, sp.oo), s_t: (0, sp.oo), beta_bar(t - 1): (0, 1), BAR: (0, beta_bar(t - 1)), sigma2: (0, sp.oo),
               x_t: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo), a: (-sp.oo, sp.oo), eps: (-sp.oo, sp.oo),
               eps_theta: (-sp.oo, sp.oo),
               **{a_i: (-sp.oo, sp.oo) for a_i in atoms}, **{w: (0, sp.oo) for w in weights}},
    definitions={beta(t): 1 - BAR / beta_bar(t - 1)},
    hypotheses=("t ≥ 2, 0 < β̄_t < β̄_{t-1} < 1, β_t = 1 - β̄_t/β̄_{t-1} (so 0 < β_t < 1 and β̄_t = (1-β_t) β̄_{t-1})",
                "x_t = c_t x_0 + s_t ε, ε ~ N(0, 1) independent of x_0, any c_t, s_t > 0 (DDPM: c_t = √β̄_t, "
                "s_t = √(1-β̄_t))",
                "data on 3 atoms a_1, a_2, a_3 with probabilities w_i/(w_1 + w_2 + w_3), w_i > 0, so "
                "q_t(x_t) = Σ_i w_i N(x_t; c_t a_i, s_t²)/Σ_j w_j",
                "Bayes: E[x_0 | x_t] = Σ_i a_i w_i N(x_t; c_t a_i, s_t²)/Σ_j w_j N(x_t; c_t a_j, s_t²) and "
                "E[ε | x_t] = Σ_i ((x_t - c_t a_i)/s_t) w_i N(x_t; c_t a_i, s_t²)/Σ_j w_j N(x_t; c_t a_j, s_t²)",
                "p_θ(x_{t-1}|x_t) = N(μ̃_t(x_t, x̂_0(ε_θ)), σ²), one coordinate"),
)


def derivation(tweedie=TWEEDIE, eps_from_score=-s_t * SCORE, x0_from_noise=lambda noise: (x_t - s_t * noise) / c_t,
               eps_weight=EPS_WEIGHT) -> Derivation:
    """The derivation; the arguments let a test substitute a wrong Tweedie formula, ε-score
    relation, x_0-from-ε inversion or ε-weight."""
    score_sum = sp.Add(*(j * -(x_t - c_t * a_i) / s_t**2 for j, a_i in zip(JOINT, atoms))) / EVIDENCE
    kl = GaussianKL(Quantity("μ̃_t(x_t, x̂_0(ε))", r"\tilde\mu_t(x_t, \hat x_0(\varepsilon))", mu_tilde(x0_from_eps(eps))),
                    Quantity("μ̃_t(x_t, x̂_0(ε_θ))", r"\tilde\mu_t(x_t, \hat x_0(\varepsilon_\theta))",
                             mu_tilde(x0_from_eps(eps_theta))),
                    sigma2)
    ho_mean = (x_t - beta(t) / sp.sqrt(1 - BAR) * eps_theta) / sp.sqrt(1 - beta(t))
    steps = (
        Step(Equal(sp.Derivative(normal(a), x_t), -(x_t - c_t * a) / s_t**2 * normal(a)),
             "the gradient of a Gaussian density in its argument: ∇N(x_t; c_t a, s_t²) = -(x_t - c_t a)/s_t² · N"),
        *chain(
            SCORE,
            (score_sum, "∇ log q_t = ∇q_t / q_t: the normaliser Σ w_j cancels, each atom contributes its "
                        "Gaussian gradient"),
            ((c_t * POSTERIOR_MEAN - x_t) / s_t**2,
             "the posterior weights π_i = w_i N_i / Σ w_j N_j sum to 1, and Σ π_i a_i = E[x_0 | x_t] (Bayes)"),
        ),
        Step(Equal(POSTERIOR_MEAN, tweedie),
             "Tweedie's formula: solve for E[x_0 | x_t]"),
        Step(Equal(POSTERIOR_EPS, eps_from_score),
             "given x_0 = a_i, ε = (x_t - c_t a_i)/s_t; averaged with the weights π_i, "
             "E[ε | x_t] = -s_t ∇ log q_t(x_t)"),
        Step(Equal(x0_from_noise(POSTERIOR_EPS), POSTERIOR_MEAN),
             "x̂_0 = (x_t - s_t ε̂)/c_t with ε̂ = E[ε | x_t] is E[x_0 | x_t]: the x_0-, ε- and "
             "score-predictions determine each other"),
        Step(Equal(-s_t * sp.Derivative(gaussian_logpdf(x_t, c_t * x_0, s_t**2), x_t), (x_t - c_t * x_0) / s_t),
             "per sample: ε = (x_t - c_t x_0)/s_t = -s_t ∇_{x_t} log q(x_t | x_0)"),
        Step(Equal(mu_tilde(x0_from_eps(eps_theta)), ho_mean),
             "the model mean μ̃_t(x_t, x̂_0(ε_θ)) in ε-form: (x_t - β_t/√(1-β̄_t) ε_θ)/√(1-β_t) (Ho et al. eq. 11)"),
        *chain(
            kl,
            ((mu_tilde(x0_from_eps(eps)) - mu_tilde(x0_from_eps(eps_theta))) ** 2 / (2 * sigma2),
             "equal variances σ²: the KL is the squared mean difference over 2σ²"),
            (eps_weight * (eps - eps_theta) ** 2,
             "the x_t terms cancel; the means differ by β_t/(√(1-β_t)√(1-β̄_t)) (ε_θ - ε) (Ho et al. eq. 12)"),
        ),
        Step(Equal(eps_weight, X0_WEIGHT * (1 - BAR) / BAR),
             "the ε-weight is the x_0-weight over SNR(t) = β̄_t/(1-β̄_t), since x̂_0 - x_0 = √((1-β̄_t)/β̄_t)(ε - ε̂)"),
        Step(Less(0, eps_weight),
             "the weight is positive, so for each t the weighted term and L_simple's ‖ε - ε_θ‖² have the same "
             "minimiser, ε_θ(x_t) = E[ε | x_t]"),
    )
    return Derivation(
        claim=All((
            ("Tweedie", Equal(POSTERIOR_MEAN, tweedie)),
            ("ε from the score", Equal(POSTERIOR_EPS, eps_from_score)),
            ("x_0 from ε", Equal(x0_from_noise(POSTERIOR_EPS), POSTERIOR_MEAN)),
            ("the t-th ELBO term in ε", Equal(kl, eps_weight * (eps - eps_theta) ** 2)),
        )),
        statement="for x_t = c_t x_0 + s_t ε (DDPM: c_t = √β̄_t, s_t = √(1-β̄_t)): E[x_0 | x_t] = (x_t + s_t² ∇log "
                  "q_t(x_t))/c_t, E[ε | x_t] = -s_t ∇log q_t(x_t) and E[x_0 | x_t] = (x_t - s_t E[ε | x_t])/c_t, for "
                  "data on 3 atoms (any positions and weights); with p_θ(x_{t-1}|x_t) = N(μ̃_t(x_t, x̂_0(ε_θ)), σ²) "
                  "the t-th ELBO term is β_t²/(2σ²(1-β_t)(1-β̄_t))·(ε - ε_θ)² (one coordinate)",
        display_claim=r"\mathbb{E}[x_0 \mid x_t] = \frac{x_t + (1 - \bar\beta_t)\, \nabla \log q_t(x_t)}{\sqrt{\bar\beta_t}}, "
                      r"\quad \mathbb{E}[\varepsilon \mid x_t] = -\sqrt{1 - \bar\beta_t}\, \nabla \log q_t(x_t), "
                      r"\quad L_{t-1} = \frac{\beta_t^2}{2\sigma_t^2 (1 - \beta_t)(1 - \bar\beta_t)}\, "
                      r"\mathbb{E}\left\| \varepsilon - \varepsilon_\theta(x_t) \right\|^2",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong conversions and weights the engine must refute."""
    return {
        "Tweedie without the noise variance: (x_t + ∇log q_t)/√β̄_t": derivation(tweedie=(x_t + SCORE) / c_t),
        "Tweedie dividing by β̄_t, not √β̄_t": derivation(tweedie=(x_t + s_t**2 * SCORE) / c_t**2),
        "ε = +√(1-β̄_t)·score: sign error": derivation(eps_from_score=s_t * SCORE),
        "ε = -(1-β̄_t)·score: variance for standard deviation": derivation(eps_from_score=-s_t**2 * SCORE),
        "x̂_0 = (x_t - (1-β̄_t) ε)/√β̄_t: variance for standard deviation": derivation(
            x0_from_noise=lambda noise: (x_t - s_t**2 * noise) / c_t),
        "ε-weight without α_t = 1-β_t": derivation(eps_weight=beta(t) ** 2 / (2 * sigma2 * (1 - BAR))),
        "ε-weight with β_t for β_t²": derivation(eps_weight=beta(t) / (2 * sigma2 * (1 - beta(t)) * (1 - BAR))),
    }
