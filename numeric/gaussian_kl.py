"""The KL divergence between two univariate Gaussians, and its Monte Carlo cross-check.

``KL(N(μ_1, v_1) ‖ N(μ_2, v_2)) = ½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]``
(Kingma & Welling 2014, Appendix B; ``derivations/gaussian_kl.py`` proves it): every term of the
diffusion ELBO is such a KL (Ho et al. 2020, eq. 5).  For ``N(μ_1, v_1 I)`` and ``N(μ_2, v_2 I)``
in d dimensions it is the sum of the coordinates' KLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .estimates import Outcome, mean_estimate

if TYPE_CHECKING:
    from .crosschecks import Implementation


def gaussian_kl(mean_1, variance_1, mean_2, variance_2) -> float | np.ndarray:
    """``KL(N(mean_1, variance_1) ‖ N(mean_2, variance_2))``, elementwise over broadcast arrays.

    ``½[log(v_2/v_1) + (v_1 + (μ_1-μ_2)²)/v_2 - 1]``; variances must be positive and finite.
    Returns a float when every argument is a scalar.
    """
    mean_1, variance_1, mean_2, variance_2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (mean_1, variance_1, mean_2, variance_2)))
    if not np.all(np.isfinite(variance_1) & np.isfinite(variance_2) & (variance_1 > 0) & (variance_2 > 0)):
        raise ValueError("variances must be finite and positive")
    kl = 0.5 * (np.log(variance_2 / variance_1) + (variance_1 + (mean_1 - mean_2) ** 2) / variance_2 - 1.0)
    return float(kl) if kl.ndim == 0 else kl


KL_PAIRS = ((0.0, 1.0, 1.0, 2.0), (0.5, 0.3, -0.5, 1.5), (1.0, 2.0, 1.0, 0.5), (-1.0, 0.5, 0.0, 0.5))
"""``(μ_1, v_1, μ_2, v_2)``: wider target, narrower source, narrower target with equal means
(where only the variance part counts), and equal variances (where only the mean part counts)."""


KL_SIMULATES = ("draws X ~ N(μ_1, v_1); the log-ratio log N(X; μ_1, v_1) − log N(X; μ_2, v_2) averages to the KL")
KL_LABELS = tuple(f"KL(N({m1:g}, {v1:g}) ‖ N({m2:g}, {v2:g}))" for m1, v1, m2, v2 in KL_PAIRS)


def _log_normal(x: np.ndarray, mean: float, variance: float) -> np.ndarray:
    return -0.5 * np.log(2.0 * np.pi * variance) - (x - mean) ** 2 / (2.0 * variance)


def kl_monte_carlo(impl: Implementation, rng: np.random.Generator, n: int) -> Outcome:
    """``E_{X ~ N(μ_1, v_1)}[log N(X; μ_1, v_1) - log N(X; μ_2, v_2)]``, the definition of the KL,
    averaged over ``n`` draws, against ``gaussian_kl`` for each pair of :data:`KL_PAIRS`."""
    samples = []
    for mean_1, variance_1, mean_2, variance_2 in KL_PAIRS:
        x = mean_1 + np.sqrt(variance_1) * rng.standard_normal(n)
        samples.append(_log_normal(x, mean_1, variance_1) - _log_normal(x, mean_2, variance_2))
    estimate = mean_estimate(np.stack(samples), axis=1)
    expected = np.array([float(impl.gaussian_kl(*pair)) for pair in KL_PAIRS])
    return Outcome(estimate.value, estimate.se, expected, n)
