"""The contracts ``q_sample``, one DDPM step, one DDIM step, the mixture score and the GAN losses.

Each reference is checked against an independent computation (a loop, the posterior, the
samplers, finite differences, per-element logs); each catalogued mistake differs from the
reference on the drawn cases; every submission in ``tests/submissions/contracts/`` goes through
``grade_code`` in the sandbox: the correct ones are graded correct, each mistaken one incorrect
with its mistake named.  Torch submissions (the DCGAN tutorial's BCE losses, a diffusers-style DDIM
step) are graded where ``GENVERIFY_COURSE_PYTHON`` names a course venv with torch, as in
``test_course_env.py``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from genverify.grading.cases import draw_cases
from genverify.grading.code import Limits, grade_code
from genverify.grading.compare import agree, as_outputs
from genverify.grading.contracts import CODE_TARGETS, gan_losses, mixture, sampling
from genverify.numeric import diffusion, samplers
from genverify.numeric.gmm import GaussianMixture
from genverify.numeric.schedules import Schedule, linear_schedule

SUBMISSIONS = Path(__file__).parent / "submissions" / "contracts"
NEW_TARGETS = (*sampling.TARGETS, *mixture.TARGETS, *gan_losses.TARGETS)
SEEDS = (0, 1)


def cases(target, seed: int = 0):
    return [case for _, case in draw_cases(target, seed)]


def close(actual, expected, rtol: float = 1e-10, atol: float = 1e-12) -> bool:
    return bool(np.allclose(actual, expected, rtol=rtol, atol=atol))


# ---------------------------------------------------------------- references


@pytest.mark.parametrize("seed", SEEDS)
def test_q_sample_is_the_closed_form_with_a_looped_product(seed):
    for case in cases(sampling.Q_SAMPLE, seed):
        alpha_bar = math.prod(1.0 - b for b in case["betas"][: case["t"]])
        expected = math.sqrt(alpha_bar) * case["x_0"] + math.sqrt(1.0 - alpha_bar) * case["noise"]
        assert close(sampling.Q_SAMPLE.reference(case), expected, rtol=1e-9), case


@pytest.mark.parametrize("seed", SEEDS)
def test_a_ddpm_step_is_the_posterior_mean_at_x0_hat_plus_posterior_noise(seed):
    checked = 0
    for case in cases(sampling.DDPM_STEP, seed):
        t, s = case["t"], Schedule(case["betas"])
        if s.alpha_bars[t - 1] < 1e-200:
            continue  # x̂_0 = (x_t - √(1-β̄_t) ε̂)/√β̄_t has no value once β̄_t underflows
        x0_hat = diffusion.x0_from_eps(case["x_t"], t, case["eps"], s)
        mean, variance = diffusion.posterior_mean_variance(case["x_t"], x0_hat, t, s)
        expected = mean + np.sqrt(variance) * case["noise"]
        assert close(sampling.DDPM_STEP.reference(case), expected, rtol=1e-7), case
        checked += 1
    assert checked >= 40


def test_ddpm_steps_in_turn_are_ddpm_sample_with_the_posterior_variance():
    s = linear_schedule(50, 1e-3, 0.2)
    score = lambda x, t: -x / (1.0 + t / 50)  # noqa: E731 - any smooth score will do
    x_T = np.random.default_rng(3).standard_normal((4, 2))
    sampled = samplers.ddpm_sample(score, s, rng=np.random.default_rng(7), x_T=x_T,
                                   variance="posterior").samples
    rng, x = np.random.default_rng(7), x_T
    for t in range(s.T, 0, -1):
        eps = -s.sqrt_one_minus_alpha_bars[t - 1] * score(x, t)
        noise = rng.standard_normal(x.shape) if t > 1 else np.zeros_like(x)
        x = samplers.ddpm_step(x, t, eps, s, noise)
    assert close(x, sampled)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_ddim_step_with_eta_1_to_t_minus_1_is_the_ddpm_step(seed):
    for case in cases(sampling.DDPM_STEP, seed):
        if Schedule(case["betas"]).alpha_bars[case["t"] - 1] < 1e-200:
            continue
        ddim = samplers.ddim_step(case["x_t"], case["t"], case["t"] - 1, case["eps"],
                                  case["betas"], 1.0, case["noise"])
        assert close(ddim, sampling.DDPM_STEP.reference(case), rtol=1e-7), case


@pytest.mark.parametrize("seed", SEEDS)
def test_a_ddim_step_keeps_the_marginal_of_x_t_prev_given_x_0(seed):
    """With x_t = √β̄_t x_0 + √(1-β̄_t) ε and ε̂ = ε the step is linear in (x_0, ε, z):
    x_{t'} = √β̄_{t'} x_0 + b ε + c z with b² + c² = 1 - β̄_{t'} (DDIM, Lemma 1) for every η."""
    for case in cases(sampling.DDIM_STEP, seed):
        t, t_prev, s = case["t"], case["t_prev"], Schedule(case["betas"])
        a = s.alpha_bars[t - 1]
        a_prev = 1.0 if t_prev == 0 else s.alpha_bars[t_prev - 1]

        def step(x_0, eps, z):
            x_t = np.sqrt(a) * x_0 + np.sqrt(1.0 - a) * eps
            return float(sampling.DDIM_STEP.reference({**case, "x_t": np.float64(x_t), "eps": eps,
                                                       "noise": z}))

        b, c = step(0.0, 1.0, 0.0), step(0.0, 0.0, 1.0)
        assert math.isclose(step(1.0, 0.0, 0.0), math.sqrt(a_prev), rel_tol=1e-7), case
        assert math.isclose(b**2 + c**2, 1.0 - a_prev, rel_tol=1e-7, abs_tol=1e-12), case


def test_ddim_steps_in_turn_are_ddim_sample():
    s = linear_schedule(100, 1e-4, 0.05)
    timesteps = np.arange(5, 101, 5)
    score = lambda x, t: -x  # noqa: E731 - the score of N(0, I), which every marginal keeps
    x_T = np.random.default_rng(5).standard_normal((3, 2))
    sampled = samplers.ddim_sample(score, s, rng=np.random.default_rng(0), eta=0.0,
                                   timesteps=timesteps, x_T=x_T).samples
    x = x_T
    for t, t_prev in zip(timesteps[::-1], np.concatenate([[0], timesteps[:-1]])[::-1]):
        eps = -s.sqrt_one_minus_alpha_bars[t - 1] * score(x, t)
        x = samplers.ddim_step(x, int(t), int(t_prev), eps, s, 0.0, np.zeros_like(x))
    assert close(x, sampled)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_mixture_score_is_the_gradient_of_log_p(seed):
    """Central differences of log p with step h: error O(h²) plus rounding |log p| ε/h."""
    for case in cases(mixture.GMM_SCORE, seed):
        p = GaussianMixture(case["weights"], case["means"], case["variances"])
        x = case["x"]
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        numeric = np.empty_like(x)
        for i in range(x.shape[-1]):
            step = np.zeros_like(x)
            step[..., i] = h[..., i]
            numeric[..., i] = (p.logpdf(x + step) - p.logpdf(x - step)) / (2 * h[..., i])
        score = mixture.GMM_SCORE.reference(case)
        scale = np.max(np.abs(score)) + 1.0
        assert np.allclose(score, numeric, rtol=1e-5, atol=1e-5 * scale), case


def test_one_component_score_is_mu_minus_x_over_variance():
    case = {"x": np.array([[1.0, 2.0]]), "weights": np.array([1.0]),
            "means": np.array([[0.0, -1.0]]), "variances": np.array([0.5])}
    assert close(mixture.GMM_SCORE.reference(case), [[-2.0, -6.0]])


@pytest.mark.parametrize("seed", SEEDS)
def test_gan_losses_are_their_batch_means_of_logs(seed):
    def mean(values) -> float:
        values = [float(v) for v in np.ravel(values)]
        return math.fsum(values) / len(values)

    log, log1m = (np.vectorize(math.log), np.vectorize(lambda d: math.log1p(-d)))
    for case in cases(gan_losses.DISCRIMINATOR_LOSS, seed):
        expected = -mean(log(case["d_real"])) - mean(log1m(case["d_fake"]))
        assert math.isclose(gan_losses.DISCRIMINATOR_LOSS.reference(case), expected, rel_tol=1e-9)
    for case in cases(gan_losses.GENERATOR_LOSS_SATURATING, seed):
        expected = mean(log1m(case["d_fake"]))
        assert math.isclose(gan_losses.GENERATOR_LOSS_SATURATING.reference(case), expected,
                            rel_tol=1e-9)
    for case in cases(gan_losses.GENERATOR_LOSS_NONSATURATING, seed):
        expected = -mean(log(case["d_fake"]))
        assert math.isclose(gan_losses.GENERATOR_LOSS_NONSATURATING.reference(case), expected,
                            rel_tol=1e-9)


@pytest.mark.parametrize(("call", "words"), [
    (lambda s: samplers.ddpm_step(0.0, 0, 0.0, s, 0.0), "t must be an integer in 1..3"),
    (lambda s: samplers.ddpm_step(0.0, 4, 0.0, s, 0.0), "t must be an integer in 1..3"),
    (lambda s: samplers.ddpm_step(0.0, 2.0, 0.0, s, 0.0), "t must be an integer"),
    (lambda s: samplers.ddpm_step(0.0, np.array([1, 2]), 0.0, s, 0.0), "t must be an integer"),
    (lambda s: samplers.ddpm_step(0.0, 2, 0.0, s, 0.0, variance="large"), "variance must be"),
    (lambda s: samplers.ddim_step(0.0, 2, 2, 0.0, s, 0.5, 0.0), "t_prev must be an integer in 0..1"),
    (lambda s: samplers.ddim_step(0.0, 2, -1, 0.0, s, 0.5, 0.0), "t_prev must be an integer"),
    (lambda s: samplers.ddim_step(0.0, 2, 1, 0.0, s, 1.5, 0.0), "eta must lie in [0, 1]"),
])
def test_the_step_references_refuse_bad_times_and_eta(call, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        call(Schedule([0.1, 0.2, 0.3]))


# ---------------------------------------------------------------- contracts


@pytest.mark.parametrize("target", NEW_TARGETS, ids=lambda t: t.name)
def test_a_contract_is_registered_and_its_cases_hold_its_arguments(target):
    assert CODE_TARGETS[target.name] is target
    assert target.regimes[0].name == "readable" and target.example and target.mistakes
    for _, case in draw_cases(target, 0):
        assert set(target.arguments) <= set(case), case
        assert all(np.all(np.isfinite(o)) for o in as_outputs(target, target.reference(case)))


@pytest.mark.parametrize("target", NEW_TARGETS, ids=lambda t: t.name)
def test_every_mistake_differs_from_the_reference_on_some_regime(target):
    drawn = draw_cases(target, 0)
    for mistake in target.mistakes:
        with np.errstate(all="ignore"):
            lost = {regime for regime, case in drawn
                    if not agree(target, as_outputs(target, target.reference(case)),
                                 as_outputs(target, mistake.reference(case)))}
        assert lost, f"{target.name}: {mistake.name} agrees with the reference everywhere"


@pytest.mark.parametrize(("target", "unswitched"), [
    (sampling.DDPM_STEP, sampling._ddpm_with), (sampling.DDIM_STEP, sampling._ddim_with),
    (mixture.GMM_SCORE, lambda c: mixture._from_logits(c, mixture._logits(c))),
], ids=["ddpm_step", "ddim_step", "gmm_score"])
def test_the_mistakes_formula_with_no_switch_thrown_is_the_reference(target, unswitched):
    """Each mistake changes one part of a shared formula: unchanged, that formula is right."""
    for _, case in draw_cases(target, 0):
        assert agree(target, as_outputs(target, target.reference(case)),
                     as_outputs(target, unswitched(case))), case


def graded(target: str, path: Path) -> dict:
    return grade_code(target, str(path))


@pytest.mark.parametrize("target", NEW_TARGETS, ids=lambda t: t.name)
def test_the_example_is_graded_correct_in_the_sandbox(target, tmp_path):
    path = tmp_path / "example.py"
    path.write_text(target.example)
    report = graded(target.name, path)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report
    assert report["sandbox"] == "bubblewrap+seccomp"


@pytest.mark.parametrize(("target", "name"), [
    ("diffusion.q_sample", "correct_q_sample_logspace.py"),
    ("diffusion.ddpm_step", "correct_ddpm_step_loops.py"),
    ("diffusion.ddim_step", "correct_ddim_step_eq12.py"),
    ("diffusion.gmm_score", "correct_gmm_score_loop.py"),
    ("gan.discriminator_loss", "correct_gan_losses.py"),
    ("gan.generator_loss_saturating", "correct_gan_losses.py"),
    ("gan.generator_loss_nonsaturating", "correct_gan_losses.py"),
])
def test_another_correct_formula_is_graded_correct(target, name):
    report = graded(target, SUBMISSIONS / name)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report


MISTAKEN = [
    ("diffusion.q_sample", "q_sample_variance_scale.py", "variance for standard deviation"),
    ("diffusion.q_sample", "q_sample_previous_alpha_bar.py", "β̄_{t-1} for β̄_t"),
    ("diffusion.q_sample", "q_sample_no_sqrt.py", "missing square root on β̄_t"),
    ("diffusion.q_sample", "q_sample_one_minus.py", "β̄ read as 1 - β̄"),
    ("diffusion.q_sample", "q_sample_one_step.py", "one forward step for the marginal"),
    ("diffusion.ddpm_step", "ddpm_step_fixed_large.py",
     "σ² = β_t (fixed_large) for σ̃_t² (fixed_small)"),
    ("diffusion.ddpm_step", "ddpm_step_no_inverse_sqrt_alpha.py", "missing 1/√α_t"),
    ("diffusion.ddpm_step", "ddpm_step_eps_coefficient.py", "ε̂ coefficient β_t/(1-β̄_t)"),
    ("diffusion.ddpm_step", "ddpm_step_variance_as_std.py", "σ̃_t² for σ̃_t"),
    ("diffusion.ddpm_step", "ddpm_step_one_minus.py", "β̄ read as 1 - β̄"),
    ("diffusion.ddim_step", "ddim_step_sigma_without_ratio.py", "σ_t without √(1-β̄_t/β̄_{t'})"),
    ("diffusion.ddim_step", "ddim_step_eta_not_squared.py", "η for η²"),
    ("diffusion.ddim_step", "ddim_step_direction_without_sigma.py", "direction term without σ_t²"),
    ("diffusion.ddim_step", "ddim_step_previous_is_t_minus_1.py", "t-1 for t_prev"),
    ("diffusion.gmm_score", "gmm_score_precision.py", "variances read as precisions"),
    ("diffusion.gmm_score", "gmm_score_std.py", "variances read as standard deviations"),
    ("diffusion.gmm_score", "gmm_score_unnormalised.py", "density normalisation dropped"),
    ("diffusion.gmm_score", "gmm_score_no_weights.py", "weights ignored"),
    ("diffusion.gmm_score", "gmm_score_gradient_of_p.py", "∇p for ∇log p"),
    ("diffusion.gmm_score", "gmm_score_sign.py", "sign"),
    ("gan.discriminator_loss", "gan_losses_sign.py", "V(G, D) for -V(G, D) (sign)"),
    ("gan.discriminator_loss", "gan_losses_sum.py", "sum for mean"),
    ("gan.discriminator_loss", "discriminator_loss_pooled.py", "one mean over both batches"),
    ("gan.discriminator_loss", "gan_losses_swapped.py", "real and fake swapped"),
    ("gan.generator_loss_saturating", "gan_losses_swapped.py", "non-saturating for saturating"),
    ("gan.generator_loss_saturating", "gan_losses_sign.py", "sign"),
    ("gan.generator_loss_saturating", "gan_losses_sum.py", "sum for mean"),
    ("gan.generator_loss_nonsaturating", "gan_losses_swapped.py", "saturating for non-saturating"),
    ("gan.generator_loss_nonsaturating", "gan_losses_sign.py", "sign"),
    ("gan.generator_loss_nonsaturating", "gan_losses_sum.py", "sum for mean"),
    *((target, submission, mistake)
      for submission, mistake in (("gan_losses_logits.py", "probabilities treated as logits"),
                                  ("gan_losses_clipped.py", "outputs clipped to [1e-7, 1 - 1e-7]"))
      for target in ("gan.discriminator_loss", "gan.generator_loss_saturating",
                     "gan.generator_loss_nonsaturating")),
]


def test_every_catalogued_mistake_has_a_submission():
    listed = {(target, mistake) for target, _, mistake in MISTAKEN}
    assert listed == {(t.name, m.name) for t in NEW_TARGETS for m in t.mistakes}


@pytest.mark.parametrize(("target", "name", "mistake"), MISTAKEN,
                         ids=[f"{t}:{n}" for t, n, _ in MISTAKEN])
def test_a_mistaken_submission_is_incorrect_and_its_mistake_named(target, name, mistake):
    report = graded(target, SUBMISSIONS / name)
    assert report["verdict"] == "incorrect" and report["score"] < 1.0, report
    assert report["diagnosis"][0] == f"mistake: {mistake}", report["diagnosis"]
    explanation = next(m.explanation for m in CODE_TARGETS[target].mistakes if m.name == mistake)
    assert report["feedback"].startswith(explanation)


def test_a_mixture_score_without_log_sum_exp_loses_only_where_exp_underflows():
    report = graded("diffusion.gmm_score", SUBMISSIONS / "gmm_score_naive_exp.py")
    lost = [r["name"] for r in report["regimes"] if r["failed"]]
    assert report["verdict"] == "incorrect" and lost == [
        "far from every mode (exp underflows without log-sum-exp)",
        "high dimension (256 ≤ D ≤ 784)"], report
    assert "not finite" in report["feedback"] and report["score"] == pytest.approx(5 / 7)


def test_a_failure_in_high_dimensions_alone_gets_that_regimes_hint():
    report = graded("diffusion.gmm_score", SUBMISSIONS / "gmm_score_normaliser_outside_log.py")
    assert report["verdict"] == "incorrect" and report["score"] == pytest.approx(6 / 7), report
    assert report["feedback"].startswith("Only high dimensions fail: (2π s_k²)^(-D/2)")


def test_a_strided_ddim_mistake_keeps_the_regimes_where_t_prev_is_t_minus_1():
    report = graded("diffusion.ddim_step", SUBMISSIONS / "ddim_step_previous_is_t_minus_1.py")
    kept = {r["name"] for r in report["regimes"] if not r["failed"]}
    assert kept == {"readable", "T = 1"}, report["regimes"]


# ---------------------------------------------------------------- torch (a course environment)

COURSE_PYTHON = os.environ.get("GENVERIFY_COURSE_PYTHON")
needs_course = pytest.mark.skipif(COURSE_PYTHON is None,
                                  reason="GENVERIFY_COURSE_PYTHON is unset (.ci/run sets it)")
#: A torch import on a loaded machine takes seconds.
TORCH_LIMITS = Limits(seconds=60.0)


@needs_course
@pytest.mark.parametrize(("target", "name"), [
    ("gan.discriminator_loss", "torch_gan_losses.py"),
    ("gan.generator_loss_saturating", "torch_gan_losses.py"),
    ("gan.generator_loss_nonsaturating", "torch_gan_losses.py"),
    ("diffusion.ddim_step", "torch_ddim_step.py"),
])
def test_a_torch_submission_is_graded_correct_in_the_course_environment(target, name):
    report = grade_code(target, str(SUBMISSIONS / name), python=COURSE_PYTHON, limits=TORCH_LIMITS)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report


@needs_course
def test_torch_losses_in_float32_lose_the_outputs_near_0_and_1():
    """float32 rounds 1 - 1e-12 to 1, where BCE's log is clamped at -100: the extremes fail."""
    report = grade_code("gan.discriminator_loss", str(SUBMISSIONS / "torch_gan_losses_float32.py"),
                        python=COURSE_PYTHON, limits=TORCH_LIMITS)
    lost = {r["name"] for r in report["regimes"] if r["failed"]}
    assert report["verdict"] == "incorrect", report
    assert lost == {"near 0 and 1", "D wins (D(x) ≈ 1, D(G(z)) ≈ 0)"}, report["regimes"]
