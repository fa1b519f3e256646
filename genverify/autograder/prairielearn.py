"""A PrairieLearn external-grader set-up for an assignment spec.

PrairieLearn's format (https://prairielearn.readthedocs.io/en/latest/externalGrading/, read
2026-11-26): each question's ``info.json`` enables ``externalGradingOptions`` (``image``,
``entrypoint``, ``timeout`` of at most 600 s); for each submission the grader container gets the
question's ``tests/`` folder in ``/grade/tests``, the student's files in ``/grade/student``, the
``data`` object in ``/grade/data/data.json`` (uploaded files also in
``submitted_answers._files``, base64), and must write ``/grade/results/results.json``
(``gradable``, ``score`` in [0, 1], ``message``, ``output``, ``format_errors``, ``tests[]`` with
``name``, ``description``, ``points``, ``max_points``, ``message``, ``output``; other keys are
allowed).  tests/schemas/prairielearn-results.schema.json is that format.

The bundle: ``image/`` (a Dockerfile, the genverify wheel and the entrypoint it installs) and
``questions/NAME/`` per question (``info.json``, ``question.html`` with a ``pl-file-upload``
element, and ``tests/genverify-question.json``: the spec reduced to that question, which the
entrypoint reads).  An unreadable upload (missing, not UTF-8, a syntax error) is
``gradable: false``: PrairieLearn then neither scores it nor counts the attempt.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import shutil
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from genverify import __version__

from .bundle import (SUBMISSION_VENV, VENV, clear, cut, entrypoint, prepare, root, submission_install,
                     submission_python, write, write_results)
from .grader import ISOLATION, grade_question
from .spec import Assignment, SpecError, load_spec, to_json
from .wheel import build_wheel, check_wheel

QUESTION_SPEC = "genverify-question.json"
DEFAULT_ROOT = "/grade"
ENTRYPOINT = "/usr/local/bin/genverify-prairielearn"
DEFAULT_IMAGE = f"genverify-grader:{__version__}"
#: Question UUIDs derive from this namespace, the title and the name: rebuilding a bundle keeps
#: each question's identity (PrairieLearn keys a question's history on its UUID).
_NAMESPACE = uuid.UUID("6f1c2d1e-5b7a-4c39-9a43-8a8d2f5f1b60")


def dockerfile(wheel: str, packages: str = "") -> str:
    """The image: ``packages`` (:func:`submission_install`) adds the spec's submission packages."""
    extra = f"    && {SUBMISSION_VENV}/bin/pip install --no-cache-dir {packages} \\\n" if packages else ""
    return f"""# The grader image of the genverify questions: Python 3.11, libseccomp for grade-code's sandbox,
# genverify from the wheel beside this file.  Build and push it under the name the questions'
# info.json give (docker build -t IMAGE . && docker push IMAGE), then sync it in PrairieLearn.
FROM python:3.11-slim-bookworm
RUN apt-get update \\
    && apt-get install -y --no-install-recommends libseccomp2 \\
    && rm -rf /var/lib/apt/lists/*
COPY {wheel} /tmp/{wheel}
# Submitted code runs on its own environment (the grader's NumPy, no genverify); with
# sandbox = "container" it runs as nobody, so the grader's venv (the reference) is root-only.
RUN python -m venv {VENV} \\
    && {VENV}/bin/pip install --no-cache-dir /tmp/{wheel} \\
    && rm /tmp/{wheel} \\
    && python -m venv {SUBMISSION_VENV} \\
    && {SUBMISSION_VENV}/bin/pip install --no-cache-dir \\
        "numpy==$({VENV}/bin/python -c 'import numpy; print(numpy.__version__)')" \\
{extra}    && chmod 700 {VENV}
COPY genverify-prairielearn {ENTRYPOINT}
RUN chmod 755 {ENTRYPOINT}
"""


def info_json(assignment: Assignment, question, image: str) -> str:
    info = {"uuid": str(uuid.uuid5(_NAMESPACE, f"{assignment.title}\0{question.name}")),
            "title": f"{assignment.title}: {question.name}", "topic": "genverify",
            "tags": ["genverify", question.kind], "type": "v3", "singleVariant": True,
            "gradingMethod": "External",
            "externalGradingOptions": {"enabled": True, "image": image, "entrypoint": ENTRYPOINT,
                                       "timeout": assignment.settings.job_timeout}}
    return json.dumps(info, indent=2) + "\n"


def question_html(question) -> str:
    what = html.escape(_describe(question))
    name = html.escape(question.file, quote=True)
    kind = {"symbolic": "your answer (LaTeX or plain text)",
            "steps": "your derivation, one chain e_0 = e_1 = ... (an aligned block is accepted)",
            "code": "a Python file defining the function"}[question.kind]
    return f"""<pl-question-panel>
  <p>{what}</p>
  <p>Upload <code>{html.escape(question.file)}</code>: {kind}.</p>
</pl-question-panel>

<pl-file-upload file-names="{name}"></pl-file-upload>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def _describe(question) -> str:
    if question.kind == "code":
        from genverify.grading.code import CODE_TARGETS

        return f"Write {CODE_TARGETS[question.target].signature}."
    from genverify.grading.targets import TARGETS

    return f"Give {TARGETS[question.target].description}."


def build(assignment: Assignment, out: Path, wheel: Path | None = None, *, image: str = DEFAULT_IMAGE) -> list[Path]:
    """Write the image definition and the question folders into ``out``; the files written."""
    if wheel:
        check_wheel(wheel)
    prepare(out)
    folder = out / "image"
    folder.mkdir()
    carried = Path(shutil.copy(wheel, folder / wheel.name)) if wheel else build_wheel(folder)
    write(folder / "Dockerfile", dockerfile(carried.name, submission_install(assignment.settings)))
    write(folder / "genverify-prairielearn", entrypoint(
        "# PrairieLearn runs this for each submission: it grades /grade/student against\n"
        f"# /grade/tests/{QUESTION_SPEC} and writes /grade/results/results.json.\n",
        "prairielearn", DEFAULT_ROOT), executable=True)
    for question in assignment.questions:
        place = out / "questions" / question.name
        write(place / "info.json", info_json(assignment, question, image))
        write(place / "question.html", question_html(question))
        write(place / "tests" / QUESTION_SPEC, to_json(replace(assignment, questions=(question,))))
    return sorted(p for p in out.rglob("*") if p.is_file())


def run() -> dict:
    """Grade ``$ROOT/student`` against ``$ROOT/tests``'s one-question spec; write and return the results."""
    base = root(DEFAULT_ROOT)
    results = base / "results" / "results.json"
    clear(results)
    assignment = load_spec(str(base / "tests" / QUESTION_SPEC))
    if len(assignment.questions) != 1:
        raise SpecError(f"{base / 'tests' / QUESTION_SPEC}: a PrairieLearn question grades one question")
    (question,) = assignment.questions
    data = _data(base / "data" / "data.json")
    student = base / "student"
    with tempfile.TemporaryDirectory(prefix="genverify-pl-") as scratch:
        uploaded = _uploaded(data, question.file)
        if not (student / question.file).exists() and uploaded is not None:
            # A custom element may deliver the file in data.json only (the docs' `_files`).
            student = Path(scratch)
            (student / question.file).write_bytes(uploaded)
        item = grade_question(question, assignment.settings, student, python=submission_python())
    document = results_document(question, item)
    write_results(results, document)
    return document


def _data(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(f"cannot read PrairieLearn's {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SpecError(f"PrairieLearn's {path} is not a JSON object")
    return data


def _uploaded(data: dict, name: str) -> bytes | None:
    answers = data.get("submitted_answers")
    files = answers.get("_files") if isinstance(answers, dict) else None
    for entry in files if isinstance(files, list) else ():
        if isinstance(entry, dict) and entry.get("name") == name and isinstance(entry.get("contents"), str):
            try:
                return base64.b64decode(entry["contents"], validate=True)
            except (binascii.Error, ValueError):
                return None
    return None


def results_document(question, item: dict) -> dict:
    grade = item["grade"]
    gradable = grade["verdict"] != "invalid"
    report = cut(item["report"])
    test = {"name": question.name, "description": f"{question.target} ({question.file})",
            "points": item["points"], "max_points": question.points, "message": grade["feedback"],
            "output": report}
    document = {"gradable": gradable, "score": item["fraction"] if gradable else 0.0,
                "message": grade["feedback"], "output": report, "tests": [test],
                "genverify": {"version": __version__, "verdict": grade["verdict"],
                              "isolation": item["isolation"], "isolation_text": ISOLATION[item["isolation"]],
                              "environment": grade.get("environment")}}
    if not gradable:
        document["format_errors"] = [grade["feedback"]]
    return document
