"""grade-code's cost per submission in each environment: the default one (the grader's
interpreter, NumPy only) and a course environment (``--python``, a venv with the CPU torch wheel),
with a NumPy-only and a torch-based submission of ``posterior_mean_variance``.

Two tables.  Whole gradings: one run grades each (environment, submission) pair once, sandboxed, with the default limits, as
``grade-code`` does: probe the environment (cached after the first call in a process, as in a
long-running grader; the CLI pays it once per call, measured separately), start the child,
import the submission, grade every case, close.  Runs are interleaved so that load on the shared
machine hits every pair alike.  The table gives the median and p99 (the slowest run when there
are fewer than 100) of the wall-clock seconds, and cases graded per second at the median.
Phases, through the sandbox directly: starting the child, importing the submission (torch's
import is the bulk of a torch grading) and evaluating all the target's cases in one request
(the child's work plus the JSON round trip), medians; cases per second of that last phase.

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

from genverify.grading.cases import draw_cases, wire_case
from genverify.grading.code import grade_code
from genverify.grading.contracts import CODE_TARGETS
from genverify.grading.isolation import Limits, course_environment
from genverify.grading.sandbox import Sandbox, environment_for

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
TARGET = "diffusion.posterior_mean_variance"


def p99(values: list[float]) -> float:
    if len(values) < 100:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def phases(python: str | None, name: str) -> tuple[float, float, float]:
    """Seconds to start the child, import the submission, and evaluate every case."""
    contract = CODE_TARGETS[TARGET]
    request = {"cases": [wire_case(contract, case) for _, case in draw_cases(contract, 0)]}
    hello = {"source": (SUBMISSIONS / name).read_text(encoding="utf-8"),
             "function": contract.function, "outputs": len(contract.outputs)}
    environment = environment_for(python)
    began = time.perf_counter()
    child = Sandbox(Limits(), environment=environment)
    try:
        started = time.perf_counter()
        assert child.ask(hello).get("imported") is True, name
        imported = time.perf_counter()
        assert len(child.ask(request)["results"]) == len(request["cases"]), name
        done = time.perf_counter()
    finally:
        child.close()
    return started - began, imported - started, done - imported


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
    split = {pair: [] for pair in pairs}
    reports = {}
    for _ in range(args.runs):
        for pair in pairs:
            began = time.perf_counter()
            reports[pair] = grade_code(TARGET, str(SUBMISSIONS / pair[2]), python=pair[1])
            times[pair].append(time.perf_counter() - began)
            split[pair].append(phases(pair[1], pair[2]))
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
    count = len(draw_cases(CODE_TARGETS[TARGET], 0))
    print(f"\nphases (medians over {args.runs} runs, seconds; {count} cases in one request)")
    print(f"{'environment':<22} {'submission':<28} {'start':>7} {'import':>7} {'cases':>7} "
          f"{'cases/s':>8}")
    for pair, rows in split.items():
        start, load, evaluate = (statistics.median(column) for column in zip(*rows))
        print(f"{pair[0]:<22} {pair[2]:<28} {start:>7.3f} {load:>7.3f} {evaluate:>7.3f} "
              f"{count / evaluate:>8.0f}")


if __name__ == "__main__":
    main()
