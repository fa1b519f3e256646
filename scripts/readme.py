"""Regenerate the output blocks of README.md and docs/grading.md from real runs.

A fenced block preceded by one of these HTML comments (invisible when rendered) is generated:

    <!-- output of: genverify check -->                 the command's output
    <!-- transcript of: genverify show nope; echo $? --> "$ command" lines, each followed by its
                                                         output ("echo $?": the previous exit code)
    <!-- file: steps.tex -->                            not generated: the block is written to
                                                         steps.tex, which later commands can read

Each command runs as ``python -m genverify ...`` in a fresh process, in a temporary folder
holding the ``file:`` blocks, with ``COLUMNS=100``; stdout and stderr are shown together.

    python scripts/readme.py            rewrite the blocks in place
    python scripts/readme.py --check    exit 1, printing a diff, if any block has drifted

``--check`` (and ``tests/test_readme.py``) compare modulo what differs between identical runs:
wall-clock timings (``0.29 s``, the proof table's seconds column, JSON ``"seconds"``).  Every other
character is stable: the proofs, Monte Carlo estimates, counterexample points and grades all come
from fixed seeds.  The script lives outside the package because it edits the source tree's
documents, which an installed genverify does not have.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/grading.md")
MARKER = re.compile(r"^<!-- (output of|transcript of|file): (.+?) -->$")
FENCE = re.compile(r"^(`{3,})")
TIMINGS = (
    re.compile(r"\b\d+(?:\.\d+)? s\b"),                                            # "0.29 s", "in 6.9 s"
    re.compile(r"(?m)^(\S+ +(?:proved|refuted|undecided) +\d+/\d+ +)\d+\.\d+"),    # check's "s" column
    re.compile(r'("seconds": )[0-9.e-]+'),
)


def normalise(text: str) -> str:
    """``text`` with its wall-clock timings replaced by ``#``."""
    text = TIMINGS[0].sub("# s", text)
    text = TIMINGS[1].sub(r"\1#", text)
    return TIMINGS[2].sub(r"\1#", text)


class Runner:
    """Runs commands in one scratch folder, each command once per script run."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[tuple[str, ...], tuple[str, int]] = {}

    def run(self, argv: list[str]) -> tuple[str, int]:
        if not argv or argv[0] != "genverify":
            raise SystemExit(f"readme.py: only genverify commands run here, not {shlex.join(argv)!r}")
        key = tuple(argv)
        if key not in self.cache:
            env = {**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
            done = subprocess.run([sys.executable, "-m", "genverify", *argv[1:]], cwd=self.folder, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.cache[key] = done.stdout.rstrip("\n"), done.returncode
        return self.cache[key]

    def output(self, command: str) -> str:
        return self.run(shlex.split(command))[0]

    def transcript(self, commands: str) -> str:
        lines, code = [], None
        for command in (c.strip() for c in commands.split(";")):
            lines.append(f"$ {command}")
            if command == "echo $?":
                lines.append(str(code))
                continue
            out, code = self.run(shlex.split(command))
            if out:
                lines.append(out)
        return "\n".join(lines)


def _blocks(lines: list[str]):
    """``(kind, argument, first content line, end line)`` of every marked fenced block."""
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        fence = FENCE.match(lines[i + 1]) if marker and i + 1 < len(lines) else None
        if marker and fence:
            end = next(j for j in range(i + 2, len(lines)) if lines[j].startswith(fence.group(1))
                       and not lines[j].strip("`"))
            yield marker.group(1), marker.group(2), i + 2, end
            i = end
        i += 1


def regenerate(text: str, runner: Runner) -> str:
    """``text`` with every marked block replaced by its real output."""
    lines = text.split("\n")
    out, position = [], 0
    for kind, argument, start, end in _blocks(lines):
        out += lines[position:start]
        body = lines[start:end]
        if kind == "file":
            (runner.folder / argument).write_text("\n".join(body) + "\n", encoding="utf-8")
        else:
            body = (runner.output(argument) if kind == "output of" else runner.transcript(argument)).split("\n")
        out += body
        position = end
    return "\n".join(out + lines[position:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift instead of rewriting")
    args = parser.parse_args(argv)
    drifted = False
    with tempfile.TemporaryDirectory() as folder:
        runner = Runner(Path(folder))
        for name in DOCUMENTS:
            path = ROOT / name
            old = path.read_text(encoding="utf-8")
            new = regenerate(old, runner)
            if not args.check:
                # Others may edit the prose while the commands run: apply the (cached) outputs to
                # the file as it is now, so only the blocks change.
                old = path.read_text(encoding="utf-8")
                new = regenerate(old, runner)
                if new != old:
                    path.write_text(new, encoding="utf-8")
                    print(f"rewrote {name}")
                continue
            if normalise(new) != normalise(old):
                drifted = True
                sys.stdout.writelines(difflib.unified_diff(
                    normalise(old).splitlines(keepends=True), normalise(new).splitlines(keepends=True),
                    f"{name} (committed)", f"{name} (generated now)"))
    if drifted:
        print("\nthe documents' output blocks differ from real runs: run python scripts/readme.py")
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
