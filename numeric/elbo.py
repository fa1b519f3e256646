"""The negative ELBO of a linear-Gaussian diffusion model, exactly and by Monte Carlo, and the
model's exact log-likelihood, so that ``ELBO(x_0) ≤ log p_θ(x_0)`` (homework 2.1–2.2) is checked.

The model (every coordinate independent, every conditional linear-Gaussian):

- denoiser ``x̂_θ(x_t) = E[x_0 | x_t]`` for data ``x_0 ~ N(m, s² I_d)``:
  ``x̂_θ(x_t) = m + g_t (x_t - √β̄_t m)`` with ``g_t = √β̄_t s² / (β̄_t s² + 1 - β̄_t)``
  (Tweedie's formula, exact for Gaussian data);
- prior ``p(x_T) = N(0, I)``;
- reverse step, t = 2..T: ``p_θ(x_{t-1} | x_t) = N(μ̃_t(x_t, x̂_θ(x_t)), σ̃_t² I)``, the forward
  posterior (Ho et al. 2020, eqs. 6–7) with ``x̂_θ`` in place of ``x_0``;
- decoder ``p_θ(x_0 | x_1) = N(x̂_θ(x_1), σ_0² I)``, by default with
  ``σ_0² = Var[x_0 | x_1] = s² β_1 / (β̄_1 s² + β_1)``.  Since ``μ̃_1(x_1, x̂) = x̂``, the
  decoder is the t = 1 reverse step with its own variance (``σ̃_1² = 0`` would be degenerate).

For a point ``x_0`` the negative ELBO is (Ho et al. 2020, eq. 5; Luo 2022, eq. 58)
``L = L_0 + L_T + Σ_{t=2}^T L_{t-1}`` with reconstruction ``L_0 = -E_{q(x_1|x_0)} log p_θ(x_0|x_1)``,
prior matching ``L_T = KL(q(x_T|x_0) ‖ p(x_T))`` and denoising terms
``L_{t-1} = E_{q(x_t|x_0)} KL(q(x_{t-1}|x_t,x_0) ‖ p_θ(x_{t-1}|x_t)) = w_t E‖x̂_θ(x_t) - x_0‖²``,
``w_t`` = :func:`numeric.diffusion.elbo_weight`.  The Monte Carlo estimates never use ``w_t``:
they average log-density ratios along forward trajectories.  The model's marginal of ``x_0`` is
Gaussian, found by pushing mean and variance through the reverse chain; ``log p_θ(x_0)`` is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .diffusion import elbo_weight, forward_chain, posterior_mean_variance
from .estimates import Estimate, mean_estimate
from .schedules import Schedule, as_schedule, check_t, extract


def _log_normal(x, mean, variance) -> np.ndarray:
    """``log N(x; mean, variance I)`` summed over the last (coordinate) axis."""
    return np.sum(-0.5 * np.log(2 * np.pi * variance) - (x - mean) ** 2 / (2 * variance), axis=-1)


def _check_count(n, minimum: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"n must be an integer >= {minimum}, got {n!r}")


@dataclass(frozen=True, eq=False)
class GaussianDiffusion:
    """The linear-Gaussian diffusion model of the module docstring, in ``d = len(data_mean)`` dims."""

    schedule: Schedule
    data_mean: np.ndarray
    """``m``: the mean of the data the denoiser is optimal for, shape ``(d,)``."""
    data_std: float
    """``s > 0``: the per-coordinate standard deviation of that data."""
    decoder_variance: float | None = None
    """``σ_0²``; ``None`` means the data posterior variance ``Var[x_0 | x_1]``."""
    denoiser_gain: np.ndarray = field(init=False)
    """``g_t`` (index t-1), the slope of ``x̂_θ`` in ``x_t``."""

    def __post_init__(self) -> None:
        schedule = as_schedule(self.schedule)
        m = np.array(self.data_mean, dtype=np.float64)
        if m.ndim != 1 or m.size == 0 or not np.all(np.isfinite(m)):
            raise ValueError(f"data_mean must be a non-empty 1-D array of finite numbers, got {m!r}")
        s2 = float(self.data_std) ** 2
        if not (np.isfinite(s2) and s2 > 0):
            raise ValueError(f"data_std must be a finite positive number, got {self.data_std!r}")
        gain = schedule.sqrt_alpha_bars * s2 / (schedule.alpha_bars * s2 + schedule.one_minus_alpha_bars)
        if self.decoder_variance is None:
            beta_1 = schedule.betas[0]
            decoder_variance = s2 * beta_1 / (schedule.alpha_bars[0] * s2 + beta_1)
        else:
            decoder_variance = float(self.decoder_variance)
            if not (np.isfinite(decoder_variance) and decoder_variance > 0):
                raise ValueError(f"decoder_variance must be finite and positive, got {decoder_variance!r}")
        m.setflags(write=False)
        gain.setflags(write=False)
        object.__setattr__(self, "schedule", schedule)
        object.__setattr__(self, "data_mean", m)
        object.__setattr__(self, "data_std", float(self.data_std))
        object.__setattr__(self, "decoder_variance", decoder_variance)
        object.__setattr__(self, "denoiser_gain", gain)

    @property
    def d(self) -> int:
        return self.data_mean.shape[0]

    def x0_hat(self, x_t, t) -> np.ndarray:
        """``x̂_θ(x_t) = m + g_t (x_t - √β̄_t m)``: the exact ``E[x_0 | x_t]`` for data ``N(m, s² I)``."""
        x_t = np.asarray(x_t, dtype=np.float64)
        t = check_t(t, self.schedule.T)
        signal = extract(self.schedule.sqrt_alpha_bars, t, x_t.shape)
        gain = extract(self.denoiser_gain, t, x_t.shape)
        return self.data_mean + gain * (x_t - signal * self.data_mean)

    def reverse_mean_variance(self, x_t, t) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of ``p_θ(x_{t-1} | x_t)``; at ``t = 1`` the decoder ``p_θ(x_0 | x_1)``.

        ``μ_θ = μ̃_t(x_t, x̂_θ(x_t))`` with variance ``σ̃_t²`` for t ≥ 2 and ``σ_0²`` for t = 1.
        """
        t = check_t(t, self.schedule.T)
        mean, variance = posterior_mean_variance(x_t, self.x0_hat(x_t, t), t, self.schedule)
        return mean, np.where(t == 1, self.decoder_variance, variance)

    def x0_marginal(self) -> tuple[np.ndarray, float]:
        """Mean ``(d,)`` and per-coordinate variance of ``p_θ(x_0) = ∫ p(x_T) ∏_t p_θ(x_{t-1}|x_t)``.

        Each step is ``x_{t-1} = A_t x_t + b_t + σ_t z`` with ``A_t = c1_t g_t + c2_t`` and
        ``b_t = c1_t (1 - g_t √β̄_t) m`` (``c1, c2`` the posterior mean coefficients), so the mean
        maps by ``μ ↦ A_t μ + b_t`` and the variance by ``v ↦ A_t² v + σ_t²``, from ``N(0, I)``.
        """
        s, g = self.schedule, self.denoiser_gain
        mean, variance = np.zeros(self.d), 1.0
        for t in range(s.T, 0, -1):
            c1, c2 = s.posterior_mean_coef1[t - 1], s.posterior_mean_coef2[t - 1]
            slope = c1 * g[t - 1] + c2
            mean = slope * mean + c1 * (1 - g[t - 1] * s.sqrt_alpha_bars[t - 1]) * self.data_mean
            step_variance = self.decoder_variance if t == 1 else s.posterior_variance[t - 1]
            variance = slope**2 * variance + step_variance
        return mean, variance

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` ancestral draws of ``x_0 ~ p_θ``, shape ``(n, d)``.

        Ho et al. 2020, Algorithm 2, except that the decoder's noise is kept at t = 1 (the
        algorithm returns its mean), so the draws follow the model's ``p_θ(x_0)`` exactly.
        """
        _check_count(n, minimum=1)
        x = rng.standard_normal((n, self.d))
        for t in range(self.schedule.T, 0, -1):
            mean, variance = self.reverse_mean_variance(x, t)
            x = mean + np.sqrt(variance) * rng.standard_normal(x.shape)
        return x

    def expected_x0_error(self, x_0, t) -> float:
        """``E_{q(x_t|x_0)} ‖x̂_θ(x_t) - x_0‖² = (1 - g_t √β̄_t)² ‖m - x_0‖² + d g_t² (1-β̄_t)``.

        From ``x̂_θ(x_t) - x_0 = (1 - g_t √β̄_t)(m - x_0) + g_t √(1-β̄_t) ε``.
        """
        x_0 = self._check_point(x_0)
        t = int(check_t(t, self.schedule.T))
        g, s = self.denoiser_gain[t - 1], self.schedule
        bias = (1 - g * s.sqrt_alpha_bars[t - 1]) ** 2 * np.sum((self.data_mean - x_0) ** 2)
        return float(bias + self.d * g**2 * s.one_minus_alpha_bars[t - 1])

    def _check_point(self, x_0) -> np.ndarray:
        x_0 = np.asarray(x_0, dtype=np.float64)
        if x_0.shape != (self.d,) or not np.all(np.isfinite(x_0)):
            raise ValueError(f"x_0 must be a finite point of shape ({self.d},), got {x_0!r}")
        return x_0


@dataclass(frozen=True, eq=False)
class NegativeElboTerms:
    """The negative ELBO of one point ``x_0``, term by term (floats, or :class:`Estimate` s)."""

    reconstruction: float | Estimate
    """``L_0 = -E_{q(x_1|x_0)} log p_θ(x_0 | x_1)``."""
    prior_matching: float | Estimate
    """``L_T = KL(q(x_T | x_0) ‖ N(0, I))``."""
    denoising: np.ndarray | Estimate
    """``L_{t-1}`` for t = 2..T at index t-2 (empty when T = 1)."""
    total: float | Estimate
    """``L_0 + L_T + Σ_t L_{t-1}``; the ELBO is ``-total``."""


def negative_elbo_terms(model: GaussianDiffusion, x_0) -> NegativeElboTerms:
    """The terms of the negative ELBO in closed form.

    ``L_0 = (d/2) log(2π σ_0²) + E‖x̂_θ(x_1) - x_0‖² / (2σ_0²)``;
    ``L_T = ½ (β̄_T ‖x_0‖² - d β̄_T - d log(1-β̄_T))`` (KL of ``N(√β̄_T x_0, (1-β̄_T) I)`` from
    ``N(0, I)``); ``L_{t-1} = elbo_weight(t) · E‖x̂_θ(x_t) - x_0‖²``.
    """
    x_0 = model._check_point(x_0)
    s, d = model.schedule, model.d
    decoder_variance = model.decoder_variance
    reconstruction = (0.5 * d * np.log(2 * np.pi * decoder_variance)
                      + model.expected_x0_error(x_0, 1) / (2 * decoder_variance))
    alpha_bar_T = s.alpha_bars[-1]
    # log1p: β̄_T ≈ 0 for a schedule that reaches noise, where log(1 - β̄_T) loses digits.
    prior_matching = 0.5 * (alpha_bar_T * np.sum(x_0**2) - d * (alpha_bar_T + np.log1p(-alpha_bar_T)))
    denoising = np.array(
        [elbo_weight(t, s) * model.expected_x0_error(x_0, t) for t in range(2, s.T + 1)]
    )
    total = reconstruction + prior_matching + float(np.sum(denoising))
    return NegativeElboTerms(float(reconstruction), float(prior_matching), denoising, total)


def negative_elbo_terms_mc(
    model: GaussianDiffusion, x_0, n: int, rng: np.random.Generator | None, noise=None
) -> NegativeElboTerms:
    """Monte Carlo estimates (value, SE) of every term, from ``n`` forward trajectories.

    Trajectories ``x_{1:T} ~ q(· | x_0)`` come from :func:`forward_chain` (``noise`` pins its
    ``ε``, shape ``(T, n, d)``).  Per trajectory: ``-log p_θ(x_0 | x_1)``,
    ``log q(x_T | x_0) - log p(x_T)`` and, for t ≥ 2,
    ``log q(x_{t-1} | x_t, x_0) - log p_θ(x_{t-1} | x_t)``,
    whose means are the terms because ``(x_t, x_{t-1})`` has law ``q(x_t|x_0) q(x_{t-1}|x_t,x_0)``.
    The total's SE comes from the per-trajectory sums, so it accounts for correlated terms.
    """
    x_0 = model._check_point(x_0)
    _check_count(n, minimum=2)
    s = model.schedule
    x_0s = np.broadcast_to(x_0, (n, model.d))
    _, path = forward_chain(x_0s, s, rng, record=range(1, s.T + 1), noise=noise)
    decoder_mean, decoder_variance = model.reverse_mean_variance(path[0], 1)
    reconstruction = -_log_normal(x_0, decoder_mean, decoder_variance)
    x_T = path[-1]
    prior_matching = (_log_normal(x_T, s.sqrt_alpha_bars[-1] * x_0, s.one_minus_alpha_bars[-1])
                      - _log_normal(x_T, 0.0, 1.0))
    t = np.arange(2, s.T + 1)
    x_t, x_prev = path[1:], path[:-1]
    q_mean, q_variance = posterior_mean_variance(x_t, x_0, t, s)
    p_mean, p_variance = model.reverse_mean_variance(x_t, t)
    denoising = (_log_normal(x_prev, q_mean, q_variance[:, None, None])
                 - _log_normal(x_prev, p_mean, p_variance[:, None, None]))
    total = reconstruction + prior_matching + denoising.sum(axis=0)
    return NegativeElboTerms(
        reconstruction=mean_estimate(reconstruction),
        prior_matching=mean_estimate(prior_matching),
        denoising=mean_estimate(denoising, axis=1),
        total=mean_estimate(total),
    )


def log_likelihood(model: GaussianDiffusion, x_0) -> float:
    """Exact ``log p_θ(x_0)``: the model's marginal of ``x_0`` is ``N(μ_0, v_0 I)`` (see
    :meth:`GaussianDiffusion.x0_marginal`)."""
    x_0 = model._check_point(x_0)
    mean, variance = model.x0_marginal()
    return float(_log_normal(x_0, mean, variance))
