"""``check_results``: proofs and cross-checks on worker processes give exactly the serial verdicts.

Each proof and each cross-check draws from its own child of the seed, so the number of processes
(and the order in which their tasks finish) must change nothing but the time taken.
"""

from __future__ import annotations

import numpy as np
import pytest

from genverify.checking import check_results
from genverify.registry import lookup

#: Cheap results with cross-checks, so both kinds of task run on the workers.
IDS = ["gan.optimal_discriminator", "diffusion.forward_marginal", "diffusion.conditional_score"]


def verdicts(reports) -> list:
    return [(r.derivation.statement, [(s.verdict.status, s.verdict.method, s.verdict.counterexample) for s in r.steps],
             (r.claim.status, r.claim.method, r.claim.counterexample)) for r in reports]


def numbers(outcomes) -> list:
    return [(c.name, np.asarray(o.estimate).tolist(), np.asarray(o.se).tolist(), o.n) for c, o in outcomes]


@pytest.fixture(scope="module")
def serial():
    reports, outcomes, rng = check_results(lookup(IDS), seed=7, profile="quick", progress=False, processes=1)
    return reports, outcomes, rng.random()


def test_parallel_check_gives_the_serial_verdicts_and_numbers(serial):
    reports, outcomes, further = check_results(lookup(IDS), seed=7, profile="quick", progress=False, processes=2)
    assert verdicts(reports) == verdicts(serial[0])
    assert numbers(outcomes) == numbers(serial[1])
    assert further.random() == serial[2], "the generator handed back for further checks depends on the processes"
    assert all(r.status == "proved" for r in reports)


def test_the_comparison_sees_a_different_seed(serial):
    """The numbers compared above change with the seed: equal lists are not an accident of
    checks that ignore their generator."""
    _, outcomes, _ = check_results(lookup(IDS), seed=8, profile="quick", progress=False, processes=2)
    assert numbers(outcomes) != numbers(serial[1])


def test_each_report_belongs_to_its_result(serial):
    reports, _, _ = serial
    for result, report in zip(lookup(IDS), reports):
        assert report.derivation.statement == result.derivation().statement
        assert len(report.steps) == len(report.derivation.steps)
