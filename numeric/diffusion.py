"""The forward process ``q`` of a diffusion model and the closed forms read off it.

Forward step ``q(x_t | x_{t-1}) = N(√(1-β_t) x_{t-1}, β_t I)`` (Ho et al. 2020, eq. 2), its
marginal ``q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)`` (eq. 4; homework 2.3), the posterior
``q(x_{t-1} | x_t, x_0)`` (eqs. 6–7; homework 2.4), the weight of the x̂_0 error in the negative
ELBO (homework 2.1), the conversions between x̂_0, ε and the score, and the conditional score used
for inpainting (homework 2.5).

``betas`` / ``schedule`` arguments accept a 1-D array of ``β_1..β_T`` or a
:class:`~numeric.schedules.Schedule`.
``t`` is 1-based.  It is a scalar or an integer array whose shape is a leading part of the data's
shape (one time per particle); see :func:`numeric.schedules.extract`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .schedules import as_schedule, check_t, extract


def _broadcast_floats(*arrays) -> list[np.ndarray]:
    return np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))


def _standard_normal(rng: np.random.Generator | None, noise, shape: tuple[int, ...]) -> np.ndarray:
    if noise is None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator when noise is None, got {rng!r}")
        return rng.standard_normal(shape)
    noise = np.asarray(noise, dtype=np.float64)
    if noise.shape != shape:
        raise ValueError(f"noise has shape {noise.shape}, expected {shape}")
    return noise


def q_sample(x_0, t, schedule, rng: np.random.Generator | None, noise=None) -> np.ndarray:
    """A draw of ``x_t ~ q(x_t | x_0)``: ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` (Ho et al. 2020, eq. 4).

    ``noise`` pins ``ε`` (shape of ``x_0``); otherwise it is drawn from ``rng``.
    """
    s = as_schedule(schedule)
    x_0 = np.asarray(x_0, dtype=np.float64)
    t = check_t(t, s.T)
    eps = _standard_normal(rng, noise, x_0.shape)
    signal = extract(s.sqrt_alpha_bars, t, x_0.shape)
    return signal * x_0 + extract(s.sqrt_one_minus_alpha_bars, t, x_0.shape) * eps


def forward_chain(
    x_0, schedule, rng: np.random.Generator | None, record=None, noise=None
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run the chain step by step: ``x_t = √(1-β_t) x_{t-1} + √β_t ε_t`` (Ho et al. 2020, eq. 2).

    Returns ``x_T``, or ``(x_T, states)`` when ``record`` (times in 1..T) is given, where
    ``states[k]`` is ``x_{record[k]}``.  ``noise`` pins ``ε_1..ε_T`` (shape ``(T,) + x_0.shape``).
    This is the independent reference that :func:`q_sample`'s closed form is checked against.
    """
    s = as_schedule(schedule)
    x = np.array(x_0, dtype=np.float64)
    if noise is not None:
        noise = _standard_normal(rng, noise, (s.T,) + x.shape)
    recorded = None if record is None else check_t(np.asarray(record), s.T)
    if recorded is not None and recorded.ndim != 1:
        raise ValueError(f"record must be a 1-D sequence of times, got shape {recorded.shape}")
    states = None if recorded is None else np.empty(recorded.shape + x.shape)
    sqrt_alphas, sqrt_betas = np.sqrt(s.alphas), np.sqrt(s.betas)
    for t in range(1, s.T + 1):
        # Drawn per step (not as one (T, ...) block) so memory stays O(size of x_0).
        eps = _standard_normal(rng, None, x.shape) if noise is None else noise[t - 1]
        x = sqrt_alphas[t - 1] * x + sqrt_betas[t - 1] * eps
        if states is not None:
            states[recorded == t] = x
    return x if states is None else (x, states)


def forward_marginal(x_0, t, betas) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``q(x_t | x_0) = N(√β̄_t x_0, (1-β̄_t) I)`` (Ho et al. 2020, eq. 4).

    The variance is per coordinate (the covariance is ``variance · I``) and has ``t``'s shape.
    """
    s = as_schedule(betas)
    x_0 = np.asarray(x_0, dtype=np.float64)
    t = check_t(t, s.T)
    return extract(s.sqrt_alpha_bars, t, x_0.shape) * x_0, s.one_minus_alpha_bars[t - 1]


def posterior_mean_variance(x_t, x_0, t, betas) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``q(x_{t-1} | x_t, x_0) = N(μ̃_t, σ̃_t² I)`` (Ho et al. 2020, eqs. 6–7).

    ``μ̃_t = √β̄_{t-1} β_t/(1-β̄_t) x_0 + √(1-β_t)(1-β̄_{t-1})/(1-β̄_t) x_t`` and
    ``σ̃_t² = β_t (1-β̄_{t-1})/(1-β̄_t)``.  At ``t = 1`` this is the point mass at ``x_0``
    (mean ``x_0``, variance 0).  The variance has ``t``'s shape.
    """
    s = as_schedule(betas)
    x_t = np.asarray(x_t, dtype=np.float64)
    x_0 = np.asarray(x_0, dtype=np.float64)
    t = check_t(t, s.T)
    shape = np.broadcast_shapes(x_t.shape, x_0.shape)
    coef1 = extract(s.posterior_mean_coef1, t, shape)
    mean = coef1 * x_0 + extract(s.posterior_mean_coef2, t, shape) * x_t
    return mean, s.posterior_variance[t - 1]


def elbo_weight(t, betas) -> float | np.ndarray:
    """Weight of ``E‖x̂_θ(x_t) - x_0‖²`` in the t-th denoising term of the negative ELBO.

    With ``p_θ(x_{t-1} | x_t) = N(μ̃_t(x_t, x̂_θ(x_t)), σ_q(t)² I)`` and ``σ_q(t)² = σ̃_t²`` the KL
    of that term is ``β̄_{t-1} β_t² / (2 σ_q(t)² (1-β̄_t)²) · ‖x̂_θ - x_0‖²`` (Ho et al. 2020,
    eq. 8 with μ̃_t's x_0 coefficient; Luo 2022, eq. 99), which simplifies to
    ``½ (SNR(t-1) - SNR(t))`` (Luo 2022, eq. 108).  It is computed as
    ``β̄_{t-1} β_t / (2 (1-β̄_{t-1})(1-β̄_t))``, which has no cancellation.

    Defined for ``t ∈ 2..T``; ``t = 1`` raises ``ValueError``: there ``σ_q(1)² = 0`` and
    ``SNR(0) = ∞``, and the t = 1 term of the ELBO is the reconstruction term
    ``-E log p_θ(x_0 | x_1)``, not a KL with this weight.  Returns a float for a scalar ``t``
    (an array for an array of times).
    """
    s = as_schedule(betas)
    t = check_t(t, s.T)
    if np.any(t == 1):
        raise ValueError(
            "elbo_weight is defined for t in 2..T: at t = 1 the posterior variance is 0 and "
            "the t = 1 term is the reconstruction term -E log p(x_0 | x_1)"
        )
    w = (0.5 * s.alpha_bars_prev[t - 1] * s.betas[t - 1]
         / (s.one_minus_alpha_bars[t - 2] * s.one_minus_alpha_bars[t - 1]))
    return float(w) if w.ndim == 0 else w


def x0_from_eps(x_t, t, eps, schedule) -> np.ndarray:
    """``x̂_0 = (x_t - √(1-β̄_t) ε) / √β̄_t``: eq. 4's reparameterisation solved for x_0.

    (Ho et al. 2020, eq. 15.)
    """
    s = as_schedule(schedule)
    x_t, eps = _broadcast_floats(x_t, eps)
    t = check_t(t, s.T)
    sqrt_alpha_bar = extract(s.sqrt_alpha_bars, t, x_t.shape)
    return (x_t - extract(s.sqrt_one_minus_alpha_bars, t, x_t.shape) * eps) / sqrt_alpha_bar


def eps_from_x0(x_t, t, x_0, schedule) -> np.ndarray:
    """``ε = (x_t - √β̄_t x_0) / √(1-β̄_t)``: the noise that takes ``x_0`` to ``x_t``.

    (Ho et al. 2020, eq. 4 solved for ε.)
    """
    s = as_schedule(schedule)
    x_t, x_0 = _broadcast_floats(x_t, x_0)
    t = check_t(t, s.T)
    sqrt_one_minus_alpha_bar = extract(s.sqrt_one_minus_alpha_bars, t, x_t.shape)
    return (x_t - extract(s.sqrt_alpha_bars, t, x_t.shape) * x_0) / sqrt_one_minus_alpha_bar


def score_from_eps(eps, t, schedule) -> np.ndarray:
    """``∇ log p_t(x_t) = -ε̂ / √(1-β̄_t)`` with ``ε̂ = E[ε | x_t]`` (Tweedie; Luo 2022, "Three
    equivalent interpretations")."""
    s = as_schedule(schedule)
    eps = np.asarray(eps, dtype=np.float64)
    t = check_t(t, s.T)
    return -eps / extract(s.sqrt_one_minus_alpha_bars, t, eps.shape)


def eps_from_score(score, t, schedule) -> np.ndarray:
    """``ε̂ = -√(1-β̄_t) ∇ log p_t(x_t)``, the inverse of :func:`score_from_eps`."""
    s = as_schedule(schedule)
    score = np.asarray(score, dtype=np.float64)
    t = check_t(t, s.T)
    return -extract(s.sqrt_one_minus_alpha_bars, t, score.shape) * score


def x0_from_score(x_t, t, score, schedule) -> np.ndarray:
    """Tweedie's formula: ``E[x_0 | x_t] = (x_t + (1-β̄_t) ∇ log p_t(x_t)) / √β̄_t``.

    Tweedie (Efron 2011) gives ``E[√β̄_t x_0 | x_t] = x_t + (1-β̄_t) ∇ log p_t(x_t)`` for
    ``x_t = √β̄_t x_0 + √(1-β̄_t) ε`` (Luo 2022, "Three equivalent interpretations").
    """
    s = as_schedule(schedule)
    x_t, score = _broadcast_floats(x_t, score)
    t = check_t(t, s.T)
    sqrt_alpha_bar = extract(s.sqrt_alpha_bars, t, x_t.shape)
    return (x_t + extract(s.one_minus_alpha_bars, t, x_t.shape) * score) / sqrt_alpha_bar


def conditional_score(
    x, x_known, mask, prior_score: Callable[[np.ndarray], np.ndarray], sigma2: float = 0.5
) -> np.ndarray:
    """``∇_x log p(x | x_known) = s(x) - (x - x_known) ⊙ M / σ²`` (homework 2.5; inpainting).

    Bayes: ``p(x | x_known) ∝ p(x_known | x) p(x)`` with likelihood
    ``p(x_known | x) ∝ exp(-‖(x - x_known) ⊙ M‖² / (2σ²))`` and prior score ``s = prior_score``.
    The default ``σ² = ½`` is the homework's likelihood ``exp(-‖(x - x_known) ⊙ M‖²)``, whose
    score term is ``-2 (x - x_known) ⊙ M``.  ``M`` must be a 0/1 mask: the gradient of the
    likelihood is ``-(x - x_known) ⊙ M ⊙ M / σ²``, equal to the formula above only when
    ``M ⊙ M = M``.
    """
    x = np.asarray(x, dtype=np.float64)
    x_known = np.asarray(x_known, dtype=np.float64)
    mask = np.asarray(mask, dtype=np.float64)
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must contain only 0 and 1")
    if not (np.isfinite(sigma2) and sigma2 > 0):
        raise ValueError(f"sigma2 must be a finite positive number, got {sigma2!r}")
    shape = np.broadcast_shapes(x.shape, x_known.shape, mask.shape)
    prior = np.asarray(prior_score(x), dtype=np.float64)
    if prior.shape != x.shape:
        raise ValueError(f"prior_score(x) has shape {prior.shape}, expected x's shape {x.shape}")
    return np.broadcast_to(prior, shape) - (x - x_known) * mask / sigma2
