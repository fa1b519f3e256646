"""Results 4–7 of issue 13 tied to their NumPy references: each numeric function agrees with the
``lambdify`` of its derivation's closed form, and each cross-check rejects a wrong input."""

from __future__ import annotations

import types

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.derivations import diffusion_probability_flow as pf_derivation
from genverify.derivations import gan_dirac, score_matching_dsm
from genverify.numeric import dirac_gan, dirac_gan_flow, dsm_identity, gan, likelihood, ns_gradient
from genverify.numeric import probability_flow as pf
from genverify.numeric.crosschecks import K


def bounded(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


def _pairing_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Max distance between two eigenvalue pairs under the better of the two pairings."""
    return min(max(abs(a[0] - b[0]), abs(a[1] - b[1])), max(abs(a[0] - b[1]), abs(a[1] - b[0])))


# --- gan.dirac -------------------------------------------------------------------------------


_EIGENVALUES = sp.lambdify((gan_dirac.gamma, gan_dirac.A), gan_dirac.eigenvalues(), modules=[{"sqrt": np.emath.sqrt}, "numpy"])


@given(gamma=bounded(0.0, 5.0))
def test_dirac_reference_eigenvalues_are_the_derivations(gamma):
    # f'(0) = ½ for the standard GAN (the derivation's last step).
    closed = np.array(_EIGENVALUES(gamma, 0.5), dtype=np.complex128)
    assert _pairing_distance(dirac_gan.equilibrium_eigenvalues(gamma), closed) <= 1e-12


@given(gamma=bounded(0.0, 5.0))
def test_dirac_numerical_jacobian_is_the_derivations(gamma):
    # Central differences of the field at (0, 0), which is linear along each axis: exact up to rounding.
    closed = np.array(gan_dirac.JACOBIAN.subs({gan_dirac.A: sp.Rational(1, 2), gan_dirac.gamma: gamma}), dtype=float)
    assert np.allclose(dirac_gan.numerical_jacobian(0.0, 0.0, gamma), closed, atol=1e-9)


@pytest.mark.parametrize("gamma", dirac_gan_flow.GAMMAS)
def test_dirac_flow_near_equilibrium_is_the_matrix_exponential(gamma):
    # exp(Jτ) by the eigen-decomposition; the flow from δ e_j is δ times its j-th column up to O(δ³).
    jacobian = dirac_gan.numerical_jacobian(0.0, 0.0, gamma)
    w, V = np.linalg.eig(jacobian)
    expected = (V @ np.diag(np.exp(w * dirac_gan_flow.HORIZON)) @ np.linalg.inv(V)).real
    flowed = dirac_gan_flow.flow(dirac_gan_flow.DELTA * np.eye(2), gamma) / dirac_gan_flow.DELTA
    assert np.allclose(flowed.T, expected, atol=1e-5)


def test_dirac_flow_refuses_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        dirac_gan_flow.flow(np.zeros(2), 0.0)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_dirac_trace_check_passes_the_reference_and_rejects_a_wrong_spectrum(seed):
    def wrong(gamma):  # the ½ of -γ/2 dropped
        root = np.sqrt(complex(gamma**2 / 4 - 0.25))
        return np.array([-gamma + root, -gamma - root])

    reference = dirac_gan_flow.trace_of_flow(types.SimpleNamespace(dirac_gan_eigenvalues=dirac_gan.equilibrium_eigenvalues),
                                            np.random.default_rng(seed), 2000)
    assert reference.passed(K)
    mutant = dirac_gan_flow.trace_of_flow(types.SimpleNamespace(dirac_gan_eigenvalues=wrong),
                                         np.random.default_rng(seed), 2000)
    assert not mutant.passed(K)
    # γ = 0 has no damping to get wrong: the mutant agrees there, and only there.
    assert abs(mutant.z[0]) <= K


# --- diffusion.dsm --------------------------------------------------------------------------------


_TARGET = sp.lambdify((score_matching_dsm.x_t, score_matching_dsm.x_0, score_matching_dsm.alpha_bar),
                      score_matching_dsm.TARGET, "numpy")


@given(x_t=bounded(-5, 5), x_0=bounded(-5, 5), alpha_bar=bounded(0.01, 0.99))
def test_dsm_target_is_the_derivations(x_t, x_0, alpha_bar):
    assert dsm_identity.dsm_target(x_t, x_0, alpha_bar) == pytest.approx(_TARGET(x_t, x_0, alpha_bar), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("alpha_bar", [0.0, 1.0, -0.5, float("nan")])
def test_dsm_target_refuses_levels_without_noise_or_signal(alpha_bar):
    with pytest.raises(ValueError, match="alpha_bar"):
        dsm_identity.dsm_target(np.zeros(2), np.zeros(2), alpha_bar)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_dsm_check_passes_the_reference_and_rejects_a_wrong_target(seed):
    reference = dsm_identity.dsm_minus_esm(types.SimpleNamespace(dsm_target=dsm_identity.dsm_target),
                                           np.random.default_rng(seed), 2000)
    assert reference.passed(K)
    # -ε/(1-ᾱ) for -ε/√(1-ᾱ): the target's scale wrong by 1/√(1-ᾱ).
    scaled = dsm_identity.dsm_minus_esm(
        types.SimpleNamespace(dsm_target=lambda x_t, x_0, ab: dsm_identity.dsm_target(x_t, x_0, ab) / np.sqrt(1 - ab)),
        np.random.default_rng(seed), 2000)
    assert not scaled.passed(K)



# --- diffusion.probability_flow -------------------------------------------------------------------


def _pf_drifts():
    """The PF-ODE and reverse-SDE drifts ``f - w g² s`` of the derivation (w = ½, 1), lambdified."""
    beta, score = sp.symbols("beta score", real=True)
    drift = pf_derivation.DRIFT.xreplace({pf_derivation.beta_t: beta})
    return tuple(sp.lambdify((pf_derivation.x, beta, score), drift - w * beta * score, "numpy")
                 for w in (sp.Rational(1, 2), 1))


@given(x=bounded(-5, 5), beta=bounded(0.01, 20), score=bounded(-5, 5))
def test_pf_drifts_are_the_derivations(x, beta, score):
    flow, reverse = _pf_drifts()
    assert pf.probability_flow_drift(x, beta, score) == pytest.approx(flow(x, beta, score), rel=1e-12, abs=1e-12)
    assert pf.reverse_sde_drift(x, beta, score) == pytest.approx(reverse(x, beta, score), rel=1e-12, abs=1e-12)
    # numeric.likelihood's PF-ODE drift is the same formula, with the mixture's exact score.
    mixture = dsm_identity.DATA
    sde = likelihood.VPSDE()
    point = np.array([[x, -x]])
    exact = mixture.noised(sde.alpha_bar(0.3)).score(point)
    assert np.allclose(likelihood.pf_ode_drift(mixture, sde, point, 0.3),
                       pf.probability_flow_drift(point, sde.beta(0.3), exact), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_pf_marginal_solves_the_moment_equations(t):
    # m' = -½βm and v' = β(1 - v), the derivation's domain definitions, by central differences.
    h = 1e-6
    (m_lo, v_lo), (m_hi, v_hi) = pf.marginal(t - h), pf.marginal(t + h)
    mean, variance = pf.marginal(t)
    beta = pf.SDE.beta(t)
    assert (m_hi - m_lo) / (2 * h) == pytest.approx(-0.5 * beta * mean, rel=1e-6)
    assert (v_hi - v_lo) / (2 * h) == pytest.approx(beta * (1 - variance), rel=1e-6)


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_pf_check_passes_the_reference_and_rejects_swapped_drifts(seed):
    reference = types.SimpleNamespace(probability_flow_drift=pf.probability_flow_drift,
                                      reverse_sde_drift=pf.reverse_sde_drift)
    assert pf.backward_marginals(reference, np.random.default_rng(seed), 2000).passed(K)
    swapped = types.SimpleNamespace(probability_flow_drift=pf.reverse_sde_drift,
                                    reverse_sde_drift=pf.probability_flow_drift)
    outcome = pf.backward_marginals(swapped, np.random.default_rng(seed), 2000)
    # Both second moments are wrong at both times (the means are right: the drifts agree at the mean).
    assert np.all(np.abs(outcome.z[1::2]) > K)


# --- gan.nonsaturating_gradient -------------------------------------------------------------------


def test_ns_gradient_reference_is_the_derivative_of_kl_minus_2jsd_by_quadrature():
    # An independent route: KL(p_g‖p_r) - 2JSD(p_g‖p_r) itself by quadrature, differenced with a wider step.
    from scipy import integrate

    def divergence(mu_g, mu_r=0.0, s_r=1.0, s_g=0.7):
        def kl_integrand(x):
            log_g = -0.5 * ((x - mu_g) / s_g) ** 2 - np.log(s_g * np.sqrt(2 * np.pi))
            log_r = -0.5 * ((x - mu_r) / s_r) ** 2 - np.log(s_r * np.sqrt(2 * np.pi))
            return np.exp(log_g) * (log_g - log_r)

        kl, _ = integrate.quad(kl_integrand, mu_g - 12 * s_g, mu_g + 12 * s_g, epsabs=1e-13, epsrel=1e-13)
        return kl - 2 * gan.jsd_quad(mu_r, s_r, mu_g, s_g)

    h = 1e-3
    expected = (divergence(1.5 + h) - divergence(1.5 - h)) / (2 * h)
    assert ns_gradient.kl_minus_2jsd_gradient(0.0, 1.0, 1.5, 0.7) == pytest.approx(expected, rel=1e-5)


def test_ns_gradient_identity_on_a_softmax_family_matches_finite_differences():
    # The derivation's identity on a concrete family g(θ) = softmax(θ c): -Σ g_i' log D*_i with D* at θ_0,
    # against a central difference of KL - 2JSD (both evaluated numerically).
    theta0, c = 0.3, np.array([1.0, -0.5, 0.2])
    r = np.array([0.2, 0.5, 0.3])

    def g(theta):
        w = np.exp(theta * c)
        return w / w.sum()

    def divergence(theta):
        p = g(theta)
        m = (p + r) / 2
        return np.sum(p * np.log(p / r)) - (np.sum(p * np.log(p / m)) + np.sum(r * np.log(r / m)))

    h = 1e-5
    g_prime = (g(theta0 + h) - g(theta0 - h)) / (2 * h)
    d_star = r / (r + g(theta0))
    assert -np.sum(g_prime * np.log(d_star)) == pytest.approx((divergence(theta0 + h) - divergence(theta0 - h)) / (2 * h),
                                                              rel=1e-7)


def test_ns_gradient_refuses_nonpositive_scales():
    with pytest.raises(ValueError, match="positive"):
        ns_gradient.kl_minus_2jsd_gradient(0.0, 1.0, 0.5, 0.0)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_ns_check_passes_the_reference_and_rejects_the_saturating_loss(seed):
    reference = types.SimpleNamespace(generator_loss_nonsaturating=gan.generator_loss_nonsaturating,
                                      kl_minus_2jsd_gradient=ns_gradient.kl_minus_2jsd_gradient)
    assert ns_gradient.ns_gradient_at_optimum(reference, np.random.default_rng(seed), 2000).passed(K)
    saturating = types.SimpleNamespace(generator_loss_nonsaturating=gan.generator_loss_saturating,
                                       kl_minus_2jsd_gradient=ns_gradient.kl_minus_2jsd_gradient)
    assert not ns_gradient.ns_gradient_at_optimum(saturating, np.random.default_rng(seed), 2000).passed(K)
