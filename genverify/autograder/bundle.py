"""What both platforms' bundles share: the output folder, executable scripts, and writing results.

Every result document is written by the grader only after every question is graded, to a
temporary name and renamed over ``results.json``: whatever a submission may have put there
while it ran is replaced, and a grading that stops early leaves no ``results.json`` at all
(the platform then reports a failed grading, never a half score).
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

from genverify.grading.formats import safe

#: Where the grader lives inside the platform's container (setup.sh and the Dockerfile make it,
#: readable by root only: the reference is in it).
VENV = "/opt/genverify"
#: The environment submissions run on (grade-code's course environment): NumPy, no genverify.
SUBMISSION_VENV = "/opt/genverify-submissions"
#: The environment variables an entrypoint honours, so tests can run it on a simulated tree.
ROOT_VARIABLE = "GENVERIFY_AUTOGRADER_ROOT"
PYTHON_VARIABLE = "GENVERIFY_PYTHON"
SUBMISSION_VARIABLE = "GENVERIFY_SUBMISSION_PYTHON"
#: The platforms' own cap (PrairieLearn: 1 MB); a report longer than this is cut.
OUTPUT_CHARS = 20_000


def submission_install(settings) -> str:
    """The arguments after ``pip install`` that put the spec's ``submission_packages`` (e.g. the
    CPU torch wheel) into the submissions' environment; empty when there are none.  Each piece is
    shell-quoted (the spec already refuses anything but a plain requirement or an https index)."""
    if not settings.submission_packages:
        return ""
    index = ["--extra-index-url", settings.submission_index] if settings.submission_index else []
    return shlex.join([*index, *settings.submission_packages])


class BundleError(Exception):
    """The bundle cannot be written; the message names the problem."""


def prepare(out: Path) -> None:
    """Create ``out``, which must not exist or be an empty folder (nothing is overwritten)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BundleError(f"{out} exists and is not an empty folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BundleError(f"cannot create {out}: {exc.strerror}") from None


def write(path: Path, content: str, *, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    path.chmod(0o755 if executable else 0o644)


def entrypoint(comment: str, platform: str, default_root: str) -> str:
    """A shell script that runs ``genverify autograder run PLATFORM`` with the bundle's grader.

    ``python -I``: the working directory (the platform's tree, submissions included) never
    lands on ``sys.path``, and no ``PYTHON*`` variable changes what is imported.  Submitted code
    runs on the interpreter of :data:`SUBMISSION_VENV` (``${SUBMISSION_VARIABLE}``; empty: the
    grader's own, NumPy only).
    """
    return (f"#!/usr/bin/env bash\n{comment}"
            f"# {ROOT_VARIABLE} (default {default_root}), {PYTHON_VARIABLE} (default\n"
            f"# {VENV}/bin/python) and {SUBMISSION_VARIABLE} (default\n"
            f"# {SUBMISSION_VENV}/bin/python) move it elsewhere: genverify's tests run it on a\n"
            f"# simulated tree.\n"
            f'export {SUBMISSION_VARIABLE}="${{{SUBMISSION_VARIABLE}-{SUBMISSION_VENV}/bin/python}}"\n'
            f'exec "${{{PYTHON_VARIABLE}:-{VENV}/bin/python}}" -I -m genverify autograder run {platform}\n')


def root(default: str) -> Path:
    return Path(os.environ.get(ROOT_VARIABLE) or default)


def submission_python() -> str | None:
    """The interpreter submitted code runs on, as the entrypoint set it (``None``: the grader's)."""
    return os.environ.get(SUBMISSION_VARIABLE) or None


def clear(results: Path) -> None:
    """Remove a ``results.json`` left before grading, so a grading that fails leaves none."""
    results.unlink(missing_ok=True)


def write_results(results: Path, document: dict) -> None:
    results.parent.mkdir(parents=True, exist_ok=True)
    partial = results.with_name(f".{results.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(safe(document), ensure_ascii=False, allow_nan=False) + "\n",
                       encoding="utf-8")
    os.replace(partial, results)


def cut(report: str) -> str:
    return report if len(report) <= OUTPUT_CHARS else report[:OUTPUT_CHARS] + "\n[cut]"
