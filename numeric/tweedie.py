"""Tweedie's formula and the ε-parameterisation: Ho et al.'s ε-weight, and the Monte Carlo
cross-checks of ``diffusion.tweedie``.

For ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` the conditional means are read off the score of the noised
marginal ``q_t``: ``E[x_0 | x_t] = (x_t + (1-β̄_t) ∇log q_t(x_t))/√β̄_t`` (Tweedie; Efron 2011,
eq. 2.8) and ``E[ε | x_t] = -√(1-β̄_t) ∇log q_t(x_t)``, and ``E[x_0 | x_t] = (x_t - √(1-β̄_t)
E[ε | x_t])/√β̄_t``; the conversions themselves are ``numeric.diffusion.x0_from_score``,
``eps_from_score`` and ``x0_from_eps``.  With ``p_θ(x_{t-1}|x_t) = N(μ̃_t(x_t, x̂_0(ε_θ)), σ̃_t²)``
the t-th term of the negative ELBO is ``w^ε_t E‖ε - ε_θ(x_t)‖²`` (Ho et al. 2020, eq. 12),
:func:`eps_weight`; ``L_simple`` (eq. 14) replaces ``w^ε_t`` by 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .elbo import GaussianDiffusion, negative_elbo_terms_mc
from .estimates import Outcome, mean_estimate
from .gmm import GaussianMixture
from .schedules import Schedule, as_schedule, check_t

if TYPE_CHECKING:
    from .crosschecks import Implementation


def eps_weight(t, betas) -> float | np.ndarray:
    """``w^ε_t = β_t² / (2 σ̃_t² α_t (1-β̄_t))``, the weight of ``E‖ε - ε_θ(x_t)‖²`` in the t-th
    denoising term of the negative ELBO when ``σ_t² = σ̃_t²`` (Ho et al. 2020, eq. 12).

    Equal to the x_0-weight ``numeric.diffusion.elbo_weight`` divided by ``SNR(t) = β̄_t/(1-β̄_t)``;
    computed as ``β_t / (2 (1-β_t)(1-β̄_{t-1}))``, which is the same after cancelling ``σ̃_t²``.
    Defined for ``t ∈ 2..T`` (``σ̃_1² = 0``); ``t = 1`` raises ``ValueError``.
    """
    s = as_schedule(betas)
    t = check_t(t, s.T)
    if np.any(t == 1):
        raise ValueError("eps_weight is defined for t in 2..T: at t = 1 the posterior variance is 0")
    w = 0.5 * s.betas[t - 1] / (s.alphas[t - 1] * s.one_minus_alpha_bars[t - 2])
    return float(w) if w.ndim == 0 else w


# Ten steps with large β_t (as in ``crosschecks``): a missing √ or a variance for a standard
# deviation changes the conversions by far more than the Monte Carlo error at n = 2000.
SCHEDULE = Schedule.from_betas(np.linspace(0.05, 0.3, 10))
TWEEDIE_TIMES = (2, 5, 9)
#: One-dimensional data with three unequal modes: its posterior mean E[x_0 | x_t] is far from
#: linear in x_t, and the score of every noised marginal is exact (``GaussianMixture.noised``).
TWEEDIE_DATA = GaussianMixture(np.array([0.5, 0.3, 0.2]), np.array([[-2.0], [0.5], [2.5]]),
                               np.array([0.09, 0.25, 0.04]))


TWEEDIE_SIMULATES = (
    "pairs (x_0, ε) with x_0 from a 1-D mixture of three Gaussians and x_t = √β̄_t x_0 + √(1−β̄_t) ε; the exact "
    "score of q_t goes through the conversions, and each residual times g(x_t) has mean 0 (Tweedie)")
TWEEDIE_LABELS = tuple(f"t = {t}: E[{r} · {g}]" for t in TWEEDIE_TIMES
                       for r in ("(x_0 − x̂_0(score))", "(ε − ε̂(score))", "(x_0 − x̂_0(ε̂))") for g in ("1", "x_t"))


def tweedie_regression(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """The normal equations of regressing ``x_0`` and ``ε`` on ``x_t``: for ``g ∈ {1, x_t}``,
    ``E[(x_0 - x̂_0(x_t)) g(x_t)] = 0`` and ``E[(ε - ε̂(x_t)) g(x_t)] = 0``, because ``x̂_0 = E[x_0 | x_t]``
    and ``ε̂ = E[ε | x_t]`` (Tweedie).  Simulated pairs ``x_0 ~`` :data:`TWEEDIE_DATA`, ``x_t =
    √β̄_t x_0 + √(1-β̄_t) ε``; the exact score of ``q_t`` goes through ``x0_from_score`` and
    ``eps_from_score``, and ``-√(1-β̄_t)·score`` through ``x0_from_eps``, at :data:`TWEEDIE_TIMES`.
    ``g = x_t`` is needed: the score has mean 0, so ``g = 1`` misses a wrong factor on it."""
    stats = []
    for t in TWEEDIE_TIMES:
        alpha_bar = SCHEDULE.alpha_bars[t - 1]
        x_0 = TWEEDIE_DATA.sample(n, rng)[:, 0]
        eps = rng.standard_normal(n)
        x_t = np.sqrt(alpha_bar) * x_0 + np.sqrt(1.0 - alpha_bar) * eps
        score = TWEEDIE_DATA.noised(alpha_bar).score(x_t[:, None])[:, 0]
        residuals = (x_0 - np.asarray(impl.x0_from_score(x_t, t, score, SCHEDULE)),
                     eps - np.asarray(impl.eps_from_score(score, t, SCHEDULE)),
                     x_0 - np.asarray(impl.x0_from_eps(x_t, t, -np.sqrt(1.0 - alpha_bar) * score, SCHEDULE)))
        stats += [r * g for r in residuals for g in (np.ones(n), x_t)]
    estimate = mean_estimate(np.stack(stats), axis=1)
    return Outcome(estimate.value, estimate.se, np.zeros(len(stats)), n)


EPS_MODEL = GaussianDiffusion(SCHEDULE, data_mean=np.array([0.5, -1.0]), data_std=0.6)
# Far from the data mean the denoiser's error is mostly bias, so each L_{t-1} is large against its
# SE: a weight off by α_t (5–30% on this schedule) is then rejected at n = 2000 (measured z ≈ 9).
EPS_X0 = np.array([3.0, 2.0])


EPS_SIMULATES = (
    "forward trajectories of a 2-D linear-Gaussian diffusion for L_{t−1}, and independent draws of "
    "x_t = √β̄_t x_0 + √(1−β̄_t) ε for the ε-error of its denoiser: the difference is 0")
EPS_LABELS = tuple(f"L_{t - 1} − w^ε_{t} E‖ε − ε_θ‖² (t = {t})" for t in range(2, SCHEDULE.T + 1))


def eps_denoising_terms(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``L_{t-1} - w^ε_t E‖ε - ε_θ(x_t)‖² = 0`` for t = 2..T, both expectations by Monte Carlo from
    independent draws: ``L_{t-1}`` from log-density ratios along forward trajectories
    (``numeric.elbo.negative_elbo_terms_mc``, which never reads a weight), the ε-error from
    ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` with ``ε_θ(x_t) = (x_t - √β̄_t x̂_θ(x_t))/√(1-β̄_t)`` for the
    Gaussian model of ``numeric.elbo`` at ``x_0`` = :data:`EPS_X0`; ``w^ε_t`` = ``eps_weight``.
    The standard error combines the two: ``√(SE_L² + (w^ε_t SE_ε)²)``."""
    terms = negative_elbo_terms_mc(EPS_MODEL, EPS_X0, n, rng).denoising
    estimates, ses = [], []
    for t in range(2, SCHEDULE.T + 1):
        alpha_bar = SCHEDULE.alpha_bars[t - 1]
        eps = rng.standard_normal((n, EPS_X0.size))
        x_t = np.sqrt(alpha_bar) * EPS_X0 + np.sqrt(1.0 - alpha_bar) * eps
        eps_theta = (x_t - np.sqrt(alpha_bar) * EPS_MODEL.x0_hat(x_t, t)) / np.sqrt(1.0 - alpha_bar)
        error = mean_estimate(np.sum((eps - eps_theta) ** 2, axis=1))
        weight = float(impl.eps_weight(t, SCHEDULE))
        estimates.append(terms.value[t - 2] - weight * error.value)
        ses.append(np.hypot(terms.se[t - 2], weight * error.se))
    return Outcome(np.array(estimates), np.array(ses), np.zeros(len(estimates)), n)
