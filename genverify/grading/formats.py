"""Render grade results for people and for autograder platforms.

- ``json``: the design's grade object, one per line.
- ``text``: verdict, score, feedback and the counterexample, for a terminal.
- ``gradescope``: the autograder's ``results.json`` (``score``, ``output``, ``visibility``,
  ``tests[]`` each with its ``max_score``), https://gradescope-autograders.readthedocs.io/en/latest/specs/;
  the specification has no top-level ``max_score`` (the assignment's points are set on Gradescope).
- ``prairielearn``: the external grader's ``results.json`` (``gradable``, ``score`` in [0, 1],
  ``format_errors``, ``message``, ``tests[]``), https://prairielearn.readthedocs.io/en/latest/externalGrading/.

Every format is valid UTF-8 and every JSON format is strict JSON: a submission's text can hold
lone surrogates (replaced by ``?``) and its numbers can be NaN or infinite (written as strings).
"""

from __future__ import annotations

import json
import math

FORMATS = ("text", "json", "gradescope", "prairielearn")


def safe(value):
    """``value`` with every string encodable as UTF-8 and every float finite (else its name)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {safe(k): safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [safe(v) for v in value]
    return value


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def render(result: dict, fmt: str, max_score: float = 1.0) -> str:
    result = safe(result)
    if fmt == "gradescope":
        return gradescope(result, max_score)
    if fmt == "prairielearn":
        return prairielearn(result)
    return _dumps(result) if fmt == "json" else text(result)


def text(result: dict) -> str:
    lines = [f"{result['target']}: {result['verdict']} (score {result['score']:g})", result["feedback"]]
    if result.get("read_as"):
        lines.append(f"read as: {result['read_as']['text']}   (LaTeX: {result['read_as']['latex']})")
    if result.get("diagnosis"):
        lines.append("diagnosis: " + ", ".join(result["diagnosis"]))
    if result.get("regimes"):  # grade-code's partial credit: which input families passed
        lines.append("regimes: " + "; ".join(
            f"{r['name']} {'passed' if r['failed'] == 0 else 'FAILED'} ({r['cases'] - r['failed']} of {r['cases']} cases passed)"
            for r in result["regimes"]))
    counterexample = result.get("counterexample")
    if counterexample:
        lines.append("counterexample: " + _dumps(counterexample))
    for step in result.get("steps", ()):
        lines.append(f"  step {step['index']}: {step['status']}  {step.get('feedback', '')}".rstrip())
    return "\n".join(lines)


def gradescope(result: dict, max_score: float = 1.0) -> str:
    score = round(result["score"] * max_score, 6)
    test = {"name": result["target"], "score": score, "max_score": max_score,
            "status": "passed" if result["verdict"] == "correct" else "failed",
            "output": text(result), "visibility": "visible"}
    return _dumps({"score": score, "output": result["feedback"],
                   "visibility": "visible", "tests": [test]})


def prairielearn(result: dict) -> str:
    gradable = result["verdict"] != "invalid"
    test = {"name": result["target"], "points": result["score"], "max_points": 1.0,
            "message": result["feedback"], "output": text(result)}
    return _dumps({"gradable": gradable, "score": result["score"] if gradable else 0.0,
                   "message": result["feedback"],
                   "format_errors": [] if gradable else [result["feedback"]], "tests": [test]})
