"""The Monte Carlo cross-checks (``numeric.crosschecks``): the reference passes them, every mutant
in ``tests/mutants.py`` fails at least one, and each check really exercises what it claims to."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genverify.numeric.crosschecks import (
    CHECKS,
    IMPLEMENTATION_FUNCTIONS,
    K,
    PROFILES,
    REFERENCE,
    Implementation,
    Outcome,
    run_checks,
)
from tests.mutants import MUTANTS

RESULT_IDS = {
    "gan.optimal_discriminator", "gan.generator_objective", "gan.vanishing_gradient",
    "diffusion.forward_marginal", "diffusion.posterior", "diffusion.elbo", "diffusion.conditional_score",
    "diffusion.likelihood_bound", "gan.dirac", "diffusion.dsm", "diffusion.probability_flow", "gan.nonsaturating_gradient", "diffusion.tweedie", "diffusion.gaussian_kl",
    "diffusion.ddim_marginals",
}
N_QUICK, N_DEFAULT = PROFILES["quick"], PROFILES["default"]
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _failure(check, outcome: Outcome) -> str:
    return f"{check.result_id} / {check.name}: z = {np.round(np.atleast_1d(outcome.z), 2).tolist()}"


# --- Outcome ----------------------------------------------------------------------------


def test_outcome_z_and_threshold():
    outcome = Outcome(np.array([1.0, 2.5]), np.array([0.5, 0.5]), np.array([1.0, 0.0]), 10)
    assert np.allclose(outcome.z, [0.0, 5.0])
    assert outcome.passed(5.0) and not outcome.passed(4.9)


def test_outcome_nan_fails():
    assert not Outcome(np.nan, 1.0, 0.0, 10).passed(1e9)


# --- (a) the reference passes -------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_reference_passes_default_profile(check):
    outcome = check.run(REFERENCE, np.random.default_rng(20240611), N_DEFAULT)
    se = np.asarray(outcome.se)
    assert np.all(np.isfinite(se) & (se > 0)), f"{check.name}: a zero or non-finite SE makes z meaningless"
    assert outcome.passed(K), _failure(check, outcome)


@settings(max_examples=5, deadline=None)
@given(seed=SEEDS)
def test_reference_passes_any_seed(seed):
    for check, outcome in run_checks(REFERENCE, N_QUICK, np.random.default_rng(seed)):
        assert outcome.passed(K), _failure(check, outcome)


def test_every_result_has_a_check():
    assert {check.result_id for check in CHECKS} == RESULT_IDS
    assert len({check.name for check in CHECKS}) == len(CHECKS)


def test_run_checks_selects_results():
    selected = run_checks(REFERENCE, N_QUICK, np.random.default_rng(0), ["diffusion.elbo"])
    assert [check.name for check, _ in selected] == ["denoising_terms"]


# --- (b) the mutation test ------------------------------------------------------------------


@pytest.fixture(scope="module")
def kills() -> dict[str, list[tuple[str, float]]]:
    """Mutant name → the checks that reject it at K (quick profile, the weakest) and their max |z|."""
    table = {}
    for mutant in MUTANTS:
        outcomes = run_checks(mutant.impl, N_QUICK, np.random.default_rng(7))
        table[mutant.name] = [(check.name, outcome.max_abs_z) for check, outcome in outcomes if not outcome.passed(K)]
    return table


def test_catalogue_is_large_and_each_mutant_replaces_one_function():
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    for mutant in MUTANTS:
        changed = [f.name for f in fields(Implementation)
                   if getattr(mutant.impl, f.name) is not getattr(REFERENCE, f.name)]
        assert changed == [mutant.replaced], mutant.name


def test_every_mutant_is_killed(kills, record_property):
    survivors = [name for name, killers in kills.items() if not killers]
    kill_rate = 1.0 - len(survivors) / len(kills)
    record_property("kill_rate", kill_rate)
    print(f"\nmutation kill rate at K = {K}, n = {N_QUICK}: {len(kills) - len(survivors)}/{len(kills)} = {kill_rate:.0%}")
    assert not survivors, f"mutants no cross-check rejects: {survivors}"


def test_the_readme_states_the_catalogue_as_it_runs(kills):
    """README.md quotes the catalogue's size and this test's kill rate; they must be today's."""
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())
    killed = sum(bool(killers) for killers in kills.values())
    found = re.search(r"`tests/mutants.py` holds (\d+) deliberately wrong implementations .*?kill rate (\d+)/(\d+)", readme)
    assert found, "README.md no longer states the mutation test's result"
    assert tuple(map(int, found.groups())) == (len(MUTANTS), killed, len(MUTANTS))


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_killed_by_a_check_of_its_function(kills, mutant):
    testers = {check.name for check in CHECKS if mutant.replaced in check.uses}
    killers = {name for name, _ in kills[mutant.name]}
    assert killers & testers, f"{mutant.name} ({mutant.description}): killed only by {sorted(killers)}"


# --- (c) no check passes trivially -------------------------------------------------------------


class _Called(Exception):
    pass


def _raising(name: str):
    def fn(*args, **kwargs):
        raise _Called(name)
    return fn


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_check_calls_every_function_it_claims(check):
    for name in check.uses:
        with pytest.raises(_Called):
            check.run(replace(REFERENCE, **{name: _raising(name)}), np.random.default_rng(0), N_QUICK)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_check_uses_nothing_else(check):
    """With every other function raising, the check still runs: ``uses`` is complete, so the
    simulation side never borrows the implementation under test."""
    others = {name: _raising(name) for name in IMPLEMENTATION_FUNCTIONS if name not in check.uses}
    check.run(replace(REFERENCE, **others), np.random.default_rng(0), N_QUICK)


def test_every_function_is_checked_and_every_check_can_fail(kills):
    assert set(IMPLEMENTATION_FUNCTIONS) == {name for check in CHECKS for name in check.uses}
    killing = {name for killers in kills.values() for name, _ in killers}
    assert killing == {check.name for check in CHECKS}, "a check that rejects no mutant cannot fail"
