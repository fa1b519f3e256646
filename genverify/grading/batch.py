"""Grade a JSONL file of answers on both cores, losing nothing if interrupted.

Each input row is ``{"id", "target", "answer"}``; ``id`` is a string or an integer and unique.
Results are written and flushed one line at a time as they arrive, so an interrupted run keeps
every finished grade, and ``resume`` skips the ids already in the output.  A malformed row, a
duplicate id, or an answer the grader fails on becomes a result row naming its problem (id
``line-N`` where the row has no usable id); one bad row never stops the batch.

Every row genverify writes carries ``"format": "genverify.grade/1"`` (``FORMAT``), after the
design's fields.  ``resume`` appends only to a file whose every complete line is such a row, so
it never truncates or extends someone else's file.  While a batch writes ``--out`` it holds an
exclusive ``flock`` on it: a second batch on the same file is refused instead of interleaving.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
from functools import partial
from typing import BinaryIO

from genverify.grading.symbolic import _DIAGNOSIS_POINTS, POINTS, TIMEOUT, _reference, grade_answer
from genverify.grading.targets import TARGETS

FORMAT = "genverify.grade/1"
#: Seconds a worker may go without returning anything beyond its answers' own time limits
#: before the batch stops waiting for it (a crashed or wedged worker never answers).
STALL_GRACE = 60.0


class BatchError(Exception):
    """The input or output file cannot be used (the CLI reports it in one line, exit 2)."""


def _error_row(row_id, target, feedback: str, verdict: str = "invalid") -> dict:
    return {"id": row_id, "target": target, "verdict": verdict, "score": 0.0, "feedback": feedback,
            "diagnosis": [], "counterexample": None, "method": None, "seconds": 0.0}


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800", legal in JSON, not in UTF-8
        return False
    return True


def _check_row(number: int, line: bytes) -> dict | str:
    """The row on ``line``, or the message saying why it cannot be graded."""
    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return f"line {number} is not UTF-8"
    except json.JSONDecodeError as exc:
        return f"line {number} is not JSON ({exc.msg})"
    missing = [k for k in ("id", "target", "answer") if not isinstance(row, dict) or k not in row]
    if missing:
        return f"line {number} lacks {', '.join(missing)}"
    if isinstance(row["id"], bool) or not isinstance(row["id"], (str, int)):
        return f"line {number}: id must be a string or an integer"
    if not isinstance(row["answer"], str) or not isinstance(row["target"], str):
        return f"line {number}: target and answer must be strings"
    if not all(_encodable(v) for v in (row["answer"], row["target"], str(row["id"]))):
        return f"line {number}: a string holds a lone surrogate (not valid Unicode text)"
    return row


def read_rows(path: str) -> list[tuple[int, dict | str]]:
    """``(line number, row)``, or ``(line number, error message)`` for a row that cannot be graded.

    ``BatchError`` if ``path`` is not a readable text file."""
    if os.path.isdir(path):
        raise BatchError(f"--batch {path} is a directory")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror}") from None
    if b"\0" in data:
        raise BatchError(f"--batch {path} is a binary file, not JSON lines")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as some editors write
    rows: list[tuple[int, dict | str]] = []
    first_line: dict = {}
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        row = _check_row(number, line)
        if isinstance(row, dict):
            key = (type(row["id"]), row["id"])
            if key in first_line:
                row = f"line {number}: duplicate id {row['id']!r} (first on line {first_line[key]})"
            else:
                first_line[key] = number
        rows.append((number, row))
    return rows


def _done(handle: BinaryIO, path: str) -> set:
    """Ids already graded in genverify's output ``handle``; a torn last line (an interrupted
    write) is cut off.  ``BatchError`` if any complete line is not a row genverify wrote."""
    data = handle.read()
    complete = data[: data.rfind(b"\n") + 1]
    done = set()
    for number, line in enumerate(complete.splitlines(), start=1):
        try:
            row = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            row = None
        if not isinstance(row, dict) or row.get("format") != FORMAT or "id" not in row:
            raise BatchError(f"--resume: {path} line {number} is not a row of genverify grade --batch; "
                             "refusing to append to a file genverify did not write")
        done.add((type(row["id"]), row["id"]))
    if len(complete) < len(data):
        handle.truncate(len(complete))
    return done


def _open_out(out_path: str, in_path: str, resume: bool) -> tuple[BinaryIO, set]:
    """``out_path`` opened, exclusively locked and ready to append to, and the ids it holds."""
    if os.path.isdir(out_path):
        raise BatchError(f"--out {out_path} is a directory")
    if os.path.exists(out_path) and os.path.samefile(out_path, in_path):
        raise BatchError(f"--out {out_path} is the input file; it would be overwritten")
    try:
        # No truncation before the lock is held: another batch may be writing this file.
        handle = os.fdopen(os.open(out_path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
    except OSError as exc:
        raise BatchError(f"cannot write {out_path}: {exc.strerror}") from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BatchError(f"--out {out_path} is being written by another genverify batch") from None
    try:
        done = _done(handle, out_path) if resume else set()
    except BatchError:
        handle.close()
        raise
    if not resume:
        handle.truncate(0)
    handle.seek(0, os.SEEK_END)
    return handle, done


def warm_up(target_ids) -> None:
    """Compute each target's reference values once here, so the forked workers inherit them."""
    for target_id in sorted(target_ids):
        if target_id in TARGETS:
            _reference(target_id, 0, POINTS)
            _reference(target_id, *_DIAGNOSIS_POINTS)


def _grade_row(item: tuple[int, dict | str], credits: dict | None = None, timeout: float = TIMEOUT,
               accept_numeric: bool = False) -> dict:
    number, row = item
    if isinstance(row, str):
        return _error_row(f"line-{number}", None, row)
    try:
        return grade_answer(row["target"], row["answer"], answer_id=row["id"], timeout=timeout,
                            credits=(credits or {}).get(row["target"]), accept_numeric=accept_numeric)
    except KeyError as exc:  # an unknown target or mistake name
        return _error_row(row["id"], row["target"], exc.args[0])
    except ValueError as exc:  # a partial credit outside [0, 1]
        return _error_row(row["id"], row["target"], str(exc))
    except Exception as exc:  # noqa: BLE001 -- a grader bug on one answer must not end the batch
        return _error_row(row["id"], row["target"], f"The grader failed on this answer "
                          f"({type(exc).__name__}: {str(exc)[:200]}); please report it.", "undecided")


def grade_batch(in_path: str, out_path: str | None, resume: bool = False, processes: int | None = None,
                echo=None, credits: dict | None = None, timeout: float = TIMEOUT,
                accept_numeric: bool = False) -> dict:
    """Grade ``in_path`` into ``out_path`` (stdout via ``echo`` when None); counts of each verdict.

    ``credits`` maps a target to its partial-credit overrides (see ``symbolic.with_credits``);
    ``timeout`` is each answer's limit in seconds; ``accept_numeric`` as in ``grade_answer``.  Rows a stalled worker never returned are
    not written (so ``resume`` retries them) and counted as ``not graded``."""
    rows = read_rows(in_path)
    out, done = _open_out(out_path, in_path, resume) if out_path else (None, set())
    try:
        todo = [(n, r) for n, r in rows
                if ((str, f"line-{n}") if isinstance(r, str) else (type(r["id"]), r["id"])) not in done]
        counts: dict[str, int] = {"skipped": len(rows) - len(todo)}
        warm_up({r["target"] for _, r in todo if not isinstance(r, str)})
        # Fork keeps the parsed grammar and the cached reference values of the parent.
        context = multiprocessing.get_context("fork")
        with context.Pool(processes or min(2, os.cpu_count() or 1)) as pool:
            results = pool.imap_unordered(partial(_grade_row, credits=credits, timeout=timeout,
                                                     accept_numeric=accept_numeric), todo)
            for _ in todo:
                try:
                    result = results.next(timeout=timeout + STALL_GRACE)
                except multiprocessing.TimeoutError:
                    pool.terminate()
                    break
                line = json.dumps({**result, "format": FORMAT}, ensure_ascii=False)
                if out:
                    out.write(line.encode("utf-8") + b"\n")
                    out.flush()
                elif echo:
                    echo(line)
                counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
    finally:
        if out:
            out.close()
    graded = sum(v for k, v in counts.items() if k != "skipped")
    if graded < len(todo):
        counts["not graded"] = len(todo) - graded
    return counts
