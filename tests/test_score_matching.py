"""numeric.score_matching: the error metric gives 0 to the exact score and a large error to wrong
ones; DSM training lowers the held-out loss and brings the learned score close to the exact score
of the noised ring at moderate noise.

Tolerances.
- Loss decrease: paired differences of the per-sample DSM loss (trained − initial) on common
  draws (x_0, ᾱ, ε), one-sided at k = 4 (false-alarm rate 3e-5 under normality).
- Score error: the network is small and trained for 1500 Adam steps (≈ 1.5 s), so the threshold
  is on an approximation error, not a Monte Carlo one: 0.35 at ᾱ_200 ≈ 0.66, against 0.18–0.29
  measured over 6 training seeds (benchmarks/bench_score_matching.py: longer runs go lower).  The metric's own
  Monte Carlo error at n = 4000 is a few per cent of its value.
- Width 32, batch 256: every matrix product stays under OpenBLAS's threading threshold
  (M·N·K ≤ 2^18), so the run is not slowed by thread contention on a busy 2-core machine.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric.gmm import GaussianMixture, grid, ring
from genverify.numeric.mlp import MLP, init_mlp
from genverify.numeric.schedules import linear_schedule
from genverify.numeric.score_matching import (
    NoiseConditionalScore,
    dsm_loss,
    relative_score_error,
    train_dsm,
)

SCHEDULE = linear_schedule(1000)
RING = ring(std=0.05)
MODERATE = float(SCHEDULE.alpha_bars[199])  # ᾱ_200 ≈ 0.66
THRESHOLD = 0.35
K = 4.0
HIDDEN = (32, 32)
TRAINING = dict(n_iterations=1500, batch_size=256, lr=5e-3)
seeds = st.integers(0, 2**32 - 1)
levels = st.floats(0.01, 0.99, allow_nan=False, allow_infinity=False)


@settings(max_examples=10, deadline=None)
@given(seed=seeds, alpha_bar=levels, kind=st.sampled_from(["ring", "grid"]))
def test_exact_score_has_zero_error_and_wrong_scores_large(seed, alpha_bar, kind):
    mixture = {"ring": RING, "grid": grid()}[kind]
    exact = mixture.noised(alpha_bar).score
    rng = np.random.default_rng(seed)
    assert relative_score_error(exact, mixture, alpha_bar, n=500, rng=rng) == 0.0
    # −s has error exactly 2.  Forgetting the added variance 1 − ᾱ (means √ᾱ μ_k, variances s_k²)
    # is a plausible slip; its score is ≥ 10× too steep everywhere in this domain.
    assert relative_score_error(lambda x: -exact(x), mixture, alpha_bar, n=500, rng=rng) == pytest.approx(2.0)
    unnoised_variance = GaussianMixture(mixture.weights, np.sqrt(alpha_bar) * mixture.means, mixture.variances)
    assert relative_score_error(unnoised_variance.score, mixture, alpha_bar, n=500, rng=rng) > 1.0


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(20240611)
    model = NoiseConditionalScore(init_mlp((3, *HIDDEN, 2), rng))
    before = NoiseConditionalScore(MLP([p.copy() for p in model.net.params], model.net.activation))
    training = train_dsm(RING, SCHEDULE.alpha_bars, rng=rng, model=model, **TRAINING)
    return before, training


def test_dsm_loss_decreases(trained):
    before, training = trained
    rng = np.random.default_rng(1)
    x_0 = RING.sample(4000, rng)
    alpha_bar = SCHEDULE.alpha_bars[rng.integers(SCHEDULE.T, size=4000)]
    eps = rng.standard_normal(x_0.shape)
    difference = dsm_loss(training.model, x_0, alpha_bar, eps) - dsm_loss(before, x_0, alpha_bar, eps)
    se = difference.std(ddof=1) / np.sqrt(difference.size)
    assert difference.mean() + K * se < 0, (difference.mean(), se)
    assert training.losses[-100:].mean() < training.losses[:100].mean()


def test_learned_score_is_close_at_moderate_noise(trained):
    before, training = trained
    rng = np.random.default_rng(2)
    learned = relative_score_error(lambda x: training.model.score(x, MODERATE), RING, MODERATE, n=4000, rng=rng)
    untrained = relative_score_error(lambda x: before.score(x, MODERATE), RING, MODERATE, n=4000, rng=rng)
    assert learned < THRESHOLD, learned
    assert untrained > THRESHOLD, untrained  # the threshold is not met by chance


def test_score_is_minus_eps_over_sigma(trained):
    _, training = trained
    x = RING.sample(5, np.random.default_rng(3))
    np.testing.assert_allclose(training.model.score(x, 0.5), -training.model.eps(x, 0.5) / np.sqrt(0.5))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: train_dsm(RING, [0.5, 1.0], rng=np.random.default_rng(0)), "alpha_bar"),
        (lambda: train_dsm(RING, [0.5], rng=np.random.default_rng(0), n_iterations=0), "n_iterations"),
        (lambda: relative_score_error(RING.score, RING, 0.5, n=0, rng=np.random.default_rng(0)), "n must"),
        (lambda: relative_score_error(lambda x: x[:, :1], RING, 0.5, n=3, rng=np.random.default_rng(0)), "shape"),
        (lambda: train_dsm(RING, [0.5], rng=np.random.default_rng(0),
                           model=NoiseConditionalScore(init_mlp((4, 8, 3), np.random.default_rng(0)))), "widths"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
