"""Grade a JSONL file of answers on both cores, losing nothing if interrupted.

Each input row is ``{"id", "target", "answer"}``.  Results are written and flushed one line at a
time as they arrive, so an interrupted run keeps every finished grade, and ``resume`` skips the
ids already in the output.  A malformed row becomes an ``invalid`` result naming its problem.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from functools import partial
from typing import Iterator

from genverify.grading.symbolic import _DIAGNOSIS_POINTS, POINTS, _reference, grade_answer
from genverify.grading.targets import TARGETS


def _rows(path: str) -> Iterator[tuple[int, dict | str]]:
    """``(line number, row)``, or ``(line number, error message)`` for a malformed line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"line {number} is not JSON ({exc.msg})"
                continue
            missing = [k for k in ("id", "target", "answer") if not isinstance(row, dict) or k not in row]
            if missing:
                yield number, f"line {number} lacks {', '.join(missing)}"
            elif not isinstance(row["answer"], str) or not isinstance(row["target"], str):
                yield number, f"line {number}: target and answer must be strings"
            else:
                yield number, row


def _done(path: str) -> set:
    """Ids already graded in ``path``; a torn last line (an interrupted write) is cut off first."""
    if not os.path.exists(path):
        return set()
    with open(path, "rb+") as handle:
        data = handle.read()
        if data and not data.endswith(b"\n"):
            handle.truncate(data.rfind(b"\n") + 1)
    done = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                done.add(json.loads(line)["id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return done


def warm_up(target_ids) -> None:
    """Compute each target's reference values once here, so the forked workers inherit them."""
    for target_id in sorted(target_ids):
        if target_id in TARGETS:
            _reference(target_id, 0, POINTS)
            _reference(target_id, *_DIAGNOSIS_POINTS)


def _grade_row(item: tuple[int, dict | str], credits: dict | None = None) -> dict:
    number, row = item
    if isinstance(row, str):
        return {"id": f"line-{number}", "target": None, "verdict": "invalid", "score": 0.0, "feedback": row,
                "diagnosis": [], "counterexample": None, "method": None, "seconds": 0.0}
    try:
        return grade_answer(row["target"], row["answer"], answer_id=row["id"],
                            credits=(credits or {}).get(row["target"]))
    except KeyError as exc:  # an unknown target or mistake name
        return {"id": row["id"], "target": row["target"], "verdict": "invalid", "score": 0.0,
                "feedback": exc.args[0], "diagnosis": [], "counterexample": None, "method": None, "seconds": 0.0}


def grade_batch(in_path: str, out_path: str | None, resume: bool = False, processes: int | None = None,
                echo=None, credits: dict | None = None) -> dict:
    """Grade ``in_path`` into ``out_path`` (stdout via ``echo`` when None); counts of each verdict.

    ``credits`` maps a target to its partial-credit overrides (see ``symbolic.with_credits``).
    """
    done = _done(out_path) if resume and out_path else set()
    todo = [(n, r) for n, r in _rows(in_path) if (f"line-{n}" if isinstance(r, str) else r["id"]) not in done]
    counts: dict[str, int] = {"skipped": len(done)}
    warm_up({r["target"] for _, r in todo if not isinstance(r, str)})
    mode = "a" if resume else "w"
    out = open(out_path, mode, encoding="utf-8") if out_path else None
    # Fork keeps the parsed grammar and the cached reference values of the parent.
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(processes or min(2, os.cpu_count() or 1)) as pool:
            for result in pool.imap_unordered(partial(_grade_row, credits=credits), todo, chunksize=4):
                line = json.dumps(result, ensure_ascii=False)
                if out:
                    out.write(line + "\n")
                    out.flush()
                elif echo:
                    echo(line)
                counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
    finally:
        if out:
            out.close()
    return counts
