"""A Gradescope autograder for an assignment spec.

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/, read
2026-11-26): the autograder zip holds ``setup.sh`` and ``run_autograder`` at its root and is
unpacked into ``/autograder/source``; ``setup.sh`` runs once while the image is built;
``run_autograder`` runs for each submission with the student's files in
``/autograder/submission`` and must write ``/autograder/results/results.json`` (``score``,
``output``, ``tests[]`` with ``score``, ``max_score``, ``status``, ``name``, ``output``,
``visibility``, ``extra_data``).  tests/schemas/gradescope-results.schema.json is that format.

:func:`build` writes the bundle; :func:`run` is ``run_autograder``'s grading of one submission:
one test per question, worth the question's points times the grade's score.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from genverify import __version__

from .bundle import (SUBMISSION_VENV, VENV, clear, cut, entrypoint, prepare, root, submission_install,
                     submission_python, write, write_results)
from .grader import ISOLATION, grade_question
from .spec import Assignment, load_spec, to_json
from .wheel import build_wheel, check_wheel

SPEC_NAME = "genverify-assignment.json"
DEFAULT_ROOT = "/autograder"


def setup_script(wheel: str, packages: str = "") -> str:
    """``setup.sh``: Python 3.11 or newer, libseccomp for the sandbox, genverify from the bundle,
    and the submissions' own environment.

    genverify itself comes from the wheel in the bundle (this version, offline); its
    dependencies (NumPy, SciPy, SymPy, ...) come from PyPI while Gradescope builds the image.
    ``packages`` (:func:`submission_install`) adds the spec's submission packages.
    """
    extra = f"{SUBMISSION_VENV}/bin/pip install {packages}\n" if packages else ""
    return f"""#!/usr/bin/env bash
# Gradescope runs this once while it builds the autograder image; the bundle is in
# /autograder/source.  It installs the genverify wheel of this bundle into {VENV}.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv libseccomp2
python=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # genverify needs Python 3.11 or newer; Ubuntu 22.04's python3 is 3.10.
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    python=python3.11
fi
"$python" -m venv {VENV}
{VENV}/bin/pip install /autograder/source/{wheel}
# Submitted code runs on its own environment: the grader's NumPy, no genverify.  With
# sandbox = "container" it runs as nobody, so the grader's venv and this bundle, which hold the
# reference, are made readable by root only.
"$python" -m venv {SUBMISSION_VENV}
{SUBMISSION_VENV}/bin/pip install "numpy==$({VENV}/bin/python -c 'import numpy; print(numpy.__version__)')"
{extra}chmod 700 {VENV} /autograder/source
{VENV}/bin/genverify --version
"""


def build(assignment: Assignment, out: Path, wheel: Path | None = None, *, zip_to: Path | None = None) -> list[Path]:
    """Write the autograder into ``out`` (and, with ``zip_to``, the zip to upload); the files written."""
    if wheel:
        check_wheel(wheel)
    prepare(out)
    carried = Path(shutil.copy(wheel, out / wheel.name)) if wheel else build_wheel(out)
    write(out / SPEC_NAME, to_json(assignment))
    write(out / "setup.sh", setup_script(carried.name, submission_install(assignment.settings)),
          executable=True)
    write(out / "run_autograder", entrypoint(
        "# Gradescope runs this for each submission: it grades /autograder/submission against\n"
        f"# /autograder/source/{SPEC_NAME} and writes /autograder/results/results.json.\n",
        "gradescope", DEFAULT_ROOT), executable=True)
    files = sorted(p for p in out.iterdir() if p.is_file())
    if zip_to is not None:
        # The files at the zip's root, as Gradescope requires; the mode bits travel with them.
        with zipfile.ZipFile(zip_to, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                info = zipfile.ZipInfo(path.name)
                info.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        files.append(zip_to)
    return files


def run() -> dict:
    """Grade ``$ROOT/submission`` against ``$ROOT/source``'s spec; write and return the results."""
    base = root(DEFAULT_ROOT)
    results = base / "results" / "results.json"
    clear(results)
    assignment = load_spec(str(base / "source" / SPEC_NAME))
    graded = [grade_question(q, assignment.settings, base / "submission", python=submission_python())
              for q in assignment.questions]
    document = results_document(assignment, graded)
    write_results(results, document)
    return document


def results_document(assignment: Assignment, graded: list[dict]) -> dict:
    settings = assignment.settings
    tests = []
    for number, item in enumerate(graded, 1):
        question, grade = item["question"], item["grade"]
        tests.append({
            "name": f"{question.name} ({question.target}, {question.file})", "number": str(number),
            "score": item["points"], "max_score": question.points,
            "status": "passed" if grade["verdict"] == "correct" else "failed",
            "output": cut(item["report"]), "output_format": "text", "visibility": settings.visibility,
            "extra_data": {"verdict": grade["verdict"], "target": question.target,
                           "diagnosis": list(grade.get("diagnosis") or []), "isolation": item["isolation"],
                           "environment": grade.get("environment")}})
    score = round(sum(item["points"] for item in graded), 6)
    lines = [f"{assignment.title}: {score:g} of {assignment.max_points:g} points (genverify {__version__})"]
    lines += [f"{item['question'].name}: {item['grade']['verdict']}, {item['points']:g} of "
              f"{item['question'].points:g}" for item in graded]
    if assignment.has_code():
        lines.append(f"isolation of submitted code: {ISOLATION[settings.sandbox]}")
    return {"score": score, "output": "\n".join(lines), "output_format": "text",
            "visibility": settings.visibility, "tests": tests,
            "extra_data": {"genverify": __version__, "sandbox": settings.sandbox}}
