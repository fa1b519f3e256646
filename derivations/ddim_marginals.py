"""DDIM's reverse conditional keeps the forward marginals, for every choice of its variance σ².

Song, Meng & Ermon (2021), *Denoising Diffusion Implicit Models*, eq. 7 and Lemma 1 (Appendix B);
eq. 16 for ``σ_t(η)``.  The non-Markovian forward process of DDIM has

    q_σ(x_{t-1} | x_t, x_0) = N(√β̄_{t-1} x_0 + √(1-β̄_{t-1}-σ²) · (x_t - √β̄_t x_0)/√(1-β̄_t), σ² I),

and if ``x_t ~ q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)`` then ``x_{t-1} ~ N(√β̄_{t-1} x_0,
(1-β̄_{t-1}) I)`` for every ``0 ≤ σ² ≤ 1-β̄_{t-1}``: the training marginals, so a network trained
with DDPM's loss serves every σ.  With ``c = √(1-β̄_{t-1}-σ²)/√(1-β̄_t)``:

1. the mean: ``√β̄_{t-1} x_0 + c (E x_t - √β̄_t x_0) = √β̄_{t-1} x_0``;
2. the variance: ``σ² + c² (1-β̄_t) = 1-β̄_{t-1}`` (law of total variance);
3. for ``σ² > 0`` the joint density factorises, ``q(x_t|x_0) q_σ(x_{t-1}|x_t,x_0) =
   q(x_{t-1}|x_0) · N(x_t; m, v)`` with ``m = √β̄_t x_0 + c(1-β̄_t)/(1-β̄_{t-1})·(x_{t-1} -
   √β̄_{t-1} x_0)`` and ``v = σ²(1-β̄_t)/(1-β̄_{t-1})``; integrating over ``x_t`` leaves
   ``q(x_{t-1}|x_0)`` (exact Gaussian log-densities, so x_{t-1} is Gaussian, not only its moments);
4. the sampler's update ``√β̄_{t-1} x̂_0 + √(1-β̄_{t-1}-σ²) ε̂`` (eq. 12, ``x̂_0`` from ``ε̂``) is that
   mean; η = 0 (``σ = 0``) makes it deterministic, an affine map of a Gaussian with the moments of
   1 and 2;
5. η = 1: ``σ_t(1)² = (1-β̄_{t-1})/(1-β̄_t) · (1-β̄_t/β̄_{t-1}) = σ̃_t²``, admissible
   (``σ̃_t² < 1-β̄_{t-1}``), and then ``q_σ(x_{t-1}|x_t,x_0)`` has DDPM's posterior mean ``μ̃_t``.

Scope: one step, t ≥ 2 symbolic, one coordinate.  Lemma 1's induction from ``t = T`` down (each
step keeps the marginal, so all do), the integral of a Gaussian density being 1 and the
push-forward of a Gaussian under an affine map being Gaussian are argued, not checked.
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Less, Step, chain
from .notation import beta, beta_bar, gaussian_logpdf, posterior_variance

t = sp.Symbol("t", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
x_prev = sp.Symbol("x_{t-1}", real=True)
x_0 = sp.Symbol("x_0", real=True)
eps = sp.Symbol("ε", real=True)
eta = sp.Symbol("η", positive=True)
#: DDIM's variance σ² on (0, 1-β̄_{t-1}); the end points are the η = 0 and c = 0 cases.
sigma2 = sp.Symbol("σ²", positive=True)

BAR, BAR_PREV = beta_bar(t), beta_bar(t - 1)


def ddim_mean(variance, start=x_0):
    """The mean of ``q_σ(x_{t-1} | x_t, x_0)`` (DDIM eq. 7) with ``σ² = variance``."""
    return sp.sqrt(BAR_PREV) * start + sp.sqrt(1 - BAR_PREV - variance) * (x_t - sp.sqrt(BAR) * start) / sp.sqrt(1 - BAR)


def ddim_sigma2(eta_value):
    """``σ_t(η)² = η² (1-β̄_{t-1})/(1-β̄_t) · (1-β̄_t/β̄_{t-1})`` (DDIM eq. 16)."""
    return eta_value**2 * (1 - BAR_PREV) / (1 - BAR) * (1 - BAR / BAR_PREV)


#: ``x_t`` through its noise: ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` (Ho et al. 2020, eq. 4).
x_of_eps = sp.sqrt(BAR) * x_0 + sp.sqrt(1 - BAR) * eps

MU_TILDE = (sp.sqrt(1 - beta(t)) * (1 - BAR_PREV) / (1 - BAR) * x_t
            + sp.sqrt(BAR_PREV) * beta(t) / (1 - BAR) * x_0)

# β̄_t is its own quantity below β̄_{t-1} and β_t is defined from the two (0 < β_t < 1 exactly
# when β̄_t < β̄_{t-1}); σ² ranges over the open interval its definition allows.
DOMAIN = Domain(
    intervals={BAR_PREV: (0, 1), BAR: (0, BAR_PREV), sigma2: (0, 1 - BAR_PREV), eta: (0, 1),
               x_t: (-sp.oo, sp.oo), x_prev: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo), eps: (-sp.oo, sp.oo)},
    definitions={beta(t): 1 - BAR / BAR_PREV},
    hypotheses=("t ≥ 2, 0 < β̄_t < β̄_{t-1} < 1, β_t = 1 - β̄_t/β̄_{t-1}",
                "x_t ~ q(x_t | x_0) = N(√β̄_t x_0, 1-β̄_t); 0 < σ² < 1-β̄_{t-1} (σ² = 0: η = 0, checked apart)",
                "one coordinate (all covariances are multiples of I)"),
)


def derivation(mean=ddim_mean, sigma2_of_eta=ddim_sigma2) -> Derivation:
    """The derivation; ``mean(σ², x_0)`` and ``sigma2_of_eta(η)`` let a test substitute a wrong
    DDIM mean or ``σ_t(η)``."""
    # Unevaluated, so that the steps show what is substituted: evaluated, SymPy would cancel the
    # terms at once and the step would read "√β̄_{t-1} x_0 = √β̄_{t-1} x_0".
    slope = sp.Derivative(mean(sigma2), x_t)
    # In the noise ε = (x_t - √β̄_t x_0)/√(1-β̄_t) ~ N(0, 1), an affine bijection of x_t for fixed x_0,
    # the mean is √β̄_{t-1} x_0 + k ε with k = √(1-β̄_{t-1}-σ²): two square roots instead of five,
    # which keeps the algebra of the factorisation small.
    k = sp.sqrt(1 - BAR_PREV - sigma2)
    x0_hat = (x_t - sp.sqrt(1 - BAR) * eps) / sp.sqrt(BAR)
    centred = x_prev - sp.sqrt(BAR_PREV) * x_0
    joint = gaussian_logpdf(eps, 0, 1) + gaussian_logpdf(x_prev, mean(sigma2).subs(x_t, x_of_eps), sigma2)
    factorised = (gaussian_logpdf(x_prev, sp.sqrt(BAR_PREV) * x_0, 1 - BAR_PREV)
                  + gaussian_logpdf(eps, k * centred / (1 - BAR_PREV), sigma2 / (1 - BAR_PREV)))
    sigma2_tilde = posterior_variance(t)
    steps = (
        Step(Equal(sp.Subs(mean(sigma2), x_t, sp.sqrt(BAR) * x_0), sp.sqrt(BAR_PREV) * x_0),
             "the mean is affine in x_t: at E x_t = √β̄_t x_0 the second term vanishes, so E x_{t-1} = √β̄_{t-1} x_0"),
        *chain(
            sigma2 + slope**2 * (1 - BAR),
            (1 - BAR_PREV, "law of total variance: σ² + c²(1-β̄_t) with c² = (1-β̄_{t-1}-σ²)/(1-β̄_t)"),
        ),
        Step(Equal(joint, factorised),
             "σ² > 0, writing x_t = √β̄_t x_0 + √(1-β̄_t) ε: the joint log-density of (ε, x_{t-1}) given x_0 is "
             "log q(x_{t-1}|x_0) plus a Gaussian log-density in ε, which integrates to 1: "
             "x_{t-1} | x_0 ~ N(√β̄_{t-1} x_0, 1-β̄_{t-1})"),
        Step(Equal(sp.sqrt(BAR_PREV) * x0_hat + sp.sqrt(1 - BAR_PREV - sigma2) * eps, sp.Subs(mean(sigma2), x_0, x0_hat)),
             "the sampler's update √β̄_{t-1} x̂_0 + √(1-β̄_{t-1}-σ²) ε (DDIM eq. 12, without its noise σz) is q_σ's "
             "mean when x̂_0 = (x_t - √(1-β̄_t) ε)/√β̄_t is the x_0 that the noise ε came from"),
        Step(Equal(sp.Derivative(mean(0), x_t) ** 2 * (1 - BAR), 1 - BAR_PREV),
             "η = 0 (σ = 0): x_{t-1} is a deterministic affine map of x_t, with the mean of step 1 and variance "
             "1-β̄_{t-1}"),
        Step(Equal(sigma2_of_eta(1), sigma2_tilde),
             "η = 1: (1-β̄_{t-1})/(1-β̄_t) · (1-β̄_t/β̄_{t-1}) with 1-β̄_t/β̄_{t-1} = β_t is DDPM's σ̃_t²"),
        Step(Less(sigma2_of_eta(eta), 1 - BAR_PREV),
             "0 < η ≤ 1 gives an admissible variance, σ_t(η)² < 1-β̄_{t-1}"),
        *chain(
            mean(sigma2_tilde),
            (sp.sqrt(BAR) / sp.sqrt(BAR_PREV) * (1 - BAR_PREV) / (1 - BAR) * x_t + sp.sqrt(BAR_PREV) * beta(t) / (1 - BAR) * x_0,
             "with σ² = σ̃_t², 1-β̄_{t-1}-σ̃_t² = (1-β̄_{t-1})² β̄_t/(β̄_{t-1}(1-β̄_t)): collect x_t and x_0"),
            (MU_TILDE, "√β̄_t/√β̄_{t-1} = √(1-β_t): DDPM's posterior mean μ̃_t, so η = 1 is DDPM's posterior"),
        ),
    )
    return Derivation(
        claim=All((
            ("mean", steps[0].relation),
            ("variance", steps[1].relation),
            ("Gaussian for σ² > 0", steps[2].relation),
            ("the sampler's update", steps[3].relation),
            ("η = 0", steps[4].relation),
            ("η = 1", steps[5].relation),
            ("η = 1: the mean, collected", steps[7].relation),
            ("η = 1: the mean is μ̃_t", steps[8].relation),
        )),
        statement="if x_t ~ N(√β̄_t x_0, 1-β̄_t) and x_{t-1} | x_t, x_0 ~ q_σ = N(√β̄_{t-1} x_0 + "
                  "√(1-β̄_{t-1}-σ²)(x_t - √β̄_t x_0)/√(1-β̄_t), σ²), then x_{t-1} | x_0 ~ N(√β̄_{t-1} x_0, 1-β̄_{t-1}) "
                  "for every 0 < σ² < 1-β̄_{t-1} (Gaussian log-densities) and for σ = 0 (moments of the affine map); "
                  "η = 1 gives σ² = σ̃_t² and the mean μ̃_t (one step t ≥ 2, one coordinate)",
        display_claim=r"q_\sigma(x_{t-1} \mid x_t, x_0) = \mathcal{N}\left(\sqrt{\bar\beta_{t-1}}\, x_0 + "
                      r"\sqrt{1 - \bar\beta_{t-1} - \sigma^2}\, \frac{x_t - \sqrt{\bar\beta_t}\, x_0}{\sqrt{1 - \bar\beta_t}},\ "
                      r"\sigma^2\right) \ \Rightarrow\ q_\sigma(x_{t-1} \mid x_0) = \mathcal{N}\left(\sqrt{\bar\beta_{t-1}}\, x_0,\ "
                      r"1 - \bar\beta_{t-1}\right) \text{ for every } \sigma; \quad \eta = 1:\ \sigma^2 = \tilde\sigma_t^2",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong DDIM means and variances the engine must refute."""
    return {
        "direction √(1-β̄_{t-1}) without -σ²": derivation(
            mean=lambda variance, start=x_0: ddim_mean(0, start)),
        "direction coefficient without the square root": derivation(
            mean=lambda variance, start=x_0: sp.sqrt(BAR_PREV) * start
            + (1 - BAR_PREV - variance) * (x_t - sp.sqrt(BAR) * start) / sp.sqrt(1 - BAR)),
        "β̄_t for β̄_{t-1} on x_0 (t for t-1)": derivation(
            mean=lambda variance, start=x_0: ddim_mean(variance, start) + (sp.sqrt(BAR) - sp.sqrt(BAR_PREV)) * start),
        "σ_t(η) without the factor (1-β̄_{t-1})/(1-β̄_t)": derivation(
            sigma2_of_eta=lambda e: e**2 * (1 - BAR / BAR_PREV)),
    }
