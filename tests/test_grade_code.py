"""``grade-code``: correct functions pass; wrong and hostile ones get a clean verdict with a reason.

The submissions live in ``tests/submissions/``; each hostile one's docstring says what it tries.
Limits are tightened to 2 s so the whole file stays fast; the reasons name the limit that hit.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest

from genverify.grading.code import CODE_TARGETS, Limits, grade_code

SUBMISSIONS = Path(__file__).parent / "submissions"
FAST = Limits(seconds=2.0, cpu_seconds=2)
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
    (POSTERIOR, "sleeps_forever.py", "incorrect", "did not finish within 2 s"),
    (POSTERIOR, "memory_hog.py", "invalid", "MemoryError"),
    (POSTERIOR, "fork_bomb.py", "incorrect", "BlockingIOError"),
    (POSTERIOR, "os_system.py", "incorrect", "os.system returned"),
    (POSTERIOR, "fake_verdict.py", "incorrect", "differs from the reference"),
    (POSTERIOR, "monkeypatch_numpy.py", "incorrect", "differs from the reference"),
    (POSTERIOR, "writes_results.py", "incorrect", "differs from the reference"),
    (POSTERIOR, "imports_reference.py", "invalid", "No module named 'genverify'"),
]


@pytest.mark.parametrize(("target", "name", "verdict", "reason"), NOT_CORRECT,
                         ids=[row[1] for row in NOT_CORRECT])
def test_a_wrong_or_hostile_submission_gets_a_clean_verdict(target, name, verdict, reason):
    start = time.monotonic()
    report = grade(target, name)
    assert (report["verdict"], report["score"]) == (verdict, 0.0), report
    assert reason in report["feedback"], report["feedback"]
    # Import (≤ 2 s) + one batch (≤ 2 s) + shrinking (1 s) + start-up; a hang would blow this.
    assert time.monotonic() - start < 10
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


def test_nothing_is_written_outside_the_sandbox(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shared_tmp = Path(tempfile.gettempdir())
    # The paths the hostile submissions aim at (other processes share /tmp, so not all of it).
    aimed_at = [shared_tmp / "results.json", shared_tmp / "genverify_results.json",
                shared_tmp / "genverify_os_system_was_here", Path.home() / "results.json"]
    assert not any(p.exists() for p in aimed_at), "left over from an earlier run; remove it"
    sandboxes_before = set(shared_tmp.glob("genverify-sandbox-*"))
    for name in ("writes_results.py", "fake_verdict.py", "os_system.py"):
        assert grade(POSTERIOR, name)["verdict"] == "incorrect"
    assert list(tmp_path.iterdir()) == []
    if os.geteuid() == 0:
        # Only root gets a private /tmp; otherwise empty files can appear there (documented).
        assert [p for p in aimed_at if p.exists()] == []
    assert set(shared_tmp.glob("genverify-sandbox-*")) == sandboxes_before


@pytest.mark.parametrize(("target", "path", "words"), [
    ("diffusion.no_such_thing", SUBMISSIONS / "correct_posterior.py", "unknown code target"),
    (POSTERIOR, SUBMISSIONS / "no_such_file.py", "does not exist"),
])
def test_bad_arguments_raise_value_error(target, path, words):
    with pytest.raises(ValueError, match=words):
        grade_code(target, str(path))
