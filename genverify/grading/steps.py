"""Grade a derivation step by step: every consecutive pair of a chain ``e_0 = e_1 = ... = e_n``.

The chain is LaTeX (an ``aligned`` block with ``&=`` and ``\\\\`` is accepted) or plain text.  Each
pair is compared at the target's random points, so a student learns *where* a derivation went
wrong: the first invalid step is reported with a counterexample.  The last expression is then
graded against the target's reference.
"""

from __future__ import annotations

import re
import time

from genverify.grading.evaluate import EvaluationError, agree, evaluate
from genverify.grading.limits import TimeLimitExceeded, time_limit
from genverify.grading.parse import ParseError, parse
from genverify.grading.symbolic import TIMEOUT, _reference, grade_answer, lookup_target
from genverify.grading.targets import SCHEDULE

_ENVIRONMENT = re.compile(r"\\(begin|end)\{(aligned|align\*?|equation\*?|split|gathered)\}")


def split_chain(text: str) -> list[str]:
    """The expressions of ``e_0 = e_1 = ...``, splitting on ``=`` outside braces and brackets."""
    text = _ENVIRONMENT.sub(" ", text).replace("&", " ").replace("\\\\", " ")
    text = text.replace("$$", " ").strip().strip("$")
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        if ch == "=" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _where(target, point) -> str:
    """Where two values differ: at a time step for schedule targets, else at a random point."""
    return f"at t = {point.t}" if target.kind == SCHEDULE else "at a random point"


def _unbalanced(text: str) -> str | None:
    """A message naming the line of the first unbalanced bracket, or None.  Checked before the
    chain is split, because an open brace would also hide the '=' after it."""
    openers, pairs = [], {"}": "{", ")": "(", "]": "["}
    for number, line in enumerate(text.splitlines() or [""], start=1):
        for column, char in enumerate(line, start=1):
            if char in "{([":
                openers.append((char, number, column))
            elif char in pairs:
                if not openers or openers[-1][0] != pairs[char]:
                    return f"Unbalanced '{char}' on line {number}, column {column}."
                openers.pop()
    if openers:
        char, number, column = openers[-1]
        return f"Unclosed '{char}' on line {number}, column {column}."
    return None


def grade_steps(target_id: str, text: str, *, answer_id=None, seed: int = 0, timeout: float = TIMEOUT) -> dict:
    """Per-step statuses, the first invalid step, and the final expression's grade."""
    start = time.perf_counter()
    target = lookup_target(target_id)
    unbalanced = _unbalanced(text)
    if unbalanced:
        return {"id": answer_id, "target": target.id, "diagnosis": [], "counterexample": None, "method": None,
                "verdict": "invalid", "score": 0.0, "steps": [], "first_invalid": None, "feedback": unbalanced,
                "seconds": round(time.perf_counter() - start, 4)}
    pieces = split_chain(text)
    base = {"id": answer_id, "target": target.id, "diagnosis": [], "counterexample": None, "method": "numeric"}
    if len(pieces) < 2 or any(not p for p in pieces):
        return {**base, "verdict": "invalid", "score": 0.0, "steps": [], "first_invalid": None,
                "feedback": "Expected a chain of at least two expressions joined by '=', none of them empty.",
                "seconds": round(time.perf_counter() - start, 4)}
    points, _, _ = _reference(target.id, seed, 12)
    steps, first_invalid = [], None
    try:
        with time_limit(timeout):
            exprs = []
            for i, piece in enumerate(pieces):
                try:
                    exprs.append(parse(piece, allowed=target.allowed))
                except ParseError as exc:
                    return {**base, "verdict": "invalid", "score": 0.0, "steps": steps, "first_invalid": None,
                            "feedback": f"Could not read expression {i + 1}: {exc}",
                            "seconds": round(time.perf_counter() - start, 4)}
            for i, (a, b) in enumerate(zip(exprs, exprs[1:]), start=1):
                step = {"index": i, "from": pieces[i - 1], "to": pieces[i], "status": "valid"}
                for point in points:
                    try:
                        left, right = evaluate(a, point), evaluate(b, point)
                    except EvaluationError as exc:
                        step.update(status="invalid", feedback=f"undefined {_where(target, point)} ({exc})",
                                    counterexample={"point": point.describe(a.free_symbols | b.free_symbols,
                                                                            target.kind == SCHEDULE)})
                        break
                    if not agree(left, right):
                        step.update(status="invalid", feedback=(
                            f"the two sides differ {_where(target, point)}: {float(left):.6g} vs {float(right):.6g}"),
                            counterexample={"point": point.describe(a.free_symbols | b.free_symbols,
                                                                    target.kind == SCHEDULE),
                                            "left": float(left), "right": float(right)})
                        break
                steps.append(step)
                if step["status"] == "invalid" and first_invalid is None:
                    first_invalid = i
    except TimeLimitExceeded as exc:
        return {**base, "verdict": "undecided", "score": 0.0, "steps": steps, "first_invalid": first_invalid,
                "feedback": f"Could not grade this derivation: {exc}.", "seconds": round(time.perf_counter() - start, 4)}
    final = grade_answer(target.id, pieces[-1], seed=seed, timeout=timeout)
    if first_invalid is not None:
        step = steps[first_invalid - 1]
        feedback = f"Step {first_invalid} ({step['from']} = {step['to']}) is not valid: {step['feedback']}."
        verdict, score, method = "incorrect", 0.0, "numeric"
    else:
        feedback = "Every step is valid. Final expression: " + final["feedback"]
        verdict, score, method = final["verdict"], final["score"], final["method"]
    return {**base, "verdict": verdict, "score": score, "feedback": feedback, "steps": steps, "method": method,
            "first_invalid": first_invalid, "final": final, "counterexample":
            steps[first_invalid - 1].get("counterexample") if first_invalid else final.get("counterexample"),
            "seconds": round(time.perf_counter() - start, 4)}
