"""The ``genverify`` command line (the contract is in the design's "CLI contract").

Exit codes: 0 success, 1 a check failed, 2 bad input or usage (one line on stderr naming the
problem, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from genverify.derivations.engine import PROVED, check
from genverify.numeric.crosschecks import K, PROFILES
from genverify import __version__
from genverify.checking import check_results
from genverify.grading.audit import run_audit
from genverify.grading.batch import grade_batch
from genverify.grading.code import grade_code
from genverify.grading.formats import FORMATS, render
from genverify.grading.steps import grade_steps
from genverify.grading.symbolic import grade_answer
from genverify.registry import RESULTS, lookup
from genverify.render import derivation_text, latex, plain, verdict_line

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        # No abbreviations: ``--profil`` is a typo to report, not a guess to make.
        super().__init__(*args, allow_abbrev=False, **kwargs)

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
    chk.add_argument("--profile", choices=tuple(PROFILES), default="default",
                     help="Monte Carlo sample size of the cross-checks (quick: CI, thorough: largest)")
    chk.add_argument("--seed", type=int, default=0,
                     help="seed of the counterexample search and of the Monte Carlo cross-checks")

    grade = sub.add_parser("grade", help="grade a symbolic answer (or a JSONL batch of them)")
    grade.add_argument("target", nargs="?", help="a grading target, e.g. diffusion.posterior_mean")
    source = grade.add_mutually_exclusive_group()
    source.add_argument("--answer", help="the answer, LaTeX or plain text")
    source.add_argument("--answer-file", help="a file holding the answer")
    source.add_argument("--batch", metavar="IN.jsonl", help='rows {"id", "target", "answer"}')
    grade.add_argument("--out", metavar="OUT.jsonl", help="with --batch: where results go (default stdout)")
    grade.add_argument("--resume", action="store_true", help="with --batch --out: skip ids already graded")
    grade.add_argument("--format", choices=FORMATS, default="text")
    grade.add_argument("--timeout", type=float, default=5.0, help="seconds per answer (default 5)")
    grade.add_argument("--credit-file", metavar="CREDITS.json",
                       help='partial credit per mistake: {"TARGET": {"mistake name": 0.25, ...}}')

    steps = sub.add_parser("grade-steps", help="grade a derivation step by step")
    steps.add_argument("target")
    steps.add_argument("--file", required=True, help="a chain e_0 = e_1 = ... (an aligned block is accepted)")
    steps.add_argument("--format", choices=("text", "json"), default="text")

    code = sub.add_parser("grade-code", help="grade a Python function against its contract, sandboxed")
    code.add_argument("target")
    code.add_argument("submission", metavar="SUBMISSION.py")
    code.add_argument("--format", choices=FORMATS, default="text")

    audit = sub.add_parser("audit", help="grade the homework solution's own answers")
    audit.add_argument("--json", action="store_true")

    figures = sub.add_parser("figures", help="draw the documentation's figures as PNG files")
    figures.add_argument("--out", required=True, metavar="DIR", help="directory to write <id>.png into")
    figures.add_argument("--seed", type=int, default=0, help="seed of every figure's random numbers")
    figures.add_argument("--only", nargs="+", metavar="ID", default=[], help="draw only these figure ids")

    docs = sub.add_parser("docs", help="build the documentation site (static HTML, no network needed)")
    docs.add_argument("--out", required=True, metavar="DIR", help="where the site goes")
    docs.add_argument("--skip-figures", action="store_true", help="leave the figures out (a faster build)")
    docs.add_argument("--seed", type=int, default=0, help="seed of the proofs, cross-checks and figures")
    return parser


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def _grade(args) -> int:
    if args.batch:
        if args.target or args.format not in ("text", "json"):
            raise UsageError("--batch takes no TARGET (each row names its own) and writes JSON lines")
        if args.resume and not args.out:
            raise UsageError("--resume needs --out")
        if not os.path.exists(args.batch):
            raise UsageError(f"cannot read {args.batch}: no such file")
        credits = _credits(args.credit_file) if args.credit_file else None
        counts = grade_batch(args.batch, args.out, resume=args.resume, echo=print, credits=credits)
        print(", ".join(f"{k}: {v}" for k, v in counts.items()), file=sys.stderr)
        return EXIT_OK
    if not args.target:
        raise UsageError("grade needs a TARGET (or --batch)")
    if args.answer is None and args.answer_file is None:
        raise UsageError("grade needs --answer TEXT or --answer-file F")
    answer = args.answer if args.answer is not None else _read(args.answer_file)
    credits = _credits(args.credit_file).get(args.target) if args.credit_file else None
    try:
        result = grade_answer(args.target, answer, timeout=args.timeout, credits=credits)
    except ValueError as exc:  # a credit outside [0, 1]
        raise UsageError(str(exc)) from None
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def _credits(path: str) -> dict:
    try:
        credits = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(credits, dict) or not all(isinstance(v, dict) for v in credits.values()):
        raise UsageError(f'{path} must map each target to {{"mistake name": credit}}')
    return credits


def _grade_steps(args) -> int:
    result = grade_steps(args.target, _read(args.file))
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def _grade_code(args) -> int:
    if not os.path.isfile(args.submission):
        raise UsageError(f"cannot read {args.submission}: no such file")
    try:
        result = grade_code(args.target, args.submission)
    except ValueError as exc:  # an unknown target or an unreadable submission
        raise UsageError(str(exc)) from None
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def _audit(args) -> int:
    rows = run_audit()
    if args.json:
        print(json.dumps([{"section": c.section, "claim": c.claim, "target": c.target, "answer": c.answer,
                           "note": c.note, **r} for c, r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'§':<4} {'claim':<28} {'verdict':<10} {'score':>5}  feedback")
    for case, result in rows:
        print(f"{case.section:<4} {case.claim:<28} {result['verdict']:<10} {result['score']:>5.2f}  {result['feedback']}")
        print(f"{'':<4} homework: {case.answer}")
    flagged = sum(r["verdict"] != "correct" for _, r in rows)
    print(f"\n{flagged} of {len(rows)} answers of the homework solution are not correct.")
    return EXIT_OK


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


def _print_proofs(results, reports) -> None:
    print(f"{'result':<30} {'status':<10} {'steps':>5} {'s':>6}  claim")
    for result, report in zip(results, reports):
        claim = report.derivation.statement
        claim = claim if len(claim) <= 70 else claim[:69] + "…"
        steps = f"{sum(s.verdict.proved for s in report.steps)}/{len(report.steps)}"
        print(f"{result.id:<30} {report.status:<10} {steps:>5} {report.seconds:>6.2f}  {claim}")
        failure = report.first_failure
        if failure is not None:
            verdict = report.claim if failure == len(report.steps) else report.steps[failure].verdict
            where = "claim" if failure == len(report.steps) else f"step {failure + 1}"
            print(f"{'':<30} {where}: {verdict_line(verdict)}")


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


def _docs(args) -> int:
    from genverify.site import build_site  # Jinja2 and the converters load only for this command

    try:
        index = build_site(args.out, seed=args.seed, with_figures=not args.skip_figures, progress=True)
    except ModuleNotFoundError as exc:
        if exc.name != "genverify.figures":
            raise
        raise UsageError("the figures module is not available in this installation; use --skip-figures") from None
    print(index)
    return EXIT_OK


def _figures(args) -> int:
    from genverify.figures import build_figures  # matplotlib loads only for this command

    try:
        written = build_figures(args.out, seed=args.seed, only=args.only)
    except (NotADirectoryError, FileExistsError) as exc:
        raise UsageError(f"--out: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out}: {exc.strerror}") from None
    for figure, path in written:
        print(f"{path}  {figure.title}")
    return EXIT_OK


COMMANDS = {"list": _list, "show": _show, "check": _check, "grade": _grade, "grade-steps": _grade_steps,
            "grade-code": _grade_code, "audit": _audit, "figures": _figures, "docs": _docs}


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"genverify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyError as exc:
        # Unknown result ids and grading targets; the message names what is wrong.
        print(f"genverify: error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``genverify show ... | head``): not an error of ours.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
