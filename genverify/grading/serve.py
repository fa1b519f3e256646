"""``genverify serve``: one warm process that grades JSON lines from stdin, one JSON line out each.

An LMS wrapper or a live preview pays the start-up (Python, SymPy, the grammar, each target's
reference values) once instead of per answer.  Input rows::

    {"id": "a1", "target": "diffusion.posterior_variance", "answer": "\\\\tilde\\\\beta_t"}
    {"id": "a2", "target": "diffusion.forward_variance", "steps": "1-\\\\bar\\\\alpha_t = ..."}

``answer`` is graded as by ``genverify grade`` (the design's JSON object), ``steps`` as by
``genverify grade-steps``.  A row that is not such an object gets ``{"id", "verdict": "error",
"feedback"}`` naming the problem, and the process goes on: one bad row never ends the session.
Blank lines are skipped; end of input ends the process with exit code 0.
"""

from __future__ import annotations

import json
import sys
from typing import IO

from genverify.grading.parse import parse
from genverify.grading.steps import grade_steps
from genverify.grading.symbolic import POINTS, TIMEOUT, _DIAGNOSIS_POINTS, _reference, grade_answer
from genverify.grading.targets import TARGETS


def warm() -> None:
    """Build the parser and every target's reference values before the first row arrives."""
    parse("1")
    for target_id in TARGETS:
        _reference(target_id, 0, POINTS)
        _reference(target_id, *_DIAGNOSIS_POINTS)


def _error(answer_id, feedback: str) -> dict:
    return {"id": answer_id, "verdict": "error", "score": 0.0, "feedback": feedback}


def handle(line: str, *, timeout: float = TIMEOUT, accept_numeric: bool = False) -> dict:
    """The grade of one input row (see the module docstring)."""
    try:
        row = json.loads(line)
    except ValueError as exc:
        return _error(None, f"not JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(row, dict):
        return _error(None, "a row must be a JSON object")
    answer_id = row.get("id")
    if not (answer_id is None or isinstance(answer_id, (str, int)) and not isinstance(answer_id, bool)):
        return _error(None, "id must be a string or an integer")
    target = row.get("target")
    if target not in TARGETS:
        return _error(answer_id, f"unknown grading target {target!r} (known: {', '.join(TARGETS)})")
    if isinstance(row.get("answer"), str) == isinstance(row.get("steps"), str):
        return _error(answer_id, 'a row needs exactly one of "answer" or "steps" (text)')
    if isinstance(row.get("steps"), str):
        return grade_steps(target, row["steps"], answer_id=answer_id, timeout=timeout)
    return grade_answer(target, row["answer"], answer_id=answer_id, timeout=timeout, accept_numeric=accept_numeric)


def serve(source: IO[str] = sys.stdin, sink: IO[str] = sys.stdout, *, timeout: float = TIMEOUT,
          accept_numeric: bool = False) -> int:
    """Grade every line of ``source`` into ``sink`` (flushed per line); 0 at end of input."""
    warm()
    for line in source:
        if not line.strip():
            continue
        result = handle(line, timeout=timeout, accept_numeric=accept_numeric)
        # Lone surrogates from a malformed row must not end the session at encoding time.
        sink.write(json.dumps(result, ensure_ascii=False).encode("utf-8", "replace").decode("utf-8") + "\n")
        sink.flush()
    return 0
