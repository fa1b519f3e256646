"""``genverify list``, ``show`` and ``check``: the registered results, their proofs and cross-checks."""

from __future__ import annotations

import json
import time

import numpy as np

from genverify.checking import check_results
from genverify.commands import EXIT_FAILED, EXIT_OK
from genverify.derivations.engine import PROVED, check
from genverify.numeric.crosschecks import K
from genverify.registry import lookup
from genverify.render import claim_parts, claim_summary, derivation_text, latex, plain, verdict_line

#: Characters of the formal claim in the ``check`` table; a longer one is cut at a conjunct, with a
#: pointer to ``genverify show``.
CLAIM_WIDTH = 100


def show(args) -> int:
    (result,) = lookup([args.result_id])
    derivation = result.derivation()
    report = check(derivation, np.random.default_rng(args.seed))
    print(derivation_text(result, derivation, report, latex if args.latex else plain))
    return EXIT_OK if report.status == PROVED else EXIT_FAILED


def run_check(args) -> int:
    results = lookup(args.result_ids)
    start = time.perf_counter()
    reports, outcomes, _ = check_results(results, args.seed, args.profile)
    seconds = time.perf_counter() - start
    proved = all(r.status == PROVED for r in reports)
    passed = all(outcome.passed(K) for _, outcome in outcomes)
    if args.json:
        print(json.dumps({
            "results": [_report_json(result, report) for result, report in zip(results, reports)],
            "crosschecks": [_outcome_json(c, o) for c, o in outcomes],
            "profile": args.profile, "seed": args.seed, "k": K,
            "ok": proved and passed, "seconds": round(seconds, 3)}, indent=2))
    else:
        _print_proofs(results, reports)
        print()
        _print_crosschecks(outcomes, args.profile)
        print(f"\n{sum(r.status == PROVED for r in reports)}/{len(reports)} proved, "
              f"{sum(o.passed(K) for _, o in outcomes)}/{len(outcomes)} cross-checks within {K:g} SE "
              f"({args.profile} profile, seed {args.seed}) in {seconds:.1f} s")
    return EXIT_OK if proved and passed else EXIT_FAILED


def _report_json(result, report) -> dict:
    def verdict(v):
        return {"status": v.status, "method": v.method, "counterexample": v.counterexample}

    return {
        "id": result.id,
        "status": report.status,
        # What "status" refers to: the formal claim, one conjunct per entry; the statement in
        # words and the scope of the check qualify it for a reader.
        "formal_claim": [{"label": label, "formula": formula}
                         for label, formula in claim_parts(report.derivation.claim)],
        "statement": report.derivation.statement,
        "scope": getattr(result, "scope", ""),
        "seconds": round(report.seconds, 3),
        "steps": [{"why": s.step.why, **verdict(s.verdict), "seconds": round(s.seconds, 3)} for s in report.steps],
        "claim_check": verdict(report.claim),
    }


def _print_proofs(results, reports) -> None:
    print(f"{'result':<30} {'status':<10} {'steps':>5} {'s':>6}  formal claim (what the status refers to)")
    for result, report in zip(results, reports):
        claim = claim_summary(report.derivation.claim, CLAIM_WIDTH)
        steps = f"{sum(s.verdict.proved for s in report.steps)}/{len(report.steps)}"
        print(f"{result.id:<30} {report.status:<10} {steps:>5} {report.seconds:>6.2f}  {claim}")
        failure = report.first_failure
        if failure is not None:
            verdict = report.claim if failure == len(report.steps) else report.steps[failure].verdict
            where = "claim" if failure == len(report.steps) else f"step {failure + 1}"
            print(f"{'':<30} {where}: {verdict_line(verdict)}")
    print("… the formal claim goes on: `genverify show RESULT_ID` prints it whole, in words, with the scope of its\n"
          "  check and every step")


def _worst(outcome) -> tuple[float, float, float, float]:
    """Estimate, SE, expected value and z of the coordinate with the largest ``|z|``."""
    z = np.abs(np.nan_to_num(np.atleast_1d(outcome.z), nan=np.inf))
    i = int(np.argmax(z))
    pick = [np.atleast_1d(np.broadcast_to(v, z.shape))[i] for v in (outcome.estimate, outcome.se, outcome.expected)]
    return (*pick, float(np.atleast_1d(outcome.z)[i]))


def _print_crosschecks(outcomes, profile: str) -> None:
    print(f"{'cross-check (' + profile + ')':<28} {'result':<28} {'n':>7} {'coords':>6}  "
          f"{'worst coordinate: estimate ± SE':<34} {'expected':>11} {'z':>7}  status")
    for c, o in outcomes:
        estimate, se, expected, z = _worst(o)
        status = "pass" if o.passed(K) else "FAIL"
        coords = np.size(o.estimate)
        print(f"{c.name:<28} {c.result_id:<28} {o.n:>7} {coords:>6}  {estimate:>15.6g} ± {se:<15.3g} "
              f"{expected:>11.6g} {z:>7.2f}  {status}")


def _outcome_json(c, o) -> dict:
    def listed(v):
        return np.atleast_1d(np.asarray(v, dtype=float)).tolist()

    return {"name": c.name, "result_id": c.result_id, "n": o.n, "estimate": listed(o.estimate),
            "se": listed(o.se), "expected": listed(o.expected), "z": listed(o.z),
            "max_abs_z": o.max_abs_z, "passed": o.passed(K)}
