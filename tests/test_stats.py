"""numeric.stats: MMD²_u against a brute-force double sum and against the closed-form population
MMD² of two Gaussians (unbiasedness, k·SE), the permutation test's power, and its false-alarm
rate at α = 0.05 inside a binomial band.

Tolerances: z-scores and binomial bands at a family-wise false-alarm rate of 1e-6, as in
tests/test_diffusion.py.  benchmarks/false_alarm_stats.py measures the permutation test's
false-alarm rate over many more seeds and larger samples.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from genverify.numeric.gmm import ring
from genverify.numeric.stats import median_bandwidth, mmd2_unbiased, mmd_permutation_test

FAMILY_FALSE_ALARM = 1e-6
K_SIGMA_1 = float(stats.norm.isf(FAMILY_FALSE_ALARM / 2))  # 4.89 for one comparison
seeds = st.integers(0, 2**32 - 1)


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def brute_force_mmd2(x: np.ndarray, y: np.ndarray, h: float) -> float:
    """Gretton et al. (2012) eq. 3 written as the three double sums over pairs."""
    k = lambda a, b: np.exp(-np.sum((a - b) ** 2) / (2 * h * h))
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    xy = sum(k(a, b) for a in x for b in y) / (m * n)
    return xx + yy - 2 * xy


def gaussian_mmd2(mu_x, s_x, mu_y, s_y, h: float, d: int) -> float:
    """Population MMD² of N(μ_x, s_x² I) and N(μ_y, s_y² I) for the RBF kernel of bandwidth h:
    E exp(−‖Z‖²/(2h²)) = (h²/(h²+c))^{d/2} exp(−‖m‖²/(2(h²+c))) for Z ~ N(m, c I)."""
    def expected_kernel(m2: float, c: float) -> float:
        return (h * h / (h * h + c)) ** (d / 2) * np.exp(-m2 / (2 * (h * h + c)))

    shift2 = float(np.sum((np.asarray(mu_x) - np.asarray(mu_y)) ** 2))
    return expected_kernel(0, 2 * s_x**2) + expected_kernel(0, 2 * s_y**2) - 2 * expected_kernel(shift2, s_x**2 + s_y**2)


@given(seed=seeds, m=st.integers(2, 9), n=st.integers(2, 9), d=st.integers(1, 3), h=floats(0.1, 5.0))
@settings(max_examples=30, deadline=None)
def test_mmd2_unbiased_equals_the_double_sums(seed, m, n, d, h):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(m, d)), rng.normal(0.5, 1.5, size=(n, d))
    assert mmd2_unbiased(x, y, bandwidth=h) == pytest.approx(brute_force_mmd2(x, y, h), rel=1e-12, abs=1e-14)


@given(seed=seeds, m=st.integers(2, 9), n=st.integers(2, 9))
@settings(max_examples=20, deadline=None)
def test_median_heuristic_is_the_median_pairwise_distance(seed, m, n):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(m, 2)), rng.normal(size=(n, 2))
    z = np.concatenate([x, y])
    distances = [np.linalg.norm(a - b) for a, b in itertools.combinations(z, 2)]
    h = median_bandwidth(x, y)
    assert h == pytest.approx(np.median(distances), rel=1e-12)
    assert mmd2_unbiased(x, y) == pytest.approx(brute_force_mmd2(x, y, h), rel=1e-10, abs=1e-14)


def _replicated_mmd2(rng, estimator, mu_y, s_y, m, n, h, replicates=300):
    d = len(mu_y)
    values = np.array(
        [estimator(rng.normal(0.0, 1.0, (m, d)), rng.normal(mu_y, s_y, (n, d)), h) for _ in range(replicates)]
    )
    return values.mean(), values.std(ddof=1) / np.sqrt(replicates)


@given(
    seed=seeds,
    m=st.integers(5, 25),
    n=st.integers(5, 25),
    shift=floats(0.0, 1.5),
    s_y=floats(0.5, 2.0),
    h=floats(0.5, 3.0),
    null=st.booleans(),
)
@settings(max_examples=12, deadline=None)
def test_mmd2_unbiased_has_the_population_mmd2_as_mean(seed, m, n, shift, s_y, h, null):
    # Under the null (p = q) the expectation is exactly 0; otherwise the closed form.
    rng = np.random.default_rng(seed)
    mu_y, s_y = ([0.0, 0.0], 1.0) if null else ([shift, 0.0], s_y)
    mean, se = _replicated_mmd2(rng, lambda x, y, b: mmd2_unbiased(x, y, bandwidth=b), mu_y, s_y, m, n, h)
    expected = gaussian_mmd2([0.0, 0.0], 1.0, mu_y, s_y, h, 2)
    assert abs(mean - expected) <= K_SIGMA_1 * se, (mean, expected, se)


def test_unbiasedness_check_sees_the_biased_estimator():
    # The V-statistic keeps the i = j terms: its mean exceeds MMD² by (1 − E k(x,x'))/m + (1 − E k(y,y'))/n.
    def biased(x, y, h):
        k = lambda a, b: np.exp(-((a[:, None] - b[None]) ** 2).sum(-1) / (2 * h * h))
        return k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()

    mean, se = _replicated_mmd2(np.random.default_rng(3), biased, [0.0, 0.0], 1.0, 10, 10, 1.0)
    assert abs(mean - 0.0) > K_SIGMA_1 * se


@given(seed=seeds)
@settings(max_examples=5, deadline=None)
def test_permutation_test_rejects_clearly_different_distributions(seed):
    # Effects the test detects with power ≈ 1 at n = 200: a one-std mean shift (a two-sample t
    # statistic of ≈ 10) and a ring rotated by half the mode spacing, seen with a bandwidth of a
    # third of the mode spacing (the median heuristic, ≈ 2.8 here, smooths the modes away and
    # misses it).  With 199 permutations the smallest p-value is 0.005, so p ≤ 0.01 means the
    # observed split beat all but at most one.
    rng = np.random.default_rng(seed)
    shifted = mmd_permutation_test(
        rng.normal(size=(200, 2)), rng.normal([1.0, 0.0], 1.0, (200, 2)), rng=rng, n_permutations=199
    )
    assert shifted.p_value <= 0.01 and shifted.statistic > 0
    target = ring(std=0.1)
    rotation = np.array([[np.cos(np.pi / 8), -np.sin(np.pi / 8)], [np.sin(np.pi / 8), np.cos(np.pi / 8)]])
    rotated = mmd_permutation_test(
        target.sample(200, rng), target.sample(200, rng) @ rotation.T, rng=rng, n_permutations=199, bandwidth=0.5
    )
    assert rotated.p_value <= 0.01


def _null_p_values(master: np.random.Generator, n_trials: int) -> np.ndarray:
    # Both samples from one law; each trial has its own independent stream.
    target = ring(std=0.2)
    p_values = np.array(
        [
            mmd_permutation_test(target.sample(40, rng), target.sample(40, rng), rng=rng, n_permutations=99).p_value
            for rng in master.spawn(n_trials)
        ]
    )
    return p_values


@given(seed=seeds)
@settings(max_examples=1, deadline=None)
def test_false_alarm_rate_at_alpha_005_is_within_a_binomial_band(seed):
    # With 99 permutations P(p ≤ 0.05) = 5/100 exactly under the null (the test is exact), so the
    # number of rejections in 400 independent trials is Binomial(400, 0.05).  The band holds it
    # with probability 1 − 1e-6; an anti-conservative rule (reject at p ≤ 0.2 while claiming
    # 5 %) falls outside it with probability 1 − 1e-6.
    n_trials = 400
    rejections = stats.binom(n_trials, 0.05)
    lower, upper = rejections.ppf(FAMILY_FALSE_ALARM / 2), rejections.isf(FAMILY_FALSE_ALARM / 2)
    p_values = _null_p_values(np.random.default_rng(seed), n_trials)
    assert lower <= np.count_nonzero(p_values <= 0.05) <= upper
    assert not lower <= np.count_nonzero(p_values <= 0.2) <= upper


def test_p_value_is_never_zero_and_statistic_is_symmetric():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 2)), rng.normal(5.0, 1.0, (40, 2))
    result = mmd_permutation_test(x, y, rng=rng, n_permutations=50)
    assert result.p_value == pytest.approx(1 / 51)
    assert mmd2_unbiased(x, y) == pytest.approx(mmd2_unbiased(y, x), rel=1e-12)
    assert result.statistic == pytest.approx(mmd2_unbiased(x, y), rel=1e-12)


def test_permutation_test_is_reproducible_and_accepts_1d_samples():
    x, y = np.random.default_rng(1).normal(size=(2, 50))
    a = mmd_permutation_test(x, y, rng=np.random.default_rng(7), n_permutations=30)
    b = mmd_permutation_test(x[:, None], y[:, None], rng=np.random.default_rng(7), n_permutations=30)
    assert a == b


@pytest.mark.parametrize(
    "x, y, kwargs, message",
    [
        (np.zeros((5, 2)), np.zeros((5, 3)), {}, "different dimensions"),
        (np.zeros((1, 2)), np.zeros((5, 2)), {}, "at least 2 points"),
        (np.zeros((5, 2, 1)), np.zeros((5, 2)), {}, r"\(n, d\) array"),
        (np.full((5, 2), np.nan), np.zeros((5, 2)), {}, "non-finite"),
        (np.eye(5, 2), np.eye(5, 2), {"bandwidth": 0.0}, "bandwidth must be positive"),
        (np.zeros((5, 2)), np.zeros((5, 2)), {}, "median heuristic is 0"),
    ],
)
def test_invalid_input_is_rejected(x, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mmd2_unbiased(x, y, **kwargs)


def test_invalid_permutation_count_is_rejected():
    with pytest.raises(ValueError, match="n_permutations"):
        mmd_permutation_test(np.eye(5, 2), np.eye(5, 2), rng=np.random.default_rng(0), n_permutations=0)
