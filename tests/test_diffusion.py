"""numeric.diffusion: the closed forms against simulations of the forward chain (k·SE), the
conversions, the conditional score against the exact Gaussian posterior, and D*.

Monte Carlo tolerance: a check passes when every z-score of a family of m comparisons has
|z| ≤ k(m), with k(m) the two-sided normal quantile at a family-wise false-alarm rate of 1e-6
(Bonferroni): k(1) = 4.89, k(6) = 5.23.  Measured false alarms, running each check on 2000
cases drawn by the strategies below (n = 4000 draws per case): no family exceeded its k; the
largest |z| was 3.6 (q_sample vs chain, 7060 z-scores) and 4.3 (posterior residuals, 10794);
|z| > 3 occurred for 0.18 % and 0.31 % of them, against 0.27 % for a standard normal.
"""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from genverify.numeric.diffusion import (
    conditional_score,
    elbo_weight,
    eps_from_score,
    eps_from_x0,
    forward_chain,
    forward_marginal,
    posterior_mean_variance,
    q_sample,
    score_from_eps,
    x0_from_eps,
    x0_from_score,
)
from genverify.numeric.estimates import Estimate, mean_estimate
from genverify.numeric.gan import optimal_discriminator
from genverify.numeric.schedules import Schedule, linear_schedule
from tests.strategies import schedules

FAMILY_FALSE_ALARM = 1e-6
N = 4000


def k_sigma(m: int) -> float:
    """The |z| bound for m comparisons at a family-wise false-alarm rate of FAMILY_FALSE_ALARM."""
    return float(stats.norm.isf(FAMILY_FALSE_ALARM / (2 * m)))


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def vectors(d: int, lo: float = -3.0, hi: float = 3.0):
    return hnp.arrays(np.float64, d, elements=floats(lo, hi))


seeds = st.integers(0, 2**32 - 1)


def two_sample_z(a: Estimate, b: Estimate) -> np.ndarray:
    return (a.value - b.value) / np.sqrt(a.se**2 + b.se**2)


def variance_estimate(x: np.ndarray) -> Estimate:
    """Per-coordinate variance of draws ``x`` (axis 0) as the mean of squared deviations."""
    return mean_estimate((x - x.mean(axis=0)) ** 2)


# --- q(x_t | x_0): closed form against the step-by-step chain -------------------------------


def marginal_vs_chain_z(sample_marginal, x_0, t, schedule, rng) -> np.ndarray:
    """z-scores of mean and variance (per coordinate) of ``sample_marginal`` draws against
    ``forward_chain`` draws of ``x_t``; ``sample_marginal(x_0s, t, schedule, rng)``."""
    x_0s = np.broadcast_to(x_0, (N, x_0.size))
    closed = sample_marginal(x_0s, t, schedule, rng)
    _, (chain,) = forward_chain(x_0s, schedule, rng, record=[t])
    return np.concatenate([
        two_sample_z(mean_estimate(closed), mean_estimate(chain)),
        two_sample_z(variance_estimate(closed), variance_estimate(chain)),
    ])


@st.composite
def forward_cases(draw, min_t: int = 1):
    schedule = draw(schedules(max_T=40, max_beta=0.5).filter(lambda s: s.T >= min_t))
    d = draw(st.integers(1, 3))
    return schedule, draw(vectors(d)), draw(st.integers(min_t, schedule.T)), draw(seeds)


@settings(max_examples=25, deadline=None)
@given(case=forward_cases())
def test_q_sample_matches_forward_chain(case):
    schedule, x_0, t, seed = case
    z = marginal_vs_chain_z(q_sample, x_0, t, schedule, np.random.default_rng(seed))
    assert np.max(np.abs(z)) <= k_sigma(z.size), z


def _q_sample_with(signal, std):
    def sample(x_0, t, s, rng):
        return signal(s)[t - 1] * x_0 + std(s)[t - 1] * rng.standard_normal(x_0.shape)

    return sample


@pytest.mark.parametrize(
    "wrong_q_sample",
    [
        _q_sample_with(lambda s: s.alpha_bars, lambda s: s.sqrt_one_minus_alpha_bars),  # β̄_t for √β̄_t
        _q_sample_with(lambda s: s.sqrt_alpha_bars, lambda s: s.one_minus_alpha_bars),  # 1-β̄_t as the std
        _q_sample_with(lambda s: s.sqrt_alpha_bars, lambda s: np.sqrt(s.betas)),  # last step's noise only
    ],
)
def test_marginal_check_rejects_wrong_formulas(wrong_q_sample):
    schedule, x_0, t = linear_schedule(40, 1e-3, 0.1), np.array([2.0, -1.0]), 8
    rng = np.random.default_rng(20240416)
    assert np.max(np.abs(marginal_vs_chain_z(q_sample, x_0, t, schedule, rng))) <= k_sigma(4)
    assert np.max(np.abs(marginal_vs_chain_z(wrong_q_sample, x_0, t, schedule, rng))) > k_sigma(4)


def test_q_sample_and_forward_chain_with_pinned_noise():
    s = Schedule([0.1, 0.2, 0.3])
    x_0, noise = np.array([1.0, -2.0]), np.array([[0.5, 1.0], [-1.0, 0.0], [2.0, 0.25]])
    x = x_0
    for t in range(3):
        x = np.sqrt(1 - s.betas[t]) * x + np.sqrt(s.betas[t]) * noise[t]
    x_T, states = forward_chain(x_0, s, None, record=[3, 1], noise=noise)
    np.testing.assert_allclose(x_T, x, rtol=1e-15)
    np.testing.assert_allclose(states[0], x, rtol=1e-15)
    np.testing.assert_allclose(states[1], np.sqrt(0.9) * x_0 + np.sqrt(0.1) * noise[0], rtol=1e-15)
    np.testing.assert_allclose(
        q_sample(x_0, 2, s, None, noise=noise[0]),
        np.sqrt(0.9 * 0.8) * x_0 + np.sqrt(1 - 0.9 * 0.8) * noise[0],
        rtol=1e-14,
    )
    mean, variance = forward_marginal(x_0, 2, s.betas)
    np.testing.assert_allclose(mean, np.sqrt(0.72) * x_0, rtol=1e-15)
    assert variance == pytest.approx(0.28, rel=1e-14)


def test_per_particle_times_broadcast_over_leading_axes():
    s = linear_schedule(10, 0.01, 0.2)
    x_0 = np.ones((3, 2))
    t = np.array([1, 5, 10])
    mean, variance = forward_marginal(x_0, t, s.betas)
    np.testing.assert_allclose(mean, np.repeat(s.sqrt_alpha_bars[t - 1][:, None], 2, axis=1))
    np.testing.assert_allclose(variance, s.one_minus_alpha_bars[t - 1])
    with pytest.raises(ValueError, match="not a leading part"):
        forward_marginal(np.ones((2, 3)), t, s.betas)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: q_sample(np.zeros(2), 1, s, None), "rng must be a numpy.random.Generator"),
        (lambda s: q_sample(np.zeros(2), 1, s, None, noise=np.zeros(3)), r"noise has shape \(3,\)"),
        (lambda s: forward_chain(np.zeros(2), s, np.random.default_rng(0), record=[[1]]), "record must be a 1-D sequence"),
        (lambda s: forward_marginal(np.zeros(2), 4, s.betas), r"t = 4 is outside 1\.\.3"),
        (lambda s: posterior_mean_variance(0.0, 0.0, 0, s.betas), r"t = 0 is outside"),
        (lambda s: forward_marginal(0.0, 1, [0.5, 1.5]), r"betas\[1\] = 1.5 is outside"),
    ],
)
def test_invalid_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call(Schedule([0.1, 0.2, 0.3]))


# --- q(x_{t-1} | x_t, x_0): residual checks on simulated pairs -------------------------------


def posterior_residual_z(posterior, x_0, t, schedule, rng) -> np.ndarray:
    """z-scores that are ~N(0, 1) iff ``posterior(x_t, x_0, t, betas)`` is ``q(x_{t-1}|x_t, x_0)``.

    With ``r = x_{t-1} - mean(x_t, x_0)`` over simulated pairs: E[r] = 0, E[r (x_t - E x_t)] = 0
    (r uncorrelated with x_t, so the slope on x_t is right) and E[r²] = variance, per coordinate.
    """
    x_0s = np.broadcast_to(x_0, (N, x_0.size))
    _, (x_prev, x_t) = forward_chain(x_0s, schedule, rng, record=[t - 1, t])
    mean, variance = posterior(x_t, x_0s, t, schedule.betas)
    r = x_prev - mean
    centred_x_t = x_t - schedule.sqrt_alpha_bars[t - 1] * x_0
    return np.concatenate([
        mean_estimate(r).z(0.0),
        mean_estimate(r * centred_x_t).z(0.0),
        mean_estimate(r**2).z(variance),
    ])


@settings(max_examples=25, deadline=None)
@given(case=forward_cases(min_t=2))
def test_posterior_matches_simulated_pairs(case):
    schedule, x_0, t, seed = case
    z = posterior_residual_z(posterior_mean_variance, x_0, t, schedule, np.random.default_rng(seed))
    assert np.max(np.abs(z)) <= k_sigma(z.size), z


def _posterior_with(coef1=None, coef2=None, variance=None):
    def posterior(x_t, x_0, t, betas):
        s = Schedule(betas)
        c1 = s.posterior_mean_coef1 if coef1 is None else coef1(s)
        c2 = s.posterior_mean_coef2 if coef2 is None else coef2(s)
        v = s.posterior_variance if variance is None else variance(s)
        return c1[t - 1] * x_0 + c2[t - 1] * x_t, v[t - 1]

    return posterior


@pytest.mark.parametrize(
    "wrong_posterior",
    [
        _posterior_with(coef1=lambda s: s.sqrt_alpha_bars * s.betas / s.one_minus_alpha_bars),
        _posterior_with(coef2=lambda s: np.sqrt(s.alphas)),
        _posterior_with(variance=lambda s: s.betas),
        # the coefficients of x_0 and x_t swapped
        _posterior_with(coef1=lambda s: s.posterior_mean_coef2, coef2=lambda s: s.posterior_mean_coef1),
    ],
)
def test_posterior_check_rejects_wrong_formulas(wrong_posterior):
    schedule, x_0, t = linear_schedule(20, 0.1, 0.4), np.array([3.0]), 2
    rng = np.random.default_rng(7)
    assert np.max(np.abs(posterior_residual_z(posterior_mean_variance, x_0, t, schedule, rng))) <= k_sigma(3)
    assert np.max(np.abs(posterior_residual_z(wrong_posterior, x_0, t, schedule, rng))) > k_sigma(3)


def test_posterior_at_t_1_is_the_point_mass_at_x_0():
    mean, variance = posterior_mean_variance(np.array([3.0, 4.0]), np.array([1.0, 2.0]), 1, [0.1, 0.2])
    np.testing.assert_allclose(mean, [1.0, 2.0], rtol=1e-15)
    assert variance == 0.0


# --- the ELBO weight ---------------------------------------------------------------------------


def test_elbo_weight_where_beta_bar_is_subnormal():
    """The case Hypothesis found in CI (T = 968, β = 0.5268: w ≈ 1.6e-315): the weight still
    equals ½(SNR(t-1) - SNR(t)) to 64 subnormal steps, and twice it does not."""
    s = Schedule.from_betas(np.full(968, 0.5267930565475745))
    w, half_drop = elbo_weight(968, s.betas), 0.5 * (s.snr[966] - s.snr[967])
    assert 0 < w < 1e-300
    assert abs(w - half_drop) <= 64 * np.finfo(float).smallest_subnormal < abs(2 * w - half_drop)


@settings(max_examples=100, deadline=None)
@given(s=schedules(max_T=1000).filter(lambda s: s.T >= 2), data=st.data())
def test_elbo_weight_is_half_the_snr_drop(s, data):
    t = data.draw(st.integers(2, s.T), label="t")
    w = elbo_weight(t, s.betas)
    assert isinstance(w, float) and (w > 0 or s.alpha_bars_prev[t - 1] == 0.0)  # 0 only by underflow
    snr_prev, snr = s.snr[t - 2], s.snr[t - 1]
    # ½(SNR(t-1) - SNR(t)) cancels when the two are close; compare to its rounding error.  Where
    # β̄ is subnormal (T ≈ 1000 with β ≈ 0.5: w ≈ 1.6e-315) each operation rounds to a multiple of
    # the smallest subnormal, so a relative 1e-9 is out of reach: allow 64 of those (3e-322).
    subnormal = 64 * np.finfo(float).smallest_subnormal
    assert w == pytest.approx(0.5 * (snr_prev - snr), rel=1e-9, abs=max(1e-13 * snr_prev, subnormal))
    design = s.alpha_bars_prev[t - 1] * s.betas[t - 1] ** 2 / (
        2 * s.posterior_variance[t - 1] * s.one_minus_alpha_bars[t - 1] ** 2
    )
    assert w == pytest.approx(design, rel=1e-9, abs=subnormal)


def test_elbo_weight_rejects_the_homework_coefficient_and_t_equal_1():
    s = linear_schedule(100)
    t = 50
    homework = s.alpha_bars_prev[t - 1] * s.betas[t - 1] / (
        2 * s.posterior_variance[t - 1] * s.one_minus_alpha_bars[t - 1] ** 2
    )
    assert elbo_weight(t, s.betas) != pytest.approx(homework, rel=1e-3)
    np.testing.assert_allclose(elbo_weight(np.array([2, 3]), s.betas), [elbo_weight(2, s), elbo_weight(3, s)])
    with pytest.raises(ValueError, match="t in 2..T"):
        elbo_weight(1, s.betas)


# --- x̂_0, ε and the score ----------------------------------------------------------------------


@st.composite
def conversion_cases(draw):
    s = draw(schedules(max_T=200, max_beta=0.2))
    d = draw(st.integers(1, 3))
    return s, draw(st.integers(1, s.T)), draw(vectors(d, -10, 10)), draw(vectors(d, -10, 10))


@settings(max_examples=100, deadline=None)
@given(case=conversion_cases())
def test_conversions_round_trip(case):
    s, t, x_t, x_0 = case
    # Dividing by √β̄_t (or √(1-β̄_t)) amplifies the rounding of x_t - ..., of size ε·|x_t|.
    tol_x0 = 1e-12 * (1 + np.abs(x_t).max() + np.abs(x_0).max()) / s.sqrt_alpha_bars[t - 1]
    eps = eps_from_x0(x_t, t, x_0, s)
    np.testing.assert_allclose(x0_from_eps(x_t, t, eps, s), x_0, rtol=0, atol=tol_x0)
    np.testing.assert_allclose(eps_from_score(score_from_eps(eps, t, s), t, s), eps, rtol=1e-13)
    np.testing.assert_allclose(x0_from_score(x_t, t, score_from_eps(eps, t, s), s), x_0, rtol=0, atol=tol_x0)
    tol_x_t = 1e-12 * (1 + np.abs(x_t).max() + np.abs(x_0).max())
    np.testing.assert_allclose(q_sample(x_0, t, s, None, noise=eps), x_t, rtol=0, atol=tol_x_t)


def exact_gaussian_x0_given_xt(x_t, t, s, m, s2):
    """E[x_0 | x_t] for x_0 ~ N(m, s2): precision-weighted combination (conjugate Gaussian)."""
    ab = s.alpha_bars[t - 1]
    precision = 1 / s2 + ab / (1 - ab)
    return (m / s2 + np.sqrt(ab) * x_t / (1 - ab)) / precision


def gaussian_score_at_t(x_t, t, s, m, s2):
    """∇ log p_t for p_t = N(√β̄_t m, β̄_t s2 + 1 - β̄_t), the law of x_t when x_0 ~ N(m, s2)."""
    ab = s.alpha_bars[t - 1]
    return -(x_t - np.sqrt(ab) * m) / (ab * s2 + 1 - ab)


@settings(max_examples=100, deadline=None)
@given(s=schedules(max_T=100, max_beta=0.2), data=st.data(), m=floats(-3, 3), s2=floats(0.05, 4))
def test_tweedie_is_exact_for_gaussian_data(s, data, m, s2):
    t = data.draw(st.integers(1, s.T), label="t")
    x_t = np.linspace(-4, 4, 9)
    x0_hat = x0_from_score(x_t, t, gaussian_score_at_t(x_t, t, s, m, s2), s)
    scale = 1 + abs(m) + 4 / s.sqrt_alpha_bars[t - 1]
    np.testing.assert_allclose(x0_hat, exact_gaussian_x0_given_xt(x_t, t, s, m, s2), rtol=0, atol=1e-10 * scale)


def test_tweedie_check_rejects_a_missing_variance_factor():
    s, t, m, s2 = linear_schedule(100), 30, 0.5, 2.0
    x_t = np.linspace(-4, 4, 9)
    score = gaussian_score_at_t(x_t, t, s, m, s2)
    wrong = (x_t + score) / s.sqrt_alpha_bars[t - 1]
    assert not np.allclose(wrong, exact_gaussian_x0_given_xt(x_t, t, s, m, s2), rtol=1e-6)


# --- conditional score -------------------------------------------------------------------------


@st.composite
def inpainting_cases(draw):
    d = draw(st.integers(1, 4))
    return (
        draw(hnp.arrays(np.float64, (5, d), elements=floats(-5, 5))),  # x: 5 particles
        draw(vectors(d, -5, 5)),  # x_known
        draw(hnp.arrays(np.int64, d, elements=st.integers(0, 1))),  # mask M
        draw(vectors(d, -3, 3)),  # prior mean μ
        draw(floats(0.1, 3.0)),  # prior std τ
        draw(floats(0.05, 2.0)),  # σ²
    )


def exact_posterior_score(x, x_known, mask, mu, tau, sigma2):
    """∇ log N(x; ν, Λ⁻¹): p(x | x_known) ∝ N(x; μ, τ² I) exp(-‖(x - x_known)⊙M‖²/(2σ²)) is
    Gaussian with precision λ = 1/τ² + M/σ² and mean ν = (μ/τ² + M x_known/σ²)/λ per coordinate."""
    precision = 1 / tau**2 + mask / sigma2
    nu = (mu / tau**2 + mask * x_known / sigma2) / precision
    return -precision * (x - nu)


def finite_difference_score(x, x_known, mask, mu, tau, sigma2, h=1e-4):
    """Central differences of the unnormalised log posterior (exact up to rounding: it is quadratic)."""
    def log_posterior(y):
        return stats.norm.logpdf(y, mu, tau).sum(-1) - (((y - x_known) * mask) ** 2).sum(-1) / (2 * sigma2)

    steps = h * np.eye(x.shape[-1])
    return np.stack([(log_posterior(x + e) - log_posterior(x - e)) / (2 * h) for e in steps], axis=-1)


@settings(max_examples=100, deadline=None)
@given(case=inpainting_cases())
def test_conditional_score_is_the_gaussian_posterior_score(case):
    x, x_known, mask, mu, tau, sigma2 = case
    prior_score = lambda y: -(y - mu) / tau**2  # noqa: E731
    score = conditional_score(x, x_known, mask, prior_score, sigma2)
    np.testing.assert_allclose(score, exact_posterior_score(x, x_known, mask, mu, tau, sigma2), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(score, finite_difference_score(x, x_known, mask, mu, tau, sigma2), rtol=1e-6, atol=1e-5)
    # The homework's likelihood exp(-‖(x - x_known)⊙M‖²) is σ² = ½: the score term is -2 (x - x_known)⊙M.
    np.testing.assert_allclose(
        conditional_score(x, x_known, mask, prior_score),
        prior_score(x) - 2 * (x - x_known) * mask,
        rtol=1e-12, atol=1e-12,
    )


@pytest.mark.parametrize(
    "wrong_score",
    [
        lambda x, xk, m, prior: prior(x) - (x - xk) * m,  # the factor 2 dropped
        lambda x, xk, m, prior: prior(x) + 2 * (x - xk) * m,  # sign flipped
        lambda x, xk, m, prior: prior(x) - 2 * (x - xk),  # mask ignored
    ],
)
def test_conditional_score_check_rejects_wrong_formulas(wrong_score):
    x, x_known, mask = np.array([[0.3, -1.0, 2.0]]), np.array([1.0, 0.5, -0.5]), np.array([1, 0, 1])
    mu, tau = np.zeros(3), 1.0
    prior_score = lambda y: -(y - mu) / tau**2  # noqa: E731
    exact = exact_posterior_score(x, x_known, mask, mu, tau, 0.5)
    assert np.allclose(conditional_score(x, x_known, mask, prior_score), exact)
    assert not np.allclose(wrong_score(x, x_known, mask, prior_score), exact)


def test_conditional_score_validates_its_inputs():
    with pytest.raises(ValueError, match="mask must contain only 0 and 1"):
        conditional_score(np.zeros(2), np.zeros(2), np.array([0.5, 1.0]), lambda y: y)
    with pytest.raises(ValueError, match=r"prior_score\(x\) has shape"):
        conditional_score(np.zeros(2), np.zeros(2), np.ones(2), lambda y: y[:1])
    with pytest.raises(ValueError, match="sigma2 must be a finite positive number"):
        conditional_score(np.zeros(2), np.zeros(2), np.ones(2), lambda y: y, sigma2=0.0)


# --- optimal discriminator ---------------------------------------------------------------------


def discriminator_objective(D, p_r, p_g):
    """``p_r log D + p_g log(1-D)`` with 0·log 0 = 0."""
    return special.xlogy(p_r, D) + special.xlogy(p_g, 1 - D)


def beats_every_grid_point(discriminator, p_r, p_g) -> bool:
    grid = np.linspace(1e-4, 1 - 1e-4, 2001)[:, None]
    best = discriminator_objective(discriminator(p_r, p_g), p_r, p_g)
    tol = 1e-12 * (1 + p_r + p_g)
    return bool(np.all(best >= discriminator_objective(grid, p_r, p_g).max(axis=0) - tol))


# Zero or within [1e-3, 1e3]: a ratio p_r/p_g beyond ~1e16 rounds D* to exactly 1 (or 0), where
# log(1-D*) = -inf although the true objective is finite; that is float64, not the formula.
density_values = st.one_of(st.just(0.0), floats(1e-3, 1e3))


@settings(max_examples=100, deadline=None)
@given(p_r=hnp.arrays(np.float64, st.integers(1, 8), elements=density_values), data=st.data())
def test_optimal_discriminator_maximises_the_pointwise_objective(p_r, data):
    p_g = data.draw(hnp.arrays(np.float64, p_r.shape, elements=density_values), label="p_g")
    p_g = np.where((p_r == 0) & (p_g == 0), 1.0, p_g)
    D = optimal_discriminator(p_r, p_g)
    assert np.all((D >= 0) & (D <= 1))
    np.testing.assert_allclose(D, p_r / (p_r + p_g), rtol=1e-14)
    assert beats_every_grid_point(optimal_discriminator, p_r, p_g)


def test_discriminator_check_rejects_a_wrong_formula():
    p_r, p_g = np.array([0.2, 1.0, 3.0]), np.array([1.0, 0.1, 3.5])
    assert beats_every_grid_point(optimal_discriminator, p_r, p_g)
    assert not beats_every_grid_point(lambda a, b: b / (a + b), p_r, p_g)


@pytest.mark.parametrize(
    "p_r, p_g, message",
    [
        ([0.5, -0.1], [1.0, 1.0], r"p_r\[1\] = -0.1 is not a finite non-negative density"),
        ([0.5], [np.nan], r"p_g\[0\] = nan is not a finite non-negative density"),
        ([0.5, 0.0], [0.5, 0.0], r"both 0 at index \[1\]: D\* is undefined"),
    ],
)
def test_optimal_discriminator_rejects_invalid_densities(p_r, p_g, message):
    with pytest.raises(ValueError, match=message):
        optimal_discriminator(p_r, p_g)
