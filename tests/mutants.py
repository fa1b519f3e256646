"""Deliberately wrong implementations: the reference with exactly one function replaced.

Each mutant is a mistake a student or practitioner makes (several are in the homework solution
itself).  ``test_crosschecks.py`` asserts that every one is rejected by at least one cross-check;
a mutant that survives means the checks have a blind spot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from genverify.numeric import diffusion, dsm_identity, gan, gmm, ns_gradient, probability_flow
from genverify.numeric.crosschecks import REFERENCE, Implementation
from genverify.numeric.samplers import SamplerResult, ddpm_sigma2
from genverify.numeric.schedules import Schedule, as_schedule, check_t


@dataclass(frozen=True)
class Mutant:
    """``impl`` is :data:`REFERENCE` with ``replaced`` swapped for the wrong function ``description`` names."""

    name: str
    replaced: str
    description: str
    impl: Implementation


def _constants(betas, t):
    """``(β_t, α_t, β̄_t, β̄_{t-1})`` at the 1-based ``t``."""
    s = as_schedule(betas)
    t = check_t(t, s.T)
    return s.betas[t - 1], s.alphas[t - 1], s.alpha_bars[t - 1], s.alpha_bars_prev[t - 1]


# --- forward marginal q(x_t | x_0) = N(√β̄_t x_0, 1 - β̄_t) ------------------------------------


def _forward_no_sqrt(x_0, t, betas):
    _, _, alpha_bar, _ = _constants(betas, t)
    return alpha_bar * np.asarray(x_0, dtype=np.float64), 1.0 - alpha_bar


def _forward_variance_alpha_bar(x_0, t, betas):
    _, _, alpha_bar, _ = _constants(betas, t)
    return math.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64), alpha_bar


def _forward_alpha_t(x_0, t, betas):
    _, alpha, _, _ = _constants(betas, t)
    return np.sqrt(alpha) * np.asarray(x_0, dtype=np.float64), 1.0 - alpha


def _forward_index_shift(x_0, t, betas):
    _, _, _, alpha_bar_prev = _constants(betas, t)
    return np.sqrt(alpha_bar_prev) * np.asarray(x_0, dtype=np.float64), 1.0 - alpha_bar_prev


def _forward_std_for_variance(x_0, t, betas):
    _, _, alpha_bar, _ = _constants(betas, t)
    return np.sqrt(alpha_bar) * np.asarray(x_0, dtype=np.float64), np.sqrt(1.0 - alpha_bar)


def _q_sample_variance_as_scale(x_0, t, schedule, rng):
    _, _, alpha_bar, _ = _constants(schedule, t)
    x_0 = np.asarray(x_0, dtype=np.float64)
    return np.sqrt(alpha_bar) * x_0 + (1.0 - alpha_bar) * rng.standard_normal(x_0.shape)


def _q_sample_alpha_t(x_0, t, schedule, rng):
    _, alpha, _, _ = _constants(schedule, t)
    x_0 = np.asarray(x_0, dtype=np.float64)
    return np.sqrt(alpha) * x_0 + np.sqrt(1.0 - alpha) * rng.standard_normal(x_0.shape)


# --- posterior q(x_{t-1} | x_t, x_0) ----------------------------------------------------------


def _posterior(coef1, coef2, variance):
    """A posterior whose coefficients ``f(β_t, α_t, β̄_t, β̄_{t-1})`` are given as functions."""
    def posterior_mean_variance(x_t, x_0, t, betas):
        c = _constants(betas, t)
        return coef1(*c) * np.asarray(x_0) + coef2(*c) * np.asarray(x_t), variance(*c)
    return posterior_mean_variance


def _coef1(beta, alpha, alpha_bar, alpha_bar_prev):
    return np.sqrt(alpha_bar_prev) * beta / (1.0 - alpha_bar)


def _coef2(beta, alpha, alpha_bar, alpha_bar_prev):
    return np.sqrt(alpha) * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar)


def _posterior_variance(beta, alpha, alpha_bar, alpha_bar_prev):
    return beta * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar)


def _shifted(f):
    """``f`` with ``β̄_t`` where ``β̄_{t-1}`` belongs: t for t-1."""
    return lambda beta, alpha, alpha_bar, alpha_bar_prev: f(beta, alpha, alpha_bar, alpha_bar)


def _posterior_alpha_t(x_t, x_0, t, betas):
    """The posterior with ``α_t``, ``α_{t-1}`` where ``β̄_t``, ``β̄_{t-1}`` belong (t ≥ 2)."""
    s = as_schedule(betas)
    t = int(check_t(t, s.T))
    beta, alpha, alpha_prev = s.betas[t - 1], s.alphas[t - 1], s.alphas[t - 2]
    c = (beta, alpha, alpha, alpha_prev)
    return _coef1(*c) * np.asarray(x_0) + _coef2(*c) * np.asarray(x_t), _posterior_variance(*c)


# --- ELBO weight w_t = β̄_{t-1} β_t² / (2 σ_q(t)² (1-β̄_t)²) -------------------------------------


def _weight(f):
    def elbo_weight(t, betas):
        s = as_schedule(betas)
        t = int(check_t(t, s.T))
        beta, _, alpha_bar, alpha_bar_prev = _constants(s, t)
        sigma2 = _posterior_variance(beta, None, alpha_bar, alpha_bar_prev)
        return float(f(beta, alpha_bar, alpha_bar_prev, sigma2))
    return elbo_weight


# --- DDPM ancestral step x_{t-1} = (x_t + β_t s)/√α_t + σ_t z ------------------------------------


def _ddpm(step):
    """A DDPM sampler whose step ``step(x, s, β_t, α_t, σ_t², z)`` is given (z = 0 at t = 1)."""
    def ddpm_sample(score, schedule: Schedule, *, rng, x_T, variance="beta"):
        x = np.array(x_T, dtype=np.float64)
        sigma2 = ddpm_sigma2(schedule, variance)
        for t in range(schedule.T, 0, -1):
            z = rng.standard_normal(x.shape) if t > 1 else np.zeros_like(x)
            x = step(x, score(x, t), schedule.betas[t - 1], schedule.alphas[t - 1], sigma2[t - 1], z)
        return SamplerResult(x, {}, np.empty((0, 0, x.shape[1])))
    return ddpm_sample


# --- conditional score s(x) - 2 (x - x_known) ⊙ M ----------------------------------------------


def _conditional_score_no_mask(x, x_known, mask, prior_score):
    return diffusion.conditional_score(x, x_known, np.ones_like(np.asarray(mask, dtype=np.float64)), prior_score)


def _conditional_score_no_prior(x, x_known, mask, prior_score):
    return diffusion.conditional_score(x, x_known, mask, lambda x: np.zeros_like(x))


def _conditional_score_no_factor_2(x, x_known, mask, prior_score):
    return diffusion.conditional_score(x, x_known, mask, prior_score, sigma2=1.0)


def _conditional_score_sign(x, x_known, mask, prior_score):
    x, x_known, mask = (np.asarray(a, dtype=np.float64) for a in (x, x_known, mask))
    return prior_score(x) + 2.0 * (x - x_known) * mask


# --- GAN --------------------------------------------------------------------------------------


def _ring_with(angles_of):
    def ring(n_modes=8, radius=2.0, std=0.05):
        angles = angles_of(n_modes)
        means = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return gmm.GaussianMixture(np.full(n_modes, 1.0 / n_modes), means, np.full(n_modes, std**2))
    return ring


def _saturating_gradient_sign(logits):
    value, grad = gan.generator_loss_saturating(logits)
    return value, -grad


def _nonsaturating_sum_not_mean(logits):
    value, grad = gan.generator_loss_nonsaturating(logits)
    return value, grad * np.asarray(logits).size


def _dirac_eigenvalues(centre_and_radicand):
    """Dirac-GAN eigenvalues ``c ± √r`` with ``(c, r) = centre_and_radicand(γ, f'(0))``, ``f'(0) = ½``."""
    def dirac_gan_eigenvalues(gamma):
        centre, radicand = centre_and_radicand(gamma, 0.5)
        root = np.sqrt(complex(radicand))
        return np.array([centre + root, centre - root])
    return dirac_gan_eigenvalues


def _kl_gradient(mu_r, sigma_r, mu_g, sigma_g):
    """``∂KL(p_g‖p_r)/∂μ_g = (μ_g - μ_r)/σ_r²``: the reference minus this is ``-2 ∂JSD/∂μ_g``."""
    return (mu_g - mu_r) / sigma_r**2


def _mutant(name: str, replaced: str, description: str, fn) -> Mutant:
    return Mutant(name, replaced, description, replace(REFERENCE, **{replaced: fn}))


MUTANTS: tuple[Mutant, ...] = (
    _mutant("forward_mean_no_sqrt", "forward_marginal", "mean β̄_t x_0: missing √", _forward_no_sqrt),
    _mutant("forward_variance_alpha_bar", "forward_marginal", "variance β̄_t for 1-β̄_t", _forward_variance_alpha_bar),
    _mutant("forward_alpha_t", "forward_marginal", "α_t for ᾱ_t (one step, not the product)", _forward_alpha_t),
    _mutant("forward_index_shift", "forward_marginal", "β̄_{t-1} for β̄_t (index t-1 for t)", _forward_index_shift),
    _mutant("forward_std_for_variance", "forward_marginal", "√(1-β̄_t) returned as the variance", _forward_std_for_variance),
    _mutant("q_sample_variance_as_scale", "q_sample", "noise scaled by 1-β̄_t, not √(1-β̄_t)", _q_sample_variance_as_scale),
    _mutant("q_sample_alpha_t", "q_sample", "α_t for ᾱ_t in the reparameterisation", _q_sample_alpha_t),
    _mutant("posterior_index_shift", "posterior_mean_variance", "β̄_t for β̄_{t-1} (t for t-1)",
            _posterior(_shifted(_coef1), _shifted(_coef2), _shifted(_posterior_variance))),
    _mutant("posterior_alpha_t", "posterior_mean_variance", "α_t for ᾱ_t in the posterior",
            _posterior_alpha_t),
    _mutant("posterior_variance_beta", "posterior_mean_variance", "variance β_t instead of σ̃_t²",
            _posterior(_coef1, _coef2, lambda beta, *_: beta)),
    _mutant("posterior_coefficients_swapped", "posterior_mean_variance", "x_0 and x_t coefficients swapped",
            _posterior(_coef2, _coef1, _posterior_variance)),
    # Killed by importance_sampling_identity (diffusion.likelihood_bound): q(x_{1:T} | x_0) written
    # through this posterior is no longer the density the trajectories were drawn from.
    _mutant("posterior_variance_swapped", "posterior_mean_variance",
            "β_t(1-β̄_t)/(1-β̄_{t-1}): t and t-1 swapped in the variance",
            _posterior(_coef1, _coef2, lambda beta, alpha, ab, abp: beta * (1.0 - ab) / (1.0 - abp))),
    _mutant("posterior_coef1_no_sqrt", "posterior_mean_variance", "β̄_{t-1} for √β̄_{t-1} in the x_0 coefficient",
            _posterior(lambda b, a, ab, abp: abp * b / (1.0 - ab), _coef2, _posterior_variance)),
    _mutant("elbo_weight_beta_not_squared", "elbo_weight", "β_t for β_t² (the homework's coefficient)",
            _weight(lambda beta, ab, abp, s2: abp * beta / (2 * s2 * (1 - ab) ** 2))),
    _mutant("elbo_weight_no_half", "elbo_weight", "missing ½: SNR(t-1) - SNR(t)",
            _weight(lambda beta, ab, abp, s2: abp * beta**2 / (s2 * (1 - ab) ** 2))),
    _mutant("elbo_weight_sign", "elbo_weight", "½(SNR(t) - SNR(t-1)): sign error",
            _weight(lambda beta, ab, abp, s2: 0.5 * (ab / (1 - ab) - abp / (1 - abp)))),
    _mutant("elbo_weight_beta_for_sigma", "elbo_weight", "σ_q(t)² replaced by β_t",
            _weight(lambda beta, ab, abp, s2: abp * beta / (2 * (1 - ab) ** 2))),
    _mutant("ddpm_no_sqrt", "ddpm_sample", "divides by α_t, not √α_t",
            _ddpm(lambda x, s, beta, alpha, sigma2, z: (x + beta * s) / alpha + np.sqrt(sigma2) * z)),
    _mutant("ddpm_variance_as_std", "ddpm_sample", "σ_t² used as the noise scale (missing √)",
            _ddpm(lambda x, s, beta, alpha, sigma2, z: (x + beta * s) / np.sqrt(alpha) + sigma2 * z)),
    _mutant("ddpm_score_sign", "ddpm_sample", "x_t - β_t s: score sign error",
            _ddpm(lambda x, s, beta, alpha, sigma2, z: (x - beta * s) / np.sqrt(alpha) + np.sqrt(sigma2) * z)),
    _mutant("ddpm_variance_beta", "ddpm_sample", "σ_t² = β_t whatever variance is asked for",
            _ddpm(lambda x, s, beta, alpha, sigma2, z: (x + beta * s) / np.sqrt(alpha) + np.sqrt(beta) * z)),
    _mutant("conditional_score_no_mask", "conditional_score", "missing mask: pulls every coordinate to x_known",
            _conditional_score_no_mask),
    _mutant("conditional_score_no_prior", "conditional_score", "missing prior score s_θ(x)",
            _conditional_score_no_prior),
    _mutant("conditional_score_no_factor_2", "conditional_score", "-(x - x_known) ⊙ M: factor 2 dropped",
            _conditional_score_no_factor_2),
    _mutant("conditional_score_sign", "conditional_score", "+2 (x - x_known) ⊙ M: sign error",
            _conditional_score_sign),
    _mutant("D_star_swapped", "optimal_discriminator", "p_g/(p_r + p_g): p_r and p_g swapped",
            lambda p_r, p_g: gan.optimal_discriminator(p_g, p_r)),
    _mutant("D_star_ratio", "optimal_discriminator", "p_r/p_g: the likelihood ratio, not the posterior",
            lambda p_r, p_g: np.asarray(p_r) / np.asarray(p_g)),
    _mutant("C_G_missing_log4", "generator_objective", "2·JSD: missing -log 4 (the homework's line)",
            lambda *pair: 2.0 * gan.jsd_quad(*pair)),
    _mutant("C_G_missing_factor_2", "generator_objective", "-log 4 + JSD: factor 2 dropped",
            lambda *pair: -math.log(4.0) + gan.jsd_quad(*pair)),
    _mutant("nonsaturating_is_saturating", "generator_loss_nonsaturating", "saturating loss for the non-saturating",
            gan.generator_loss_saturating),
    _mutant("nonsaturating_sum_not_mean", "generator_loss_nonsaturating", "gradient of the sum, not the mean",
            _nonsaturating_sum_not_mean),
    _mutant("saturating_gradient_sign", "generator_loss_saturating", "gradient sign error",
            _saturating_gradient_sign),
    _mutant("ring_linspace", "ring", "angles linspace(0, 2π, 8): 0 and 2π coincide, 7 distinct modes",
            _ring_with(lambda K: np.linspace(0.0, 2.0 * np.pi, K))),
    _mutant("ring_half_circle", "ring", "angles πk/8: modes on half the circle",
            _ring_with(lambda K: np.pi * np.arange(K) / K)),
    _mutant("dirac_eigenvalues_half_dropped", "dirac_gan_eigenvalues", "-γ ± √(γ²/4 - f'(0)²): the ½ of -γ/2 dropped",
            _dirac_eigenvalues(lambda g, a: (-g, g**2 / 4 - a**2))),
    _mutant("dirac_eigenvalues_unit_f_prime", "dirac_gan_eigenvalues", "f'(0) taken as 1: ±i at γ = 0",
            _dirac_eigenvalues(lambda g, a: (-g / 2, g**2 / 4 - 1.0))),
    _mutant("dirac_eigenvalues_gamma_squared", "dirac_gan_eigenvalues", "√(γ² - f'(0)²): γ² not divided by 4",
            _dirac_eigenvalues(lambda g, a: (-g / 2, g**2 - a**2))),
    _mutant("dsm_target_sign", "dsm_target", "+(x_t - √ᾱ x_0)/(1-ᾱ): sign flipped",
            lambda x_t, x_0, ab: -dsm_identity.dsm_target(x_t, x_0, ab)),
    _mutant("dsm_target_std", "dsm_target", "-(x_t - √ᾱ x_0)/√(1-ᾱ): standard deviation for variance",
            lambda x_t, x_0, ab: dsm_identity.dsm_target(x_t, x_0, ab) * math.sqrt(1.0 - ab)),
    _mutant("dsm_target_no_sqrt", "dsm_target", "-(x_t - x_0)/(1-ᾱ): the √ᾱ scaling of x_0 dropped",
            lambda x_t, x_0, ab: -(np.asarray(x_t) - np.asarray(x_0)) / (1.0 - ab)),
    _mutant("probability_flow_full_g2", "probability_flow_drift", "f - g²∇log p: the reverse SDE's drift, no noise",
            probability_flow.reverse_sde_drift),
    _mutant("probability_flow_score_sign", "probability_flow_drift", "f + ½g²∇log p: score sign flipped",
            lambda x, beta, score: probability_flow.probability_flow_drift(x, beta, -np.asarray(score))),
    _mutant("reverse_sde_half_g2", "reverse_sde_drift", "f - ½g²∇log p: the PF-ODE's drift with noise added",
            probability_flow.probability_flow_drift),
    _mutant("reverse_sde_drift_no_half", "reverse_sde_drift", "-β(x + ∇log p): f = -βx, the ½ of f dropped",
            lambda x, beta, score: -beta * (np.asarray(x) + np.asarray(score))),
    _mutant("kl_minus_2jsd_sign", "kl_minus_2jsd_gradient", "∇[KL + 2JSD]: the JSD term's sign flipped",
            lambda *pair: 2 * _kl_gradient(*pair) - ns_gradient.kl_minus_2jsd_gradient(*pair)),
    _mutant("kl_minus_2jsd_forward_kl", "kl_minus_2jsd_gradient", "∇KL(p_r‖p_g), the forward KL, for ∇KL(p_g‖p_r)",
            lambda mu_r, s_r, mu_g, s_g: ns_gradient.kl_minus_2jsd_gradient(mu_r, s_r, mu_g, s_g)
            - _kl_gradient(mu_r, s_r, mu_g, s_g) + (mu_g - mu_r) / s_g**2),
    _mutant("kl_minus_jsd", "kl_minus_2jsd_gradient", "∇[KL - JSD]: the factor 2 on the JSD dropped",
            lambda *pair: (_kl_gradient(*pair) + ns_gradient.kl_minus_2jsd_gradient(*pair)) / 2),
)


# --- Tweedie and the ε-parameterisation (diffusion.tweedie) ---------------------------------


def _x0_from_score_no_variance(x_t, t, score, schedule):
    _, _, alpha_bar, _ = _constants(schedule, t)
    return (np.asarray(x_t) + np.asarray(score)) / math.sqrt(alpha_bar)


def _x0_from_score_alpha_bar(x_t, t, score, schedule):
    _, _, alpha_bar, _ = _constants(schedule, t)
    return (np.asarray(x_t) + (1.0 - alpha_bar) * np.asarray(score)) / alpha_bar


def _eps_from_score_variance(score, t, schedule):
    _, _, alpha_bar, _ = _constants(schedule, t)
    return -(1.0 - alpha_bar) * np.asarray(score)


def _x0_from_eps_variance(x_t, t, eps, schedule):
    _, _, alpha_bar, _ = _constants(schedule, t)
    return (np.asarray(x_t) - (1.0 - alpha_bar) * np.asarray(eps)) / math.sqrt(alpha_bar)


def _eps_weight(f):
    """An ε-weight ``f(β_t, β̄_t, β̄_{t-1})`` with ``σ_t² = σ̃_t²``."""
    def eps_weight(t, betas):
        beta, _, alpha_bar, alpha_bar_prev = _constants(betas, int(t))
        return float(f(beta, alpha_bar, alpha_bar_prev))
    return eps_weight


# --- Gaussian KL ---------------------------------------------------------------------------------


def _kl(f):
    """A Gaussian KL ``f(μ_1, v_1, μ_2, v_2)`` on floats."""
    return lambda m1, v1, m2, v2: float(f(float(m1), float(v1), float(m2), float(v2)))


# --- DDIM ----------------------------------------------------------------------------------------


def _ddim(update):
    """A DDIM sampler whose update ``update(x, s, ᾱ_t, ᾱ_{t'}, σ, z)`` is given (no record of step 0)."""
    def ddim_sample(score, schedule: Schedule, *, rng, eta=0.0, timesteps=None, x_T=None, record=()):
        steps = np.arange(1, schedule.T + 1) if timesteps is None else np.asarray(timesteps)
        alpha_bars = np.concatenate([[1.0], schedule.alpha_bars])
        previous = np.concatenate([[0], steps[:-1]])
        x, recorded, wanted = np.array(x_T, dtype=np.float64), {}, set(record)
        for k, (t, t_prev) in enumerate(zip(steps[::-1], previous[::-1]), start=1):
            a, a_prev = alpha_bars[t], alpha_bars[t_prev]
            sigma = eta * math.sqrt((1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev))
            x = update(x, score(x, int(t)), a, a_prev, sigma, rng.standard_normal(x.shape))
            if k in wanted:
                recorded[k] = x.copy()
        return SamplerResult(x, recorded, np.empty((0, 0, x.shape[1])))
    return ddim_sample


def _ddim_update(x0_hat, eps_hat, a_prev, sigma, z, direction=None):
    direction = math.sqrt(max(1.0 - a_prev - sigma**2, 0.0)) if direction is None else direction
    return math.sqrt(a_prev) * x0_hat + direction * eps_hat + sigma * z


def _ddim_direction_ignores_sigma(x, s, a, a_prev, sigma, z):
    eps_hat = -math.sqrt(1.0 - a) * s
    return _ddim_update((x - math.sqrt(1.0 - a) * eps_hat) / math.sqrt(a), eps_hat, a_prev, sigma, z,
                        direction=math.sqrt(1.0 - a_prev))


def _ddim_sigma_squared_as_scale(x, s, a, a_prev, sigma, z):
    eps_hat = -math.sqrt(1.0 - a) * s
    return _ddim_update((x - math.sqrt(1.0 - a) * eps_hat) / math.sqrt(a), eps_hat, a_prev, sigma, z) \
        + (sigma**2 - sigma) * z


def _ddim_x0_hat_no_sqrt(x, s, a, a_prev, sigma, z):
    eps_hat = -math.sqrt(1.0 - a) * s
    return _ddim_update((x - math.sqrt(1.0 - a) * eps_hat) / a, eps_hat, a_prev, sigma, z)


def _ddim_eps_sign(x, s, a, a_prev, sigma, z):
    eps_hat = math.sqrt(1.0 - a) * s
    return _ddim_update((x - math.sqrt(1.0 - a) * eps_hat) / math.sqrt(a), eps_hat, a_prev, sigma, z)


MUTANTS += (
    _mutant("x0_from_score_no_variance", "x0_from_score", "(x_t + score)/√β̄_t: the factor 1-β̄_t dropped",
            _x0_from_score_no_variance),
    _mutant("x0_from_score_alpha_bar", "x0_from_score", "divides by β̄_t, not √β̄_t", _x0_from_score_alpha_bar),
    _mutant("eps_from_score_sign", "eps_from_score", "ε̂ = +√(1-β̄_t)·score: sign error",
            lambda score, t, schedule: -diffusion.eps_from_score(score, t, schedule)),
    _mutant("eps_from_score_variance", "eps_from_score", "ε̂ = -(1-β̄_t)·score: variance for standard deviation",
            _eps_from_score_variance),
    _mutant("x0_from_eps_variance", "x0_from_eps", "(x_t - (1-β̄_t) ε)/√β̄_t: variance for standard deviation",
            _x0_from_eps_variance),
    _mutant("eps_weight_l_simple", "eps_weight", "L_simple's weight 1 passed off as the ELBO's",
            _eps_weight(lambda beta, ab, abp: 1.0)),
    _mutant("eps_weight_no_alpha", "eps_weight", "β_t²/(2σ̃_t²(1-β̄_t)): α_t missing",
            _eps_weight(lambda beta, ab, abp: beta**2 / (2 * _posterior_variance(beta, None, ab, abp) * (1 - ab)))),
    _mutant("eps_weight_is_x0_weight", "eps_weight", "the x_0-weight β̄_{t-1}β_t²/(2σ̃_t²(1-β̄_t)²) used for ε",
            lambda t, betas: diffusion.elbo_weight(t, betas)),
    _mutant("kl_log_inverted", "gaussian_kl", "log(v_1/v_2) for log(v_2/v_1)",
            _kl(lambda m1, v1, m2, v2: 0.5 * (math.log(v1 / v2) + (v1 + (m1 - m2) ** 2) / v2 - 1.0))),
    _mutant("kl_no_minus_half", "gaussian_kl", "the -½ dropped",
            _kl(lambda m1, v1, m2, v2: 0.5 * (math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2))),
    _mutant("kl_divides_by_v1", "gaussian_kl", "(v_1 + (μ_1-μ_2)²)/v_1: the source's variance for the target's",
            _kl(lambda m1, v1, m2, v2: 0.5 * (math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v1 - 1.0))),
    _mutant("kl_log_not_halved", "gaussian_kl", "log(v_2/v_1) where log(σ_2/σ_1) = ½ log(v_2/v_1) belongs",
            _kl(lambda m1, v1, m2, v2: math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / (2 * v2) - 0.5)),
    _mutant("ddim_direction_ignores_sigma", "ddim_sample", "direction √(1-ᾱ_{t'}) ε̂ without -σ_t²",
            _ddim(_ddim_direction_ignores_sigma)),
    _mutant("ddim_sigma_squared_as_scale", "ddim_sample", "noise σ_t² z: variance used as the scale",
            _ddim(_ddim_sigma_squared_as_scale)),
    _mutant("ddim_x0_hat_no_sqrt", "ddim_sample", "x̂_0 = (x_t - √(1-ᾱ_t) ε̂)/ᾱ_t: missing √",
            _ddim(_ddim_x0_hat_no_sqrt)),
    _mutant("ddim_eps_sign", "ddim_sample", "ε̂ = +√(1-ᾱ_t)·score: sign error", _ddim(_ddim_eps_sign)),
)
