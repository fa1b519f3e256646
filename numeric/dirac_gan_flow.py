"""The Dirac-GAN's gradient flow near its equilibrium, simulated, against the Jacobian's eigenvalues.

Mescheder, Geiger & Nowozin (2018), §2 and §4.1 (``numeric.dirac_gan`` has the field).  Near
``u* = (0, 0)`` the flow ``du/dt = v(u)`` is ``u(τ) ≈ Φ u(0)`` with ``Φ = exp(Jτ)``, and the trace
of a matrix exponential is the sum of the exponentials of the eigenvalues:

    tr exp(Jτ) = e^{λ+ τ} + e^{λ- τ}.

For an isotropic start ``u(0) = δξ``, ``ξ ~ N(0, I)``, ``E[ξᵀΦξ] = tr Φ``, so
``E[ξᵀu(τ)]/δ`` estimates the trace from simulated flows that never compute ``J`` or its
eigenvalues: the cross-check of ``gan.dirac``.  The field's next terms are cubic in ``u``
(``f'(ψθ) = f'(0) + f''(0)ψθ + ...``), so the linearisation's relative error is ``O(δ²)``.
"""

from __future__ import annotations

import numpy as np

from .dirac_gan import vector_field
from .estimates import Outcome

#: R1 weights: none (a rotation), underdamped (complex pair) and overdamped (two real roots).
GAMMAS = (0.0, 0.5, 2.0)
HORIZON = 2.0
#: Start radius: the O(δ²) linearisation error, 1e-6 relative, is far below the SE at n ≤ 2·10⁵ (≈ 0.003).
DELTA = 1e-3
#: RK4 steps over :data:`HORIZON`: local error O(h⁵) ≈ 3·10⁻⁹ per step at h = 0.02.
RK4_STEPS = 100

SIMULATES = (f"Dirac-GAN gradient flows (RK4, {RK4_STEPS} steps to τ = {HORIZON:g}) from u(0) = δξ, δ = {DELTA:g}, "
             "ξ ~ N(0, I), per R1 weight γ: the mean of ξᵀu(τ)/δ estimates tr exp(Jτ) = Σ exp(λτ)")
LABELS = tuple(f"tr exp(Jτ), γ = {gamma:g}" for gamma in GAMMAS)


def flow(u0: np.ndarray, gamma: float, horizon: float = HORIZON, steps: int = RK4_STEPS) -> np.ndarray:
    """``u(horizon)`` of ``du/dt = v(u)`` by classical RK4, for every row of ``u0`` (shape (n, 2))."""
    u0 = np.asarray(u0, dtype=np.float64)
    if u0.ndim != 2 or u0.shape[1] != 2:
        raise ValueError(f"u0 must have shape (n, 2), got {u0.shape}")
    if not (horizon > 0 and steps >= 1):
        raise ValueError(f"need horizon > 0 and steps >= 1, got {horizon}, {steps}")

    def v(u):
        return np.stack(vector_field(u[:, 0], u[:, 1], gamma), axis=1)

    h, u = horizon / steps, u0.copy()
    for _ in range(steps):
        k1 = v(u)
        k2 = v(u + h / 2 * k1)
        k3 = v(u + h / 2 * k2)
        k4 = v(u + h * k3)
        u = u + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return u


def trace_of_flow(impl, rng: np.random.Generator, n: int):
    """``E[ξᵀ u(τ)]/δ`` over ``n`` starts ``u(0) = δξ`` for each γ in :data:`GAMMAS`, against
    ``Re(e^{λ+ τ} + e^{λ- τ})`` from ``impl.dirac_gan_eigenvalues(γ)``
    (``numeric.dirac_gan.equilibrium_eigenvalues`` in the reference)."""
    estimates, ses, expected = [], [], []
    for gamma in GAMMAS:
        xi = rng.standard_normal((n, 2))
        projection = np.sum(xi * flow(DELTA * xi, gamma), axis=1) / DELTA
        estimates.append(projection.mean())
        ses.append(projection.std(ddof=1) / np.sqrt(n))
        lam = np.asarray(impl.dirac_gan_eigenvalues(gamma), dtype=np.complex128)
        expected.append(float(np.sum(np.exp(lam * HORIZON)).real))
    return Outcome(np.array(estimates), np.array(ses), np.array(expected), n)
