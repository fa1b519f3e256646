"""Time ``genverify check`` (the proofs) and each derivation inside it.

Prints a table: per result, the median over ``--repeat`` runs of the time to check its
derivation, and the median wall time of the whole command in a fresh process (imports
included).  Usage: ``python benchmarks/bench_check.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

from genverify.derivations.engine import check
from genverify.registry import RESULTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"{'result':<30} {'median s':>9} {'min s':>7} {'max s':>7}")
    for result in RESULTS:
        times = []
        for seed in range(args.repeat):
            start = time.perf_counter()
            check(result.derivation(), np.random.default_rng(seed))
            times.append(time.perf_counter() - start)
        print(f"{result.id:<30} {statistics.median(times):>9.2f} {min(times):>7.2f} {max(times):>7.2f}")

    walls = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "genverify", "check"], check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    print(f"{'genverify check (process)':<30} {statistics.median(walls):>9.2f} {min(walls):>7.2f} {max(walls):>7.2f}")


if __name__ == "__main__":
    main()
