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
    return grade_code(target, str(SUBMISSIONS / name), **kwargs)


@pytest.mark.parametrize(("target", "name"), [
    (POSTERIOR, "correct_posterior.py"),
    ("diffusion.forward_marginal", "correct_forward_marginal.py"),
    ("diffusion.elbo_weight", "correct_elbo_weight.py"),
    ("gan.optimal_discriminator", "correct_discriminator.py"),
    ("diffusion.conditional_score", "correct_conditional_score.py"),
])
def test_a_correct_submission_is_graded_correct(target, name):
    report = grade(target, name)
    assert (report["verdict"], report["score"]) == ("correct", 1.0), report
    assert report["target"] == target and report["id"] == CODE_TARGETS[target].result_id
    assert report["method"] == "numeric" and report["counterexample"] is None
    assert report["regimes"] and all(r["failed"] == 0 for r in report["regimes"])
    assert sum(r["cases"] for r in report["regimes"]) >= 40 and report["diagnosis"] == []
    json.dumps(report, allow_nan=False)


@pytest.mark.parametrize("rng_seed", [1, 2])
def test_the_tolerance_accepts_a_correct_formula_on_other_seeds(rng_seed):
    assert grade(POSTERIOR, "correct_posterior.py", rng_seed=rng_seed)["verdict"] == "correct"


# (target, submission, verdict, words the feedback must contain); each fails in every regime.
NOT_CORRECT = [
    ("diffusion.elbo_weight", "wrong_elbo_weight_beta.py", "incorrect", "differs from the"),
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


def test_a_wrong_answer_gets_partial_credit_by_regime_and_a_readable_counterexample():
    """No √ on β̄_{t-1} is right only where β̄_{t-1} = 1 (t = 1): the two t = 1 regimes pass."""
    report = grade(POSTERIOR, "wrong_posterior_no_sqrt.py")
    regimes = {r["name"]: r for r in report["regimes"]}
    passed = {name for name, r in regimes.items() if r["failed"] == 0}
    assert passed == {"T = 1", "t = 1 of longer schedules"} and regimes["readable"]["failed"] > 0
    assert report["score"] == round(2 / len(regimes), 6) and report["verdict"] == "incorrect"
    assert "the mean differs from the reference" in report["feedback"]
    example = report["counterexample"]
    assert set(example) == {"regime", "input", "expected", "actual"}
    assert example["regime"] == "readable" and example["expected"][0] != example["actual"][0]
    # Round numbers: β_t from {0.1, 0.2, 0.25, 0.5}, x small integers.
    assert len(example["input"]["betas"]) <= 4
    assert set(example["input"]["betas"]) <= {0.1, 0.2, 0.25, 0.5}
    assert all(float(x).is_integer() for x in example["input"]["x_t"] + example["input"]["x_0"])
    assert any("failed on" in line for line in report["diagnosis"])


def test_weights_change_the_score_not_the_verdict():
    weights = {"T = 1": 3.0, "readable": 0.0}
    report = grade(POSTERIOR, "wrong_posterior_no_sqrt.py", regime_weights=weights)
    others = len(report["regimes"]) - 2  # each weighs 1; only "t = 1 of longer schedules" passes
    assert report["verdict"] == "incorrect" and report["score"] == round(4 / (3 + others), 6)
    assert grade(POSTERIOR, "correct_posterior.py", regime_weights=weights)["score"] == 1.0


@pytest.mark.parametrize(("weights", "words"), [
    ({"readble": 1.0}, "no code target has a regime 'readble'"),
    ({"readable": -1.0}, "finite number >= 0"),
    ({"readable": math.inf}, "finite number >= 0"),
    ({"readable": "1"}, "finite number >= 0"),
    ([1.0], "JSON object"),
])
def test_bad_weights_raise_value_error(weights, words):
    with pytest.raises(ValueError, match=words):
        grade(POSTERIOR, "correct_posterior.py", regime_weights=weights)


def test_max_examples_takes_every_regime_in_turn():
    report = grade(POSTERIOR, "correct_posterior.py", max_examples=9)
    assert sum(r["cases"] for r in report["regimes"]) == 9
    assert len(report["regimes"]) == len(CODE_TARGETS[POSTERIOR].regimes)


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


@pytest.mark.parametrize(("content", "extra", "words"), [
    (None, [], "cannot read"),
    ("{", [], "is not JSON"),
    ("[1]", [], "must be a JSON object"),
    ('{"readble": 1}', [], "no code target has a regime 'readble'"),
    ('{"readable": -2}', [], "finite number >= 0"),
    ('{"readable": 1}', ["--seed", "-1"], "invalid seed"),
])
def test_bad_weights_or_seed_on_the_command_line_exit_2_with_one_line(tmp_path, capsys, content,
                                                                     extra, words):
    from genverify.cli import main

    weights = tmp_path / "weights.json"
    if content is not None:
        weights.write_text(content, encoding="utf-8")
    code = main(["grade-code", POSTERIOR, str(SUBMISSIONS / "correct_posterior.py"),
                 "--regime-weights", str(weights), *extra])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err, err


def test_grading_imports_neither_hypothesis_nor_sympy():
    """The cases come from NumPy alone (issue 12: Hypothesis's draws depended on the imports)."""
    import subprocess
    import sys

    program = "import sys, genverify.grading.code; print('hypothesis' in sys.modules, 'sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
