"""Grade one question of an assignment against the files of one submission.

Both platforms' entrypoints call :func:`grade_question` once per question.  The submitted file
is read here, by the grader, with ``O_NOFOLLOW`` (a symbolic link is refused, so an upload
cannot point the grader at the reference or at another file of the container) and capped in
size.  A symbolic answer or a derivation is parsed, never run; a code submission is copied to a
private folder and graded by ``grade_code`` in its sandbox, or, when the spec says
``sandbox = "container"``, with rlimits only and that choice written into the result.  Where the
spec asks for the sandbox and it cannot be built, :class:`GradingUnavailable` stops the whole
submission: the platform then reports a failed grading instead of a score (fail closed).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import stat
import tempfile
from pathlib import Path

from genverify.grading.formats import text

from .spec import Question, Settings

#: An answer or a derivation longer than this is not something a student typed.
TEXT_BYTES = 64 * 1024
#: grade-code's own cap (``Limits.source_bytes``).
CODE_BYTES = 256 * 1024
ISOLATION = {
    "none": "none needed: the answer is parsed, never run",
    "bubblewrap": "the submitted code ran in grade-code's bubblewrap + seccomp sandbox",
    "container": ('the submitted code ran WITHOUT a sandbox, with rlimits only: the platform\'s '
                  'container is the only isolation (settings.sandbox = "container")'),
}


class GradingUnavailable(Exception):
    """No submission can be graded here as the spec asks (no sandbox, or no usable environment
    for submitted code)."""


def isolation_of(question: Question, settings: Settings) -> str:
    """The key of :data:`ISOLATION` that applies to ``question``."""
    return settings.sandbox if question.kind == "code" else "none"


def grade_question(question: Question, settings: Settings, submission: Path, *,
                   python: str | None = None) -> dict:
    """The graded question: the grade object (``grade``), points earned and its isolation.

    ``python``: the interpreter whose packages submitted code may import (grade-code's course
    environment; ``None``: the grader's own, NumPy only).
    """
    isolation = isolation_of(question, settings)
    content = read_submission(submission, question.file,
                              CODE_BYTES if question.kind == "code" else TEXT_BYTES)
    if isinstance(content, str):
        grade = _unreadable(question, content)
    elif question.kind == "code":
        grade = _grade_code(question, settings, content, python)
    else:
        try:
            answer = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            grade = _unreadable(question, f"{question.file} is not UTF-8 text")
        else:
            grade = _grade_text(question, settings, answer)
    fraction = min(max(float(grade["score"]), 0.0), 1.0)
    report = f"{text(grade)}\nisolation: {ISOLATION[isolation]}"
    return {"question": question, "grade": grade, "fraction": fraction,
            "points": round(fraction * question.points, 6), "isolation": isolation, "report": report}


def read_submission(folder: Path, name: str, limit: int) -> bytes | str:
    """The bytes of ``folder/name`` (at most ``limit``), or a sentence saying why they cannot be
    graded."""
    path = folder / name
    try:
        # O_NONBLOCK: a FIFO in the upload must not hang the grader; O_NOFOLLOW: no links.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return f"the submission has no file {name}{_listing(folder)}"
        if exc.errno == errno.ELOOP:
            return f"{name} is a symbolic link; upload the file itself"
        return f"cannot read {name}: {exc.strerror}"
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return f"{name} is not a regular file"
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return f"{name} is larger than {limit} bytes"
    return data


def _listing(folder: Path) -> str:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return " (no submission folder)"
    if not names:
        return " (it is empty)"
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return f" (it holds: {shown})"


def _unreadable(question: Question, problem: str) -> dict:
    return {"id": None, "target": question.target, "verdict": "invalid", "score": 0.0,
            "feedback": problem, "diagnosis": [], "counterexample": None, "method": None}


def _grade_text(question: Question, settings: Settings, answer: str) -> dict:
    if question.kind == "symbolic":
        from genverify.grading.symbolic import grade_answer

        return grade_answer(question.target, answer, timeout=settings.timeout,
                            accept_numeric=settings.accept_numeric)
    from genverify.grading.steps import grade_steps

    return grade_steps(question.target, answer, timeout=settings.timeout)


def _grade_code(question: Question, settings: Settings, source: bytes, python: str | None) -> dict:
    from genverify.grading.code import CourseEnvironmentError, Limits, SandboxUnavailable, grade_code

    limits = settings.code_limits
    limits = dataclasses.replace(Limits(), seconds=limits.seconds, cpu_seconds=limits.cpu_seconds,
                                 memory_bytes=limits.memory_mb << 20)
    # The grader reads the copy, so nothing the submission folder does later reaches the grading.
    with tempfile.TemporaryDirectory(prefix="genverify-submission-") as private:
        copy = Path(private) / question.file
        copy.write_bytes(source)
        try:
            return grade_code(question.target, str(copy), limits=limits, python=python,
                              sandboxed=settings.sandbox == "bubblewrap",
                              regime_weights=dict(question.regime_weights) or None)
        except CourseEnvironmentError as exc:
            raise GradingUnavailable(f"no submission graded: the submissions' environment: {exc}") from None
        except SandboxUnavailable as exc:
            raise GradingUnavailable(
                f'no submission graded: settings.sandbox = "bubblewrap" but {exc} '
                f'(docs/autograder.md: where the platform cannot host it, "container")') from None
