"""grade-code's cost per submission in each environment: the default one (the grader's
interpreter, NumPy only) and a course environment (``--python``, a venv with the CPU torch wheel),
with a NumPy-only and a torch-based submission of ``posterior_mean_variance``.

One run grades each (environment, submission) pair once, sandboxed, with the default limits, as
``grade-code`` does: probe the environment (cached after the first call in a process, as in a
long-running grader; the CLI pays it once per call, measured separately), start the child,
import the submission, grade every case, close.  Runs are interleaved so that load on the shared
machine hits every pair alike.  The table gives the median and p99 (the slowest run when there
are fewer than 100) of the wall-clock seconds, and cases graded per second at the median.

    python benchmarks/bench_course_env.py [--runs 20] [--python PATH]

``--python`` defaults to ``$GENVERIFY_COURSE_PYTHON``; without either only the default
environment is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from genverify.grading.code import grade_code
from genverify.grading.isolation import course_environment

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
TARGET = "diffusion.posterior_mean_variance"


def p99(values: list[float]) -> float:
    if len(values) < 100:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--python", default=os.environ.get("GENVERIFY_COURSE_PYTHON"))
    args = parser.parse_args()
    pairs = [("default (NumPy only)", None, "correct_posterior.py")]
    if args.python:
        pairs += [("course venv", args.python, "correct_posterior.py"),
                  ("course venv", args.python, "torch_correct_posterior.py"),
                  ("course venv", args.python, "torch_wrong_posterior.py")]
        probes = []
        for _ in range(min(args.runs, 5)):
            course_environment.cache_clear()
            began = time.perf_counter()
            course_environment(args.python)
            probes.append(time.perf_counter() - began)
        print(f"probing the course environment (once per CLI call): median "
              f"{statistics.median(probes):.3f} s over {len(probes)} probes\n")
    for _, python, name in pairs:  # warm the page cache and the probe cache
        grade_code(TARGET, str(SUBMISSIONS / name), python=python)
    times = {pair: [] for pair in pairs}
    reports = {}
    for _ in range(args.runs):
        for pair in pairs:
            began = time.perf_counter()
            reports[pair] = grade_code(TARGET, str(SUBMISSIONS / pair[2]), python=pair[1])
            times[pair].append(time.perf_counter() - began)
    print(f"grading one submission of {TARGET}, sandboxed, default limits "
          f"({args.runs} runs; seconds, wall clock)")
    print(f"{'environment':<22} {'submission':<28} {'median':>7} {'p99':>7} {'cases':>6} "
          f"{'cases/s':>8}  verdict")
    for pair, seconds in times.items():
        report = reports[pair]
        cases = sum(r["cases"] for r in report.get("regimes", []))
        median = statistics.median(seconds)
        print(f"{pair[0]:<22} {pair[2]:<28} {median:>7.3f} {p99(seconds):>7.3f} {cases:>6} "
              f"{cases / median:>8.0f}  {report['verdict']}, {report['score']:g}")


if __name__ == "__main__":
    main()
