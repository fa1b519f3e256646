"""Inpainting by Langevin dynamics on the conditional score of homework 2.5.

Observing the coordinates ``M = 1`` of ``x`` through the likelihood
``p(x_known | x) ∝ exp(−‖(x − x_known) ⊙ M‖² / (2σ²))`` gives the posterior score

    ∇_x log p(x | x_known) = s(x) − (x − x_known) ⊙ M / σ²                 (homework 2.5)

(:func:`numeric.diffusion.conditional_score`), where ``s = ∇ log p`` is the prior score.
Unadjusted Langevin dynamics on it, ``x ← x + (h/2) ∇ log p(x | x_known) + √h z``, samples the
posterior up to an ``O(h)`` bias (Roberts & Tweedie 1996; Song & Ermon 2019, §2.2).

Annealing (Song et al. 2021, §5 and App. I) runs the same dynamics through a sequence of noised
priors ``p_{ᾱ}`` (the law of ``√ᾱ x_0 + √(1−ᾱ) ε``) with ``ᾱ`` increasing to 1, so that a chain
started from noise reaches every mode of a multimodal prior before the last level sharpens them.
At level ``ᾱ`` the observation is replaced by its noised mean ``x_known_ᾱ = √ᾱ x_known`` and the
likelihood variance by ``σ_ᾱ² = ᾱ σ² + (1 − ᾱ)``, the variance of ``x_ᾱ − √ᾱ x_known`` on an
observed coordinate when ``x_known = x_0 + σ ξ``: the likelihood term is
``−(x_ᾱ − x_known_ᾱ) ⊙ M / σ_ᾱ²``.  This treats the two noises as independent, which they are
not given ``x_ᾱ``, so intermediate levels are a heuristic warm start (the choice made here is the
deterministic ``√ᾱ x_known`` rather than Song et al.'s stochastic ``q(x_known_t | x_known)``
draw); the last level must be ``ᾱ = 1``, where the term is exactly the homework's and the chain
targets ``p(x | x_known)`` itself.

For a Gaussian prior ``N(μ, Σ)`` the posterior is Gaussian in closed form
(:func:`gaussian_inpainting_posterior`), which is what the samplers are tested against.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .diffusion import conditional_score

PriorScore = Callable[[np.ndarray], np.ndarray]
NoisedPriorScore = Callable[[np.ndarray, float], np.ndarray]


def _check_gaussian(mean, cov) -> tuple[np.ndarray, np.ndarray]:
    mean = np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if mean.ndim != 1 or mean.size == 0:
        raise ValueError(f"prior mean must be a non-empty 1-D array, got shape {mean.shape}")
    D = mean.shape[0]
    if cov.shape != (D, D):
        raise ValueError(f"prior covariance must have shape ({D}, {D}), got {cov.shape}")
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        raise ValueError("prior mean and covariance must be finite")
    if not np.allclose(cov, cov.T, rtol=1e-12, atol=0.0):
        raise ValueError("prior covariance must be symmetric")
    if np.linalg.eigvalsh(cov)[0] <= 0:
        raise ValueError("prior covariance must be positive definite")
    return mean, cov


def _check_observation(x_known, mask, D: int, sigma2: float) -> tuple[np.ndarray, np.ndarray]:
    x_known = np.asarray(x_known, dtype=np.float64)
    mask = np.asarray(mask, dtype=np.float64)
    if x_known.shape != (D,) or mask.shape != (D,):
        raise ValueError(f"x_known and mask must have shape ({D},), got {x_known.shape} and {mask.shape}")
    if not np.all(np.isfinite(x_known)):
        raise ValueError("x_known must be finite")
    if not np.all((mask == 0) | (mask == 1)):
        raise ValueError("mask must contain only 0 and 1")
    if not (np.isfinite(sigma2) and sigma2 > 0):
        raise ValueError(f"sigma2 must be a finite positive number, got {sigma2!r}")
    return x_known, mask


def gaussian_inpainting_posterior(
    prior_mean, prior_cov, x_known, mask, sigma2: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of ``p(x | x_known)`` for the prior ``N(μ, Σ)`` and the likelihood above.

    With ``H`` the rows of the identity where ``M = 1`` (so the likelihood is
    ``N(H x_known; H x, σ² I)``), the Kalman update (Bishop 2006, eqs. 2.113–2.117) is

        K = Σ Hᵀ (H Σ Hᵀ + σ² I)⁻¹,   mean = μ + K (H x_known − H μ),   cov = Σ − K H Σ,

    equal to the precision form ``cov = (Σ⁻¹ + diag(M)/σ²)⁻¹``,
    ``mean = cov (Σ⁻¹ μ + M ⊙ x_known / σ²)``; the Kalman form inverts only the observed block.
    Unobserved entries of ``x_known`` are ignored.
    """
    mu, Sigma = _check_gaussian(prior_mean, prior_cov)
    x_known, mask = _check_observation(x_known, mask, mu.shape[0], sigma2)
    observed = mask == 1
    if not observed.any():
        return mu.copy(), Sigma.copy()
    Sigma_xo = Sigma[:, observed]
    innovation_cov = Sigma[np.ix_(observed, observed)] + sigma2 * np.eye(int(observed.sum()))
    gain = np.linalg.solve(innovation_cov, Sigma_xo.T).T
    mean = mu + gain @ (x_known[observed] - mu[observed])
    cov = Sigma - gain @ Sigma_xo.T
    # Symmetrise: the product above is symmetric in exact arithmetic only.
    return mean, 0.5 * (cov + cov.T)


def gaussian_noised_score(prior_mean, prior_cov) -> NoisedPriorScore:
    """``(x, ᾱ) ↦ ∇ log N(x; √ᾱ μ, ᾱ Σ + (1 − ᾱ) I)``, the exact score of the noised Gaussian prior.

    ``√ᾱ x_0 + √(1−ᾱ) ε`` with ``x_0 ~ N(μ, Σ)`` is Gaussian with that mean and covariance (Ho et
    al. 2020, eq. 4, applied to a Gaussian ``x_0``); its score is ``−C⁻¹ (x − √ᾱ μ)``.
    """
    mu, Sigma = _check_gaussian(prior_mean, prior_cov)
    identity = np.eye(mu.shape[0])

    def score(x: np.ndarray, alpha_bar: float) -> np.ndarray:
        cov = alpha_bar * Sigma + (1.0 - alpha_bar) * identity
        # C is symmetric, so (C⁻¹ rᵀ)ᵀ = r C⁻¹ scores every row r of x at once.
        return -np.linalg.solve(cov, (np.asarray(x, dtype=np.float64) - np.sqrt(alpha_bar) * mu).T).T

    return score


def _initial_state(x_init, n, D: int, rng: np.random.Generator) -> np.ndarray:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if x_init is not None:
        if n is not None:
            raise ValueError("give either x_init or n, not both")
        x = np.array(x_init, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != D or not np.all(np.isfinite(x)):
            raise ValueError(f"x_init must be a finite (n, {D}) array, got shape {x.shape}")
        return x
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer when x_init is not given, got {n!r}")
    return rng.standard_normal((int(n), D))


def _check_steps(step_size: float, n_steps: int) -> None:
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step_size must be a finite positive number, got {step_size!r}")
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive integer, got {n_steps!r}")


def _langevin(x, x_known, mask, prior_score, sigma2, step_size, n_steps, rng) -> np.ndarray:
    noise_scale = np.sqrt(step_size)
    for _ in range(n_steps):
        drift = conditional_score(x, x_known, mask, prior_score, sigma2)
        x = x + 0.5 * step_size * drift + noise_scale * rng.standard_normal(x.shape)
    return x


def langevin_inpaint(
    prior_score: PriorScore,
    x_known,
    mask,
    *,
    rng: np.random.Generator,
    sigma2: float = 0.5,
    step_size: float = 1e-2,
    n_steps: int = 1000,
    x_init=None,
    n: int | None = None,
) -> np.ndarray:
    """``n_steps`` of ``x ← x + (h/2)[s(x) − (x − x_known) ⊙ M/σ²] + √h z`` on every row of ``x``.

    Unadjusted Langevin (Roberts & Tweedie 1996) on the homework 2.5 score; ``h = step_size``.
    Starts from ``x_init`` (n, D) or ``n`` draws of ``N(0, I)``; returns the final (n, D) state.
    For a Gaussian target with precision ``P`` its stationary covariance is
    ``(P − h P²/4)⁻¹``, so choose ``h ≪ 4/λ_max(P)``.
    """
    _check_steps(step_size, n_steps)
    x_known = np.asarray(x_known, dtype=np.float64)
    if x_known.ndim != 1:
        raise ValueError(f"x_known must be a 1-D point, got shape {x_known.shape}")
    D = x_known.shape[0]
    x_known, mask = _check_observation(x_known, mask, D, sigma2)
    x = _initial_state(x_init, n, D, rng)
    return _langevin(x, x_known, mask, prior_score, sigma2, step_size, n_steps, rng)


def annealed_langevin_inpaint(
    noised_prior_score: NoisedPriorScore,
    alpha_bars,
    x_known,
    mask,
    *,
    rng: np.random.Generator,
    sigma2: float = 0.5,
    step_size: float = 1e-2,
    n_steps_each: int = 200,
    x_init=None,
    n: int | None = None,
) -> np.ndarray:
    """Langevin inpainting through the noised priors ``ᾱ_1 < … < ᾱ_L = 1`` (module docstring).

    At level ``ᾱ``: ``n_steps_each`` steps of :func:`langevin_inpaint` with prior score
    ``noised_prior_score(·, ᾱ)``, observation ``√ᾱ x_known`` and variance ``ᾱ σ² + 1 − ᾱ``.
    The last level must be ``ᾱ_L = 1`` so that the chain ends on ``p(x | x_known)``.
    """
    _check_steps(step_size, n_steps_each)
    levels = np.asarray(alpha_bars, dtype=np.float64)
    if levels.ndim != 1 or levels.size == 0:
        raise ValueError("alpha_bars must be a non-empty 1-D array")
    if not (np.all(levels > 0) and np.all(np.diff(levels) > 0) and levels[-1] == 1.0):
        raise ValueError("alpha_bars must increase strictly within (0, 1] and end at 1")
    x_known = np.asarray(x_known, dtype=np.float64)
    if x_known.ndim != 1:
        raise ValueError(f"x_known must be a 1-D point, got shape {x_known.shape}")
    D = x_known.shape[0]
    x_known, mask = _check_observation(x_known, mask, D, sigma2)
    x = _initial_state(x_init, n, D, rng)
    for alpha_bar in levels:
        level_sigma2 = alpha_bar * sigma2 + (1.0 - alpha_bar)
        x = _langevin(
            x,
            np.sqrt(alpha_bar) * x_known,
            mask,
            lambda y, a=alpha_bar: noised_prior_score(y, a),
            level_sigma2,
            step_size,
            n_steps_each,
            rng,
        )
    return x
