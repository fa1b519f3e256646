"""Exact log-likelihood through the probability-flow ODE, and the DDPM ELBO beneath it (homework 2.2).

The VP SDE ``dx = −½ β(t) x dt + √β(t) dw`` on ``t ∈ [0, 1]`` with ``β(t) = β_min + t (β_max − β_min)``
(Song et al. 2021, eq. 11 and App. C; ``β_min = 0.1, β_max = 20`` is the continuous limit of
``linear_schedule(1000)``, ``β(t) ≈ T β_{tT}``) has marginals ``x_t = √ᾱ(t) x_0 + √(1 − ᾱ(t)) ε``
with ``ᾱ(t) = exp(−∫_0^t β) = exp(−β_min t − ½ (β_max − β_min) t²)``.  Its probability-flow ODE
(eq. 13) is

    dx/dt = f(x, t) = −½ β(t) [x + ∇ log p_t(x)],

and along a solution the density obeys the instantaneous change of variables (Chen et al. 2018,
Thm. 1; Song et al. 2021, eq. 39)

    log p_0(x(0)) = log p_1(x(1)) + ∫_0^1 ∇·f(x(t), t) dt,
    ∇·f(x, t) = −½ β(t) [D + Δ log p_t(x)].

For a Gaussian mixture every ``p_t`` is a mixture (:meth:`numeric.gmm.GaussianMixture.noised`),
so the score and the Laplacian ``Δ log p_t`` are exact (:func:`mixture_laplacian`), and the only
errors are the ODE solver's and replacing ``p_1`` by ``N(0, I)`` (``ᾱ(1) ≈ 4.3e-5``).

The ELBO compared with it is that of the discrete-time DDPM (Ho et al. 2020, eq. 5) whose reverse
steps use the exact posterior mean: ``p_θ(x_{t−1} | x_t) = N(μ̃_t(x_t, x̂_0(x_t)), σ̃_t² I)`` with
``x̂_0(x_t) = E[x_0 | x_t]`` from Tweedie's formula and the exact noised score, decoder
``p_θ(x_0 | x_1) = N(x̂_0(x_1), σ_0² I)`` and prior ``N(0, I)``.  It bounds ``log p_θ(x_0)`` of that
model, not ``log p_data``; in expectation over data ``E ELBO ≤ E log p_θ ≤ E log p_data`` (Gibbs'
inequality), so on data the ELBO sits below the PF-ODE likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from .diffusion import elbo_weight, x0_from_score
from .estimates import Estimate, mean_estimate
from .gmm import GaussianMixture
from .schedules import Schedule, as_schedule


@dataclass(frozen=True)
class VPSDE:
    """``β(t) = β_min + t (β_max − β_min)`` on ``t ∈ [0, 1]`` (Song et al. 2021, eq. 11)."""

    beta_min: float = 0.1
    beta_max: float = 20.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.beta_min) and np.isfinite(self.beta_max) and 0 < self.beta_min <= self.beta_max):
            raise ValueError(f"need 0 < beta_min <= beta_max < inf, got {self.beta_min!r}, {self.beta_max!r}")

    def beta(self, t: float) -> float:
        return self.beta_min + t * (self.beta_max - self.beta_min)

    def alpha_bar(self, t: float) -> float:
        """``ᾱ(t) = exp(−β_min t − ½ (β_max − β_min) t²)``."""
        return float(np.exp(-self.beta_min * t - 0.5 * (self.beta_max - self.beta_min) * t**2))


def mixture_laplacian(mixture: GaussianMixture, x) -> np.ndarray:
    """``Δ log p(x) = tr ∇² log p(x)`` for ``p = Σ_k w_k N(μ_k, v_k I)``; ``x`` (..., D) → (...).

    With responsibilities ``r_k`` and ``a_k = (μ_k − x)/v_k`` the score is ``s = Σ_k r_k a_k`` and
    ``∇² log p = Σ_k r_k (a_k a_kᵀ − I/v_k) − s sᵀ`` (differentiate ``r_k``: ``∇ r_k = r_k (a_k − s)``),
    so ``Δ log p = Σ_k r_k (‖a_k‖² − D/v_k) − ‖s‖²``.
    """
    r = mixture.responsibilities(x)
    x = np.asarray(x, dtype=np.float64)
    a = (mixture.means - x[..., None, :]) / mixture.variances[:, None]
    s = np.einsum("...k,...kd->...d", r, a)
    per_component = (a**2).sum(axis=-1) - mixture.dim / mixture.variances
    return np.einsum("...k,...k->...", r, per_component) - (s**2).sum(axis=-1)


def pf_ode_drift(mixture: GaussianMixture, sde: VPSDE, x, t: float) -> np.ndarray:
    """``f(x, t) = −½ β(t) [x + ∇ log p_t(x)]`` (Song et al. 2021, eq. 13), ``p_t`` the noised mixture."""
    return -0.5 * sde.beta(t) * (x + mixture.noised(sde.alpha_bar(t)).score(x))


def pf_ode_divergence(mixture: GaussianMixture, sde: VPSDE, x, t: float) -> np.ndarray:
    """``∇·f(x, t) = −½ β(t) [D + Δ log p_t(x)]``, exact through :func:`mixture_laplacian`."""
    return -0.5 * sde.beta(t) * (mixture.dim + mixture_laplacian(mixture.noised(sde.alpha_bar(t)), x))


@dataclass(frozen=True)
class PFODELikelihood:
    log_likelihood: np.ndarray
    """``log p_0(x)`` per point, shape (n,)."""
    prior_log_density: np.ndarray
    """``log N(x(1); 0, I)``, shape (n,)."""
    divergence_integral: np.ndarray
    """``∫_0^1 ∇·f(x(t), t) dt``, shape (n,)."""
    x_1: np.ndarray
    """The points carried to ``t = 1``, shape (n, D)."""
    n_evaluations: int
    """Drift-and-divergence evaluations the solver made."""


def pf_ode_log_likelihood(
    mixture: GaussianMixture,
    x,
    sde: VPSDE = VPSDE(),
    *,
    rtol: float = 1e-9,
    atol: float = 1e-9,
    divergence=pf_ode_divergence,
) -> PFODELikelihood:
    """``log p_0(x) = log N(x(1); 0, I) + ∫_0^1 ∇·f dt`` (Song et al. 2021, eq. 39), all rows at once.

    Integrates ``(x, ∫∇·f)`` from ``t = 0`` to 1 with ``solve_ivp`` (RK45, ``rtol``/``atol``)
    as one system of ``n (D + 1)`` equations.  ``divergence(mixture, sde, x, t)`` defaults to the
    exact :func:`pf_ode_divergence`; it is a parameter so that an estimator (Hutchinson) or a
    deliberately wrong term can be put in its place.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != mixture.dim:
        raise ValueError(f"x must be a non-empty (n, {mixture.dim}) array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite")
    if not (rtol > 0 and atol > 0):
        raise ValueError(f"rtol and atol must be positive, got {rtol!r}, {atol!r}")
    n, D = x.shape

    def rhs(t: float, state: np.ndarray) -> np.ndarray:
        points = state[: n * D].reshape(n, D)
        return np.concatenate([pf_ode_drift(mixture, sde, points, t).ravel(),
                               divergence(mixture, sde, points, t)])

    solution = solve_ivp(rhs, (0.0, 1.0), np.concatenate([x.ravel(), np.zeros(n)]),
                         method="RK45", rtol=rtol, atol=atol)
    if not solution.success:
        raise RuntimeError(f"the probability-flow ODE solver failed: {solution.message}")
    final = solution.y[:, -1]
    x_1 = final[: n * D].reshape(n, D)
    integral = final[n * D:]
    prior = -0.5 * D * np.log(2.0 * np.pi) - 0.5 * (x_1**2).sum(axis=1)
    return PFODELikelihood(prior + integral, prior, integral, x_1, solution.nfev)


def ddpm_elbo(
    mixture: GaussianMixture,
    x_0,
    schedule: Schedule,
    *,
    n: int,
    rng: np.random.Generator,
    decoder_variance: float | None = None,
) -> Estimate:
    """Monte Carlo ELBO of the exact-posterior-mean DDPM (module docstring), per point, with SE.

    ``ELBO = −L_0 − L_T − Σ_{t=2}^T L_{t−1}`` (Ho et al. 2020, eq. 5), with
    ``L_T = KL(N(√ᾱ_T x_0, (1−ᾱ_T) I) ‖ N(0, I))`` in closed form,
    ``L_{t−1} = w_t E‖x̂_0(x_t) − x_0‖²`` (``w_t`` = :func:`numeric.diffusion.elbo_weight`: the
    KL of two Gaussians with variance ``σ̃_t²`` whose means differ by ``coef1_t (x̂_0 − x_0)``) and
    ``L_0 = −E log N(x_0; x̂_0(x_1), σ_0² I)``.  Each expectation over ``x_t ~ q(x_t | x_0)`` uses
    ``n`` independent draws per ``t`` (Rao–Blackwellised: no ``x_{t−1}`` is sampled); replicate
    ``j`` sums its ``j``-th draw of every term, and the SE comes from the ``n`` replicate sums.
    ``σ_0²`` defaults to ``β_1`` (Ho et al. 2020, §3.2).  ``x_0`` (P, D) → value and SE of shape (P,).
    """
    s = as_schedule(schedule)
    x_0 = np.asarray(x_0, dtype=np.float64)
    if x_0.ndim != 2 or x_0.shape[0] == 0 or x_0.shape[1] != mixture.dim:
        raise ValueError(f"x_0 must be a non-empty (P, {mixture.dim}) array, got shape {x_0.shape}")
    if not np.all(np.isfinite(x_0)):
        raise ValueError("x_0 must be finite")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    sigma0_2 = float(s.betas[0]) if decoder_variance is None else float(decoder_variance)
    if not (np.isfinite(sigma0_2) and sigma0_2 > 0):
        raise ValueError(f"decoder_variance must be finite and positive, got {decoder_variance!r}")
    P, D = x_0.shape
    negative_elbo = np.zeros((n, P))
    for t in range(1, s.T + 1):
        x_t = s.sqrt_alpha_bars[t - 1] * x_0 + s.sqrt_one_minus_alpha_bars[t - 1] * rng.standard_normal((n, P, D))
        score = mixture.noised(s.alpha_bars[t - 1]).score(x_t)
        squared_error = ((x0_from_score(x_t, t, score, s) - x_0) ** 2).sum(axis=-1)
        if t == 1:
            negative_elbo += 0.5 * D * np.log(2.0 * np.pi * sigma0_2) + squared_error / (2.0 * sigma0_2)
        else:
            negative_elbo += elbo_weight(t, s) * squared_error
    alpha_bar_T = s.alpha_bars[-1]
    # log1p: ᾱ_T ≈ 0 for a schedule that reaches noise, where log(1 − ᾱ_T) loses digits.
    prior_matching = 0.5 * (alpha_bar_T * (x_0**2).sum(axis=1) - D * (alpha_bar_T + np.log1p(-alpha_bar_T)))
    estimate = mean_estimate(negative_elbo + prior_matching)
    return Estimate(-estimate.value, estimate.se)
