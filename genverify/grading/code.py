"""Grade a student's Python function against the reference, running the student's code sandboxed.

Hypothesis draws the inputs here, in the grader's process (:mod:`.cases`); they travel as plain
JSON over a pipe to a child (:mod:`.sandbox`, which runs :mod:`.sandbox_worker` inside bubblewrap
and seccomp) that imports the submission and calls it; the values come back as plain JSON and
are compared with the reference here (:mod:`.compare`).  The child never sees the reference and
never writes the verdict.

Whatever the child does, a verdict comes back: a child that dies, hangs, overruns a limit or
changes its answers while the counterexample is shrunk leaves the first failure found.  Without
a sandbox (``sandboxed=False``, the CLI's ``--no-sandbox``) the report says so in its feedback
and in ``"sandbox": "none"``.
"""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, find, settings

from .cases import CODE_TARGETS, CodeTarget, draw_cases, readable, size, wire_case
from .compare import actual, compare
from .sandbox import ChildFailed, Limits, Sandbox, SandboxUnavailable

__all__ = ["CODE_TARGETS", "Limits", "SandboxUnavailable", "grade_code"]

_UNSANDBOXED = "graded WITHOUT a sandbox (--no-sandbox): the submission ran with rlimits only"


class _StopShrinking(Exception):
    pass


def _shrink(target_name: str, target: CodeTarget, sandbox: Sandbox,
            budget_s: float) -> tuple[dict, str, dict] | None:
    """Let Hypothesis shrink a failing input, one child round trip per candidate.

    Returns the smallest failure seen when the budget runs out, the child dies, Hypothesis is
    done, or Hypothesis gives up in any way (a child that answers differently the second time
    makes it raise a flaky-test error): ``None`` if it saw none.
    """
    stop = time.monotonic() + budget_s
    smallest: list[tuple[dict, str, dict]] = []

    def fails(case: dict) -> bool:
        if time.monotonic() > stop or sandbox.request < 0:
            raise _StopShrinking
        try:
            results = sandbox.ask({"cases": [wire_case(target_name, case)]}).get("results")
            result = results[0]
        except (ChildFailed, IndexError, TypeError, KeyError, AttributeError):
            raise _StopShrinking from None
        problem = compare(target, target.reference(case), result)
        if problem is not None and (not smallest or size(case) <= size(smallest[0][0])):
            smallest[:] = [(case, problem, result)]
        return problem is not None

    try:
        find(target.inputs, fails, settings=settings(
            max_examples=200, database=None, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck)))
    except Exception:  # noqa: BLE001 - whatever Hypothesis raises, the failures seen stand
        pass
    return smallest[0] if smallest else None


def _report(target_name: str, verdict: str, feedback: str, started: float, sandboxed: bool, *,
            diagnosis: list[str] | None = None, counterexample: dict | None = None) -> dict:
    if not sandboxed:
        feedback = f"{feedback} [{_UNSANDBOXED}]"
    return {"id": CODE_TARGETS[target_name].result_id, "target": target_name, "verdict": verdict,
            "score": 1.0 if verdict == "correct" else 0.0, "feedback": feedback,
            "diagnosis": diagnosis or [], "counterexample": counterexample, "method": "numeric",
            "sandbox": "bubblewrap+seccomp" if sandboxed else "none",
            "seconds": round(time.perf_counter() - started, 3)}


def grade_code(target: str, submission_path: str, *, rng_seed: int = 0, max_examples: int = 60,
               limits: Limits = Limits(), sandboxed: bool = True) -> dict:
    """Run ``submission_path``'s function on Hypothesis-drawn inputs in a child and grade it.

    Raises ``ValueError`` for an unknown target or a missing file and
    :class:`SandboxUnavailable` when ``sandboxed`` and the sandbox cannot be built.
    """
    started = time.perf_counter()
    if target not in CODE_TARGETS:
        raise ValueError(
            f"unknown code target {target!r}; expected one of {', '.join(CODE_TARGETS)}")
    path = Path(submission_path)
    if not path.is_file():
        raise ValueError(f"submission file {submission_path!r} does not exist")
    contract = CODE_TARGETS[target]

    def report(verdict: str, feedback: str, **details) -> dict:
        return _report(target, verdict, feedback, started, sandboxed, **details)

    raw = path.read_bytes()
    if len(raw) > limits.source_bytes:
        return report("invalid", f"the submission is larger than {limits.source_bytes} bytes")
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        return report("invalid", "the submission is not UTF-8 text")
    cases = sorted(draw_cases(contract.inputs, max_examples, rng_seed), key=size)
    sandbox = Sandbox(limits, sandboxed=sandboxed)
    try:
        return _grade(target, contract, source, cases, sandbox, report)
    finally:
        sandbox.close()


def _grade(target: str, contract: CodeTarget, source: str, cases: list[dict], sandbox: Sandbox,
           report) -> dict:
    expected_signature = f"expected {contract.signature}"
    try:
        hello = sandbox.ask({"source": source, "function": contract.function,
                             "outputs": contract.outputs})
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
    try:
        results = sandbox.ask({"cases": [wire_case(target, c) for c in cases]}).get("results")
        if not isinstance(results, list) or len(results) != len(cases):
            raise ChildFailed("the submission's process sent a malformed reply")
    except ChildFailed as failure:
        return report("incorrect", str(failure),
                      diagnosis=[f"on {len(cases)} inputs; {expected_signature}"])
    failures = [(c, p, r) for c, r in zip(cases, results)
                if (p := compare(contract, contract.reference(c), r)) is not None]
    if not failures:
        return report("correct",
                      f"{contract.function} agrees with the reference on {len(cases)} inputs")
    case, problem, result = failures[0]
    # A function that raises on every input fails on the smallest one drawn: nothing to shrink.
    if not (len(failures) == len(cases) and isinstance(result, dict) and "error" in result):
        shrunk = _shrink(target, contract, sandbox, budget_s=1.0)
        if shrunk is not None and size(shrunk[0]) <= size(case):
            case, problem, result = shrunk
    diagnosis = [f"failed on {len(failures)} of {len(cases)} inputs", problem,
                 f"the submission's signature: {contract.function}{signature}", expected_signature]
    counterexample = {"input": readable(case), "expected": readable(contract.reference(case)),
                      "actual": actual(result)}
    return report("incorrect", problem, diagnosis=diagnosis, counterexample=counterexample)
