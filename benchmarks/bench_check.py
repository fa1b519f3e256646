"""Time ``genverify check`` cold (a fresh process each run, imports included), before and after
the speed work of issue 10, in one run so that both see the same machine load.

Variants, each run ``--repeat`` times, interleaved (before, serial, after, before, ...):

- ``before``: proofs on one process, every expression compiled afresh by ``lambdify``, and the
  Gaussian KL expanded by ``sympy.stats`` (``notation.gaussian_kl_expectation``) wherever it
  occurs, as the code did before;
- ``serial``: the shipped code on one process (what the process pool adds is the difference
  to ``after``);
- ``after``: the shipped code, ``genverify check`` as a user runs it.

Every variant re-proves every result and re-runs every cross-check: nothing is cached between
runs.  Prints a table of medians (min, max) and the ratio to ``before``; ``--per-result`` adds
each derivation's median in-process check time, the profile of where the time goes.

Usage: ``python benchmarks/bench_check.py [--repeat 5] [--per-result]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

#: Runs ``genverify check`` in a fresh interpreter as the variant named in argv[1].
DRIVER = r"""
import sys
import genverify.checking as checking
import genverify.derivations.engine as engine
from genverify.derivations import notation

variant = sys.argv[1]
if variant in ("before", "serial"):
    checking.PROCESSES = 1
if variant == "before":
    engine._compiled = engine._compiled.__wrapped__

    def expectation(self, **hints):
        means = [a.doit(**hints) for a in self.args[:2]]
        variances = [v.doit(**hints) for v in self.variances]
        return notation.gaussian_kl_expectation(*means, *variances)

    notation.GaussianKL.doit = expectation
from genverify.cli import main
sys.exit(main(["check"]))
"""

VARIANTS = ("before", "serial", "after")


def cold_runs(repeat: int) -> dict[str, list[float]]:
    walls: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(repeat):
        for variant in VARIANTS:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", DRIVER, variant], capture_output=True, text=True)
            walls[variant].append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"genverify check ({variant}) exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return walls


def per_result(repeat: int) -> None:
    import numpy as np

    from genverify.derivations.engine import check
    from genverify.registry import RESULTS

    print(f"\n{'derivation (in-process, serial)':<32} {'median s':>9} {'min s':>7} {'max s':>7}")
    for result in RESULTS:
        times = []
        for seed in range(repeat):
            derivation = result.derivation()
            start = time.perf_counter()
            check(derivation, np.random.default_rng(seed))
            times.append(time.perf_counter() - start)
        print(f"{result.id:<32} {statistics.median(times):>9.2f} {min(times):>7.2f} {max(times):>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-result", action="store_true", help="also time each derivation in-process")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    walls = cold_runs(args.repeat)
    base = statistics.median(walls["before"])
    print(f"{'genverify check, cold process':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'vs before':>9}")
    for variant in VARIANTS:
        median = statistics.median(walls[variant])
        print(f"{variant:<32} {median:>9.2f} {min(walls[variant]):>7.2f} {max(walls[variant]):>7.2f} "
              f"{base / median:>8.2f}×")
    if args.per_result:
        per_result(args.repeat)


if __name__ == "__main__":
    main()
