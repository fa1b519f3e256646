"""Code is tied to proof: each ``numeric/`` closed form equals the ``lambdify`` of the formula
its derivation proves, over Hypothesis-drawn schedules (T up to 1000, β in [1e-5, 0.999]) and
times t including 1 and T.

The derivations state their formulas in terms of ``β_t``, ``β̄_{t-1}`` and ``β̄_t``; here those
atoms get the schedule's values at t, so a formula and the code can only agree if the code
computes what was proved.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.derivations import (
    diffusion_conditional_score,
    diffusion_elbo,
    diffusion_forward_marginal,
    diffusion_posterior,
    gan_optimal_discriminator,
)
from genverify.derivations.notation import beta, beta_bar, posterior_variance
from genverify.numeric.diffusion import conditional_score, elbo_weight, forward_marginal, posterior_mean_variance
from genverify.numeric.elbo import GaussianDiffusion, log_likelihood, negative_elbo_terms
from genverify.numeric.gan import optimal_discriminator
from genverify.numeric.schedules import linear_schedule
from tests.strategies import schedules

t = sp.Symbol("t", integer=True, positive=True)
# Relative agreement: both sides are a few float64 operations on the same β̄ values.
RTOL = 1e-9


def evaluate(expr, schedule, step: int, **values):
    """``expr`` at time ``step`` of ``schedule`` (and the given symbol values), by lambdify."""
    atoms = {
        beta(t): schedule.betas[step - 1],
        beta_bar(t): schedule.alpha_bars[step - 1],
        beta_bar(t - 1): schedule.alpha_bars_prev[step - 1],
    }
    atoms.update({sp.Symbol(name, real=True): v for name, v in values.items()})
    dummies = [sp.Dummy() for _ in atoms]
    body = sp.sympify(expr).xreplace(dict(zip(atoms, dummies)))
    return sp.lambdify(dummies, body, "numpy")(*atoms.values())


@st.composite
def schedule_and_time(draw):
    schedule = draw(schedules())
    step = draw(st.sampled_from([1, schedule.T, draw(st.integers(1, schedule.T))]))
    return schedule, step


finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(schedule_and_time(), finite)
def test_forward_marginal_is_the_proved_closed_form(case, x_0):
    schedule, step = case
    mean, variance = forward_marginal(x_0, step, schedule.betas)
    expected_mean = evaluate(diffusion_forward_marginal.MEAN(t), schedule, step, x_0=x_0)
    expected_variance = evaluate(diffusion_forward_marginal.VARIANCE(t), schedule, step)
    np.testing.assert_allclose(mean, expected_mean, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(variance, expected_variance, rtol=RTOL, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(schedule_and_time(), finite, finite)
def test_posterior_is_the_proved_closed_form(case, x_t, x_0):
    schedule, step = case
    if step == 1:
        # q(x_0 | x_1, x_0) is a point mass at x_0: the formula with β̄_0 = 1 gives mean x_0, variance 0.
        mean, variance = posterior_mean_variance(x_t, x_0, 1, schedule.betas)
        np.testing.assert_allclose([mean, variance], [x_0, 0.0], atol=1e-12)
        return
    mean, variance = posterior_mean_variance(x_t, x_0, step, schedule.betas)
    expected_mean = evaluate(diffusion_posterior.MU_TILDE, schedule, step, x_t=x_t, x_0=x_0)
    expected_variance = evaluate(diffusion_posterior.SIGMA2_TILDE, schedule, step)
    np.testing.assert_allclose(mean, expected_mean, rtol=RTOL, atol=1e-9)
    np.testing.assert_allclose(variance, expected_variance, rtol=RTOL, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(schedule_and_time())
def test_elbo_weight_is_the_proved_snr_form(case):
    schedule, step = case
    if step == 1:
        return  # the t = 1 term is the reconstruction term; elbo_weight refuses it (tested there)
    weight = diffusion_elbo.WEIGHT.subs(diffusion_elbo.sigma_q2, posterior_variance(t))
    expected = evaluate(weight, schedule, step)
    np.testing.assert_allclose(elbo_weight(step, schedule.betas), expected, rtol=1e-7)
    snr_form = evaluate(diffusion_elbo.SNR_WEIGHT, schedule, step)
    # The SNR difference cancels catastrophically when SNR(t-1) ≈ SNR(t); compare only where
    # the difference keeps at least half of float64's digits.
    snr_prev = schedule.snr[step - 2] if step > 1 else np.inf
    if abs(snr_form) > 1e-8 * snr_prev:
        np.testing.assert_allclose(elbo_weight(step, schedule.betas), snr_form, rtol=1e-6)


@given(st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False),
       st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False))
def test_optimal_discriminator_is_the_proved_maximiser(p_r, p_g):
    m = gan_optimal_discriminator
    expected = sp.lambdify((m.p_r, m.p_g), m.D_STAR)(p_r, p_g)
    np.testing.assert_allclose(optimal_discriminator(p_r, p_g), expected, rtol=1e-12)


@given(st.lists(finite, min_size=9, max_size=9), st.lists(st.sampled_from([0.0, 1.0]), min_size=3, max_size=3))
def test_conditional_score_is_the_proved_gradient(values, mask):
    m = diffusion_conditional_score
    x, x_known, s = np.array(values[:3]), np.array(values[3:6]), np.array(values[6:])
    symbols = [*m.x, *m.x_known, *m.M, *m.s_theta]
    dummies = [sp.Dummy() for _ in symbols]
    formula = sp.lambdify(dummies, m.CONDITIONAL_SCORE.xreplace(dict(zip(symbols, dummies))), "numpy")
    expected = np.asarray(formula(*x, *x_known, *mask, *s), dtype=float).ravel()
    actual = conditional_score(x, x_known, np.array(mask), lambda _: s)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


def test_a_wrong_formula_would_not_match():
    """The comparison has power: the homework's β_t (for β_t²) weight disagrees with the code."""
    schedule = linear_schedule(100)
    wrong = beta_bar(t - 1) * beta(t) / (2 * posterior_variance(t) * (1 - beta_bar(t)) ** 2)
    assert not np.isclose(elbo_weight(50, schedule.betas), evaluate(wrong, schedule, 50), rtol=1e-3)
    wrong_mean = diffusion_posterior.MU_TILDE.subs(sp.sqrt(1 - beta(t)), 1 - beta(t))
    mean, _ = posterior_mean_variance(1.0, 0.5, 50, schedule.betas)
    assert not np.isclose(mean, evaluate(wrong_mean, schedule, 50, x_t=1.0, x_0=0.5), rtol=1e-6)


@settings(max_examples=50, deadline=None)
@given(schedules(), st.lists(finite, min_size=2, max_size=2))
def test_prior_matching_is_the_proved_gaussian_kl(schedule, x_0):
    """numeric.elbo's prior term KL(q(x_T|x_0) ‖ N(0, I)) is the lemma's closed form at T."""
    alpha_bar_T = float(schedule.alpha_bars[-1])
    if alpha_bar_T > 1 - 1e-9:
        return  # 1 - β̄_T rounds away: both sides are log of a difference of nearly equal numbers
    model = GaussianDiffusion(schedule, np.zeros(2), 1.0)
    prior = sp.lambdify((diffusion_elbo.beta_bar(diffusion_elbo.T), diffusion_elbo.x_0), diffusion_elbo.PRIOR_TERM)
    expected = sum(prior(alpha_bar_T, v) for v in x_0)
    np.testing.assert_allclose(negative_elbo_terms(model, np.array(x_0)).prior_matching, expected,
                               rtol=1e-7, atol=1e-9)


def test_elbo_is_below_the_exact_log_likelihood_and_the_gap_is_the_posterior_kl():
    """diffusion.likelihood_bound on the linear-Gaussian model of numeric.elbo: log p_θ(x_0) - ELBO
    equals KL(q(x_{1:T}|x_0) ‖ p_θ(x_{1:T}|x_0)) > 0, that KL computed independently as the Gaussian
    KL between the two joint laws of the path (q's by the forward chain, p_θ's by the reverse chain
    conditioned on x_0), each built from its covariance matrix."""
    model = GaussianDiffusion(linear_schedule(6, 0.05, 0.4), np.array([0.5]), 0.6)
    x_0 = np.array([1.2])
    gap = log_likelihood(model, x_0) - (-negative_elbo_terms(model, x_0).total)
    assert gap > 0
    assert np.isclose(gap, _path_kl(model, float(x_0[0])), rtol=1e-8)


def _path_kl(model, x_0: float) -> float:
    """KL(q(x_{1:T}|x_0) ‖ p_θ(x_{1:T}|x_0)) for one coordinate, from the joint Gaussians of
    (x_0, ..., x_T) under each process (linear maps of independent normals)."""
    s, T = model.schedule, model.schedule.T
    # q: x_t = √α_t x_{t-1} + √β_t ε_t, x_0 fixed.
    q_mean, q_map = np.zeros(T), np.zeros((T, T))
    previous_mean, previous_row = x_0, np.zeros(T)
    for t in range(1, T + 1):
        previous_mean = np.sqrt(s.alphas[t - 1]) * previous_mean
        previous_row = np.sqrt(s.alphas[t - 1]) * previous_row
        previous_row[t - 1] = np.sqrt(s.betas[t - 1])
        q_mean[t - 1], q_map[t - 1] = previous_mean, previous_row
    # p_θ: x_T ~ N(0, 1), x_{t-1} = A_t x_t + b_t + σ_t z_t (numeric.elbo.GaussianDiffusion.x0_marginal).
    g, m = model.denoiser_gain, float(model.data_mean[0])
    size = T + 1  # noises z_1..z_T and x_T's
    p_mean, p_map = np.zeros(T + 1), np.zeros((T + 1, size))
    p_map[T, T] = 1.0
    for t in range(T, 0, -1):
        c1, c2 = s.posterior_mean_coef1[t - 1], s.posterior_mean_coef2[t - 1]
        slope, offset = c1 * g[t - 1] + c2, c1 * (1 - g[t - 1] * s.sqrt_alpha_bars[t - 1]) * m
        sigma = np.sqrt(model.decoder_variance if t == 1 else s.posterior_variance[t - 1])
        p_mean[t - 1] = slope * p_mean[t] + offset
        p_map[t - 1] = slope * p_map[t]
        p_map[t - 1, t - 1] += sigma
    cov = p_map @ p_map.T  # joint of (x_0, x_1, ..., x_T) under p_θ
    # Condition on x_0: the law of x_{1:T} given x_0 under p_θ.
    gain = cov[1:, 0] / cov[0, 0]
    cond_mean = p_mean[1:] + gain * (x_0 - p_mean[0])
    cond_cov = cov[1:, 1:] - np.outer(gain, cov[0, 1:])
    q_cov = q_map @ q_map.T
    inverse = np.linalg.inv(cond_cov)
    diff = cond_mean - q_mean
    _, logdet_p = np.linalg.slogdet(cond_cov)
    _, logdet_q = np.linalg.slogdet(q_cov)
    return 0.5 * (np.trace(inverse @ q_cov) + diff @ inverse @ diff - T + logdet_p - logdet_q)


def test_importance_sampling_check_passes_the_reference_and_kills_its_mutant():
    from genverify.numeric.crosschecks import REFERENCE, importance_sampling_identity
    from tests.mutants import MUTANTS

    assert importance_sampling_identity(REFERENCE, np.random.default_rng(0), 2000).passed()
    (mutant,) = [m for m in MUTANTS if m.name == "posterior_variance_swapped"]
    assert not importance_sampling_identity(mutant.impl, np.random.default_rng(0), 2000).passed()
