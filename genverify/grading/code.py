"""Grade a student's Python function against the reference, running the student's code sandboxed.

The cases are drawn here, in the grader's process, regime by regime (:mod:`.cases`: a pure
function of target, seed and genverify version); they travel as plain JSON over a pipe to a
child (:mod:`.sandbox`, which runs :mod:`.sandbox_worker` inside bubblewrap and seccomp) that
imports the submission and calls it; the values come back as plain JSON and are compared with
the reference here (:mod:`.compare`).  The child never sees the reference and never writes the
verdict.

The verdict is ``correct`` only when every case agrees.  The score is partial credit by regime:
the weighted fraction of regimes in which every case agrees (:func:`score`; by default every
regime weighs 1).  A failure is explained, where it can be, by a named mistake
(:mod:`.diagnose`), and shown on a case of the ``readable`` regime when one fails there.

Whatever the child does, a verdict comes back: a child that dies, hangs or overruns a limit
fails every regime (score 0).  Without a sandbox (``sandboxed=False``, the CLI's
``--no-sandbox``) the report says so in its feedback and in ``"sandbox": "none"``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path

from .cases import READABLE, draw_cases, readable, round_robin, size, wire_case
from .compare import actual, as_outputs, compare, values
from .contract import Case, CodeTarget
from .contracts import CODE_TARGETS
from .diagnose import Evidence, diagnose
from .sandbox import (ChildFailed, CourseEnvironmentError, Limits, Sandbox, SandboxUnavailable,
                      environment_for)

__all__ = ["CODE_TARGETS", "CourseEnvironmentError", "Limits", "SandboxUnavailable", "grade_code",
           "regime_names", "score", "check_weights"]

_UNSANDBOXED = "graded WITHOUT a sandbox (--no-sandbox): the submission ran with rlimits only"


def regime_names() -> set[str]:
    """Every regime name of every code target (a weights file may name any of them)."""
    return {regime.name for target in CODE_TARGETS.values() for regime in target.regimes}


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """``weights`` as floats, or ``ValueError`` naming the first bad entry.

    Names must be regimes of some code target (a file shared by several targets may name
    regimes one of them lacks); weights must be finite and ≥ 0.
    """
    if not isinstance(weights, Mapping):
        raise ValueError("regime weights must be a JSON object: regime name -> weight")
    known = regime_names()
    checked = {}
    for name, weight in weights.items():
        if name not in known:
            raise ValueError(f"no code target has a regime {name!r}; regimes: {', '.join(sorted(known))}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                or not math.isfinite(weight) or weight < 0:
            raise ValueError(f"the weight of regime {name!r} must be a finite number >= 0, got {weight!r}")
        checked[name] = float(weight)
    return checked


def score(regimes: list[dict], weights: Mapping[str, float] | None = None) -> float:
    """``Σ w_r [regime r passed] / Σ w_r`` over the regimes graded (default ``w_r = 1``: the
    fraction of regimes passed); 0 when every graded regime weighs 0."""
    weights = weights or {}
    total = sum(weights.get(r["name"], 1.0) for r in regimes)
    passed = sum(weights.get(r["name"], 1.0) for r in regimes if r["failed"] == 0)
    return round(passed / total, 6) if total > 0 else 0.0


def _report(target_name: str, verdict: str, feedback: str, started: float, sandboxed: bool, *,
            seed: int, regimes: list[dict] | None = None, weights: Mapping[str, float] | None = None,
            diagnosis: list[str] | None = None, counterexample: dict | None = None) -> dict:
    if not sandboxed:
        feedback = f"{feedback} [{_UNSANDBOXED}]"
    regimes = regimes or []
    points = 1.0 if verdict == "correct" else score(regimes, weights) if verdict == "incorrect" else 0.0
    return {"id": CODE_TARGETS[target_name].result_id, "target": target_name, "verdict": verdict,
            "score": points, "feedback": feedback, "diagnosis": diagnosis or [],
            "counterexample": counterexample, "method": "numeric", "regimes": regimes, "seed": seed,
            "sandbox": "bubblewrap+seccomp" if sandboxed else "none",
            "seconds": round(time.perf_counter() - started, 3)}


def grade_code(target: str, submission_path: str, *, rng_seed: int = 0,
               max_examples: int | None = None, limits: Limits = Limits(), sandboxed: bool = True,
               python: str | None = None, regime_weights: Mapping[str, float] | None = None) -> dict:
    """Run ``submission_path``'s function on the target's stratified cases in a child and grade it.

    ``rng_seed`` picks the cases (the same seed draws the same cases however genverify is called);
    ``max_examples`` grades only that many, one regime after another in turn (quick checks);
    ``regime_weights`` maps regime names to weights for the score (see :func:`score`).
    ``python`` names a course environment's interpreter (its site-packages are what the
    submission may import); by default the grader's own, with NumPy only.  The result's
    ``"environment"`` records which.  Raises ``ValueError`` for an unknown target, a missing file,
    bad weights or an unusable ``python`` (:class:`CourseEnvironmentError`) and
    :class:`SandboxUnavailable` when ``sandboxed`` and the sandbox cannot be built.
    """
    started = time.perf_counter()
    if target not in CODE_TARGETS:
        raise ValueError(
            f"unknown code target {target!r}; expected one of {', '.join(CODE_TARGETS)}")
    path = Path(submission_path)
    if not path.is_file():
        raise ValueError(f"submission file {submission_path!r} does not exist")
    weights = check_weights(regime_weights or {})
    contract = CODE_TARGETS[target]
    environment = environment_for(python)

    def report(verdict: str, feedback: str, **details) -> dict:
        return {**_report(target, verdict, feedback, started, sandboxed, seed=rng_seed,
                          weights=weights, **details),
                "environment": environment.summary()}

    raw = path.read_bytes()
    if len(raw) > limits.source_bytes:
        return report("invalid", f"the submission is larger than {limits.source_bytes} bytes")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        return report("invalid", "the submission is not UTF-8 text")
    drawn = draw_cases(contract, rng_seed)
    if max_examples is not None:
        drawn = round_robin(drawn, max_examples)
    sandbox = Sandbox(limits, sandboxed=sandboxed, environment=environment)
    try:
        return _grade(contract, source, drawn, sandbox, report)
    finally:
        sandbox.close()


def _regimes(drawn: list[tuple[str, Case]], failed: list[bool]) -> list[dict]:
    counts: dict[str, list[int]] = {}
    for (name, _), bad in zip(drawn, failed):
        tally = counts.setdefault(name, [0, 0])
        tally[0] += 1
        tally[1] += bad
    return [{"name": name, "cases": n, "failed": bad} for name, (n, bad) in counts.items()]


def _grade(contract: CodeTarget, source: str, drawn: list[tuple[str, Case]], sandbox: Sandbox,
           report) -> dict:
    expected_signature = f"expected {contract.signature}"
    cases = [case for _, case in drawn]
    try:
        hello = sandbox.ask({"source": source, "function": contract.function,
                             "outputs": len(contract.outputs)})
    except ChildFailed as failure:
        return report("invalid", f"while importing: {failure}", diagnosis=[expected_signature])
    if "error" in hello or hello.get("imported") is not True:
        error = str(hello.get("error", "an unknown error"))[:300]
        name = error.split(":")[0]
        feedback = (f"the submission has no function {contract.function}"
                    if name == "AttributeError" and contract.function in error
                    else f"importing the submission raised {error}")
        return report("invalid", feedback, diagnosis=[expected_signature])
    signature = str(hello.get("signature", "?"))[:200]
    every_regime_failed = _regimes(drawn, [True] * len(drawn))
    try:
        results = sandbox.ask({"cases": [wire_case(contract, c) for c in cases]}).get("results")
        if not isinstance(results, list) or len(results) != len(cases):
            raise ChildFailed("the submission's process sent a malformed reply")
    except ChildFailed as failure:
        return report("incorrect", str(failure), regimes=every_regime_failed,
                      diagnosis=[f"on {len(cases)} inputs; {expected_signature}"])
    references = [contract.reference(c) for c in cases]
    problems = [compare(contract, want, got) for want, got in zip(references, results)]
    failed = [p is not None for p in problems]
    regimes = _regimes(drawn, failed)
    if not any(failed):
        return report("correct", f"{contract.function} agrees with the reference on {len(cases)} "
                                 f"inputs in {len(regimes)} regimes", regimes=regimes)
    evidence = Evidence(contract, cases, [as_outputs(contract, r) for r in references],
                        [values(contract, r) for r in results], failed, [name for name, _ in drawn])
    mistake = diagnose(evidence)
    shown = _shown(drawn, failed, results)
    problem = problems[shown]
    lost = [r["name"] for r in regimes if r["failed"]]
    summary = f"failed on {sum(failed)} of {len(cases)} inputs, in {len(lost)} of {len(regimes)} regimes"
    diagnosis = [summary, problem, f"the submission's signature: {contract.function}{signature}",
                 expected_signature]
    feedback = problem
    if mistake is not None:
        diagnosis.insert(0, f"mistake: {mistake.name}")
        feedback = f"{mistake.explanation} Here: {problem}."
    counterexample = {"regime": drawn[shown][0], "input": readable(cases[shown]),
                      "expected": readable(evidence.expected[shown]), "actual": actual(results[shown])}
    return report("incorrect", feedback, regimes=regimes, diagnosis=diagnosis,
                  counterexample=counterexample)


def _shown(drawn: list[tuple[str, Case]], failed: list[bool], results: list) -> int:
    """The failing case to show: the readable regime's first (one that returned values before one
    that raised), else the smallest."""
    def rank(i: int) -> tuple:
        raised = not (isinstance(results[i], dict) and "value" in results[i])
        return (drawn[i][0] != READABLE, raised, size(drawn[i][1]), i)
    return min((i for i, bad in enumerate(failed) if bad), key=rank)
