"""Every benchmark under ``benchmarks/`` run once with its smallest settings: does it still run?

The benchmarks are not part of the test suite (their numbers depend on the machine), so nothing
else notices when one rots: ``bench_grade.py`` died with a KeyError for a session after the
grading corpus grew.  This prints a table (benchmark, arguments, exit code, seconds) and exits 1
if any benchmark failed; the numbers the benchmarks print at these settings mean nothing.
``.ci/run`` calls it after the test suite.

Usage: ``python benchmarks/smoke.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, the smallest arguments it accepts).  bench_startup compares with HEAD, whose archive
#: exists in any clone; its default "before" commit may be absent from a shallow one.
SMOKE = (
    ("bench_autograder.py", ["--runs", "1"]),
    ("bench_check.py", ["--repeat", "1"]),
    ("bench_course_env.py", ["--runs", "1"]),
    ("bench_ddpm.py", ["--quick"]),
    ("bench_gan.py", ["--iterations", "50"]),
    ("bench_grade.py", ["--quick"]),
    ("bench_grade_code.py", ["--runs", "1"]),
    ("bench_sandbox.py", ["--runs", "1"]),
    ("bench_score_matching.py", ["--iterations", "50"]),
    ("bench_startup.py", ["--repeat", "1", "--before", "HEAD"]),
    ("false_alarm_crosschecks.py", ["--seeds", "2", "--mutant-seeds", "1"]),
    ("false_alarm_stats.py", ["--trials", "200", "--permutations", "9", "--n", "20"]),
)


def main() -> int:
    listed = {script for script, _ in SMOKE}
    unlisted = sorted(p.name for p in HERE.glob("*.py")
                      if p.name.startswith(("bench_", "false_alarm_")) and p.name not in listed)
    failed = [f"{name} (not in benchmarks/smoke.py's table)" for name in unlisted]
    print(f"{'benchmark':<28} {'arguments':<42} {'exit':>4} {'seconds':>8}")
    for script, arguments in SMOKE:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script), *arguments], cwd=HERE.parent,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        print(f"{script:<28} {' '.join(arguments):<42} {done.returncode:>4} {time.perf_counter() - start:>8.1f}")
        if done.returncode != 0:
            failed.append(f"{script}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no message'}")
    for line in failed:
        print(f"FAILED {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
