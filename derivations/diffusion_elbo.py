"""The diffusion ELBO for every number of steps T: its decomposition and the weight of each term.

Ho et al. (2020), eqs. (5) and (8); Luo (2022), *Understanding Diffusion Models: A Unified
Perspective*, eqs. (45)–(58) and (99)–(108); Kingma et al. (2021), *Variational Diffusion
Models*, eq. (13) for the SNR form; homework 2.1.

1. Bayes, for each t ≥ 2 (symbolic t, Gaussian log-densities, ``β̄_t = (1-β_t) β̄_{t-1}``):
   ``log q(x_t|x_{t-1}) = log q(x_{t-1}|x_t,x_0) + log q(x_t|x_0) - log q(x_{t-1}|x_0)``;
   at t = 1, ``β̄_0 = 1`` makes the forward step the marginal: ``q(x_1|x_0) = q(x_1|x_0)``, no
   posterior term.
2. Telescoping, by induction over T ≥ 1: ``Σ_{t=2}^T [log q(x_t|x_0) - log q(x_{t-1}|x_0)]
   = log q(x_T|x_0) - log q(x_1|x_0)``.  With 1 the log-ratio inside the ELBO is
   ``log p_θ(x_0|x_1)`` (reconstruction) ``+ log p(x_T)/q(x_T|x_0)`` (−prior matching)
   ``+ Σ_{t≥2} log p_θ(x_{t-1}|x_t)/q(x_{t-1}|x_t,x_0)`` (−denoising matching); taking
   expectations under ``q`` (linearity, not machine-checked) turns the last two into −KL terms.
3. KL of two Gaussians with unequal variances, ``½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]``
   (the expectation computed by ``sympy.stats``), its equal-variance case ``(μ_1-μ_2)²/(2σ²)``,
   and the prior term ``KL(N(√β̄_T x_0, 1-β̄_T) ‖ N(0, 1)) = ½(β̄_T x_0² - β̄_T - log(1-β̄_T))``.
4. For t ≥ 2, with ``μ_θ(x_t) = μ̃_t(x_t, x̂_θ(x_t))`` the means differ by
   ``√β̄_{t-1}β_t/(1-β̄_t)·(x̂_θ - x_0)``, so the t-th term of the ELBO is
   ``-(1/(2σ_q(t)²))·β̄_{t-1}β_t²/(1-β̄_t)²·‖x̂_θ - x_0‖²``, and with ``σ_q(t)² = σ̃_t²`` the weight
   is ``½(SNR(t-1) - SNR(t))``.  At t = 1, ``σ̃_1² = 0``: that weight is undefined, and the term is
   the reconstruction ``log p_θ(x_0|x_1) = -½ log(2πσ_1²) - ‖x̂_θ(x_1) - x_0‖²/(2σ_1²)``.

Scope: the schedule, t and T are symbolic; the vectors are one coordinate (‖·‖² is a square).

The homework writes the weight with ``β_t`` for ``β_t²`` and drops the minus sign; the engine
refutes that version (see ``mutants``).
"""

from __future__ import annotations

import sympy as sp

from .engine import All, Derivation, Domain, Equal, Induction, Step, chain
from .notation import (GaussianKL, beta, beta_bar, beta_bar_recursion, gaussian_kl_expectation, gaussian_logpdf,
                       posterior_variance, snr)

t = sp.Symbol("t", integer=True, positive=True)
T = sp.Symbol("T", integer=True, positive=True)
x_t = sp.Symbol("x_t", real=True)
x_prev = sp.Symbol("x_{t-1}", real=True)
x_0 = sp.Symbol("x_0", real=True)
x_1 = sp.Symbol("x_1", real=True)
x0_hat = sp.Symbol("x̂_θ(x_t)", real=True)
x0_hat_1 = sp.Symbol("x̂_θ(x_1)", real=True)
x = sp.Symbol("x", real=True)
mu_1, mu_2 = sp.symbols("μ_1 μ_2", real=True)
v_1, v_2 = sp.symbols("v_1 v_2", positive=True)
sigma2 = sp.Symbol("σ²", positive=True)
sigma_q2 = sp.Symbol("σ_q(t)²", positive=True)
sigma_1_2 = sp.Symbol("σ_1²", positive=True)

#: ``ℓ(k) = log q(x_k | x_0)``, the forward marginals' log-densities along one path.
log_marginal = sp.Function("ℓ")
#: The ELBO's log-ratio, grouped: ``log p(x_T)``, ``log p_θ(x_0|x_1)``, and the sums over t = 2..T
#: of ``log p_θ(x_{t-1}|x_t)`` and of ``log q(x_{t-1}|x_t,x_0)``.
log_prior = sp.Symbol("log p(x_T)", real=True)
log_decoder = sp.Symbol("log p_θ(x_0|x_1)", real=True)
sum_log_p = sp.Symbol("Σ_{t≥2} log p_θ(x_{t-1}|x_t)", real=True)
sum_log_posterior = sp.Symbol("Σ_{t≥2} log q(x_{t-1}|x_t,x_0)", real=True)


def mu_tilde(x_t, x_0):
    """``μ̃_t(x_t, x_0)``, the mean of ``q(x_{t-1} | x_t, x_0)`` (``diffusion.posterior``)."""
    return (sp.sqrt(1 - beta(t)) * (1 - beta_bar(t - 1)) / (1 - beta_bar(t)) * x_t
            + sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * x_0)


WEIGHT = beta_bar(t - 1) * beta(t) ** 2 / (2 * sigma_q2 * (1 - beta_bar(t)) ** 2)
SNR_WEIGHT = (snr(t - 1) - snr(t)) / 2


def bayes(sign=1):
    """``log q(x_t|x_{t-1})`` and ``log q(x_{t-1}|x_t,x_0) + log q(x_t|x_0) - log q(x_{t-1}|x_0)``
    as Gaussian log-densities (``sign=-1`` swaps the two marginals: a mutant)."""
    forward = gaussian_logpdf(x_t, sp.sqrt(1 - beta(t)) * x_prev, beta(t))
    marginals = (gaussian_logpdf(x_t, sp.sqrt(beta_bar(t)) * x_0, 1 - beta_bar(t))
                 - gaussian_logpdf(x_prev, sp.sqrt(beta_bar(t - 1)) * x_0, 1 - beta_bar(t - 1)))
    return forward, gaussian_logpdf(x_prev, mu_tilde(x_t, x_0), posterior_variance(t)) + sign * marginals


def first_step():
    """At t = 1 (``β̄_0 = 1``) the forward step is the marginal ``q(x_1|x_0) = N(√β̄_1 x_0, 1-β̄_1)``."""
    return (gaussian_logpdf(x_1, sp.sqrt(1 - beta(1)) * x_0, beta(1)),
            gaussian_logpdf(x_1, sp.sqrt(beta_bar(1)) * x_0, 1 - beta_bar(1)))


def telescoping(shift=1) -> Induction:
    """``Σ_{t=2}^k [ℓ(t) - ℓ(t-1)] = ℓ(k) - ℓ(1)`` for every k ≥ 1 (``shift`` ≠ 1: a mutant)."""
    a = sp.Symbol("a", real=True)
    return Induction(sp.Lambda(T, log_marginal(T) - log_marginal(shift)),
                     sp.Lambda((a, T), a + log_marginal(T) - log_marginal(T - 1)), 0, T, base=1)


def decomposition():
    """The log-ratio ``log p_θ(x_{0:T}) - log q(x_{1:T}|x_0)``, with ``log q(x_{1:T}|x_0)`` written by
    steps 1 and 2 as ``ℓ(1) + Σ_{t≥2} log q(x_{t-1}|x_t,x_0) + (ℓ(T) - ℓ(1))``, and its grouping into
    reconstruction, prior matching and denoising matching."""
    log_forward = log_marginal(1) + sum_log_posterior + (log_marginal(T) - log_marginal(1))
    return (log_prior + log_decoder + sum_log_p - log_forward,
            log_decoder + (log_prior - log_marginal(T)) + (sum_log_p - sum_log_posterior))


def gaussian_kl(log_sign=1):
    """``KL(N(μ_1, v_1) ‖ N(μ_2, v_2)) = ½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]``."""
    return (sp.log(v_2 / v_1) * log_sign + (v_1 + (mu_1 - mu_2) ** 2) / v_2 - 1) / 2


PRIOR_TERM = (beta_bar(T) * x_0**2 - beta_bar(T) - sp.log(1 - beta_bar(T))) / 2
RECONSTRUCTION = -sp.log(2 * sp.pi * sigma_1_2) / 2 - (x0_hat_1 - x_0) ** 2 / (2 * sigma_1_2)

DOMAIN = Domain(
    intervals={beta(t): (0, 1), beta_bar(t - 1): (0, 1), beta(1): (0, 1), beta_bar(T): (0, 1),
               sigma_q2: (0, sp.oo), sigma2: (0, sp.oo), sigma_1_2: (0, sp.oo), v_1: (0, sp.oo), v_2: (0, sp.oo),
               x_t: (-sp.oo, sp.oo), x_prev: (-sp.oo, sp.oo), x_0: (-sp.oo, sp.oo), x_1: (-sp.oo, sp.oo),
               x0_hat: (-sp.oo, sp.oo), x0_hat_1: (-sp.oo, sp.oo), mu_1: (-sp.oo, sp.oo), mu_2: (-sp.oo, sp.oo),
               log_prior: (-sp.oo, sp.oo), log_decoder: (-sp.oo, sp.oo), sum_log_p: (-sp.oo, sp.oo),
               sum_log_posterior: (-sp.oo, sp.oo),
               **{log_marginal(k): (-sp.oo, sp.oo) for k in (1, 2, T, T - 1)}},
    integers={T: (2, 10**6)},
    definitions={beta_bar(t): beta_bar_recursion(t), beta_bar(1): beta_bar_recursion(1)},
    hypotheses=("t ≥ 2 and T ≥ 1 symbolic, 0 < β_t < 1, 0 < β̄_{t-1} < 1, β̄_t = (1-β_t) β̄_{t-1}, β̄_0 = 1",
                "ℓ(k) = log q(x_k|x_0) along one path; expectations under q taken by linearity",
                "p(x_T) = N(0, 1); p_θ(x_{t-1}|x_t) = N(μ̃_t(x_t, x̂_θ(x_t)), σ_q(t)²) for t ≥ 2; "
                "p_θ(x_0|x_1) = N(x̂_θ(x_1), σ_1²); one coordinate of ‖x̂_θ - x_0‖²"),
)


def derivation(weight=WEIGHT, sign=-1, snr_weight=SNR_WEIGHT, bayes_sign=1, telescoping_shift=1,
               kl_log_sign=1) -> Derivation:
    """The derivation: the ELBO's t-th term (t ≥ 2) is ``sign · weight · ‖x̂_θ - x_0‖²``; the other
    arguments let a test substitute a wrong Bayes step, telescoping or Gaussian KL."""
    error2 = (x0_hat - x_0) ** 2
    term = -GaussianKL(mu_tilde(x_t, x_0), mu_tilde(x_t, x0_hat), sigma_q2)
    parts = (
        ("Bayes for t ≥ 2", Equal(*bayes(bayes_sign)),
         "Bayes and the Markov property, t ≥ 2: q(x_t|x_{t-1}) = q(x_{t-1}|x_t,x_0) q(x_t|x_0)/q(x_{t-1}|x_0)"),
        ("t = 1", Equal(*first_step()), "t = 1: β̄_1 = 1 - β_1, so q(x_1|x_0) is the forward step itself"),
        ("telescoping for every T", telescoping(telescoping_shift),
         "induction over T ≥ 1: the log q(x_t|x_0) - log q(x_{t-1}|x_0) of the t ≥ 2 steps telescope"),
        ("decomposition", Equal(*decomposition()),
         "log p_θ(x_{0:T}) - log q(x_{1:T}|x_0) = reconstruction + (log p(x_T) - ℓ(T)) "
         "+ Σ_{t≥2} (log p_θ - log q(x_{t-1}|x_t,x_0)); E_q makes the last two -KL terms"),
        ("Gaussian KL lemma", Equal(gaussian_kl_expectation(mu_1, mu_2, v_1, v_2), gaussian_kl(kl_log_sign)),
         "KL of Gaussians with unequal variances: E over N(μ_1, v_1) of the log-ratio (sympy.stats); "
         "KL(N(μ_1, v_1) ‖ N(μ_2, v_2)) below stands for this closed form"),
        ("prior term", Equal(GaussianKL(sp.sqrt(beta_bar(T)) * x_0, 0, 1 - beta_bar(T), 1), PRIOR_TERM),
         "prior matching, KL(q(x_T|x_0) ‖ N(0, 1)), by the lemma"),
        ("equal variances", Equal(gaussian_kl(kl_log_sign).subs({v_1: sigma2, v_2: sigma2}),
                                  (mu_1 - mu_2) ** 2 / (2 * sigma2)),
         "the lemma with v_1 = v_2 = σ²: KL = (μ_1 - μ_2)²/(2σ²)"),
    )
    steps = (
        *(Step(relation, why) for _, relation, why in parts),
        Step(Equal(mu_tilde(x_t, x_0) - mu_tilde(x_t, x0_hat),
                   sp.sqrt(beta_bar(t - 1)) * beta(t) / (1 - beta_bar(t)) * (x_0 - x0_hat)),
             "t ≥ 2, μ_θ = μ̃_t(x_t, x̂_θ): the x_t terms cancel"),
        *chain(
            term,
            (-(beta_bar(t - 1) * beta(t) ** 2 / (1 - beta_bar(t)) ** 2) * error2 / (2 * sigma_q2),
             "square the coefficient of (x̂_θ - x_0)"),
            (sign * weight * error2, "the t-th ELBO term (t ≥ 2), a weighted reconstruction error"),
        ),
        Step(Equal(weight.subs(sigma_q2, posterior_variance(t)), snr_weight),
             "with σ_q(t)² = σ̃_t² = β_t(1-β̄_{t-1})/(1-β̄_t) the weight is ½(SNR(t-1) - SNR(t))"),
        Step(Equal(posterior_variance(1), 0),
             "t = 1: σ̃_1² = β_1(1-β̄_0)/(1-β̄_1) = 0, so the t ≥ 2 weight does not apply there"),
        Step(Equal(gaussian_logpdf(x_0, x0_hat_1, sigma_1_2), RECONSTRUCTION),
             "t = 1 is the reconstruction term log p_θ(x_0|x_1), weight 1/(2σ_1²) on ‖x̂_θ(x_1) - x_0‖²"),
    )
    return Derivation(
        # The claim is the theorem (the decomposition and its terms); the lemmas it rests on are
        # the steps, each checked once.
        claim=All((
            ("decomposition", parts[3][1]),
            ("prior term", parts[5][1]),
            ("t-th ELBO term, t ≥ 2", Equal(term, sign * weight * error2)),
            ("SNR form", Equal(weight.subs(sigma_q2, posterior_variance(t)), snr_weight)),
            ("t = 1 reconstruction", Equal(gaussian_logpdf(x_0, x0_hat_1, sigma_1_2), RECONSTRUCTION)),
        )),
        statement="for every T ≥ 1: ELBO = E_q log p_θ(x_0|x_1) - KL(q(x_T|x_0)‖p(x_T)) "
                  "- Σ_{t=2}^T E_q KL(q(x_{t-1}|x_t,x_0)‖p_θ(x_{t-1}|x_t)); for t ≥ 2 the t-th term is "
                  "-(1/(2σ_q(t)²))·β̄_{t-1}β_t²/(1-β̄_t)²·‖x̂_θ-x_0‖², weight ½(SNR(t-1)-SNR(t)) when "
                  "σ_q(t)² = σ̃_t²; t = 1 is the reconstruction term (one coordinate)",
        display_claim=r"-\mathrm{ELBO} = L_T + \sum_{t=2}^{T} L_{t-1} + L_0, \quad L_{t-1} = \frac{1}{2\sigma_q(t)^2} \frac{\bar\beta_{t-1} \beta_t^2}{(1 - \bar\beta_t)^2}\, \mathbb{E}_q \left\| \hat x_\theta(x_t) - x_0 \right\|^2 = \frac{1}{2}\left(\mathrm{SNR}(t-1) - \mathrm{SNR}(t)\right) \mathbb{E}_q \left\| \hat x_\theta(x_t) - x_0 \right\|^2 \ \text{when } \sigma_q(t)^2 = \tilde\sigma_t^2",
        domain=DOMAIN,
        steps=steps,
    )


def mutants() -> dict[str, Derivation]:
    """Wrong weights and steps the engine must refute (the first is the homework's)."""
    linear = beta_bar(t - 1) * beta(t) / (2 * sigma_q2 * (1 - beta_bar(t)) ** 2)
    return {
        "the homework's: β_t for β_t² and the minus sign dropped": derivation(
            weight=linear, sign=1, snr_weight=linear.subs(sigma_q2, posterior_variance(t))),
        "β_t for β_t² (sign kept)": derivation(weight=linear, snr_weight=linear.subs(sigma_q2, posterior_variance(t))),
        "the factor ½ missing": derivation(weight=2 * WEIGHT, snr_weight=2 * SNR_WEIGHT),
        "SNR difference reversed, ½(SNR(t) - SNR(t-1))": derivation(snr_weight=(snr(t) - snr(t - 1)) / 2),
        "t-1 for t in the denominator (1-β̄_t)²": derivation(
            weight=beta_bar(t - 1) * beta(t) ** 2 / (2 * sigma_q2 * (1 - beta_bar(t - 1)) ** 2)),
        "Bayes with q(x_t|x_0) and q(x_{t-1}|x_0) swapped": derivation(bayes_sign=-1),
        "telescoping that keeps ℓ(2) for ℓ(1)": derivation(telescoping_shift=2),
        "Gaussian KL with log(v_1/v_2)": derivation(kl_log_sign=-1),
    }
