"""Dirac-GAN: the smallest GAN whose training dynamics can be solved by hand.

Mescheder, Geiger & Nowozin, "Which Training Methods for GANs do actually Converge?",
ICML 2018, §2.  The data is ``p_r = δ_0``, the generator ``p_θ = δ_θ``, the discriminator
``D_ψ(x) = ψ·x``, and

    L(θ, ψ) = f(ψθ) + f(0),    f(t) = -log(1 + e^{-t}),    f'(t) = σ(-t).

G descends and D ascends ``L``, giving the gradient vector field

    v(θ, ψ) = (-ψ f'(ψθ),  θ f'(ψθ) - γψ),

where ``γψ`` is the gradient of the R1 penalty ``(γ/2) E_{p_r} ‖∇_x D_ψ‖² = (γ/2) ψ²``
(§4.1; γ = 0 is the unregularised game).  The Jacobian at the unique equilibrium
``(0, 0)`` is ``[[0, -f'(0)], [f'(0), -γ]]`` with eigenvalues

    γ = 0:   ±i f'(0)                      (§2: purely imaginary),
    γ > 0:   -γ/2 ± √(γ²/4 - f'(0)²)       (§4.1: negative real parts).

Simultaneous gradient descent ``(θ, ψ) ← (θ, ψ) + h·v(θ, ψ)`` therefore spirals outwards
without regularisation (since ``v ⊥ (θ, ψ)``, each step adds ``h²‖v‖²`` to the squared
norm) and converges to ``(0, 0)`` with R1 for small enough ``h``.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def f(t: np.ndarray) -> np.ndarray:
    """``f(t) = -log(1 + e^{-t})`` (the standard GAN's ``log σ(t)``), evaluated stably."""
    return -np.logaddexp(0.0, -np.asarray(t, dtype=np.float64))


def f_prime(t: np.ndarray) -> np.ndarray:
    """``f'(t) = e^{-t} / (1 + e^{-t}) = σ(-t)``; ``f'(0) = 1/2``."""
    return special.expit(-np.asarray(t, dtype=np.float64))


def loss(theta: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """``L(θ, ψ) = f(ψθ) + f(0)``."""
    theta = np.asarray(theta, dtype=np.float64)
    psi = np.asarray(psi, dtype=np.float64)
    return f(psi * theta) + f(0.0)


def _check_gamma(gamma: float) -> None:
    if not (np.isfinite(gamma) and gamma >= 0):
        raise ValueError(f"R1 weight gamma must be finite and non-negative, got {gamma}")


def vector_field(theta: np.ndarray, psi: np.ndarray, gamma: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``v(θ, ψ) = (-∂L/∂θ, ∂L/∂ψ - γψ) = (-ψ f'(ψθ), θ f'(ψθ) - γψ)``, elementwise over arrays."""
    _check_gamma(gamma)
    theta = np.asarray(theta, dtype=np.float64)
    psi = np.asarray(psi, dtype=np.float64)
    fp = f_prime(psi * theta)
    return -psi * fp, theta * fp - gamma * psi


def vector_field_grid(limit: float = 2.0, n: int = 21, gamma: float = 0.0) -> tuple[np.ndarray, ...]:
    """``(Θ, Ψ, V_θ, V_ψ)`` on an ``n × n`` grid of ``[-limit, limit]²``, for a phase portrait."""
    if not (limit > 0 and n >= 2):
        raise ValueError(f"need limit > 0 and n >= 2, got {limit}, {n}")
    axis = np.linspace(-limit, limit, n)
    Theta, Psi = np.meshgrid(axis, axis, indexing="xy")
    V_theta, V_psi = vector_field(Theta, Psi, gamma)
    return Theta, Psi, V_theta, V_psi


def numerical_jacobian(theta: float = 0.0, psi: float = 0.0, gamma: float = 0.0, h: float = 1e-5) -> np.ndarray:
    """Central-difference Jacobian ``J[i, j] ≈ (v_i(u + h e_j) - v_i(u - h e_j)) / 2h`` at ``u = (θ, ψ)``."""
    if not h > 0:
        raise ValueError(f"step h must be positive, got {h}")
    u = np.array([theta, psi], dtype=np.float64)
    # Both perturbation directions at once: columns j = 0, 1 of u ± h e_j.
    plus = u[:, None] + h * np.eye(2)
    minus = u[:, None] - h * np.eye(2)
    v_plus = np.stack(vector_field(plus[0], plus[1], gamma))
    v_minus = np.stack(vector_field(minus[0], minus[1], gamma))
    return (v_plus - v_minus) / (2.0 * h)


def jacobian_eigenvalues(jacobian: np.ndarray) -> np.ndarray:
    """Eigenvalues of a 2×2 Jacobian, as complex numbers."""
    return np.linalg.eigvals(np.asarray(jacobian, dtype=np.float64)).astype(np.complex128)


def equilibrium_eigenvalues(gamma: float = 0.0) -> np.ndarray:
    """Closed form at ``(0, 0)``: ``-γ/2 ± √(γ²/4 - f'(0)²)`` (complex root; ``±i f'(0)`` at γ = 0)."""
    _check_gamma(gamma)
    root = np.sqrt(complex(gamma**2 / 4.0 - float(f_prime(0.0)) ** 2))
    return np.array([-gamma / 2.0 + root, -gamma / 2.0 - root])


def simultaneous_gd(theta0: float, psi0: float, lr: float, n_steps: int, gamma: float = 0.0) -> np.ndarray:
    """Trajectory of ``(θ, ψ)_{t+1} = (θ, ψ)_t + lr·v((θ, ψ)_t)``; shape ``(n_steps + 1, 2)``."""
    if not lr > 0 or n_steps < 0:
        raise ValueError(f"need lr > 0 and n_steps >= 0, got {lr}, {n_steps}")
    trajectory = np.empty((n_steps + 1, 2))
    trajectory[0] = theta0, psi0
    for t in range(n_steps):
        v_theta, v_psi = vector_field(trajectory[t, 0], trajectory[t, 1], gamma)
        trajectory[t + 1] = trajectory[t] + lr * np.array([v_theta, v_psi])
    return trajectory
