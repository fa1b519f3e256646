"""Tweedie's formula, the Gaussian KL and DDIM's marginals (issue 13, items 1-3): the numeric
references agree with the ``lambdify`` of their derivations' closed forms, reject bad input, and
the claims say what was checked.  (Proofs, broken variants, cross-checks and mutant
implementations run in the generic harnesses: test_derivations.py, test_crosschecks.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.derivations import ddim_marginals, diffusion_tweedie, gaussian_kl
from genverify.derivations.notation import beta_bar
from genverify.numeric import diffusion, samplers, tweedie
from genverify.numeric.gaussian_kl import gaussian_kl as kl_numeric
from genverify.numeric.schedules import Schedule
from genverify.registry import BY_ID

MEANS = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, allow_infinity=False)
SCALES = st.floats(min_value=0.05, max_value=5.0, allow_nan=False, allow_infinity=False)
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _schedule(rng: np.random.Generator, T: int = 12) -> Schedule:
    return Schedule.from_betas(np.exp(rng.uniform(np.log(1e-3), np.log(0.5), T)))


# --- the Gaussian KL --------------------------------------------------------------------------

_KL_CLOSED = sp.lambdify((gaussian_kl.mu_1, gaussian_kl.sigma_1, gaussian_kl.mu_2, gaussian_kl.sigma_2),
                         gaussian_kl.KL_CLOSED, "math")


@settings(max_examples=60, deadline=None)
@given(m1=MEANS, s1=SCALES, m2=MEANS, s2=SCALES)
def test_numeric_kl_is_the_proved_closed_form(m1, s1, m2, s2):
    assert math.isclose(kl_numeric(m1, s1**2, m2, s2**2), _KL_CLOSED(m1, s1, m2, s2), rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(m1=MEANS, s1=SCALES, m2=MEANS, s2=SCALES)
def test_kl_is_nonnegative_and_zero_only_at_equal_gaussians(m1, s1, m2, s2):
    assert kl_numeric(m1, s1**2, m2, s2**2) >= -1e-15
    assert kl_numeric(m1, s1**2, m1, s1**2) == 0.0
    if abs(m1 - m2) > 1e-3 or abs(s1 - s2) > 1e-3:
        assert kl_numeric(m1, s1**2, m2, s2**2) > 0


def test_kl_broadcasts_and_rejects_bad_variances():
    out = kl_numeric(np.zeros(3), 1.0, np.array([0.0, 1.0, 2.0]), 1.0)
    assert np.allclose(out, [0.0, 0.5, 2.0])
    for bad in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="variances"):
            kl_numeric(0.0, bad, 0.0, 1.0)


def test_the_elbo_uses_the_proved_lemma():
    """``GaussianKL.doit`` (what diffusion.elbo's terms expand to) is the closed form proved here."""
    from genverify.derivations.notation import GaussianKL

    g = gaussian_kl
    difference = GaussianKL(g.mu_1, g.mu_2, g.sigma_1**2, g.sigma_2**2).doit() - g.KL_CLOSED
    assert sp.simplify(sp.expand_log(difference, force=True)) == 0


# --- Tweedie and the ε-parameterisation ------------------------------------------------------------


def _three_atoms(c: float, s: float, atoms, weights):
    """The derivation's score of q_t and E[x_0 | x_t] for data on 3 atoms, at c_t = c, s_t = s."""
    tw = diffusion_tweedie
    values = {tw.c_t: c, tw.s_t: s, **dict(zip(tw.atoms, atoms)), **dict(zip(tw.weights, weights))}
    score = sp.lambdify(tw.x_t, tw.SCORE.doit().subs(values), "math")
    mean = sp.lambdify(tw.x_t, tw.POSTERIOR_MEAN.doit().subs(values), "math")
    eps = sp.lambdify(tw.x_t, tw.POSTERIOR_EPS.doit().subs(values), "math")
    return score, mean, eps


@pytest.mark.parametrize("t", [2, 5, 11])
def test_numeric_conversions_are_the_proved_identities(t):
    rng = np.random.default_rng(t)
    schedule = _schedule(rng)
    alpha_bar = schedule.alpha_bars[t - 1]
    score, mean, eps = _three_atoms(math.sqrt(alpha_bar), math.sqrt(1 - alpha_bar), (-1.5, 0.2, 2.0), (0.5, 1.0, 0.3))
    for x_t in rng.normal(0.0, 1.5, 5):
        s = score(x_t)
        assert math.isclose(float(diffusion.x0_from_score(x_t, t, s, schedule)), mean(x_t), rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(float(diffusion.eps_from_score(s, t, schedule)), eps(x_t), rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(float(diffusion.x0_from_eps(x_t, t, eps(x_t), schedule)), mean(x_t),
                            rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_eps_weight_is_the_proved_weight_and_the_x0_weight_over_snr(seed):
    rng = np.random.default_rng(seed)
    schedule = _schedule(rng)
    t = int(rng.integers(2, schedule.T + 1))
    tw = diffusion_tweedie
    values = {beta_bar(tw.t - 1): schedule.alpha_bars_prev[t - 1], tw.BAR: schedule.alpha_bars[t - 1],
              tw.sigma2: schedule.posterior_variance[t - 1]}
    proved = float(tw.DOMAIN.apply_definitions(tw.EPS_WEIGHT).subs(values))
    assert math.isclose(tweedie.eps_weight(t, schedule), proved, rel_tol=1e-9)
    snr = schedule.alpha_bars[t - 1] / schedule.one_minus_alpha_bars[t - 1]
    assert math.isclose(tweedie.eps_weight(t, schedule), diffusion.elbo_weight(t, schedule) / snr, rel_tol=1e-9)


def test_eps_weight_refuses_t_1_and_takes_arrays():
    schedule = _schedule(np.random.default_rng(0))
    with pytest.raises(ValueError, match="t in 2..T"):
        tweedie.eps_weight(1, schedule)
    weights = tweedie.eps_weight(np.arange(2, schedule.T + 1), schedule)
    assert weights.shape == (schedule.T - 1,) and np.all(weights > 0)


# --- DDIM --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("t", "t_prev"), [(2, 1), (7, 6), (9, 4)])
def test_deterministic_ddim_step_is_the_proved_mean(t, t_prev):
    """η = 0 from t to t' with the conditional score (so x̂_0 = x_0) lands on the derivation's mean
    at σ² = 0, with β̄_{t-1} read as the kept step's β̄_{t'}."""
    schedule = _schedule(np.random.default_rng(t))
    x_0 = 0.7
    a, a_prev = schedule.alpha_bars[t - 1], schedule.alpha_bars[t_prev - 1]
    dm = ddim_marginals
    mean = sp.lambdify(dm.x_t, dm.ddim_mean(0).subs({dm.BAR: a, dm.BAR_PREV: a_prev, dm.x_0: x_0}), "math")

    def conditional_score(x, step):
        ab = schedule.alpha_bars[step - 1]
        return -(x - math.sqrt(ab) * x_0) / (1 - ab)

    x_t = np.array([[-1.0], [0.3], [2.5]])
    result = samplers.ddim_sample(conditional_score, schedule, rng=np.random.default_rng(0), eta=0.0,
                                  timesteps=(t_prev, t), x_T=x_t, record=(1,))
    assert np.allclose(result.recorded[1][:, 0], [mean(float(x)) for x in x_t[:, 0]], rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS, eta=st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_ddim_variance_of_eta_is_admissible_and_eta_1_is_the_posterior_variance(seed, eta):
    schedule = _schedule(np.random.default_rng(seed))
    t = int(np.random.default_rng(seed).integers(2, schedule.T + 1))
    a, a_prev = schedule.alpha_bars[t - 1], schedule.alpha_bars[t - 2]
    dm = ddim_marginals
    sigma2 = float(dm.ddim_sigma2(eta).subs({dm.BAR: a, dm.BAR_PREV: a_prev}))
    assert 0.0 <= sigma2 <= 1.0 - a_prev
    if eta == 1.0:
        assert math.isclose(sigma2, schedule.posterior_variance[t - 1], rel_tol=1e-9)


# --- what the claims say ---------------------------------------------------------------------------


def test_claims_state_their_scope():
    statements = {rid: BY_ID[rid].derivation().statement for rid in
                  ("diffusion.tweedie", "diffusion.gaussian_kl", "diffusion.ddim_marginals")}
    assert "3 atoms" in statements["diffusion.tweedie"] and "one coordinate" in statements["diffusion.tweedie"]
    assert "one coordinate" in statements["diffusion.gaussian_kl"]
    assert "one step" in statements["diffusion.ddim_marginals"] and "σ = 0" in statements["diffusion.ddim_marginals"]
    assert "argued, not checked" in BY_ID["diffusion.tweedie"].scope
    assert "not derived" in BY_ID["diffusion.tweedie"].scope
    assert "argued, not checked" in BY_ID["diffusion.ddim_marginals"].scope
    assert "not checked" in BY_ID["diffusion.gaussian_kl"].scope


def test_a_step_that_only_substitutes_is_shown_unevaluated():
    """The steps read as derivations, not as ``a = a``: no relation of these results is trivially
    identical on both sides before the engine checks it."""
    for module in (diffusion_tweedie, gaussian_kl, ddim_marginals):
        for step in module.derivation().steps:
            relation = step.relation
            if hasattr(relation, "lhs"):
                assert relation.lhs != relation.rhs, f"{module.__name__}: {step.why}"


# --- the grading targets ---------------------------------------------------------------------------


def test_two_gaussians_notation_parses_and_refuses_what_it_does_not_know():
    from genverify.grading.errors import ParseError
    from genverify.grading.parse import parse
    from genverify.grading.targets import mu_1, mu_2, sigma_1, sigma_2

    for text in (r"\mu_1 - \mu_{2} + \sigma_1^2/\sigma_2", "mu_1 - mu_2 + sigma_1^2/sigma_2", "μ_1 - μ_2 + σ_1^2/σ_2"):
        assert parse(text) == mu_1 - mu_2 + sigma_1**2 / sigma_2
    for text, message in ((r"\mu_3", "mu_3"), (r"\sigma_1(t)", "not a function"), (r"\nu_1", "nu_1")):
        with pytest.raises(ParseError, match=message):
            parse(text)


@pytest.mark.parametrize(("target", "answer", "diagnosis"), [
    ("diffusion.gaussian_kl", r"\log\frac{\sigma_1}{\sigma_2} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac{1}{2}",
     "log-ratio inverted"),
    ("diffusion.eps_weight", "1", "L_simple's weight"),
    ("diffusion.tweedie_x0", r"\frac{x_t + s_\theta(x_t)}{\sqrt{\bar\alpha_t}}", "noise variance missing"),
    ("diffusion.ddim_mean",
     r"\frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t + \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0",
     "DDPM's posterior mean"),
])
def test_the_new_targets_name_the_typical_mistake(target, answer, diagnosis):
    from genverify.grading.symbolic import grade_answer

    result = grade_answer(target, answer)
    assert result["verdict"] == "incorrect" and result["diagnosis"] == [diagnosis]
    assert 0 < result["score"] < 1
