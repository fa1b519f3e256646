"""The generic harness: every registered derivation is proved, every mutant refuted.

Failures name the result, the mutant and the step (as scipy.stats' harness names the
distribution and the identity).
"""

from __future__ import annotations

import numpy as np
import pytest

from genverify.derivations.engine import PROVED, REFUTED, check
from genverify.registry import RESULTS

MUTANTS = [(r.id, name) for r in RESULTS for name in r.mutants()]


@pytest.fixture(scope="module")
def reports():
    return {r.id: check(r.derivation(), np.random.default_rng(0)) for r in RESULTS}


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: r.id)
def test_every_step_and_the_claim_are_proved(result, reports):
    report = reports[result.id]
    for i, s in enumerate(report.steps, start=1):
        assert s.verdict.status == PROVED, f"{result.id} step {i} ({s.step.why}): {s.verdict}"
    assert report.claim.status == PROVED, f"{result.id} claim: {report.claim}"
    assert report.status == PROVED


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: r.id)
def test_every_result_has_broken_variants(result):
    assert len(result.mutants()) >= 3, f"{result.id} has too few mutants to show its checks can fail"


@pytest.mark.parametrize(("result_id", "mutant"), MUTANTS, ids=[f"{r}: {m}" for r, m in MUTANTS])
def test_every_mutant_is_refuted_with_a_counterexample(result_id, mutant):
    (result,) = [r for r in RESULTS if r.id == result_id]
    report = check(result.mutants()[mutant], np.random.default_rng(1))
    assert report.status == REFUTED, f"{result_id}: mutant {mutant!r} was {report.status}"
    failure = report.first_failure
    verdict = report.claim if failure == len(report.steps) else report.steps[failure].verdict
    assert verdict.status == REFUTED
    assert verdict.counterexample, f"{result_id}: mutant {mutant!r} refuted without a counterexample"


def test_every_cross_check_belongs_to_a_registered_result_and_every_result_has_one():
    from genverify.numeric.crosschecks import CHECKS

    ids = {r.id for r in RESULTS}
    assert {c.result_id for c in CHECKS} <= ids
    assert all(r.crosschecks for r in RESULTS), [r.id for r in RESULTS if not r.crosschecks]


@pytest.mark.parametrize("seed", [2, 3])
def test_verdicts_do_not_depend_on_the_seed(seed):
    for result in RESULTS:
        assert check(result.derivation(), np.random.default_rng(seed)).status == PROVED, result.id


# --- the homework audit: steps, readings and the exact wording of 1.2 -----------------------------


def test_audit_grades_the_steps_of_2_4_and_says_what_1_2_gets_right():
    from genverify.grading.audit import run_audit

    rows = {(case.section, case.claim): result for case, result in run_audit()}
    steps = rows["2.4", "posterior mean, the steps"]
    assert steps["verdict"] == "incorrect" and steps["first_invalid"] == 1
    assert [s["status"] for s in steps["steps"]] == ["invalid", "valid"] and steps["final"]["verdict"] == "correct"
    assert rows["2.4", "posterior mean"]["verdict"] == "correct"
    value = rows["1.2", "generator objective at D*"]
    assert value["verdict"] == "incorrect"
    assert "right as an argmin" in value["feedback"] and "wrong only as a value" in value["feedback"]
    assert rows["1.2", "generator objective, the '=' line"]["verdict"] == "correct"
    for section in ("1.3", "2.2"):
        (result,) = [r for (s, _), r in rows.items() if s == section]
        assert result["method"] == "reading" and result["verdict"] in {"correct", "incorrect"}


def test_every_result_states_its_scope_and_claims_no_more_than_it():
    for result in RESULTS:
        assert result.scope.strip(), result.id
    statements = {r.id: r.derivation().statement for r in RESULTS}
    assert "3 atoms" in statements["gan.generator_objective"]
    assert "3 values" in statements["diffusion.likelihood_bound"]
    assert "every T ≥ 1" in statements["diffusion.elbo"]
