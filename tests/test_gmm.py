"""numeric.gmm and numeric.fast_score: the score against finite differences of the log-density,
normalisation, the ring's modes, the noised mixture against simulation of the forward process,
and the fast score against the plain one.

Monte Carlo tolerance: a family of m z-scores passes when every |z| ≤ k(m), the two-sided normal
quantile at a family-wise false-alarm rate of 1e-6 (Bonferroni), the convention of
tests/test_diffusion.py.  With n = 20000 draws the CLT is accurate that far into the tails for
the first and second moments checked here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from genverify.numeric.fast_score import MixtureScore, default_chunk
from genverify.numeric.gmm import GaussianMixture, grid, ring

FAMILY_FALSE_ALARM = 1e-6
seeds = st.integers(0, 2**32 - 1)


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def k_sigma(m: int) -> float:
    return float(stats.norm.isf(FAMILY_FALSE_ALARM / (2 * m)))


def random_mixture(rng: np.random.Generator, K: int, D: int, equal_variances: bool) -> GaussianMixture:
    weights = rng.dirichlet(np.ones(K))
    means = rng.normal(0.0, 2.0, (K, D))
    variances = np.full(K, rng.uniform(0.05, 2.0)) if equal_variances else rng.uniform(0.05, 2.0, K)
    return GaussianMixture(weights, means, variances)


mixture_shapes = st.tuples(st.integers(1, 6), st.integers(1, 4), st.booleans())


# --- score and density -----------------------------------------------------------------------


@given(seed=seeds, shape=mixture_shapes)
@settings(max_examples=30, deadline=None)
def test_score_is_the_gradient_of_logpdf(seed, shape):
    rng = np.random.default_rng(seed)
    mixture = random_mixture(rng, *shape)
    x = rng.normal(0.0, 3.0, (20, mixture.dim))
    h = 1e-5
    finite_difference = np.stack(
        [(mixture.logpdf(x + h * e) - mixture.logpdf(x - h * e)) / (2 * h) for e in np.eye(mixture.dim)],
        axis=-1,
    )
    # Central differences err by h²/6 |∂³ log p| (≲ 1e-8 here: variances ≥ 0.05 keep the third
    # derivative of order 1/s⁴ ≈ 400 times a polynomial in |x−μ|/s) plus rounding eps|log p|/h
    # ≈ 1e-9; 1e-6 relative to the score's scale leaves a wide margin yet catches any wrong term.
    scale = 1.0 + np.abs(mixture.score(x)).max()
    np.testing.assert_allclose(mixture.score(x), finite_difference, rtol=0, atol=1e-6 * scale)


def test_score_finite_difference_check_sees_a_wrong_score():
    mixture = ring(std=0.5)
    x = np.random.default_rng(0).normal(0.0, 2.0, (20, 2))
    h = 1e-5
    finite_difference = np.stack(
        [(mixture.logpdf(x + h * e) - mixture.logpdf(x - h * e)) / (2 * h) for e in np.eye(2)], axis=-1
    )
    # The score of each component weighted by w_k instead of the responsibility r_k(x).
    wrong = np.einsum("k,nkd->nd", mixture.weights, (mixture.means - x[:, None]) / mixture.variances[:, None])
    assert np.abs(wrong - finite_difference).max() > 1e-2


@pytest.mark.parametrize(
    "mixture", [ring(std=0.2), grid(5, spacing=1.0, std=0.2), GaussianMixture([0.3, 0.7], [[0, 0], [1, -1]], [0.1, 0.05])],
    ids=["ring", "grid", "two-unequal"],
)
def test_logpdf_integrates_to_one(mixture):
    # Riemann sum on a uniform grid: for a smooth integrand sampled at spacing h ≪ s it converges
    # like exp(−2π²s²/h²) (≈ 1e−40 at s/h = 8), and the box reaches 8 std beyond every mode, so
    # truncation is below 1e−14; 1e−10 is rounding headroom.
    h = 0.025
    u = np.arange(-4.0, 4.0 + h / 2, h)
    points = np.stack(np.meshgrid(u, u, indexing="ij"), axis=-1)
    integral = np.exp(mixture.logpdf(points)).sum() * h * h
    assert abs(integral - 1.0) < 1e-10


def test_score_is_finite_far_from_every_mode():
    # Raw component densities underflow to 0 at x = 100 (std 0.05); responsibilities must not.
    mixture = ring(std=0.05)
    x = np.array([[100.0, 0.0], [0.0, -100.0]])
    score = mixture.score(x)
    assert np.all(np.isfinite(score)) and np.all(np.isfinite(mixture.logpdf(x)))
    # The nearest mode dominates: score ≈ (μ_nearest − x)/s².
    np.testing.assert_allclose(score[0], (np.array([2.0, 0.0]) - x[0]) / 0.05**2, rtol=1e-12)


# --- the ring and the grid -------------------------------------------------------------------


def _modes_at_distinct_angles(means: np.ndarray, n_modes: int) -> bool:
    """The means are n_modes distinct points at angles 2πk/n_modes, k = 0..n_modes−1."""
    angles = np.sort(np.mod(np.arctan2(means[:, 1], means[:, 0]), 2 * np.pi))
    spacing_ok = np.allclose(np.diff(angles), 2 * np.pi / n_modes, atol=1e-12)
    distinct = len(np.unique(np.round(means, 9), axis=0)) == n_modes
    return len(means) == n_modes and distinct and spacing_ok and abs(angles[0]) < 1e-12


@pytest.mark.parametrize("n_modes", [1, 3, 8, 12])
def test_ring_has_distinct_modes_at_angles_2pi_k_over_n(n_modes):
    mixture = ring(n_modes=n_modes, radius=2.0, std=0.05)
    assert _modes_at_distinct_angles(mixture.means, n_modes)
    np.testing.assert_allclose(np.linalg.norm(mixture.means, axis=1), 2.0, rtol=1e-14)


def test_linspace_ring_fails_the_mode_check():
    # The widely copied construction: angle 0 and angle 2π are the same mode.
    angles = np.linspace(0, 2 * np.pi, 8)
    means = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    assert not _modes_at_distinct_angles(means, 8)


def test_grid_is_a_centred_square_lattice():
    mixture = grid(5, spacing=1.5, std=0.1)
    assert mixture.n_components == 25
    np.testing.assert_allclose(mixture.means.mean(axis=0), 0.0, atol=1e-15)
    assert sorted(set(np.round(mixture.means[:, 0], 12))) == [-3.0, -1.5, 0.0, 1.5, 3.0]
    assert len(np.unique(mixture.means, axis=0)) == 25


# --- noising: the closed-form mixture against simulation --------------------------------------


def _moment_z_scores(samples: np.ndarray, mixture: GaussianMixture) -> np.ndarray:
    """z-scores of the sample mean and E[x_d²] against the mixture's exact moments."""
    mean = mixture.weights @ mixture.means
    second = mixture.weights @ (mixture.means**2 + mixture.variances[:, None])
    n = samples.shape[0]
    z_mean = (samples.mean(axis=0) - mean) / (samples.std(axis=0, ddof=1) / np.sqrt(n))
    squares = samples**2
    z_second = (squares.mean(axis=0) - second) / (squares.std(axis=0, ddof=1) / np.sqrt(n))
    return np.concatenate([z_mean, z_second])


@given(seed=seeds, shape=mixture_shapes, alpha_bar=floats(0.0, 1.0))
@settings(max_examples=25, deadline=None)
def test_noised_mixture_matches_simulated_forward_process(seed, shape, alpha_bar):
    rng = np.random.default_rng(seed)
    mixture = random_mixture(rng, *shape)
    x0 = mixture.sample(20000, rng)
    x_t = np.sqrt(alpha_bar) * x0 + np.sqrt(1.0 - alpha_bar) * rng.standard_normal(x0.shape)
    z = _moment_z_scores(x_t, mixture.noised(alpha_bar))
    assert np.abs(z).max() <= k_sigma(z.size), z


@given(seed=seeds, shape=mixture_shapes, sigma=floats(0.0, 3.0))
@settings(max_examples=15, deadline=None)
def test_ve_noised_mixture_matches_simulation(seed, shape, sigma):
    rng = np.random.default_rng(seed)
    mixture = random_mixture(rng, *shape)
    x0 = mixture.sample(20000, rng)
    z = _moment_z_scores(x0 + sigma * rng.standard_normal(x0.shape), mixture.noised_ve(sigma))
    assert np.abs(z).max() <= k_sigma(z.size), z


def test_moment_check_sees_a_missing_square_root():
    # Means ᾱ μ instead of √ᾱ μ: the check must reject it.
    rng = np.random.default_rng(1)
    mixture, alpha_bar = ring(std=0.05), 0.3
    x0 = mixture.sample(20000, rng)
    x_t = np.sqrt(alpha_bar) * x0 + np.sqrt(1.0 - alpha_bar) * rng.standard_normal(x0.shape)
    noised = mixture.noised(alpha_bar)
    wrong = GaussianMixture(noised.weights, alpha_bar * mixture.means, noised.variances)
    assert np.abs(_moment_z_scores(x_t, wrong)).max() > k_sigma(4)


def test_noised_endpoints():
    mixture = ring()
    assert np.array_equal(mixture.noised(1.0).means, mixture.means)
    np.testing.assert_allclose(mixture.noised(1.0).variances, mixture.variances, rtol=1e-15)
    np.testing.assert_array_equal(mixture.noised(0.0).means, 0.0)
    np.testing.assert_array_equal(mixture.noised(0.0).variances, 1.0)


# --- the fast score --------------------------------------------------------------------------


@given(
    seed=seeds,
    shape=mixture_shapes,
    alpha_bar=floats(0.0, 1.0),
    n=st.integers(1, 700),
    chunk=st.one_of(st.none(), st.integers(1, 300)),
)
@settings(max_examples=60, deadline=None)
def test_fast_score_equals_plain_score(seed, shape, alpha_bar, n, chunk):
    rng = np.random.default_rng(seed)
    mixture = random_mixture(rng, *shape)
    x = rng.normal(0.0, 4.0, (n, mixture.dim))
    plain = mixture.noised(alpha_bar).score(x)
    fast = MixtureScore(mixture, chunk=chunk)(x, alpha_bar)
    # Both sum terms (m_k − x)/v_k of size |x − m_k|/v_k; 1e-10 of that scale is ~10⁶ ulps, so
    # only a wrong term (not rounding order) can exceed it.
    noised = mixture.noised(alpha_bar)
    scale = (np.abs(x).max() + np.abs(noised.means).max()) / noised.variances.min()
    np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-10 * scale)


def test_fast_score_is_stable_far_away_and_for_narrow_modes():
    mixture = ring(std=0.01)
    x = np.array([[1e3, -1e3], [2.0, 1e-3], [0.0, 0.0], [-2.0, 0.0]])
    plain, fast = mixture.score(x), MixtureScore(mixture)(x)
    assert np.all(np.isfinite(fast))
    np.testing.assert_allclose(fast, plain, rtol=1e-10, atol=1e-10 * 1e3 / 1e-4)


def test_fast_score_writes_into_out_and_reuses_buffers():
    mixture = ring()
    x = np.random.default_rng(2).normal(size=(1000, 2))
    score = MixtureScore(mixture, chunk=128)
    out = np.empty_like(x)
    assert score(x, 0.5, out=out) is out
    np.testing.assert_allclose(out, mixture.noised(0.5).score(x), atol=1e-10)
    np.testing.assert_allclose(score(x[:10], 0.9), mixture.noised(0.9).score(x[:10]), atol=1e-9)


def test_default_chunk_keeps_logits_cache_sized():
    assert default_chunk(8) * 8 <= 32768 and default_chunk(25) * 25 <= 32768 and default_chunk(10**6) >= 1


# --- invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weights, means, variances, message",
    [
        ([0.5, 0.6], [[0.0], [1.0]], [1.0, 1.0], "sum to 1"),
        ([1.0], [[0.0]], [-1.0], "variances must be positive"),
        ([0.5, 0.5], [[0.0]], [1.0, 1.0], "disagree"),
        ([1.0], [0.0], [1.0], "means must be a 2-D"),
        ([1.0], [[np.nan]], [1.0], "means must be finite"),
        ([1.5, -0.5], [[0.0], [1.0]], [1.0, 1.0], "weights must be positive"),
        ([], np.zeros((0, 2)), [], "at least one component"),
    ],
)
def test_invalid_mixture_is_rejected(weights, means, variances, message):
    with pytest.raises(ValueError, match=message):
        GaussianMixture(weights, means, variances)


def test_invalid_arguments_are_rejected():
    mixture = ring()
    with pytest.raises(ValueError, match="last axis"):
        mixture.score(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="alpha_bar"):
        mixture.noised(1.5)
    with pytest.raises(ValueError, match="sigma"):
        mixture.noised_ve(-1.0)
    with pytest.raises(ValueError, match="n_modes"):
        ring(0)
    with pytest.raises(ValueError, match="std"):
        grid(5, std=0.0)
    with pytest.raises(ValueError, match="shape"):
        MixtureScore(mixture)(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="chunk"):
        MixtureScore(mixture, chunk=0)


def test_mixture_arrays_are_read_only():
    mixture = ring()
    with pytest.raises(ValueError):
        mixture.means[0, 0] = 1.0
