"""Measure the cross-checks' false-alarm rate on the reference, and their power on the mutants.

For each check of ``numeric.crosschecks``: over ``--seeds`` seeds at the quick profile's ``n``,
how often the reference is rejected at ``|z| > K`` (rate ± binomial SE ``√(p(1-p)/seeds)``; at
K = 5 the normal rate is 5.7·10⁻⁷ per coordinate, so any rejection is a defect to investigate)
and the largest ``|z|`` seen.  Then, for each mutant of ``tests/mutants.py``, which checks reject
it (seed 0) with their max ``|z|``, and in how many of ``--mutant-seeds`` seeds it is killed.
``--results ID ...`` restricts both tables to the checks of those results (and the mutants of the
functions those checks use).
Usage: ``python benchmarks/false_alarm_crosschecks.py [--seeds 200] [--mutant-seeds 20] [--results ID ...]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genverify.numeric.crosschecks import CHECKS, K, PROFILES, REFERENCE, run_checks  # noqa: E402
from tests.mutants import MUTANTS  # noqa: E402


def false_alarms(seeds: int, n: int, results: list[str] | None) -> None:
    max_z = {check.name: 0.0 for check in CHECKS}
    rejections = {check.name: 0 for check in CHECKS}
    for seed in range(seeds):
        for check, outcome in run_checks(REFERENCE, n, np.random.default_rng(seed), results):
            max_z[check.name] = max(max_z[check.name], outcome.max_abs_z)
            rejections[check.name] += not outcome.passed(K)
    print(f"false alarms of REFERENCE at K = {K}, n = {n}")
    print(f"{'check':<28} {'coords':>6} {'seeds':>6} {'rejected':>8} {'rate ± SE':>16} {'max |z|':>8}")
    for check, outcome in run_checks(REFERENCE, n, np.random.default_rng(0), results):
        rate = rejections[check.name] / seeds
        se = math.sqrt(rate * (1.0 - rate) / seeds)
        print(f"{check.name:<28} {np.size(outcome.z):>6} {seeds:>6} {rejections[check.name]:>8} "
              f"{rate:>8.4f} ± {se:.4f} {max_z[check.name]:>8.2f}")


def kill_table(mutant_seeds: int, n: int, results: list[str] | None) -> None:
    print(f"\nmutation kill table at K = {K}, n = {n}")
    print(f"{'mutant':<32} {'killed by (seed 0: max |z|)':<62} {'seeds killed':>12}")
    used = {name for check in CHECKS if results is None or check.result_id in results for name in check.uses}
    mutants = [mutant for mutant in MUTANTS if mutant.replaced in used]
    killed = 0
    for mutant in mutants:
        outcomes = run_checks(mutant.impl, n, np.random.default_rng(0), results)
        killers = ", ".join(f"{check.name}: {outcome.max_abs_z:.3g}" for check, outcome in outcomes
                            if not outcome.passed(K))
        seeds_killed = sum(
            any(not outcome.passed(K) for _, outcome in run_checks(mutant.impl, n, np.random.default_rng(seed), results))
            for seed in range(mutant_seeds)
        )
        killed += bool(killers)
        print(f"{mutant.name:<32} {killers or 'SURVIVED':<62} {seeds_killed:>5}/{mutant_seeds}")
    print(f"kill rate: {killed}/{len(mutants)} = {killed / len(mutants):.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--mutant-seeds", type=int, default=20)
    parser.add_argument("--results", nargs="+", metavar="ID", help="only the checks of these results")
    args = parser.parse_args()
    n = PROFILES["quick"]
    start = time.perf_counter()
    false_alarms(args.seeds, n, args.results)
    kill_table(args.mutant_seeds, n, args.results)
    print(f"\n{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
