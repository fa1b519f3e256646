"""numeric.inpainting: the closed-form Gaussian posterior, and Langevin samplers on the homework 2.5
conditional score whose draws match it; the same check rejects a sampler whose mask is missing
and one whose prior score is missing.

Tolerances.
- Closed form: the Kalman and precision forms agree to rounding (rtol 1e-9 on O(1) numbers with
  condition numbers below 1e3).
- Moment checks: z-scores of the 3 posterior means and 6 covariance entries against the closed
  form, each SE from the sample (products (x_i − m_i)(x_j − m_j) are averaged, so their SE is
  their std/√n).  Bonferroni over the 9 statistics at a family-wise false-alarm rate 1e-4 gives
  k = Φ⁻¹(1 − 1e-4/18) ≈ 4.4.  Two biases are below that noise: the unadjusted Langevin step
  h = 0.01 leaves the stationary covariance (P − hP²/4)⁻¹ instead of P⁻¹, asserted below to be
  under 0.5 SE at n = 2000; and 1500 steps contract the start-up error by e^{−h λ_min(P) 1500/2}
  ≈ e^{−9}.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from genverify.numeric.diffusion import conditional_score
from genverify.numeric.inpainting import (
    annealed_langevin_inpaint,
    gaussian_inpainting_posterior,
    gaussian_noised_score,
    langevin_inpaint,
)

PRIOR_MEAN = np.array([1.0, -0.5, 0.3])
PRIOR_COV = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 0.8]])
MASK = np.array([1.0, 0.0, 1.0])
SIGMA2 = 0.5
STEP = 0.01
N_STEPS = 1500
N = 2000
LEVELS = [0.25, 1.0]
FAMILY_FALSE_ALARM = 1e-4
N_STATISTICS = 9
K = stats.norm.isf(FAMILY_FALSE_ALARM / (2 * N_STATISTICS))

seeds = st.integers(0, 2**32 - 1)
# x_known in a box of a few prior standard deviations; its unobserved entry is arbitrary
# (ignored by a correct sampler), which is what exposes a sampler that forgets the mask.
known_points = arrays(np.float64, 3, elements=st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False))


def moment_z_scores(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """z-scores of the sample mean and of the sample covariance (upper triangle) against (mean, cov)."""
    n = x.shape[0]
    d = x - mean
    products = (d[:, :, None] * d[:, None, :])[:, *np.triu_indices(x.shape[1])]
    z_mean = (x.mean(axis=0) - mean) / (x.std(axis=0, ddof=1) / np.sqrt(n))
    upper = cov[np.triu_indices(x.shape[1])]
    z_cov = (products.mean(axis=0) - upper) / (products.std(axis=0, ddof=1) / np.sqrt(n))
    return np.concatenate([z_mean, z_cov])


def precision_form(mu, Sigma, x_known, mask, sigma2):
    precision = np.linalg.inv(Sigma) + np.diag(mask) / sigma2
    cov = np.linalg.inv(precision)
    return cov @ (np.linalg.solve(Sigma, mu) + mask * x_known / sigma2), cov


@st.composite
def gaussian_problems(draw):
    D = draw(st.integers(1, 4))
    floats = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    mu = draw(arrays(np.float64, D, elements=floats))
    A = draw(arrays(np.float64, (D, D), elements=floats))
    # A Aᵀ + ½ I keeps the smallest eigenvalue ≥ ½ and the condition number ≤ 1 + 2·D·16·D.
    Sigma = A @ A.T + 0.5 * np.eye(D)
    x_known = draw(arrays(np.float64, D, elements=floats))
    mask = draw(arrays(np.float64, D, elements=st.sampled_from([0.0, 1.0])))
    sigma2 = draw(st.floats(0.05, 4.0, allow_nan=False, allow_infinity=False))
    return mu, Sigma, x_known, mask, sigma2


@given(gaussian_problems())
def test_kalman_form_equals_precision_form(problem):
    mean, cov = gaussian_inpainting_posterior(*problem)
    expected_mean, expected_cov = precision_form(*problem)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(cov, expected_cov, rtol=1e-9, atol=1e-9)


def test_posterior_score_vanishes_at_the_posterior_mean():
    # The homework 2.5 score is the score of N(mean, cov), so it is zero at the mean.
    x_known = np.array([1.5, 3.0, -1.0])
    mean, _ = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, x_known, MASK, SIGMA2)
    prior = gaussian_noised_score(PRIOR_MEAN, PRIOR_COV)
    score = conditional_score(mean[None], x_known, MASK, lambda x: prior(x, 1.0), SIGMA2)
    np.testing.assert_allclose(score, 0.0, atol=1e-12)


def test_nothing_observed_returns_the_prior():
    mean, cov = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(mean, PRIOR_MEAN)
    np.testing.assert_array_equal(cov, PRIOR_COV)


def test_langevin_step_bias_is_below_the_noise():
    _, cov = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, np.zeros(3), MASK, SIGMA2)
    precision = np.linalg.inv(cov)
    stationary = np.linalg.inv(precision - STEP * precision @ precision / 4)
    # SE of a covariance entry E[d_i d_j]: sd(d_i d_j)/√n = √(C_ii C_jj + C_ij²)/√n for Gaussians.
    se = np.sqrt(np.outer(np.diag(cov), np.diag(cov)) + cov**2) / np.sqrt(N)
    assert np.max(np.abs(stationary - cov) / se) < 0.5


def _sample(noised_score, x_known, mask, seed):
    return annealed_langevin_inpaint(
        noised_score, LEVELS, x_known, mask, rng=np.random.default_rng(seed),
        sigma2=SIGMA2, step_size=STEP, n_steps_each=N_STEPS, n=N,
    )


@settings(max_examples=3, deadline=None)
@given(seed=seeds, x_known=known_points)
def test_annealed_langevin_matches_the_exact_posterior(seed, x_known):
    mean, cov = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, x_known, MASK, SIGMA2)
    x = _sample(gaussian_noised_score(PRIOR_MEAN, PRIOR_COV), x_known, MASK, seed)
    z = moment_z_scores(x, mean, cov)
    assert np.max(np.abs(z)) < K, f"z-scores {np.round(z, 2)} (k = {K:.2f})"


@settings(max_examples=1, deadline=None, derandomize=True)
@given(seed=seeds)
def test_plain_langevin_matches_the_exact_posterior(seed):
    x_known = np.array([1.5, 3.0, -1.0])
    mean, cov = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, x_known, MASK, SIGMA2)
    prior = gaussian_noised_score(PRIOR_MEAN, PRIOR_COV)
    x = langevin_inpaint(lambda y: prior(y, 1.0), x_known, MASK, rng=np.random.default_rng(seed),
                         sigma2=SIGMA2, step_size=STEP, n_steps=N_STEPS, n=N)
    z = moment_z_scores(x, mean, cov)
    assert np.max(np.abs(z)) < K, f"z-scores {np.round(z, 2)} (k = {K:.2f})"


WRONG_VARIANTS = {
    # Every coordinate treated as observed: the unobserved one is pulled to x_known's filler.
    "mask missing": (gaussian_noised_score(PRIOR_MEAN, PRIOR_COV), np.ones(3)),
    # Likelihood alone: the unobserved coordinate is a free random walk, observed ones ignore Σ.
    "prior score missing": (lambda x, alpha_bar: np.zeros_like(x), MASK),
}


@pytest.mark.parametrize("variant", sorted(WRONG_VARIANTS))
@settings(max_examples=1, deadline=None, derandomize=True)
@given(seed=seeds)
def test_wrong_conditional_scores_fail_the_moment_check(variant, seed):
    noised_score, mask = WRONG_VARIANTS[variant]
    x_known = np.array([1.5, 3.0, -1.0])
    mean, cov = gaussian_inpainting_posterior(PRIOR_MEAN, PRIOR_COV, x_known, MASK, SIGMA2)
    z = moment_z_scores(_sample(noised_score, x_known, mask, seed), mean, cov)
    assert np.max(np.abs(z)) > K, f"{variant}: z-scores {np.round(z, 2)} passed (k = {K:.2f})"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(prior_cov=np.diag([1.0, -1.0, 1.0])), "positive definite"),
        (dict(prior_cov=np.eye(2)), "shape"),
        (dict(mask=np.array([1.0, 0.5, 0.0])), "only 0 and 1"),
        (dict(sigma2=0.0), "sigma2"),
        (dict(x_known=np.array([np.nan, 0.0, 0.0])), "finite"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    args = dict(prior_mean=PRIOR_MEAN, prior_cov=PRIOR_COV, x_known=np.zeros(3), mask=MASK, sigma2=SIGMA2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        gaussian_inpainting_posterior(**args)


def test_annealing_levels_must_end_at_one():
    with pytest.raises(ValueError, match="end at 1"):
        annealed_langevin_inpaint(gaussian_noised_score(PRIOR_MEAN, PRIOR_COV), [0.5, 0.9], np.zeros(3), MASK,
                                  rng=np.random.default_rng(0), n=10)
