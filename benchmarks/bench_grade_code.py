"""grade-code's speed: cases drawn per second (stratified NumPy draws vs the Hypothesis draws they
replaced), and the wall-clock time to grade one submission of each of the five original targets
(correct ones, and wrong ones whose mistake is then searched for), sandboxed.

The Hypothesis drawer is loaded from git (``b390e78^:genverify/grading/cases.py``, 60 inputs per
target as ``grade-code`` drew them).  Runs are interleaved so that load on the shared machine
hits every variant alike; the tables give medians and the slowest run (the p99 of so few runs).

    python benchmarks/bench_grade_code.py [--runs 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from genverify.grading.cases import draw_cases
from genverify.grading.code import grade_code
from genverify.grading.contracts import CODE_TARGETS

ROOT = Path(__file__).resolve().parent.parent
OLD = "b390e78^"
SUBMISSIONS = ROOT / "tests" / "submissions"
ORIGINAL = ("diffusion.posterior_mean_variance", "diffusion.forward_marginal",
            "diffusion.elbo_weight", "diffusion.conditional_score", "gan.optimal_discriminator")
GRADED = [
    ("diffusion.posterior_mean_variance", "correct_posterior.py"),
    ("diffusion.forward_marginal", "correct_forward_marginal.py"),
    ("diffusion.elbo_weight", "correct_elbo_weight.py"),
    ("diffusion.conditional_score", "correct_conditional_score.py"),
    ("gan.optimal_discriminator", "correct_discriminator.py"),
    ("diffusion.posterior_mean_variance", "mistakes/posterior_float32.py"),
    ("diffusion.forward_marginal", "mistakes/forward_zero_based_t.py"),
    ("diffusion.elbo_weight", "mistakes/elbo_weight_epsilon.py"),
    ("diffusion.posterior_mean_variance", "mistakes/posterior_offset.py"),
]


def old_cases(folder: Path):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD}:genverify/grading/cases.py"],
                          check=True, capture_output=True, text=True).stdout
    (folder / "old_cases.py").write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_cases", folder / "old_cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def timed(work) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        old = old_cases(Path(folder))
        print("cases drawn per second (median over runs; one run = every target's cases, seed = run)")
        print(f"{'target':<36} {'cases':>5} {'stratified/s':>13} {'Hypothesis/s':>13} {'speed-up':>9}")
        for name in ORIGINAL:
            count = len(draw_cases(CODE_TARGETS[name], 0))
            new_s, old_s = [], []
            for seed in range(runs):
                new_s.append(timed(lambda: draw_cases(CODE_TARGETS[name], seed)))
                old_s.append(timed(lambda: old.draw_cases(old.CODE_TARGETS[name].inputs, 60, seed)))
            new_rate = count / statistics.median(new_s)
            old_rate = 60 / statistics.median(old_s)
            print(f"{name:<36} {count:>5} {new_rate:>13.0f} {old_rate:>13.0f} {new_rate / old_rate:>8.1f}x")
    print("\ngrading one submission, sandboxed (seconds, wall clock)")
    print(f"{'target':<36} {'submission':<32} {'median':>7} {'slowest':>8}  verdict, score")
    times: dict[tuple[str, str], list[float]] = {row: [] for row in GRADED}
    reports = {}
    for _ in range(runs):
        for row in GRADED:
            began = time.perf_counter()
            reports[row] = grade_code(row[0], str(SUBMISSIONS / row[1]))
            times[row].append(time.perf_counter() - began)
    for (target, submission), seconds in times.items():
        report = reports[(target, submission)]
        print(f"{target:<36} {submission:<32} {statistics.median(seconds):>7.3f} {max(seconds):>8.3f}"
              f"  {report['verdict']}, {report['score']:g}")


if __name__ == "__main__":
    main()
