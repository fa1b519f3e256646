"""The non-saturating generator gradient at ``D*``, by Monte Carlo, against ``∇[KL(p_g‖p_r) - 2 JSD(p_g‖p_r)]``.

Arjovsky & Bottou (2017), Theorem 2.5 (``derivations/gan_nonsaturating_gradient.py``).  For 1-D
Gaussians ``p_r = N(μ_r, σ_r²)`` and ``p_g = N(μ_g, σ_g²)`` with generator ``x = μ_g + σ_g z``, the
discriminator trained for the current ``μ_g`` has logit ``a(x) = log p_r(x) - log p_g(x)``; holding
it fixed, the pathwise gradient of the non-saturating loss ``E_z[-log σ(a(μ_g + σ_g z))]`` in ``μ_g``
is ``E_z[ℓ'(a) a'(x)]``, and the theorem says it equals

    ∂/∂μ_g [KL(p_g‖p_r) - 2 JSD(p_g‖p_r)] = (μ_g - μ_r)/σ_r² - 2 ∂JSD/∂μ_g,

the KL term in closed form and the JSD's derivative by a central difference of its quadrature
(``numeric.gan.jsd_quad``).
"""

from __future__ import annotations

import numpy as np

from .estimates import Outcome
from .gan import jsd_quad

#: ``(μ_r, σ_r, μ_g, σ_g)``: a narrower generator to the right, a wider one to the left.
PAIRS = ((0.0, 1.0, 1.5, 0.7), (0.0, 1.0, -0.8, 1.6))
N_BATCHES = 200
#: Central-difference step in μ_g: truncation O(h²) ≈ 10⁻⁸ and quadrature noise 10⁻¹³/h ≈ 10⁻⁹,
#: both far below the Monte Carlo SE (≥ 10⁻³ at n = 2·10⁵).
FD_STEP = 1e-4


def kl_minus_2jsd_gradient(mu_r: float, sigma_r: float, mu_g: float, sigma_g: float) -> float:
    """``∂/∂μ_g [KL(p_g‖p_r) - 2 JSD(p_g‖p_r)]`` for 1-D Gaussians: ``(μ_g - μ_r)/σ_r²`` minus twice
    the central difference of ``jsd_quad`` (the JSD is symmetric in its arguments)."""
    if not (sigma_r > 0 and sigma_g > 0):
        raise ValueError(f"standard deviations must be positive, got {sigma_r!r}, {sigma_g!r}")
    jsd_slope = (jsd_quad(mu_r, sigma_r, mu_g + FD_STEP, sigma_g) - jsd_quad(mu_r, sigma_r, mu_g - FD_STEP, sigma_g)) / (
        2 * FD_STEP)
    return (mu_g - mu_r) / sigma_r**2 - 2.0 * jsd_slope


def _log_normal(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma * np.sqrt(2.0 * np.pi))


SIMULATES = (f"generator draws x = μ_g + σ_g z in {N_BATCHES} batches; the discriminator D* = p_r/(p_r + p_g) held "
             "fixed, the batch gradient in μ_g of the non-saturating loss (its logit gradients times ∂a/∂x) against "
             "∂[KL(p_g‖p_r) − 2 JSD(p_g‖p_r)]/∂μ_g")
LABELS = tuple(f"p_r = N({mu_r:g}, {s_r:g}²), p_g = N({mu_g:g}, {s_g:g}²): ∂/∂μ_g" for mu_r, s_r, mu_g, s_g in PAIRS)


def ns_gradient_at_optimum(impl, rng: np.random.Generator, n: int) -> Outcome:
    """The mean over :data:`N_BATCHES` batches of ``Σ_i ∂ℓ/∂a_i · a'(x_i)``, with ``(ℓ, ∂ℓ/∂a)`` from
    ``impl.generator_loss_nonsaturating`` (batch mean and its logit gradient) and ``a`` the logit of
    ``D*``, against ``impl.kl_minus_2jsd_gradient`` for each pair in :data:`PAIRS`."""
    if n < 2 * N_BATCHES:
        raise ValueError(f"need n >= {2 * N_BATCHES} for {N_BATCHES} batches, got {n}")
    estimates, ses, expected = [], [], []
    for mu_r, sigma_r, mu_g, sigma_g in PAIRS:
        x = mu_g + sigma_g * rng.standard_normal((N_BATCHES, n // N_BATCHES))
        logits = _log_normal(x, mu_r, sigma_r) - _log_normal(x, mu_g, sigma_g)
        slope = -(x - mu_r) / sigma_r**2 + (x - mu_g) / sigma_g**2
        batch = np.array([np.sum(np.asarray(impl.generator_loss_nonsaturating(a)[1]) * s)
                          for a, s in zip(logits, slope)])
        estimates.append(batch.mean())
        ses.append(batch.std(ddof=1) / np.sqrt(N_BATCHES))
        expected.append(float(impl.kl_minus_2jsd_gradient(mu_r, sigma_r, mu_g, sigma_g)))
    return Outcome(np.array(estimates), np.array(ses), np.array(expected), n)
