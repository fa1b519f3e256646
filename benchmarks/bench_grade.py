r"""Batch grading speed and accuracy of genverify against a naive CAS baseline, in one run.

Corpus: the rows of ``tests.grading_corpus.CORPUS`` (known verdicts and diagnoses) plus, for each,
one re-typed variant a student might also submit, with the same verdict and diagnosis
(``retype``):

- LaTeX answers: ``\frac`` -> ``\dfrac``; a thin space ``\,`` between factors -> `` \cdot ``
  (the one before ``dx`` stays); spaces around ``+``; the whole answer in ``\left( … \right)``;
- plain-text answers: spaces around ``+``, ``*`` and ``/``; the whole answer in ``( … )``.

Graders, on the same corpus:

- genverify: ``grade_batch`` over a JSONL file on 2 processes; throughput from the wall time,
  latency per answer from each result's ``seconds``;
- naive baseline: ``parse_expr`` of the hand translation (``grade_baseline_translations``; a
  variant uses its original's) of answer and reference, then ``simplify(a - b) == 0`` ->
  ``correct`` else ``incorrect``; a parse failure -> ``invalid``; past ``--limit`` seconds ->
  ``undecided``.  One process; answers/s per core is reported for both.

- genverify serve: one warm process fed the corpus one row at a time (the next row after the
  previous answer); start-up to the first answer, answers/s and round-trip latency.

Accuracy is the share of answers whose verdict is the expected one (the corpus's), for both.

Usage: ``python benchmarks/bench_grade.py [--quick] [--limit 5] [--examples 6]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.grade_baseline_translations import REFERENCES, TRANSLATIONS  # noqa: E402
from genverify.grading.batch import grade_batch  # noqa: E402
from tests.grading_corpus import CORPUS, INVALID, SURFACE_OF  # noqa: E402

PROCESSES = 2


def retype(answer: str) -> str:
    """The same answer as a student might also type it (the rule in the module docstring)."""
    if "\\" in answer:
        text = answer.replace(r"\frac", r"\dfrac")
        text = re.sub(r"\\,(?!\s*dx)", r" \\cdot ", text)
        text = re.sub(r"\s*\+\s*", " + ", text)
        return rf"\left( {text} \right)"
    text = re.sub(r"\s*(\+|(?<!\*)\*(?!\*)|/)\s*", r" \1 ", answer)
    return f"( {text} )"


def build_corpus(quick: bool) -> list[dict]:
    """Rows ``{id, target, answer, key, verdict, diagnosis}``: originals, then their variants."""
    rows = CORPUS[::5] if quick else CORPUS
    originals = [{"id": f"o{i}", "target": target, "answer": answer, "key": SURFACE_OF.get(answer, answer),
                  "verdict": verdict, "diagnosis": diagnosis} for i, (target, answer, verdict, diagnosis) in enumerate(rows)]
    # A wrapped answer's variant would wrap a re-typed answer: re-typing applies to answers alone.
    variants = [{**row, "id": "v" + row["id"][1:], "answer": retype(row["answer"])} for row in originals
                if row["answer"] not in SURFACE_OF]
    return originals + variants


def run_genverify(corpus: list[dict]) -> tuple[float, dict[str, dict]]:
    """Wall seconds of ``grade_batch`` on the corpus, and each result by id."""
    with tempfile.TemporaryDirectory() as tmp:
        in_path, out_path = os.path.join(tmp, "answers.jsonl"), os.path.join(tmp, "grades.jsonl")
        with open(in_path, "w", encoding="utf-8") as handle:
            for row in corpus:
                handle.write(json.dumps({k: row[k] for k in ("id", "target", "answer")}) + "\n")
        start = time.perf_counter()
        grade_batch(in_path, out_path, processes=PROCESSES)
        wall = time.perf_counter() - start
        with open(out_path, encoding="utf-8") as handle:
            results = [json.loads(line) for line in handle]
    return wall, {r["id"]: r for r in results}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def naive_grade(answer_text: str, reference_text: str, limit: float) -> str:
    """The baseline's verdict: parse both, ``simplify(a - b) == 0``; no notion of a mistake."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        try:
            a, b = parse_expr(answer_text), parse_expr(reference_text)
        except _Timeout:
            raise
        except Exception:  # a CAS input box rejects anything it cannot parse
            return "invalid"
        return "correct" if sp.simplify(a - b) == 0 else "incorrect"
    except _Timeout:
        return "undecided"
    except (OverflowError, ValueError, TypeError):  # e.g. exp(exp(exp(exp(10)))) in simplify
        return "undecided"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_baseline(corpus: list[dict], limit: float) -> tuple[float, dict[str, dict]]:
    """Wall seconds of the baseline on the corpus, and ``{verdict, seconds}`` by id."""
    results = {}
    start = time.perf_counter()
    for row in corpus:
        t0 = time.perf_counter()
        verdict = naive_grade(TRANSLATIONS[row["key"]], REFERENCES[row["target"]], limit)
        results[row["id"]] = {"verdict": verdict, "seconds": time.perf_counter() - t0}
    return time.perf_counter() - start, results


def _why(row: dict, got: str) -> str:
    """Why the baseline's verdict differs, read off the symbols of the two translations."""
    answer, reference = parse_expr(TRANSLATIONS[row["key"]]), parse_expr(REFERENCES[row["target"]])
    extra = sorted(str(s) for s in answer.free_symbols - reference.free_symbols)
    opaque = sorted({str(f.func) for f in answer.atoms(sp.Function, sp.Integral)
                     if isinstance(f, sp.Integral) or f.func.__class__ is sp.core.function.UndefinedFunction})
    if row["verdict"] == INVALID:
        return (f"the unknown symbol(s) {', '.join(extra)} are just more variables to it, "
                "so it grades instead of rejecting")
    if got in ("undecided", "invalid"):
        return f"it gave {got}"
    missing = sorted(str(s) for s in reference.free_symbols - answer.free_symbols)
    if extra or missing:
        return (f"{', '.join(extra + missing)} are independent variables to it, so it cannot rewrite "
                f"{', '.join(missing) or 'the reference'} in terms of {', '.join(extra) or 'the rest'} "
                "(it knows neither α_t = 1-β_t, ᾱ_t = α_t ᾱ_{t-1}, σ_q(t)² nor SNR(t)): "
                "an equal answer is marked wrong")
    if opaque:
        return f"{', '.join(opaque)} are opaque to it: it cannot expand, integrate or use the symmetry of the JSD"
    return "simplify did not reduce the difference to 0"


def run_serve(corpus: list[dict]) -> dict:
    """``genverify serve`` fed one row at a time (the next after the previous answer): start-up
    to the first answer, then answers/s and each answer's round-trip latency."""
    command = [sys.executable, "-c", "import sys; from genverify.cli import main; sys.exit(main(['serve']))"]
    start = time.perf_counter()
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        def ask(row: dict) -> dict:
            proc.stdin.write(json.dumps({k: row[k] for k in ("id", "target", "answer")}) + "\n")
            proc.stdin.flush()
            return json.loads(proc.stdout.readline())

        ask(corpus[0])
        startup = time.perf_counter() - start
        latencies, verdicts = [], {}
        begin = time.perf_counter()
        for row in corpus:
            t0 = time.perf_counter()
            verdicts[row["id"]] = ask(row)["verdict"]
            latencies.append(time.perf_counter() - t0)
        wall = time.perf_counter() - begin
        proc.stdin.close()
        proc.wait()
    lat = np.array(latencies)
    return {"startup": startup, "rate": len(corpus) / wall, "median": float(np.median(lat)),
            "p99": float(np.percentile(lat, 99)), "max": float(lat.max()),
            "wrong": sum(verdicts[row["id"]] != row["verdict"] for row in corpus)}


def _stats(wall: float, results: dict, n: int, processes: int) -> dict:
    seconds = np.array([r["seconds"] for r in results.values()])
    return {"answers": n, "wall": wall, "rate": n / wall, "per_core": n / wall / processes,
            "median": float(np.median(seconds)), "p99": float(np.percentile(seconds, 99)),
            "max": float(seconds.max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 5th corpus row and its variant")
    parser.add_argument("--limit", type=float, default=5.0, help="baseline's time limit per answer, s")
    parser.add_argument("--examples", type=int, default=6, help="baseline wrong verdicts to show")
    args = parser.parse_args()

    corpus = build_corpus(args.quick)
    n = len(corpus)
    gv_wall, gv = run_genverify(corpus)
    nb_wall, nb = run_baseline(corpus, args.limit)

    gv_wrong = [row for row in corpus if gv[row["id"]]["verdict"] != row["verdict"]]
    nb_wrong = [row for row in corpus if nb[row["id"]]["verdict"] != row["verdict"]]
    named = [row for row in corpus if row["diagnosis"]]
    named_ok = sum(gv[row["id"]]["diagnosis"] == [row["diagnosis"]] for row in named)
    false_names = [row for row in corpus if not row["diagnosis"] and gv[row["id"]]["diagnosis"]]

    variants = sum(row["id"].startswith("v") for row in corpus)
    print(f"corpus: {n} answers ({n - variants} from CORPUS + {variants} re-typed variants), {os.cpu_count()} cores; "
          f"genverify on {PROCESSES} processes, baseline on 1 (limit {args.limit:g} s)")
    print(f"{'grader':<22} {'answers':>7} {'wall s':>7} {'answers/s':>9} {'per core':>8} "
          f"{'median s':>8} {'p99 s':>6} {'max s':>6} {'wrong verdicts':>14}")
    for name, stats, wrong in (("genverify (2 proc)", _stats(gv_wall, gv, n, PROCESSES), gv_wrong),
                               ("naive SymPy (1 proc)", _stats(nb_wall, nb, n, 1), nb_wrong)):
        print(f"{name:<22} {stats['answers']:>7} {stats['wall']:>7.2f} {stats['rate']:>9.1f} "
              f"{stats['per_core']:>8.1f} {stats['median']:>8.3f} {stats['p99']:>6.3f} {stats['max']:>6.3f} "
              f"{len(wrong):>14}")
    warm = run_serve(corpus)
    print(f"genverify serve (1 proc, one row at a time): start-up to first answer {warm['startup']:.2f} s, "
          f"{warm['rate']:.1f} answers/s, latency median {warm['median']:.3f} s, p99 {warm['p99']:.3f} s, "
          f"max {warm['max']:.3f} s, {warm['wrong']} wrong verdicts")
    accuracy = {name: 1 - len(wrong) / n for name, wrong in (("genverify", gv_wrong), ("baseline", nb_wrong))}
    print(f"accuracy (verdict as expected): genverify {accuracy['genverify']:.1%}, "
          f"naive baseline {accuracy['baseline']:.1%}")
    print(f"speed ratio genverify/baseline: {nb_wall / gv_wall:.2f}x overall, "
          f"{(nb_wall / gv_wall) / PROCESSES:.2f}x per core")
    print(f"genverify diagnoses: {named_ok}/{len(named)} expected mistakes named; "
          f"{len(false_names)} named where none is expected.  Baseline: names no mistake (equal / not equal only).")

    for row in gv_wrong:
        print(f"  genverify wrong: [{row['target']}] {row['answer']!r}: expected {row['verdict']}, "
              f"got {gv[row['id']]['verdict']} ({gv[row['id']]['feedback']})")
    kinds: dict[str, int] = {}
    for row in nb_wrong:
        key = f"{row['verdict']}->{nb[row['id']]['verdict']}"
        kinds[key] = kinds.get(key, 0) + 1
    print("baseline wrong verdicts by kind: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    shown, seen_targets = 0, set()
    for row in sorted(nb_wrong, key=lambda r: r["target"] in seen_targets):
        if shown >= args.examples or row["id"].startswith("v") or row["target"] in seen_targets:
            continue
        seen_targets.add(row["target"])
        shown += 1
        print(f"  [{row['target']}] {row['answer']}\n    typed: {TRANSLATIONS[row['key']]}   expected "
              f"{row['verdict']}, baseline {nb[row['id']]['verdict']}: {_why(row, nb[row['id']]['verdict'])}")


if __name__ == "__main__":
    main()
