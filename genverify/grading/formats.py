"""Render grade results for people and for autograder platforms.

- ``json``: the design's grade object, one per line.
- ``text``: verdict, score, feedback and the counterexample, for a terminal.
- ``gradescope``: the autograder's ``results.json`` (``score``, ``max_score``, ``output``,
  ``visibility``, ``tests[]``), https://gradescope-autograders.readthedocs.io/en/latest/specs/.
- ``prairielearn``: the external grader's ``results.json`` (``gradable``, ``score`` in [0, 1],
  ``format_errors``, ``message``, ``tests[]``), https://prairielearn.readthedocs.io/en/latest/externalGrading/.
"""

from __future__ import annotations

import json

FORMATS = ("text", "json", "gradescope", "prairielearn")


def render(result: dict, fmt: str, max_score: float = 1.0) -> str:
    if fmt == "gradescope":
        return gradescope(result, max_score)
    if fmt == "prairielearn":
        return prairielearn(result)
    return json.dumps(result, ensure_ascii=False) if fmt == "json" else text(result)


def text(result: dict) -> str:
    lines = [f"{result['target']}: {result['verdict']} (score {result['score']:g})", result["feedback"]]
    if result.get("diagnosis"):
        lines.append("diagnosis: " + ", ".join(result["diagnosis"]))
    counterexample = result.get("counterexample")
    if counterexample:
        lines.append("counterexample: " + json.dumps(counterexample, ensure_ascii=False))
    for step in result.get("steps", ()):
        lines.append(f"  step {step['index']}: {step['status']}  {step.get('feedback', '')}".rstrip())
    return "\n".join(lines)


def gradescope(result: dict, max_score: float = 1.0) -> str:
    score = round(result["score"] * max_score, 6)
    test = {"name": result["target"], "score": score, "max_score": max_score,
            "status": "passed" if result["verdict"] == "correct" else "failed",
            "output": text(result), "visibility": "visible"}
    return json.dumps({"score": score, "max_score": max_score, "output": result["feedback"],
                       "visibility": "visible", "tests": [test]}, ensure_ascii=False)


def prairielearn(result: dict) -> str:
    gradable = result["verdict"] != "invalid"
    test = {"name": result["target"], "points": result["score"], "max_points": 1.0,
            "message": result["feedback"], "output": text(result)}
    return json.dumps({"gradable": gradable, "score": result["score"] if gradable else 0.0,
                       "message": result["feedback"],
                       "format_errors": [] if gradable else [result["feedback"]],
                       "tests": [test]}, ensure_ascii=False)
