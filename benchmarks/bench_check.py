"""Time ``genverify check`` cold (a fresh process each run, imports included), before and after
the speed work of issue 10, in one run so that both see the same machine load.

Variants, each run ``--repeat`` times, interleaved (before, serial, after, before, ...):

- ``before``: proofs on one process, every expression compiled afresh by ``lambdify``, every
  relation re-proved when a derivation checks it again (its claim restating its steps), and every
  Gaussian KL (``GaussianKL.doit`` and ``gaussian_kl_expectation``) integrated by ``sympy.stats``,
  as the code did before (the faster point drawing, argument conversion and ``lambdify`` call of
  the falsifier are not undone: ``before`` is faster than the code before issue 10 was);
- ``serial``: the shipped code on one process (what the process pool adds is the difference
  to ``after``);
- ``after``: the shipped code, ``genverify check`` as a user runs it.

Every variant re-proves every result and re-runs every cross-check: nothing is cached between
runs.  Prints a table of wall-clock medians (min, max), the ratio to ``before`` and the median
CPU seconds of the process and its workers (on a loaded machine the wall time of the parallel
variant says little; the CPU time says what the work costs); ``--per-result`` adds
each derivation's median in-process check time, the profile of where the time goes.

Usage: ``python benchmarks/bench_check.py [--repeat 5] [--per-result]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

#: Runs ``genverify check`` in a fresh interpreter as the variant named in argv[1].
DRIVER = r"""
import contextlib
import sys
import genverify.checking as checking
import genverify.derivations.evaluation as evaluation
import genverify.derivations.steps as steps
from genverify.derivations import notation

variant = sys.argv[1]
if variant in ("before", "serial"):
    checking.PROCESSES = 1
if variant == "before":
    evaluation._compiled = evaluation._compiled.__wrapped__
    steps.reusing_verdicts = contextlib.nullcontext

    def integral(mean_1, mean_2, variance_1, variance_2):
        from sympy import sqrt, expand, stats

        X = stats.Normal("X", mean_1, sqrt(variance_1))
        return stats.E(expand(notation.gaussian_logpdf(X, mean_1, variance_1)
                              - notation.gaussian_logpdf(X, mean_2, variance_2)))

    def expectation(self, **hints):
        means = [a.doit(**hints) for a in self.args[:2]]
        variances = [v.doit(**hints) for v in self.variances]
        return integral(*means, *variances)

    notation.GaussianKL.doit = expectation
    notation.gaussian_kl_expectation = integral
from genverify.cli import main
sys.exit(main(["check"]))
"""

VARIANTS = ("before", "serial", "after")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_runs(repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall seconds and CPU seconds (the process and its workers) of each run, by variant."""
    walls: dict[str, list[float]] = {v: [] for v in VARIANTS}
    cpus: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(repeat):
        for variant in VARIANTS:
            cpu, start = _children_cpu(), time.perf_counter()
            done = subprocess.run([sys.executable, "-c", DRIVER, variant], capture_output=True, text=True)
            walls[variant].append(time.perf_counter() - start)
            cpus[variant].append(_children_cpu() - cpu)
            if done.returncode != 0:
                sys.exit(f"genverify check ({variant}) exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return walls, cpus


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

    load = os.getloadavg()
    walls, cpus = cold_runs(args.repeat)
    base = statistics.median(walls["before"])
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in load)} on {os.cpu_count()} cores")
    print(f"{'genverify check, cold process':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'vs before':>9} "
          f"{'CPU s':>7}")
    for variant in VARIANTS:
        median = statistics.median(walls[variant])
        print(f"{variant:<32} {median:>9.2f} {min(walls[variant]):>7.2f} {max(walls[variant]):>7.2f} "
              f"{base / median:>8.2f}× {statistics.median(cpus[variant]):>7.2f}")
    if args.per_result:
        per_result(args.repeat)


if __name__ == "__main__":
    main()
