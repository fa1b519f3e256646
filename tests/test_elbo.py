"""numeric.elbo: the closed-form negative ELBO against Monte Carlo over forward trajectories,
the bound ELBO < log p_θ(x_0) against the exact likelihood, and the exact likelihood against
ancestral samples of the model.

Monte Carlo tolerance as in tests/test_diffusion.py: a family of m z-scores passes when all
|z| ≤ k(m), the two-sided normal quantile at a family-wise false-alarm rate of 1e-6
(Bonferroni), e.g. k(3) = 5.10, k(52) = 5.62.  The per-trajectory log-ratios are quadratic in
Gaussians, hence skewed, so each case uses n = 3000 trajectories.  Measured false alarms over
2000 cases drawn by the strategies below: the term check (44788 z-scores) never exceeded its k,
largest |z| 4.1, |z| > 3 for 0.18 %; the ancestral-sample check (6786 z-scores, n = 4000)
largest |z| 3.7, |z| > 3 for 0.19 %; a standard normal gives 0.27 %.
"""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from genverify.numeric.diffusion import elbo_weight
from genverify.numeric.elbo import (
    GaussianDiffusion,
    NegativeElboTerms,
    log_likelihood,
    negative_elbo_terms,
    negative_elbo_terms_mc,
)
from genverify.numeric.estimates import Estimate, mean_estimate
from genverify.numeric.schedules import Schedule, cosine_schedule, linear_schedule
from tests.test_diffusion import floats, k_sigma, seeds, variance_estimate
from tests.strategies import schedules

N = 3000


@st.composite
def models(draw, max_T: int = 50):
    """A model (schedule, data mean and std, decoder variance) and a point x_0 of its dimension."""
    schedule = draw(schedules(max_T=max_T, max_beta=0.5))
    d = draw(st.integers(1, 3))
    model = GaussianDiffusion(
        schedule,
        draw(hnp.arrays(np.float64, d, elements=floats(-2, 2))),
        draw(floats(0.2, 2.0)),
        draw(st.one_of(st.none(), floats(1e-3, 1.0))),
    )
    return model, draw(hnp.arrays(np.float64, d, elements=floats(-3, 3)))


def term_z(closed: NegativeElboTerms, mc: NegativeElboTerms) -> np.ndarray:
    """All z-scores of the Monte Carlo terms against the closed forms, as one family."""
    return np.concatenate([
        [mc.reconstruction.z(closed.reconstruction), mc.prior_matching.z(closed.prior_matching),
         mc.total.z(closed.total)],
        np.atleast_1d(mc.denoising.z(closed.denoising)),
    ])


@settings(max_examples=30, deadline=None)
@given(case=models(), seed=seeds)
def test_monte_carlo_terms_match_the_closed_forms(case, seed):
    model, x_0 = case
    z = term_z(negative_elbo_terms(model, x_0), negative_elbo_terms_mc(model, x_0, N, np.random.default_rng(seed)))
    assert np.max(np.abs(z)) <= k_sigma(z.size), z


def _with_denoising_weight(closed: NegativeElboTerms, model, x_0, weight) -> NegativeElboTerms:
    """``closed`` with its denoising terms recomputed as ``weight(t) · E‖x̂_θ(x_t) - x_0‖²``."""
    T = model.schedule.T
    denoising = np.array([weight(t) * model.expected_x0_error(x_0, t) for t in range(2, T + 1)])
    total = closed.reconstruction + closed.prior_matching + denoising.sum()
    return NegativeElboTerms(closed.reconstruction, closed.prior_matching, denoising, total)


_model = GaussianDiffusion(linear_schedule(10, 0.02, 0.3), [0.5], 0.8)
_x_0 = np.array([1.7])


@pytest.mark.parametrize(
    "weight",
    [
        # the homework's coefficient: β_t where β_t² belongs
        lambda t, s=_model.schedule: s.alpha_bars_prev[t - 1] * s.betas[t - 1]
        / (2 * s.posterior_variance[t - 1] * s.one_minus_alpha_bars[t - 1] ** 2),
        # ½(SNR(t) - SNR(t+1)): t where t-1 belongs (the last term borrows SNR(T+1) = 0)
        lambda t, s=_model.schedule: 0.5 * (s.snr[t - 1] - (s.snr[t] if t < s.T else 0.0)),
        # 1/(2σ̃²) alone: the coefficient of ‖μ̃ - μ_θ‖² mistaken for that of ‖x̂ - x_0‖²
        lambda t, s=_model.schedule: 1 / (2 * s.posterior_variance[t - 1]),
    ],
)
def test_monte_carlo_check_rejects_a_wrong_elbo_weight(weight):
    closed = negative_elbo_terms(_model, _x_0)
    mc = negative_elbo_terms_mc(_model, _x_0, N, np.random.default_rng(446))
    z = term_z(closed, mc)
    assert np.max(np.abs(z)) <= k_sigma(z.size)
    wrong = _with_denoising_weight(closed, _model, _x_0, weight)
    assert np.max(np.abs(term_z(wrong, mc))) > k_sigma(z.size)


def test_closed_form_denoising_terms_use_elbo_weight():
    closed = negative_elbo_terms(_model, _x_0)
    again = _with_denoising_weight(closed, _model, _x_0, lambda t: elbo_weight(t, _model.schedule.betas))
    np.testing.assert_allclose(closed.denoising, again.denoising, rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(case=models(), seed=seeds)
def test_terms_sum_to_the_total(case, seed):
    model, x_0 = case
    closed = negative_elbo_terms(model, x_0)
    parts = [closed.reconstruction, closed.prior_matching, *closed.denoising]
    assert closed.total == pytest.approx(sum(parts), rel=1e-12, abs=1e-12 * sum(map(abs, parts)))
    assert closed.denoising.shape == (model.schedule.T - 1,)
    mc = negative_elbo_terms_mc(model, x_0, 50, np.random.default_rng(seed))
    mc_parts = [mc.reconstruction.value, mc.prior_matching.value, *np.atleast_1d(mc.denoising.value)]
    assert mc.total.value == pytest.approx(sum(mc_parts), rel=1e-9, abs=1e-9 * sum(map(abs, mc_parts)))


# --- ELBO ≤ log p_θ(x_0) ------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(case=models(max_T=100))
def test_elbo_is_not_above_the_exact_log_likelihood(case):
    """ELBO ≤ log p_θ(x_0), up to the rounding of the two sums that compute them.

    The gap is KL(q(x_{1:T} | x_0) ‖ p_θ(x_{1:T} | x_0)); with T = 1 and a tiny β_1 it falls below
    double precision (Hypothesis found 0.9189385332046726 against ...729), so the comparison
    allows a few units in the last place of the largest term, and no more.
    """
    model, x_0 = case
    terms = negative_elbo_terms(model, x_0)
    parts = [terms.reconstruction, terms.prior_matching, *np.atleast_1d(terms.denoising)]
    log_p = log_likelihood(model, x_0)
    rounding = 8 * (len(parts) + 1) * np.finfo(float).eps * max(map(abs, [*parts, log_p]))
    assert -terms.total <= log_p + rounding


def test_bound_check_rejects_an_elbo_without_its_denoising_terms():
    model = GaussianDiffusion(linear_schedule(20, 1e-3, 0.3), [0.5, -1.0], 0.7)
    x_0 = np.array([1.0, 0.3])
    closed = negative_elbo_terms(model, x_0)
    assert -closed.total < log_likelihood(model, x_0)
    assert not -(closed.reconstruction + closed.prior_matching) < log_likelihood(model, x_0)


# --- the exact likelihood against the model's own samples --------------------------------------


def marginal_vs_samples_z(mean, variance, samples) -> np.ndarray:
    return np.concatenate([mean_estimate(samples).z(mean), variance_estimate(samples).z(variance)])


@settings(max_examples=20, deadline=None)
@given(case=models(max_T=30), seed=seeds)
def test_exact_marginal_matches_ancestral_samples(case, seed):
    model, _ = case
    mean, variance = model.x0_marginal()
    z = marginal_vs_samples_z(mean, variance, model.sample(4000, np.random.default_rng(seed)))
    assert np.max(np.abs(z)) <= k_sigma(z.size), z


def test_marginal_check_rejects_a_wrong_variance_recursion():
    model = GaussianDiffusion(linear_schedule(20, 0.01, 0.3), [1.0], 0.5)
    mean, variance = model.x0_marginal()
    s = model.schedule
    # Adding up the step variances without shrinking them by A_t² on the way down.
    wrong_variance = 1.0 + s.posterior_variance[1:].sum() + model.decoder_variance
    samples = model.sample(4000, np.random.default_rng(2024))
    assert np.max(np.abs(marginal_vs_samples_z(mean, variance, samples))) <= k_sigma(2)
    assert np.max(np.abs(marginal_vs_samples_z(mean, wrong_variance, samples))) > k_sigma(2)


def test_log_likelihood_for_a_single_step_by_hand():
    beta, m, s2, x_0 = 0.3, 0.5, 0.64, 1.2
    model = GaussianDiffusion(Schedule([beta]), [m], np.sqrt(s2))
    a = np.sqrt(1 - beta)
    gain = a * s2 / (a**2 * s2 + beta)
    decoder_variance = s2 * beta / (a**2 * s2 + beta)
    # x_1 ~ N(0, 1), x_0 | x_1 ~ N(m + gain (x_1 - a m), decoder_variance)
    expected = stats.norm.logpdf(x_0, m - gain * a * m, np.sqrt(gain**2 + decoder_variance))
    assert log_likelihood(model, [x_0]) == pytest.approx(expected, rel=1e-13)


# --- validation and the Estimate helpers -------------------------------------------------------


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: GaussianDiffusion(cosine_schedule(5), [[0.0]], 1.0), "data_mean must be a non-empty 1-D array"),
        (lambda: GaussianDiffusion(cosine_schedule(5), [0.0], 0.0), "data_std must be a finite positive"),
        (lambda: GaussianDiffusion(cosine_schedule(5), [0.0], 1.0, -1.0), "decoder_variance must be"),
        (lambda: GaussianDiffusion([0.5, 2.0], [0.0], 1.0), r"betas\[1\] = 2.0 is outside"),
        (lambda: negative_elbo_terms(GaussianDiffusion(cosine_schedule(5), [0.0], 1.0), [0.0, 1.0]),
         r"x_0 must be a finite point of shape \(1,\)"),
        (lambda: negative_elbo_terms_mc(GaussianDiffusion(cosine_schedule(5), [0.0], 1.0), [0.0], 1, None),
         "n must be an integer >= 2"),
    ],
)
def test_invalid_arguments_raise(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_estimate_z_and_mean_estimate():
    e = mean_estimate(np.array([[1.0, 10.0], [3.0, 10.0]]))
    np.testing.assert_allclose(e.value, [2.0, 10.0])
    np.testing.assert_allclose(e.se, [1.0, 0.0])
    np.testing.assert_allclose(e.z([1.0, 10.0]), [1.0, 0.0])
    assert Estimate(1.0, 0.0).z(2.0) == -np.inf
    with pytest.raises(ValueError, match="at least 2 samples"):
        mean_estimate([1.0])
    with pytest.raises(ValueError, match="se must be finite and non-negative"):
        Estimate(1.0, -0.1)
