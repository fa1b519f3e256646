"""Run results' proofs and Monte Carlo cross-checks from one seed, as ``genverify check`` does.

``genverify check`` and ``genverify docs`` both call ``check_results``, so the site's tables
show the numbers the command prints for the same ``--seed`` and profile.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from genverify.derivations.engine import Report, check
from genverify.registry import Result
from genverify.numeric.crosschecks import PROFILES, REFERENCE, CrossCheck, Outcome


def check_results(results: list[Result], seed: int, profile: str, progress: bool = True
                  ) -> tuple[list[Report], list[tuple[CrossCheck, Outcome]], np.random.Generator]:
    """Each result's proof report, each cross-check's outcome (in registry order), and the
    generator the proofs used, for further engine checks (the docs refute the mutants with it).

    The seed splits into one stream for the proofs' counterexample searches and one child per
    cross-check, so adding a check does not change the others' draws.
    """
    proof_rng, mc_rng = np.random.default_rng(seed).spawn(2)
    reports = [check(result.derivation(), proof_rng)
               for result in tqdm(results, desc="proofs", unit="result", leave=False, disable=None if progress else True)]
    checks = [c for result in results for c in result.crosschecks]
    n = PROFILES[profile]
    outcomes = [(c, c.run(REFERENCE, child, n))
                for c, child in tqdm(list(zip(checks, mc_rng.spawn(len(checks)))), desc="cross-checks",
                                     unit="check", leave=False, disable=None if progress else True)]
    return reports, outcomes, proof_rng
