"""Cold-start time of ``genverify`` commands, before and after the lazy imports, in one run.

Each command runs in a fresh Python process (the imports are the cost being measured); the
table gives the median and range of ``--repeat`` runs after one untimed run that writes the
bytecode caches.  "before" is a ``git archive`` of ``--before`` (default: the commit before
the CLI was split, f6f8061) unpacked into a temporary folder and put first on ``PYTHONPATH``;
"after" is this checkout.  Both use this interpreter and its installed libraries.

Usage: ``python benchmarks/bench_startup.py [--repeat 5] [--before REV]``.  The "after, CPU s"
column (user + system time of the process) is the number to compare on a shared machine.
Targets (issue 10, a quiet machine): ``--help`` and ``list`` < 0.3 s, one ``grade`` < 0.6 s.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = "import sys; from genverify.cli import main; sys.exit(main())"
COMMANDS = (
    ("--help", ["--help"], 0.3),
    ("list", ["list"], 0.3),
    ("grade (one answer)", ["grade", "diffusion.forward_variance", "--answer", r"1-\bar\alpha_t"], 0.6),
    ("show", ["show", "gan.optimal_discriminator"], None),
)


def _unpack(rev: str, into: Path) -> Path:
    """The tree of ``rev`` with derivations/ and numeric/ linked in as genverify's subpackages
    (what the package-dir mapping does for an installed copy)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "genverify", "derivations", "numeric"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    for name in ("derivations", "numeric"):
        (into / "genverify" / name).symlink_to(into / name, target_is_directory=True)
    return into


def _time(argv: list[str], path: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of ``repeat`` runs.  CPU time is what the
    command costs; on a loaded machine it rises far less than the wall-clock time."""
    env = {**os.environ, "PYTHONPATH": str(path)}
    command = [sys.executable, "-c", RUN, *argv]
    subprocess.run(command, env=env, capture_output=True, cwd=path)  # writes the .pyc files
    times, cpu = [], []
    for _ in range(repeat):
        start, used = time.perf_counter(), _children_cpu()
        subprocess.run(command, env=env, capture_output=True, cwd=path)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - used)
    return times, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default="f6f8061")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        before = _unpack(args.before, Path(tmp))
        print(f"median of {args.repeat} cold starts (min-max), seconds; before = {args.before}, after = this checkout")
        print(f"load average at the start: {os.getloadavg()[0]:.2f}")
        print(f"{'command':<20} {'before':>18} {'after':>18} {'after, CPU s':>13} {'target':>7}  met")
        for name, argv, target in COMMANDS:
            (old, _), (new, cpu) = _time(argv, before, args.repeat), _time(argv, ROOT, args.repeat)
            cells = [f"{statistics.median(t):.2f} ({min(t):.2f}-{max(t):.2f})" for t in (old, new)]
            met = "" if target is None else ("yes" if statistics.median(new) < target else "NO")
            print(f"{name:<20} {cells[0]:>18} {cells[1]:>18} {statistics.median(cpu):>13.2f} "
                  f"{'' if target is None else target:>7}  {met}")


if __name__ == "__main__":
    main()
