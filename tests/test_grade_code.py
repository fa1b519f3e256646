"""``grade-code``: correct functions pass; wrong ones get a clean verdict with a reason.

The submissions live in ``tests/submissions/``; each one's docstring says what it does.  The
hostile ones, and what the sandbox keeps them from, are in ``test_grade_code_sandbox.py``.
The CPU limit is 2 s and the wall clock generous, so that a busy loop always meets the CPU
limit first, however loaded the machine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from genverify.grading.code import CODE_TARGETS, Limits, grade_code
from genverify.grading.compare import Malformed, from_wire
from genverify.grading.formats import FORMATS, render

SUBMISSIONS = Path(__file__).parent / "submissions"
FAST = Limits(seconds=30.0, cpu_seconds=2)
POSTERIOR = "diffusion.posterior_mean_variance"


def grade(target: str, name: str, **kwargs) -> dict:
    kwargs.setdefault("limits", FAST)
    kwargs.setdefault("max_examples", 40)
    return grade_code(target, str(SUBMISSIONS / name), **kwargs)


@pytest.mark.parametrize(("target", "name"), [
    (POSTERIOR, "correct_posterior.py"),
    ("diffusion.forward_marginal", "correct_forward_marginal.py"),
    ("diffusion.elbo_weight", "correct_elbo_weight.py"),
    ("gan.optimal_discriminator", "correct_discriminator.py"),
    ("diffusion.conditional_score", "correct_conditional_score.py"),
])
def test_a_correct_submission_is_graded_correct(target, name):
    report = grade(target, name, max_examples=60)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report
    assert report["target"] == target and report["id"] == CODE_TARGETS[target].result_id
    assert report["method"] == "numeric" and report["counterexample"] is None
    json.dumps(report, allow_nan=False)


@pytest.mark.parametrize("rng_seed", [1, 2])
def test_the_tolerance_accepts_a_correct_formula_on_other_seeds(rng_seed):
    assert grade(POSTERIOR, "correct_posterior.py", rng_seed=rng_seed)["verdict"] == "correct"


# (target, submission, verdict, words the feedback must contain)
NOT_CORRECT = [
    (POSTERIOR, "wrong_posterior_no_sqrt.py", "incorrect", "mean differs from the reference"),
    ("diffusion.elbo_weight", "wrong_elbo_weight_beta.py", "incorrect", "differs from the"),
    ("diffusion.conditional_score", "wrong_conditional_score_half.py", "incorrect", "differs"),
    (POSTERIOR, "returns_nan.py", "incorrect", "mean is not finite"),
    (POSTERIOR, "wrong_shape.py", "incorrect", "mean has shape"),
    (POSTERIOR, "wrong_signature.py", "incorrect", "raised TypeError"),
    (POSTERIOR, "missing_function.py", "invalid", "no function posterior_mean_variance"),
    (POSTERIOR, "syntax_error.py", "invalid", "raised SyntaxError"),
    (POSTERIOR, "exit_at_import.py", "invalid", "importing the submission raised SystemExit"),
    (POSTERIOR, "hard_exit_at_import.py", "invalid", "exited with status 0"),
    (POSTERIOR, "infinite_loop.py", "incorrect", "more than 2 s of CPU time"),
    (POSTERIOR, "ignores_cpu_signal.py", "incorrect", "more than 2 s of CPU time"),
    (POSTERIOR, "segfaults.py", "incorrect", "crashed (SIGSEGV"),
]


@pytest.mark.parametrize(("target", "name", "verdict", "reason"), NOT_CORRECT,
                         ids=[row[1] for row in NOT_CORRECT])
def test_a_wrong_or_hostile_submission_gets_a_clean_verdict(target, name, verdict, reason):
    report = grade(target, name)
    assert (report["verdict"], report["score"]) == (verdict, 0.0), report
    assert reason in report["feedback"], report["feedback"]
    json.dumps(report, allow_nan=False)


def test_a_wrong_answer_comes_with_a_shrunk_counterexample():
    report = grade(POSTERIOR, "wrong_posterior_no_sqrt.py")
    example = report["counterexample"]
    assert set(example) == {"input", "expected", "actual"}
    assert example["expected"][0] != example["actual"][0]
    betas = example["input"]["betas"]
    assert len(betas.get("betas", [])) <= 6 or betas["T"] <= 10
    assert any("failed on" in line for line in report["diagnosis"])


def test_the_grader_keeps_working_after_hostile_submissions():
    hostile = ("fork_bomb.py", "hard_exit_at_import.py", "infinite_loop.py", "monkeypatch_numpy.py")
    for name in hostile:
        assert grade(POSTERIOR, name)["verdict"] != "correct"
    assert grade(POSTERIOR, "correct_posterior.py")["verdict"] == "correct"


@pytest.mark.parametrize(("target", "path", "words"), [
    ("diffusion.no_such_thing", SUBMISSIONS / "correct_posterior.py", "unknown code target"),
    (POSTERIOR, SUBMISSIONS / "no_such_file.py", "does not exist"),
])
def test_bad_arguments_raise_value_error(target, path, words):
    with pytest.raises(ValueError, match=words):
        grade_code(target, str(path))


@pytest.mark.parametrize("reply", [
    {"shape": [2.0], "data": [1.0]},                  # too few numbers for the shape
    {"shape": [-1.0], "data": []},                    # a negative dimension
    {"shape": [1e30, 0.0], "data": []},               # a dimension past any real output
    {"shape": [0.5], "data": []},                     # a fractional dimension
    {"shape": [1.0], "data": [True]},                 # not a number
    {"shape": [1.0], "data": [[1.0]]},                # nested
    {"shape": [], "data": [1.0] * 5000},              # too many numbers
    [1.0], "array",
])
def test_a_malformed_array_in_a_reply_is_rejected(reply):
    with pytest.raises(Malformed):
        from_wire(reply)


def test_a_well_formed_array_in_a_reply_is_read():
    assert from_wire({"shape": [2.0, 1.0], "data": [1.0, math.inf]}).shape == (2, 1)


def test_every_format_is_utf8_and_strict_json_for_any_feedback():
    report = grade(POSTERIOR, "wrong_posterior_no_sqrt.py")
    report["feedback"] = "raised ValueError: \ud800 lone surrogate"
    report["counterexample"]["actual"] = [math.nan, -math.inf]
    for fmt in FORMATS:
        out = render(report, fmt)
        out.encode("utf-8")
        if fmt != "text":
            assert "lone surrogate" in json.dumps(json.loads(out))
