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
