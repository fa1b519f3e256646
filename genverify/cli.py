"""The ``genverify`` command line (the contract is in the design's "CLI contract").

Exit codes: 0 success, 1 a check failed, 2 bad input or usage (one line on stderr naming the
problem, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from derivations.engine import PROVED, check
from genverify import __version__
from genverify.registry import RESULTS, lookup
from genverify.render import derivation_text, latex, plain, verdict_line

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="genverify", description="Verify, teach and grade the theory of GANs and diffusion models.")
    parser.add_argument("--version", action="version", version=f"genverify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="list the registered results")

    show = sub.add_parser("show", help="a result's claim, assumptions and checked steps")
    show.add_argument("result_id")
    show.add_argument("--latex", action="store_true", help="render the mathematics as LaTeX")
    show.add_argument("--seed", type=int, default=0, help="seed of the counterexample search")

    chk = sub.add_parser("check", help="check every registered result (or the ones named)")
    chk.add_argument("result_ids", nargs="*", metavar="RESULT_ID")
    chk.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    chk.add_argument("--seed", type=int, default=0, help="seed of the counterexample search")
    return parser


def _list(args) -> int:
    width = max(len(r.id) for r in RESULTS)
    for r in RESULTS:
        print(f"{r.id:<{width}}  {r.section:>4}  {r.title}")
    return EXIT_OK


def _show(args) -> int:
    (result,) = lookup([args.result_id])
    derivation = result.derivation()
    report = check(derivation, np.random.default_rng(args.seed))
    print(derivation_text(result, derivation, report, latex if args.latex else plain))
    return EXIT_OK if report.status == PROVED else EXIT_FAILED


def _report_json(result, report) -> dict:
    def verdict(v):
        return {"status": v.status, "method": v.method, "counterexample": v.counterexample}

    return {
        "id": result.id,
        "claim": report.derivation.statement,
        "status": report.status,
        "seconds": round(report.seconds, 3),
        "steps": [{"why": s.step.why, **verdict(s.verdict), "seconds": round(s.seconds, 3)} for s in report.steps],
        "claim_check": verdict(report.claim),
    }


def _check(args) -> int:
    results = lookup(args.result_ids)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    rows, documents = [], []
    for result in results:
        report = check(result.derivation(), rng)
        documents.append(_report_json(result, report))
        proved = sum(s.verdict.proved for s in report.steps)
        rows.append((result.id, report.derivation.statement, report.status,
                     f"{proved}/{len(report.steps)}", f"{report.seconds:.2f}", report))
        if not args.json:
            _print_row(rows[-1], first=len(rows) == 1)
    ok = all(r[2] == PROVED for r in rows)
    if args.json:
        print(json.dumps({"results": documents, "ok": ok, "seconds": round(time.perf_counter() - start, 3)}, indent=2))
    else:
        print(f"{sum(r[2] == PROVED for r in rows)}/{len(rows)} proved in {time.perf_counter() - start:.1f} s")
    return EXIT_OK if ok else EXIT_FAILED


def _print_row(row, first: bool) -> None:
    rid, claim, status, steps, seconds, report = row
    if first:
        print(f"{'result':<30} {'status':<10} {'steps':>5} {'s':>6}  claim")
    claim = claim if len(claim) <= 70 else claim[:69] + "…"
    print(f"{rid:<30} {status:<10} {steps:>5} {seconds:>6}  {claim}")
    failure = report.first_failure
    if failure is not None:
        verdict = report.claim if failure == len(report.steps) else report.steps[failure].verdict
        where = "claim" if failure == len(report.steps) else f"step {failure + 1}"
        print(f"{'':<30} {where}: {verdict_line(verdict)}")


COMMANDS = {"list": _list, "show": _show, "check": _check}


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"genverify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyError as exc:
        print(f"genverify: error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``genverify show ... | head``): not an error of ours.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
