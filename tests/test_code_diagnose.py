"""The code grader's mistake catalogue: each mistake is named, and nothing is named when none fits.

In-process tests feed :func:`genverify.grading.diagnose.diagnose` the outputs of each catalogued
mistake (every target's, including contracts added later) and of made-up contracts for the
generic factors; sandboxed tests grade one submission per mistake the issue lists
(``tests/submissions/mistakes/``), each written with exactly that mistake.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from genverify.grading.cases import draw_cases
from genverify.grading.code import Limits, grade_code
from genverify.grading.compare import agree, as_outputs
from genverify.grading.contract import CodeTarget, Regime
from genverify.grading.contracts import CODE_TARGETS
from genverify.grading.diagnose import Evidence, diagnose

MISTAKES = Path(__file__).parent / "submissions" / "mistakes"
SUBMISSIONS = MISTAKES.parent
FAST = Limits(seconds=30.0, cpu_seconds=2)


def evidence_of(target: CodeTarget, submission, seed: int = 0) -> Evidence:
    """What the grader would see from a submission computing ``submission(case)``."""
    cases = [case for _, case in draw_cases(target, seed)]
    expected = [as_outputs(target, target.reference(case)) for case in cases]
    got = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                got.append(as_outputs(target, submission(case)))
        except (ValueError, IndexError, ZeroDivisionError):
            got.append(None)
    failed = [g is None or not agree(target, e, g) for e, g in zip(expected, got)]
    return Evidence(target, cases, expected, got, failed)


CATALOGUE = [(name, mistake) for name, target in CODE_TARGETS.items() for mistake in target.mistakes]


@pytest.mark.parametrize(("target", "mistake"), CATALOGUE,
                         ids=[f"{name}: {mistake.name}" for name, mistake in CATALOGUE])
def test_every_catalogued_mistake_is_named(target, mistake):
    evidence = evidence_of(CODE_TARGETS[target], mistake.reference)
    assert any(evidence.failed), "the mistake is indistinguishable from the reference"
    found = diagnose(evidence)
    assert found is not None and found.name == mistake.name, found


@pytest.mark.parametrize("target", list(CODE_TARGETS))
def test_the_reference_itself_names_no_mistake(target):
    contract = CODE_TARGETS[target]
    evidence = evidence_of(contract, contract.reference)
    assert not any(evidence.failed) and diagnose(evidence) is None


@pytest.mark.parametrize("target", list(CODE_TARGETS))
def test_noise_on_the_reference_names_no_mistake(target):
    """A relative error of 1e-3 with a random sign per element is no catalogued mistake."""
    contract = CODE_TARGETS[target]
    rng = np.random.default_rng(5)

    def noisy(case):
        outputs = as_outputs(contract, contract.reference(case))
        noisy = [o * (1 + 1e-3 * rng.choice([-1.0, 1.0], size=o.shape)) + 1e-3 for o in outputs]
        return tuple(noisy) if len(noisy) > 1 else noisy[0]

    evidence = evidence_of(contract, noisy)
    assert any(evidence.failed) and diagnose(evidence) is None


# A made-up contract with a sum, to check the generic factors where no real target has one yet.
TOTAL = CodeTarget(
    name="test.total", result_id="test.total", function="total", arguments=("x",),
    outputs=("total",), signature="total(x) -> float", reference=lambda c: float(np.sum(c["x"])),
    regimes=(Regime("random", 20, lambda rng: {"x": rng.normal(size=int(rng.integers(2, 9)))}),))


@pytest.mark.parametrize(("submission", "name"), [
    (lambda c: np.mean(c["x"]), "the result a mean, not a sum"),
    (lambda c: np.sum(c["x"]) / math.log(2), "the result in bits, not nats"),
    (lambda c: np.sum(c["x"]) * math.log(2), "the result in nats, not bits"),
    (lambda c: 2 * np.sum(c["x"]), "the result off by a factor 2"),
    (lambda c: -np.sum(c["x"]), "sign of the result"),
    (lambda c: 3.7 * np.sum(c["x"]), "the result off by a constant factor 3.7"),
    # float32 values 1% off: beyond float32's rounding (FLOAT32_RTOL), so not "float32 precision".
    (lambda c: np.float32(np.sum(c["x"].astype(np.float32)) * np.float32(1.01)), None),
    (lambda c: np.sum(c["x"]) + 0.1, None),
])
def test_generic_factors_are_named(submission, name):
    found = diagnose(evidence_of(TOTAL, submission))
    assert (found.name if found else None) == name


def test_a_sum_for_a_mean_is_named():
    mean = CodeTarget(
        name="test.mean", result_id="test.mean", function="mean", arguments=("x",),
        outputs=("mean",), signature="mean(x) -> float", reference=lambda c: float(np.mean(c["x"])),
        regimes=TOTAL.regimes)
    assert diagnose(evidence_of(mean, lambda c: np.sum(c["x"]))).name == "the result a sum, not a mean"


# (target, submission, the mistake named, regimes the submission passes)
NAMED = [
    ("diffusion.forward_marginal", "forward_zero_based_t.py", "t used 0-based (index shift)", set()),
    ("diffusion.forward_marginal", "forward_one_minus_alpha_bar.py", "β̄ read as 1 - β̄", set()),
    ("diffusion.elbo_weight", "elbo_weight_bits.py", "the result in bits, not nats", set()),
    ("diffusion.elbo_weight", "elbo_weight_epsilon.py",
     "ε-prediction weight for x_0-prediction (ratio 1/SNR(t))", set()),
    ("diffusion.posterior_mean_variance", "posterior_fixed_large.py",
     "σ² = β_t (fixed_large) for σ̃_t² (fixed_small)", set()),
    ("diffusion.posterior_mean_variance", "posterior_rescaled_linear.py",
     "1000/T-rescaled linear schedule", {"T = 1", "t = 1 of longer schedules", "T = 1000 linear"}),
    ("diffusion.posterior_mean_variance", "posterior_float32.py", "float32 precision",
     {"readable", "T = 1"}),
    ("gan.generator_loss_nonsaturating", "generator_loss_sum.py", "sum for mean", None),
    ("gan.generator_loss_nonsaturating", "generator_loss_bits.py", "the result in bits, not nats",
     None),
    ("diffusion.posterior_mean_variance", "posterior_t1_wraps.py", "t = 1 mishandled (β̄_0 = 1)",
     None),
    ("diffusion.posterior_mean_variance", "posterior_same_shape.py",
     "fails only in the regime 'broadcast shapes'", None),
]


@pytest.mark.parametrize(("target", "name", "mistake", "passed"), NAMED, ids=[row[1] for row in NAMED])
def test_a_submission_with_one_mistake_is_named_and_explained(target, name, mistake, passed):
    report = grade_code(target, str(MISTAKES / name), limits=FAST)
    assert report["verdict"] == "incorrect"
    assert report["diagnosis"][0] == f"mistake: {mistake}"
    explanation = {m.name: m.explanation for m in CODE_TARGETS[target].mistakes}.get(mistake)
    if explanation:
        assert report["feedback"].startswith(explanation)
    passing = {r["name"] for r in report["regimes"] if r["failed"] == 0}
    assert passing == passed or passed is None
    assert report["score"] == pytest.approx(len(passing) / len(report["regimes"]), abs=1e-6)


@pytest.mark.parametrize(("target", "name"), [
    ("diffusion.posterior_mean_variance", "mistakes/posterior_offset.py"),
    ("diffusion.posterior_mean_variance", "correct_posterior.py"),
    ("diffusion.posterior_mean_variance", "returns_nan.py"),
])
def test_no_mistake_is_named_where_none_was_made(target, name):
    report = grade_code(target, str(SUBMISSIONS / name), limits=FAST)
    assert not any(line.startswith("mistake:") for line in report["diagnosis"]), report


@pytest.mark.parametrize(("broken", "name"), [
    (lambda c: len(c["betas"]) == 1, "fails only in the regime 'T = 1'"),
    (lambda c: c["x_t"].shape != c["x_0"].shape, "fails only in the regime 'broadcast shapes'"),
    (lambda c: c["schedule"] == "cosine, T = 1000" and c["t"] > 1, None),  # no hint there
])
def test_failures_confined_to_one_regime_get_its_hint(broken, name):
    """Outputs off by 10% in one regime only: no formula explains them, the regime does."""
    target = CODE_TARGETS["diffusion.posterior_mean_variance"]

    def submission(case):
        mean, variance = target.reference(case)
        return (mean * 1.1 + 0.1, variance) if broken(case) else (mean, variance)

    evidence = evidence_of(target, submission)
    regimes = [regime for regime, _ in draw_cases(target, 0)]
    evidence = Evidence(evidence.target, evidence.cases, evidence.expected, evidence.got,
                        evidence.failed, regimes)
    assert sum(evidence.failed) > 0
    found = diagnose(evidence)
    assert (found.name if found else None) == name
