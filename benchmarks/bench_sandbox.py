"""Sandbox start-up overhead per grading: today's bubblewrap + seccomp child against the child
before issue 9 (rlimits, and namespaces only as root; commit 59c49f1^), and against
``--no-sandbox``.

One "start-up" is what every grading pays before the first case: start the child, import the
submission (a one-line function, so the import itself costs nothing), close the child.  The old
path is loaded from git (``git show 59c49f1^:genverify/grading/...``) into a temporary folder.
Runs are interleaved so that load on the machine hits every path alike; the table gives medians.

    python benchmarks/bench_sandbox.py [--runs 20]
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

from genverify.grading.code import grade_code
from genverify.grading.sandbox import Limits, Sandbox

ROOT = Path(__file__).resolve().parent.parent
OLD = "59c49f1^"
HELLO = {"source": "def f(x):\n    return x\n", "function": "f", "outputs": 1}
SUBMISSION = ROOT / "tests" / "submissions" / "correct_posterior.py"


def old_module(folder: Path):
    for name in ("code.py", "sandbox_worker.py"):
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{OLD}:genverify/grading/{name}"],
                              check=True, capture_output=True, text=True).stdout
        (folder / name).write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_grading_code", folder / "code.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def start_up(make) -> float:
    began = time.perf_counter()
    child = make()
    try:
        child.ask(HELLO)
    finally:
        child.close()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        old = old_module(Path(folder))
        paths = {
            "before issue 9 (rlimits; namespaces as root)": lambda: old._Sandbox(old.Limits()),
            "bubblewrap + seccomp (default)": lambda: Sandbox(Limits()),
            "--no-sandbox (rlimits only)": lambda: Sandbox(Limits(), sandboxed=False),
        }
        whole = {
            "before issue 9 (rlimits; namespaces as root)":
                lambda: old.grade_code("diffusion.posterior_mean_variance", str(SUBMISSION)),
            "bubblewrap + seccomp (default)":
                lambda: grade_code("diffusion.posterior_mean_variance", str(SUBMISSION)),
            "--no-sandbox (rlimits only)":
                lambda: grade_code("diffusion.posterior_mean_variance", str(SUBMISSION),
                                   sandboxed=False),
        }
        for make in paths.values():
            start_up(make)  # warm the page cache and the seccomp program
        times = {name: [] for name in paths}
        for _ in range(runs):
            for name, make in paths.items():
                times[name].append(start_up(make))
        grading = {name: [] for name in whole}
        for _ in range(max(3, runs // 4)):
            for name, run in whole.items():
                began = time.perf_counter()
                assert run()["verdict"] == "correct"
                grading[name].append(time.perf_counter() - began)
    print(f"sandbox start-up per grading, median of {runs} (start, import, close), and a whole "
          f"grade-code of correct_posterior.py (60 cases), median of {max(3, runs // 4)}")
    print(f"{'path':<46} {'start-up ms':>12} {'whole grading ms':>17}")
    for name in paths:
        print(f"{name:<46} {1e3 * statistics.median(times[name]):>12.1f} "
              f"{1e3 * statistics.median(grading[name]):>17.1f}")
    print(f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
