"""``grade-code``'s cases: a pure function of (target, seed, version), stratified by regime.

The issue behind this file: with Hypothesis drawing the cases, the same file was correct through
the Python API and incorrect through the CLI.  Here the API, a fresh interpreter that imports
other things first, and the CLI must draw the same cases and write the same verdict.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from genverify.grading.cases import (READABLE, draw_cases, regime_rng, round_robin, wire_case)
from genverify.grading.code import grade_code, score
from genverify.grading.contracts import CODE_TARGETS
from genverify.numeric.schedules import Schedule

SUBMISSIONS = Path(__file__).parent / "submissions"
POSTERIOR = "diffusion.posterior_mean_variance"


def digest(target: str, seed: int) -> str:
    """A hash of the cases as the child receives them."""
    contract = CODE_TARGETS[target]
    wire = [[regime, wire_case(contract, case)] for regime, case in draw_cases(contract, seed)]
    return hashlib.sha256(json.dumps(wire, sort_keys=True).encode()).hexdigest()


def test_a_fresh_interpreter_that_imports_hypothesis_first_draws_the_same_cases():
    program = ("import sys, hypothesis, hypothesis.extra.numpy, genverify.grading.symbolic; "
               "import numpy as np; np.random.seed(123); np.random.random(7); "
               "sys.path.insert(0, sys.argv[1]); from test_code_cases import digest; "
               "print(*(digest(t, 7) for t in sys.argv[2:]))")
    out = subprocess.run([sys.executable, "-c", program, str(Path(__file__).parent), *CODE_TARGETS],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [digest(target, 7) for target in CODE_TARGETS]


@pytest.mark.parametrize("submission", ["wrong_posterior_no_sqrt.py", "correct_posterior.py"])
def test_the_api_and_the_cli_write_the_same_verdict(submission):
    path = str(SUBMISSIONS / submission)
    console_script = Path(sys.executable).parent / "genverify"  # what a course's script calls
    cli = subprocess.run([str(console_script), "grade-code", POSTERIOR, path, "--seed", "11",
                          "--format", "json"], capture_output=True, text=True)
    assert cli.returncode in (0, 1), cli.stderr
    api = grade_code(POSTERIOR, path, rng_seed=11)
    from_cli = json.loads(cli.stdout)
    from_api = json.loads(json.dumps(api))
    for report in (from_cli, from_api):
        report.pop("seconds")
        # The console script runs .venv/bin/python3, pytest .venv/bin/python: the same file.
        report["environment"]["python"] = os.path.realpath(report["environment"]["python"])
    assert from_cli == from_api


def test_the_seed_changes_the_cases_and_the_same_seed_repeats_them():
    assert digest(POSTERIOR, 0) == digest(POSTERIOR, 0)
    assert len({digest(POSTERIOR, seed) for seed in range(4)}) == 4


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_a_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="seed"):
        draw_cases(CODE_TARGETS[POSTERIOR], seed)


def test_a_regime_draws_from_its_own_generator():
    """Adding or reordering regimes cannot change another regime's cases."""
    target = CODE_TARGETS[POSTERIOR]
    drawn = draw_cases(target, 3)
    regime = target.regimes[4]
    alone = regime_rng(3, target.name, regime.name)
    own = [case for name, case in drawn if name == regime.name]
    for case in own:
        again = regime.draw(alone)
        assert json.dumps(wire_case(target, again)) == json.dumps(wire_case(target, case))


@pytest.mark.parametrize("target", list(CODE_TARGETS))
def test_each_target_has_fixed_counts_per_regime_and_forty_to_seventy_cases(target):
    contract = CODE_TARGETS[target]
    drawn = draw_cases(contract, 0)
    assert 40 <= len(drawn) <= 70
    assert contract.regimes[0].name == READABLE
    for regime in contract.regimes:
        assert sum(name == regime.name for name, _ in drawn) == regime.count
    for _, case in drawn:  # every case is valid input: the reference answers it
        contract.reference(case)


def test_the_schedule_regimes_hold_what_their_names_say():
    drawn = draw_cases(CODE_TARGETS[POSTERIOR], 0)

    def cases(name):
        return [case for regime, case in drawn if regime == name]

    assert all(len(c["betas"]) == 1 and c["t"] == 1 for c in cases("T = 1"))
    assert all(len(c["betas"]) >= 2 and c["t"] == 1 for c in cases("t = 1 of longer schedules"))
    later = [c for regime, c in drawn if regime not in (READABLE, "T = 1", "t = 1 of longer schedules")]
    assert all(c["t"] >= 2 for c in later) and any(c["t"] == len(c["betas"]) for c in later)
    assert all(2 <= len(c["betas"]) <= 10 for c in cases("short schedules (T ≤ 10)"))
    assert all(len(c["betas"]) == 1000 for c in cases("T = 1000 linear") + cases("T = 1000 cosine"))
    assert all(50 <= len(c["betas"]) <= 500 for c in cases("linear, 50 ≤ T ≤ 500"))
    extreme = cases("extreme (β̄_t underflows, or β_t ≈ 1e-6)")
    alpha_bars = [Schedule(c["betas"]).alpha_bars[c["t"] - 1] for c in extreme]
    assert min(alpha_bars) < 1e-300 and max(alpha_bars) > 0.99
    assert all(c["x_t"].shape != c["x_0"].shape for c in cases("broadcast shapes"))
    for c in cases(READABLE):
        assert set(c["betas"].tolist()) <= {0.1, 0.2, 0.25, 0.5} and len(c["betas"]) <= 4
        assert np.all(c["x_t"] == np.round(c["x_t"])) and np.all(c["x_0"] == np.round(c["x_0"]))


def test_the_elbo_weight_starts_at_t_equal_2():
    drawn = draw_cases(CODE_TARGETS["diffusion.elbo_weight"], 0)
    assert all(2 <= case["t"] <= len(case["betas"]) for _, case in drawn)
    assert any(regime == "T = 2" for regime, _ in drawn)


def test_round_robin_takes_one_case_per_regime_in_turn():
    drawn = draw_cases(CODE_TARGETS[POSTERIOR], 0)
    regimes = [r.name for r in CODE_TARGETS[POSTERIOR].regimes]
    names = [name for name, _ in round_robin(drawn, len(regimes) + 2)]
    assert names == regimes + regimes[:2]


@pytest.mark.parametrize(("failed", "weights", "expected"), [
    ([0, 0, 0, 0], None, 1.0),
    ([1, 0, 0, 0], None, 0.75),
    ([1, 1, 1, 1], None, 0.0),
    ([1, 0, 0, 0], {"a": 2.0}, 0.6),
    ([0, 1, 1, 1], {"a": 0.0}, 0.0),
    ([0, 0, 0, 0], {"a": 0, "b": 0, "c": 0, "d": 0}, 0.0),
])
def test_the_score_is_the_weighted_fraction_of_regimes_passed(failed, weights, expected):
    regimes = [{"name": n, "cases": 5, "failed": f} for n, f in zip("abcd", failed)]
    assert score(regimes, weights) == expected


@pytest.mark.parametrize("target", list(CODE_TARGETS))
def test_the_reference_answers_every_case_of_ten_seeds(target):
    """A reference that raises on a drawn case would stop a grading: every draw must be valid."""
    contract = CODE_TARGETS[target]
    for seed in range(10):
        for regime, case in draw_cases(contract, seed):
            outputs = contract.reference(case)
            parts = outputs if len(contract.outputs) > 1 else (outputs,)
            assert all(np.all(np.isfinite(np.asarray(p, dtype=np.float64))) for p in parts), (regime, case)
