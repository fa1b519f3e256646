"""``genverify grade --batch``: the output file's integrity and rows that cannot be graded."""

from __future__ import annotations

import fcntl
import json

import pytest

from genverify.grading import batch
from genverify.grading.batch import FORMAT, BatchError, grade_batch

VARIANCE = "diffusion.forward_variance"


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path, *lines: bytes) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _row(row_id, answer="1-\\\\bar\\\\beta_t", target=VARIANCE) -> bytes:
    return ('{"id": %s, "target": "%s", "answer": "%s"}' % (row_id, target, answer)).encode()


def test_bad_rows_become_error_rows_and_the_batch_finishes(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(src, b"\xef\xbb\xbf" + _row('"bom"'),           # a byte-order mark before the first row
           _row('["a", "list"]'), _row('"\\ud800"'),       # an id that is a list; a lone surrogate
           _row('"ok"', answer="\\ud800"),                  # an answer with a lone surrogate
           b"\xff\xfe not UTF-8", b"{not json", _row("7"), _row('"7"'), _row("true"),
           _row('"bom"', answer="1"))                       # a duplicate id
    counts = grade_batch(str(src), str(out))
    by_id = {r["id"]: r for r in _rows(out)}
    assert by_id["bom"]["verdict"] == "correct" and by_id[7]["verdict"] == "correct" and by_id["7"]["verdict"] == "correct"
    assert "id must be a string or an integer" in by_id["line-2"]["feedback"]
    assert "lone surrogate" in by_id["line-3"]["feedback"] and "lone surrogate" in by_id["line-4"]["feedback"]
    assert "not UTF-8" in by_id["line-5"]["feedback"] and "not JSON" in by_id["line-6"]["feedback"]
    assert "id must be" in by_id["line-9"]["feedback"]
    assert "duplicate id 'bom' (first on line 1)" in by_id["line-10"]["feedback"]
    assert len(by_id) == 10 and counts["invalid"] == 7 and counts["correct"] == 3
    assert all(r["format"] == FORMAT for r in by_id.values())


def test_a_grader_failure_on_one_answer_is_an_undecided_row(tmp_path, monkeypatch):
    real = batch.grade_answer

    def fragile(target, answer, **kwargs):
        if answer == "boom":
            raise OverflowError("int too large to convert to float")
        return real(target, answer, **kwargs)

    monkeypatch.setattr(batch, "grade_answer", fragile)  # the forked workers inherit it
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(src, _row('"a"', answer="boom"), _row('"b"'))
    grade_batch(str(src), str(out))
    by_id = {r["id"]: r for r in _rows(out)}
    assert by_id["a"]["verdict"] == "undecided" and "OverflowError" in by_id["a"]["feedback"]
    assert by_id["b"]["verdict"] == "correct"


def test_the_timeout_applies_to_each_answer(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    # 1 - β̄_t padded with 24 pairs of terms that cancel: about 0.1 CPU s of parsing and proof,
    # many times the CPU timer's resolution (a scheduler tick), so a microsecond's limit always
    # fires; without the limit both answers would be correct.
    padded = "1-\\\\bar\\\\beta_t" + "".join(
        f" + \\\\frac{{{k}\\\\beta_t}}{{{k}+\\\\bar\\\\beta_t}} - \\\\frac{{{k}\\\\beta_t}}{{{k}+\\\\bar\\\\beta_t}}"
        for k in range(1, 25))
    _write(src, _row('"a"', padded), _row('"b"', padded))
    grade_batch(str(src), str(out), timeout=1e-6)
    assert {r["verdict"] for r in _rows(out)} == {"undecided"}
    assert all("no verdict within 1e-06 CPU seconds" in r["feedback"] for r in _rows(out))


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(src, _row('"a"'))
    out.write_bytes(b"being written\n")
    with open(out, "rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        with pytest.raises(BatchError, match="being written by another genverify batch"):
            grade_batch(str(src), str(out))
    assert out.read_bytes() == b"being written\n"  # not truncated by the refused run
    grade_batch(str(src), str(out))
    assert [r["id"] for r in _rows(out)] == ["a"]


def test_out_equal_to_the_input_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    _write(src, _row('"a"'))
    (tmp_path / "link.jsonl").hardlink_to(src)
    for out in (src, tmp_path / "link.jsonl", tmp_path / "." / "in.jsonl"):
        with pytest.raises(BatchError, match="is the input file"):
            grade_batch(str(src), str(out))
    assert src.read_bytes() == _row('"a"') + b"\n"


def test_resume_appends_only_to_genverify_output(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write(src, _row('"a"'), _row('"b"'), b"{bad")
    grade_batch(str(src), str(out))
    first, *rest = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(first + rest[0][:7])  # interrupted: one row and a torn line
    counts = grade_batch(str(src), str(out), resume=True)
    assert counts["skipped"] == 1 and sorted(map(str, (r["id"] for r in _rows(out)))) == ["a", "b", "line-3"]

    foreign = b'{"id": "a", "verdict": "correct"}\n{"id": "b", "verd'
    out.write_bytes(foreign)  # JSON lines, but not written by genverify: left untouched
    with pytest.raises(BatchError, match="line 1 is not a row of genverify grade --batch"):
        grade_batch(str(src), str(out), resume=True)
    assert out.read_bytes() == foreign


def test_a_batch_holds_numeric_only_agreement_unless_the_course_opts_in(tmp_path, monkeypatch):
    from genverify.grading import symbolic

    # The forked workers inherit the patch: every proof attempt "fails", points still agree.
    monkeypatch.setattr(symbolic, "_confirm", lambda target, expr: ("numeric", "no proof found"))
    src = tmp_path / "in.jsonl"
    _write(src, _row('"a"'))
    held, opted = tmp_path / "held.jsonl", tmp_path / "opted.jsonl"
    grade_batch(str(src), str(held))
    grade_batch(str(src), str(opted), accept_numeric=True)
    assert [r["verdict"] for r in _rows(held)] == ["undecided"]
    assert [(r["verdict"], r["method"]) for r in _rows(opted)] == [("correct", "numeric")]
