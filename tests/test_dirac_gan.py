"""Dirac-GAN (Mescheder et al. 2018): vector field, equilibrium spectrum, and gradient-descent dynamics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric import dirac_gan as dg

F_PRIME_0 = 0.5
# At (0, 0) the field is linear along each axis, so central differences are exact up to
# rounding (~1e-11); the eigenvalues of a non-defective 2×2 matrix move by about that much
# divided by their separation 2√|γ²/4 - f'(0)²| ≥ 0.3 for |γ - 1| ≥ 0.05.
EIG_TOL = 1e-8


def bounded(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


def eigenvalue_mismatch(numeric: np.ndarray, closed: np.ndarray) -> float:
    """Max distance between two eigenvalue pairs, under the better of the two pairings."""
    a, b = numeric
    c, d = closed
    return min(max(abs(a - c), abs(b - d)), max(abs(a - d), abs(b - c)))


def _wrong_half(gamma: float) -> np.ndarray:
    # The 1/2 of -γ/2 dropped.
    root = np.sqrt(complex(gamma**2 / 4 - F_PRIME_0**2))
    return np.array([-gamma + root, -gamma - root])


def test_f_prime_at_zero_is_one_half():
    assert dg.f_prime(0.0) == F_PRIME_0
    assert dg.f(0.0) == pytest.approx(-np.log(2), rel=1e-15)


@given(theta=bounded(-5, 5), psi=bounded(-5, 5), gamma=bounded(0, 5))
def test_vector_field_is_descent_ascent_on_L(theta, psi, gamma):
    # v = (-∂L/∂θ, ∂L/∂ψ - ∂R1/∂ψ) with R1 = (γ/2) ψ²; check against central differences of L.
    h = 1e-6
    dL_dtheta = (dg.loss(theta + h, psi) - dg.loss(theta - h, psi)) / (2 * h)
    dL_dpsi = (dg.loss(theta, psi + h) - dg.loss(theta, psi - h)) / (2 * h)
    v_theta, v_psi = dg.vector_field(theta, psi, gamma)
    # Rounding of L (|L| ≤ 26) over 2h is ≤ 26·1.1e-16/2e-6 ≈ 1.5e-9; truncation is O(h²).
    assert v_theta == pytest.approx(-dL_dtheta, abs=1e-8)
    assert v_psi == pytest.approx(dL_dpsi - gamma * psi, abs=1e-8)


def test_unregularised_eigenvalues_are_plus_minus_i_f_prime_0():
    numeric = dg.jacobian_eigenvalues(dg.numerical_jacobian(0.0, 0.0, gamma=0.0))
    assert eigenvalue_mismatch(numeric, np.array([1j * F_PRIME_0, -1j * F_PRIME_0])) <= EIG_TOL
    assert eigenvalue_mismatch(numeric, dg.equilibrium_eigenvalues(0.0)) <= EIG_TOL
    # ±i (f'(0) taken as 1) must be rejected by the same comparison.
    assert eigenvalue_mismatch(numeric, np.array([1j, -1j])) > EIG_TOL


@settings(max_examples=50)
@given(gamma=st.one_of(bounded(0.01, 0.95), bounded(1.05, 10.0)))
def test_r1_eigenvalues_match_closed_form(gamma):
    # γ < 2|f'(0)| = 1: complex pair with real part -γ/2; γ > 1: two negative reals.
    numeric = dg.jacobian_eigenvalues(dg.numerical_jacobian(0.0, 0.0, gamma=gamma))
    closed = dg.equilibrium_eigenvalues(gamma)
    assert eigenvalue_mismatch(numeric, closed) <= EIG_TOL, f"γ = {gamma}: {numeric} vs {closed}"
    assert np.all(closed.real < 0)
    assert (np.abs(closed.imag) > 0).all() == (gamma < 2 * F_PRIME_0)
    wrong = _wrong_half(gamma)
    assert eigenvalue_mismatch(numeric, wrong) > EIG_TOL, f"γ = {gamma}: -γ ± √(γ²/4 - f'(0)²) was accepted"


# Starts off the equilibrium (which is a fixed point of every iteration).
starts = st.tuples(bounded(-2, 2), bounded(-2, 2)).filter(lambda u: np.hypot(*u) >= 1e-3)


@settings(max_examples=50)
@given(start=starts, lr=bounded(0.01, 0.5))
def test_unregularised_simultaneous_gd_spirals_out(start, lr):
    trajectory = dg.simultaneous_gd(*start, lr, 200)
    sq_norm = np.sum(trajectory**2, axis=1)
    # v ⊥ (θ, ψ), so each step adds exactly lr²‖v‖² to the squared norm.
    v = np.stack(dg.vector_field(trajectory[:-1, 0], trajectory[:-1, 1]), axis=1)
    np.testing.assert_allclose(np.diff(sq_norm), lr**2 * np.sum(v**2, axis=1),
                               rtol=1e-6, atol=1e-12 * sq_norm.max())
    # ‖v‖ = f'(ψθ)‖u‖ and ψθ ≤ 4 at the start, so the first step alone multiplies the squared
    # norm by 1 + lr²·f'(ψθ)² ≥ 1 + lr²·σ(-4)² > 1 + 3e-4·lr²; no later step shrinks it.
    assert sq_norm[-1] >= sq_norm[0] * (1 + 3e-4 * lr**2)
    assert np.all(np.diff(sq_norm) >= 0)


@settings(max_examples=50, deadline=None)
@given(start=starts, gamma=bounded(0.5, 2.0))
def test_r1_simultaneous_gd_converges(start, gamma):
    trajectory = dg.simultaneous_gd(*start, 0.1, 2000, gamma)
    # Near (0, 0) the slowest contraction per step is |1 + 0.1λ| ≤ 0.987 (γ = 2), giving
    # ≤ 2e-11·‖u_0‖ after 2000 steps; over 200 random starts the worst was 4.5e-12.
    assert np.linalg.norm(trajectory[-1]) <= 1e-8
    # The unregularised run from the same start does not converge: the comparison can fail.
    unregularised = dg.simultaneous_gd(*start, 0.1, 2000)
    assert np.linalg.norm(unregularised[-1]) >= np.hypot(*start)


def test_vector_field_grid_for_phase_portrait():
    Theta, Psi, V_theta, V_psi = dg.vector_field_grid(limit=2.0, n=11, gamma=0.3)
    assert Theta.shape == Psi.shape == V_theta.shape == V_psi.shape == (11, 11)
    expected = dg.vector_field(Theta[3, 7], Psi[3, 7], 0.3)
    assert (V_theta[3, 7], V_psi[3, 7]) == pytest.approx(expected, rel=1e-15)
    assert V_theta[5, 5] == 0.0 and V_psi[5, 5] == 0.0


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="gamma"):
        dg.vector_field(0.0, 0.0, gamma=-1.0)
    with pytest.raises(ValueError, match="lr"):
        dg.simultaneous_gd(1.0, 1.0, lr=0.0, n_steps=10)
    with pytest.raises(ValueError, match="step"):
        dg.numerical_jacobian(h=0.0)
