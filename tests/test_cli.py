"""The command line: output, exit codes, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from genverify.cli import main
from genverify.grading.names import CODE_TARGETS, SYMBOLIC_TARGETS
from genverify.registry import RESULTS


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_result_and_the_grading_targets(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    results, targets = out.split("\n\n")
    assert [line.split()[0] for line in results.splitlines()] == [r.id for r in RESULTS]
    assert all(name in targets for name in (*SYMBOLIC_TARGETS, *CODE_TARGETS))


def test_check_one_result_as_json(capsys):
    code, out, _ = run(capsys, "check", "--json", "--profile", "quick", "diffusion.conditional_score")
    assert code == 0
    doc = json.loads(out)
    assert doc["ok"] is True and doc["profile"] == "quick"
    (result,) = doc["results"]
    assert result["id"] == "diffusion.conditional_score" and result["status"] == "proved"
    assert all(step["status"] == "proved" for step in result["steps"])
    assert doc["crosschecks"] and all(c["result_id"] == "diffusion.conditional_score" for c in doc["crosschecks"])
    assert all(c["passed"] and len(c["estimate"]) == len(c["se"]) == len(c["z"]) for c in doc["crosschecks"])


def test_check_prints_estimate_se_expected_and_z(capsys):
    code, out, _ = run(capsys, "check", "--profile", "quick", "--seed", "3", "diffusion.forward_marginal")
    assert code == 0
    assert "forward_chain_moments" in out and " ± " in out and "pass" in out
    assert "1/1 proved, 2/2 cross-checks within 5 SE (quick profile, seed 3)" in out


def test_check_fails_with_exit_1_when_the_reference_is_wrong(capsys, monkeypatch):
    import genverify.checking
    from tests.mutants import MUTANTS

    wrong = next(m for m in MUTANTS if m.replaced == "conditional_score")
    monkeypatch.setattr(genverify.checking, "REFERENCE", wrong.impl)
    code, out, _ = run(capsys, "check", "--profile", "quick", "diffusion.conditional_score")
    assert code == 1 and "FAIL" in out


def test_show_prints_each_step_with_its_status(capsys):
    code, out, _ = run(capsys, "show", "gan.optimal_discriminator")
    assert code == 0
    assert out.count("[proved]") == 7  # six steps and the claim
    assert "because" in out and "p_r(x)" in out
    code, out, _ = run(capsys, "show", "gan.optimal_discriminator", "--latex")
    assert code == 0 and r"\frac" in out


@pytest.mark.parametrize("argv, message", [
    (["check", "no.such.result"], "unknown result id 'no.such.result'"),
    (["show", "gan.nope"], "unknown result id 'gan.nope'"),
    (["check", "--profil", "quick"], "unrecognized arguments"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
    (["check", "--seed", "abc"], "invalid seed 'abc'"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_console_script_exit_codes():
    ok = subprocess.run([sys.executable, "-m", "genverify", "check", "gan.optimal_discriminator"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "1/1 proved" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "genverify", "show", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("genverify: error:") and "Traceback" not in bad.stderr


# --- the grading commands --------------------------------------------------------------------


def test_grade_exit_codes_and_formats(capsys):
    code, out, _ = run(capsys, "grade", "gan.optimal_discriminator", "--answer", r"\frac{p_r}{p_r+p_g}")
    assert code == 0 and "correct" in out
    code, out, _ = run(capsys, "grade", "gan.optimal_discriminator", "--answer", r"\frac{p_g}{p_r+p_g}",
                       "--format", "gradescope")
    assert code == 1 and json.loads(out)["tests"][0]["status"] == "failed"
    code, out, _ = run(capsys, "grade", "gan.optimal_discriminator", "--answer", r"\frac{", "--format", "prairielearn")
    assert code == 1 and json.loads(out)["gradable"] is False


def test_grade_reads_answer_files_and_batches(capsys, tmp_path):
    answer = tmp_path / "a.tex"
    answer.write_text(r"1-\bar\alpha_t", encoding="utf-8")
    code, out, _ = run(capsys, "grade", "diffusion.forward_variance", "--answer-file", str(answer), "--format", "json")
    assert code == 0 and json.loads(out)["method"] == "symbolic"
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": "1", "target": "diffusion.forward_variance", "answer": r"\bar\alpha_t"}) + "\n",
                     encoding="utf-8")
    code, out, err = run(capsys, "grade", "--batch", str(batch))
    assert code == 0 and json.loads(out)["diagnosis"] == ["β̄_t for 1-β̄_t"] and "incorrect: 1" in err


@pytest.mark.parametrize("argv, message", [
    (["grade", "diffusion.nope", "--answer", "1"], "unknown grading target 'diffusion.nope'"),
    (["grade", "diffusion.forward_variance"], "needs --answer"),
    (["grade", "diffusion.forward_variance", "--answer-file", "/no/such/file"], "cannot read /no/such/file"),
    (["grade", "--batch", "/no/such.jsonl"], "cannot read /no/such.jsonl"),
    (["grade", "--batch", "x.jsonl", "--resume"], "--resume needs --out"),
    (["grade-steps", "diffusion.forward_variance", "--file", "/no/such/file"], "cannot read"),
    (["grade-code", "diffusion.posterior_mean_variance", "/no/such.py"], "cannot read /no/such.py"),
])
def test_grading_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and message in err


def test_grade_steps_and_audit(capsys, tmp_path):
    chain = tmp_path / "steps.tex"
    chain.write_text(r"1-\prod_{i=1}^{t}(1-\beta_i) = 1-\bar\alpha_t", encoding="utf-8")
    code, out, _ = run(capsys, "grade-steps", "diffusion.forward_variance", "--file", str(chain))
    assert code == 0 and "step 1: valid" in out
    code, out, _ = run(capsys, "audit")
    assert code == 0 and "4 of 11 answers of the homework solution are not correct" in out
    code, out, _ = run(capsys, "audit", "--json")
    assert {row["verdict"] for row in json.loads(out)} == {"correct", "incorrect"}


def test_grade_code_runs_the_submission_in_a_sandbox(capsys):
    code, out, _ = run(capsys, "grade-code", "gan.optimal_discriminator", "tests/submissions/correct_discriminator.py")
    assert code == 0 and "correct" in out
    code, out, _ = run(capsys, "grade-code", "diffusion.posterior_mean_variance",
                       "tests/submissions/fake_verdict.py", "--format", "json")
    assert code == 1 and json.loads(out)["verdict"] != "correct"


# --- discovering the targets -----------------------------------------------------------------


def test_target_names_in_help_match_the_definitions():
    from genverify.cli import PROFILE_NAMES
    from genverify.grading.code import CODE_TARGETS as CODE_DEFINITIONS
    from genverify.grading.targets import TARGETS
    from genverify.numeric.crosschecks import PROFILES

    assert SYMBOLIC_TARGETS == tuple(TARGETS) and CODE_TARGETS == tuple(CODE_DEFINITIONS)
    assert PROFILE_NAMES == tuple(PROFILES)


def test_each_target_is_built_under_its_own_id_and_only_when_looked_up():
    """One `genverify grade` builds one target: the posterior's derivation is not imported to
    grade the forward variance (the lazy registry behind the < 0.6 s start-up of issue 10)."""
    code = ("import sys; from genverify.grading.targets import TARGETS; "
            "TARGETS['diffusion.forward_variance']; "
            "print('genverify.derivations.diffusion_posterior' in sys.modules); "
            "TARGETS['diffusion.posterior_mean']; "
            "print('genverify.derivations.diffusion_posterior' in sys.modules)")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split()
    assert lines == ["False", "True"]
    from genverify.grading.targets import TARGETS

    assert all(TARGETS[name].id == name for name in TARGETS)
    with pytest.raises(KeyError):
        TARGETS["diffusion.no_such_target"]


def test_targets_shows_one_target_in_full(capsys):
    from genverify.grading.code import CODE_TARGETS as CODE_DEFINITIONS
    from genverify.grading.targets import TARGETS

    code, out, _ = run(capsys, "targets", "diffusion.ddim_step")
    contract = CODE_DEFINITIONS["diffusion.ddim_step"]
    assert code == 0 and contract.signature in out
    assert all(f"{r.name} ({r.count})" in out for r in contract.regimes)
    assert all(m.explanation in out for m in contract.mistakes)
    # The correct submission, indented four spaces: its lines, in order.
    shown = [line[4:] for line in out.split("a correct submission:")[1].strip("\n").splitlines()]
    assert shown == contract.example.rstrip().splitlines()
    code, out, _ = run(capsys, "targets", "diffusion.posterior_variance")
    assert code == 0 and all(m.feedback in out for m in TARGETS["diffusion.posterior_variance"].mistakes)
    # A name that is both a symbolic and a code target shows both.
    code, out, _ = run(capsys, "targets", "diffusion.elbo_weight")
    assert code == 0 and "genverify grade)" in out and "genverify grade-code diffusion.elbo_weight" in out


def test_help_names_every_target(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out, _ = capsys.readouterr()
    assert exit_.value.code == 0 and all(name in out for name in (*SYMBOLIC_TARGETS, *CODE_TARGETS))


def test_targets_lists_every_target_with_an_example_the_grader_accepts(capsys):
    from genverify.commands.grading import example_answer
    from genverify.grading.code import CODE_TARGETS as CODE_DEFINITIONS
    from genverify.grading.symbolic import grade_answer
    from genverify.grading.targets import TARGETS

    code, out, _ = run(capsys, "targets")
    assert code == 0
    for target in TARGETS.values():
        example = example_answer(target)
        assert f"genverify grade {target.id} --answer '{example}'" in out
        assert grade_answer(target.id, example)["verdict"] == "correct", target.id
        assert ", ".join(sorted(target.allowed)) in out
    for name, contract in CODE_DEFINITIONS.items():
        assert name in out and contract.signature in out and f"def {contract.function}(" in out


def test_a_wrong_example_would_be_caught():
    """The example check can fail: the reference of one target is not an answer to another."""
    from genverify.commands.grading import example_answer
    from genverify.grading.symbolic import grade_answer
    from genverify.grading.targets import TARGETS

    wrong = example_answer(TARGETS["diffusion.forward_mean_coef"])
    assert grade_answer("diffusion.forward_variance", wrong)["verdict"] == "incorrect"
