"""Isotropic Gaussian mixtures: exact density, exact score, and the same at every noise level.

A mixture ``p(x) = Σ_k w_k N(x; μ_k, s_k² I)`` in ``D`` dimensions has

    log p(x) = logsumexp_k [ log w_k − (D/2) log(2π s_k²) − ‖x − μ_k‖² / (2 s_k²) ],
    ∇ log p(x) = Σ_k r_k(x) (μ_k − x) / s_k²,

with responsibilities ``r_k(x) = w_k N(x; μ_k, s_k² I) / p(x)``, a softmax of the logits above
(evaluated with log-sum-exp, so far-away points neither overflow nor give 0/0).

Noising keeps the family closed, which is why the exact score of every diffusion marginal is
available.  If ``x_0 ~ p`` and ``x_t = √ᾱ x_0 + √(1 − ᾱ) ε`` with ``ε ~ N(0, I)`` independent
(the forward marginal ``q(x_t | x_0)``, Ho et al. 2020, eq. 4), each component maps to a Gaussian:

    x_t ~ Σ_k w_k N(√ᾱ μ_k, (ᾱ s_k² + 1 − ᾱ) I)                      (variance preserving)

and the perturbation ``x + σ ε`` of Song & Ermon (2019, §4.2) gives

    x + σ ε ~ Σ_k w_k N(μ_k, (s_k² + σ²) I)                            (variance exploding).

``ring`` and ``grid`` build the usual 2-D test targets (8 Gaussians on a circle, 25 on a grid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp


def _frozen_float_array(name: str, value: object, ndim: int) -> np.ndarray:
    array = np.array(value, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class GaussianMixture:
    """``p(x) = Σ_k w_k N(x; μ_k, s_k² I)``; ``weights`` (K,), ``means`` (K, D), ``variances`` (K,) = s_k²."""

    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray

    def __post_init__(self) -> None:
        weights = _frozen_float_array("weights", self.weights, 1)
        means = _frozen_float_array("means", self.means, 2)
        variances = _frozen_float_array("variances", self.variances, 1)
        K = weights.shape[0]
        if K == 0:
            raise ValueError("a mixture needs at least one component")
        if means.shape[0] != K or variances.shape[0] != K:
            raise ValueError(
                f"weights, means and variances disagree on the number of components: "
                f"{K}, {means.shape[0]}, {variances.shape[0]}"
            )
        if means.shape[1] == 0:
            raise ValueError("means must have at least one coordinate")
        if np.any(weights <= 0):
            raise ValueError("weights must be positive")
        if abs(weights.sum() - 1.0) > 1e-9:
            raise ValueError(f"weights must sum to 1, got {weights.sum()!r}")
        if np.any(variances <= 0):
            raise ValueError("variances must be positive")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "variances", variances)

    @property
    def n_components(self) -> int:
        return self.weights.shape[0]

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def _check_points(self, x: object) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"points must have last axis of length D = {self.dim}, got shape {x.shape}")
        return x

    def _component_logits(self, x: np.ndarray) -> np.ndarray:
        # log w_k + log N(x; μ_k, s_k² I), shape (..., K)
        squared_distance = ((x[..., None, :] - self.means) ** 2).sum(axis=-1)
        return (
            np.log(self.weights)
            - 0.5 * self.dim * np.log(2.0 * np.pi * self.variances)
            - squared_distance / (2.0 * self.variances)
        )

    def logpdf(self, x: object) -> np.ndarray:
        """``log p(x)`` for points ``x`` of shape (..., D); returns shape (...)."""
        return logsumexp(self._component_logits(self._check_points(x)), axis=-1)

    def responsibilities(self, x: object) -> np.ndarray:
        """``r_k(x) = w_k N(x; μ_k, s_k² I) / p(x)`` for ``x`` of shape (..., D); shape (..., K)."""
        logits = self._component_logits(self._check_points(x))
        return np.exp(logits - logsumexp(logits, axis=-1, keepdims=True))

    def score(self, x: object) -> np.ndarray:
        """``∇ log p(x) = Σ_k r_k(x) (μ_k − x)/s_k²`` for ``x`` of shape (..., D).

        The plain vectorised form: it builds (..., K, D) temporaries.  ``numeric.fast_score``
        computes the same quantity without them.
        """
        x = self._check_points(x)
        toward_means = (self.means - x[..., None, :]) / self.variances[:, None]
        return np.einsum("...k,...kd->...d", self.responsibilities(x), toward_means)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws, shape (n, D): a component ``k ~ w``, then ``μ_k + s_k ε``."""
        if n < 0:
            raise ValueError(f"n must be non-negative, got {n}")
        component = rng.choice(self.n_components, size=n, p=self.weights)
        noise = rng.standard_normal((n, self.dim))
        return self.means[component] + np.sqrt(self.variances[component])[:, None] * noise

    def noised(self, alpha_bar: float) -> GaussianMixture:
        """Law of ``√ᾱ x_0 + √(1−ᾱ) ε``: means ``√ᾱ μ_k``, variances ``ᾱ s_k² + 1 − ᾱ``."""
        if not 0.0 <= alpha_bar <= 1.0:
            raise ValueError(f"alpha_bar must lie in [0, 1], got {alpha_bar!r}")
        return GaussianMixture(
            self.weights,
            np.sqrt(alpha_bar) * self.means,
            alpha_bar * self.variances + (1.0 - alpha_bar),
        )

    def noised_ve(self, sigma: float) -> GaussianMixture:
        """Law of ``x_0 + σ ε`` (Song & Ermon 2019): means ``μ_k``, variances ``s_k² + σ²``."""
        if not (np.isfinite(sigma) and sigma >= 0.0):
            raise ValueError(f"sigma must be finite and non-negative, got {sigma!r}")
        return GaussianMixture(self.weights, self.means, self.variances + sigma**2)


def _equal_weights_mixture(means: np.ndarray, std: float) -> GaussianMixture:
    if not (np.isfinite(std) and std > 0):
        raise ValueError(f"std must be positive, got {std!r}")
    K = means.shape[0]
    return GaussianMixture(np.full(K, 1.0 / K), means, np.full(K, std**2))


def ring(n_modes: int = 8, radius: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """``n_modes`` equal-weight Gaussians at angles ``2πk/n_modes``, k = 0..n_modes−1, on a circle.

    The angles are ``2π·arange(n)/n``: ``linspace(0, 2π, n)`` would put modes at both 0 and 2π,
    one place, leaving n−1 distinct modes.
    """
    if n_modes < 1:
        raise ValueError(f"n_modes must be at least 1, got {n_modes}")
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    return _equal_weights_mixture(radius * np.stack([np.cos(angles), np.sin(angles)], axis=1), std)


def grid(n_side: int = 5, spacing: float = 1.0, std: float = 0.05) -> GaussianMixture:
    """``n_side × n_side`` equal-weight Gaussians on a square grid centred at the origin."""
    if n_side < 1:
        raise ValueError(f"n_side must be at least 1, got {n_side}")
    coordinates = spacing * (np.arange(n_side) - (n_side - 1) / 2.0)
    u, v = np.meshgrid(coordinates, coordinates, indexing="ij")
    return _equal_weights_mixture(np.stack([u.ravel(), v.ravel()], axis=1), std)
