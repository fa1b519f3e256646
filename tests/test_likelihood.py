"""numeric.likelihood: the probability-flow ODE with the exact mixture score recovers the data
log-density; a divergence term with the wrong sign or left out does not; the DDPM ELBO lies below.

Tolerances.
- PF-ODE: with RK45 at rtol = atol = 1e-9 the solver error is ~1e-8 nats (measured), so once
  the terminal density is the exact ``p_1`` the result must match ``log p_data`` to 1e-6.  With
  the ``N(0, I)`` prior of the method the mismatch ``log p_1 − log N(0, I)`` is O(ᾱ(1) (‖x‖² + D))
  with ᾱ(1) ≈ 4.3e-5, ~1e-4 for data points: 1e-3 is the brief's target.
- ELBO: Monte Carlo with SE; one-sided checks at k = 4 (false-alarm rate 3e-5 per check under
  normality).  The Gaussian case is compared with numeric.elbo's closed form, also at k = 4.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric.elbo import GaussianDiffusion, negative_elbo_terms
from genverify.numeric.gmm import GaussianMixture, grid, ring
from genverify.numeric.likelihood import (
    VPSDE,
    ddpm_elbo,
    mixture_laplacian,
    pf_ode_divergence,
    pf_ode_drift,
    pf_ode_log_likelihood,
)
from genverify.numeric.schedules import linear_schedule

SDE = VPSDE()
SCHEDULE = linear_schedule(1000)
K = 4.0
seeds = st.integers(0, 2**32 - 1)
stds = st.floats(0.05, 0.5, allow_nan=False, allow_infinity=False)
MIXTURES = {"ring": ring, "grid": grid}


def test_laplacian_matches_finite_differences_of_the_score():
    mixture = GaussianMixture([0.3, 0.7], [[0.0, 1.0], [1.0, -1.0]], [0.2, 0.5])
    x = np.random.default_rng(0).normal(size=(5, 2))
    h = 1e-5  # central differences: truncation O(h²) and rounding O(1e-16/h) both below 1e-8
    fd = sum((mixture.score(x + h * e)[:, i] - mixture.score(x - h * e)[:, i]) / (2 * h)
             for i, e in enumerate(np.eye(2)))
    np.testing.assert_allclose(mixture_laplacian(mixture, x), fd, rtol=1e-6, atol=1e-6)


def test_divergence_matches_finite_differences_of_the_drift():
    mixture = ring(std=0.2)
    x = np.random.default_rng(1).normal(size=(5, 2))
    h = 1e-5
    for t in (0.01, 0.3, 0.9):
        fd = sum((pf_ode_drift(mixture, SDE, x + h * e, t)[:, i] - pf_ode_drift(mixture, SDE, x - h * e, t)[:, i])
                 / (2 * h) for i, e in enumerate(np.eye(2)))
        np.testing.assert_allclose(pf_ode_divergence(mixture, SDE, x, t), fd, rtol=1e-6, atol=1e-6)


@settings(max_examples=4, deadline=None)
@given(seed=seeds, kind=st.sampled_from(sorted(MIXTURES)), std=stds)
def test_pf_ode_log_likelihood_is_the_data_log_density(seed, kind, std):
    mixture = MIXTURES[kind](std=std)
    x = mixture.sample(6, np.random.default_rng(seed))
    result = pf_ode_log_likelihood(mixture, x, SDE)
    true = mixture.logpdf(x)
    exact_terminal = mixture.noised(SDE.alpha_bar(1.0)).logpdf(result.x_1)
    np.testing.assert_allclose(exact_terminal + result.divergence_integral, true, rtol=0, atol=1e-6)
    np.testing.assert_allclose(result.log_likelihood, true, rtol=0, atol=1e-3)


WRONG_DIVERGENCES = {
    "sign flipped": lambda m, s, x, t: -pf_ode_divergence(m, s, x, t),
    "missing": lambda m, s, x, t: np.zeros(x.shape[0]),
    "Laplacian dropped": lambda m, s, x, t: -0.5 * s.beta(t) * m.dim * np.ones(x.shape[0]),
}


@pytest.mark.parametrize("variant", sorted(WRONG_DIVERGENCES))
def test_wrong_divergence_misses_the_data_log_density(variant):
    mixture = ring(std=0.1)
    x = mixture.sample(6, np.random.default_rng(2))
    result = pf_ode_log_likelihood(mixture, x, SDE, divergence=WRONG_DIVERGENCES[variant])
    assert np.min(np.abs(result.log_likelihood - mixture.logpdf(x))) > 1e-1, variant


@settings(max_examples=1, deadline=None, derandomize=True)
@given(seed=seeds)
def test_elbo_lies_below_the_log_likelihood(seed):
    rng = np.random.default_rng(seed)
    mixture = ring(std=0.05)
    x = mixture.sample(8, rng)
    log_likelihood = pf_ode_log_likelihood(mixture, x, SDE).log_likelihood
    elbo = ddpm_elbo(mixture, x, SCHEDULE, n=200, rng=rng)
    # The theorem is on average over data: E ELBO ≤ E log p_θ ≤ E log p_data (Gibbs).  Pointwise
    # ELBO ≤ log p_θ holds but log p_θ ≤ log p_data need not, so only the mean is asserted; the
    # gap is ~0.5 nat per point (measured), against an SE of the mean of ~0.04.
    mean_elbo = np.mean(elbo.value)
    se = np.sqrt(np.sum(elbo.se**2)) / len(x)
    assert mean_elbo + K * se < np.mean(log_likelihood), (elbo.value, elbo.se, log_likelihood)


@settings(max_examples=1, deadline=None, derandomize=True)
@given(seed=seeds)
def test_elbo_of_one_gaussian_matches_the_closed_form(seed):
    # For a one-component mixture the model is numeric.elbo's GaussianDiffusion: two independent
    # implementations (Tweedie through the mixture score vs the closed-form gain) of one ELBO.
    schedule = linear_schedule(200, 1e-3, 0.05)
    mean, std = np.array([0.5, -1.0]), 0.3
    mixture = GaussianMixture([1.0], [mean], [std**2])
    x = np.array([[0.5, -1.0], [1.0, 0.0]])
    elbo = ddpm_elbo(mixture, x, schedule, n=400, rng=np.random.default_rng(seed))
    model = GaussianDiffusion(schedule, mean, std, decoder_variance=float(schedule.betas[0]))
    expected = np.array([-negative_elbo_terms(model, point).total for point in x])
    assert np.all(np.abs(elbo.z(expected)) < K), (elbo.value, elbo.se, expected)


def test_wrong_elbo_decoder_is_detected():
    # The same closed-form check with a decoder variance 10× too large fails: the check has power.
    schedule = linear_schedule(200, 1e-3, 0.05)
    mean, std = np.array([0.5, -1.0]), 0.3
    mixture = GaussianMixture([1.0], [mean], [std**2])
    x = np.array([[0.5, -1.0]])
    elbo = ddpm_elbo(mixture, x, schedule, n=400, rng=np.random.default_rng(0),
                     decoder_variance=10 * float(schedule.betas[0]))
    model = GaussianDiffusion(schedule, mean, std, decoder_variance=float(schedule.betas[0]))
    assert abs(elbo.z(-negative_elbo_terms(model, x[0]).total)) > K


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: pf_ode_log_likelihood(ring(), np.zeros((3, 3))), "shape"),
        (lambda: pf_ode_log_likelihood(ring(), np.full((1, 2), np.nan)), "finite"),
        (lambda: VPSDE(beta_min=0.0), "beta_min"),
        (lambda: ddpm_elbo(ring(), np.zeros((1, 2)), SCHEDULE, n=1, rng=np.random.default_rng(0)), "n must"),
        (lambda: ddpm_elbo(ring(), np.zeros((1, 2)), SCHEDULE, n=5, rng=np.random.default_rng(0),
                           decoder_variance=-1.0), "decoder_variance"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
