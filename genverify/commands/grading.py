"""``genverify grade``, ``grade-steps``, ``grade-code``, ``audit`` and ``targets``."""

from __future__ import annotations

import json
import os
import sys

from genverify.commands import EXIT_FAILED, EXIT_OK, UsageError, read_text


def grade(args) -> int:
    if args.batch:
        return _grade_batch(args)
    if args.out or args.resume:
        raise UsageError("--out and --resume go with --batch")
    if not args.target:
        raise UsageError("grade needs a TARGET (or --batch); `genverify targets` lists them")
    if args.answer is None and args.answer_file is None:
        raise UsageError("grade needs --answer TEXT or --answer-file F")
    answer = args.answer if args.answer is not None else read_text(args.answer_file)
    credits = _credits(args.credit_file).get(args.target) if args.credit_file else None
    from genverify.grading.formats import render
    from genverify.grading.symbolic import grade_answer

    try:
        result = grade_answer(args.target, answer, timeout=args.timeout, credits=credits,
                              accept_numeric=args.accept_numeric)
    except ValueError as exc:  # a credit outside [0, 1]
        raise UsageError(str(exc)) from None
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def _grade_batch(args) -> int:
    if args.target or args.format not in ("text", "json"):
        raise UsageError("--batch takes no TARGET (each row names its own) and writes JSON lines")
    if args.resume and not args.out:
        raise UsageError("--resume needs --out")
    from genverify.grading.batch import BatchError, grade_batch

    credits = _credits(args.credit_file) if args.credit_file else None
    try:
        counts = grade_batch(args.batch, args.out, resume=args.resume, echo=print, credits=credits,
                             timeout=args.timeout, accept_numeric=args.accept_numeric)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(", ".join(f"{k}: {v}" for k, v in counts.items()), file=sys.stderr)
    return EXIT_FAILED if counts.get("not graded") else EXIT_OK


def _credits(path: str) -> dict:
    try:
        credits = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(credits, dict) or not all(isinstance(v, dict) for v in credits.values()):
        raise UsageError(f'{path} must map each target to {{"mistake name": credit}}')
    return credits


def grade_steps(args) -> int:
    text = read_text(args.file)
    from genverify.grading.formats import render
    from genverify.grading.steps import grade_steps as grade_chain

    result = grade_chain(args.target, text, timeout=args.timeout)
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def grade_code(args) -> int:
    path = args.submission
    if os.path.isdir(path):
        raise UsageError(f"cannot read {path}: it is a directory")
    if os.path.exists(path) and not os.path.isfile(path):  # a FIFO or a device would block or never end
        raise UsageError(f"cannot read {path}: not a regular file")
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    from genverify.grading.code import Limits, SandboxUnavailable
    from genverify.grading.code import grade_code as run_submission
    from genverify.grading.formats import render

    weights = _regime_weights(args.regime_weights) if args.regime_weights else None
    limits = Limits(seconds=args.wall_seconds, cpu_seconds=args.cpu_seconds,
                    memory_bytes=args.memory_mb << 20, tmp_bytes=args.tmp_mb << 20)
    try:
        result = run_submission(args.target, path, sandboxed=not args.no_sandbox,
                                rng_seed=args.seed, regime_weights=weights, limits=limits,
                                python=args.python)
    except ValueError as exc:  # an unknown target or regime, a bad weight, an unusable --python
        raise UsageError(str(exc)) from None
    except SandboxUnavailable as exc:  # fail closed: never grade unisolated by accident
        raise UsageError(str(exc)) from None
    print(render(result, args.format))
    return EXIT_OK if result["verdict"] == "correct" else EXIT_FAILED


def _regime_weights(path: str) -> dict:
    try:
        weights = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(weights, dict):
        raise UsageError(f'{path} must be a JSON object {{"regime name": weight}}')
    return weights


def audit(args) -> int:
    from genverify.grading.audit import run_audit

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


def example_answer(target) -> str:
    """An answer the grader marks correct: the reference in the plain notation it reads back
    (``tests/test_cli.py`` grades every example)."""
    from genverify.render import plain

    return plain(target.reference)


def code_skeleton(contract) -> str:
    """The first line of a submission: ``def`` and the contract's argument names."""
    head = contract.signature.split(" -> ")[0]
    return f"def {head}: ..."


def targets(args) -> int:
    from genverify.grading.code import CODE_TARGETS
    from genverify.grading.targets import TARGETS

    if args.target:
        return _target_in_full(args.target, TARGETS, CODE_TARGETS)
    print("Symbolic targets: genverify grade TARGET --answer TEXT (LaTeX or plain text)")
    for target in TARGETS.values():
        print(f"\n{target.id}: {target.description}")
        print(f"  variables: {', '.join(sorted(target.allowed))}")
        print(f"  example:   genverify grade {target.id} --answer '{example_answer(target)}'")
    print("\n(beta is β_t, also written 1-α_t; beta_bar is β̄_t = ᾱ_t = ∏_{i≤t} (1-β_i); "
          "prod and sum are ∏ and Σ over i.)")
    print("\nCode targets: genverify grade-code TARGET SUBMISSION.py (a file defining the function)")
    for name, contract in CODE_TARGETS.items():
        print(f"\n{name} (result {contract.result_id})")
        print(f"  signature: {contract.signature}")
        print(f"  example:   {code_skeleton(contract)}  (genverify targets {name}: a whole one)")
    return EXIT_OK


def _target_in_full(name: str, symbolic: dict, code: dict) -> int:
    """One target: a symbolic one's variables, example and catalogued mistakes; a code one's
    signature, regimes (the cases graded together), mistakes and a correct NumPy submission."""
    if name not in symbolic and name not in code:
        raise UsageError(f"unknown target {name!r}; `genverify targets` lists them")
    if name in symbolic:
        target = symbolic[name]
        print(f"{target.id}: {target.description}  (genverify grade)")
        print(f"  variables: {', '.join(sorted(target.allowed))}")
        print(f"  example:   genverify grade {target.id} --answer '{example_answer(target)}'")
        print("  mistakes it names (partial credit):")
        for mistake in target.mistakes:
            print(f"    {mistake.name} ({mistake.credit:g}): {mistake.feedback}")
    if name in code:
        contract = code[name]
        print(f"{name} (result {contract.result_id}): genverify grade-code {name} SUBMISSION.py")
        print(f"  signature: {contract.signature}")
        print("  regimes (cases; each regime passed earns its share of the score):")
        for regime in contract.regimes:
            print(f"    {regime.name} ({regime.count})")
        print("  mistakes it names:")
        for mistake in contract.mistakes:
            print(f"    {mistake.name}: {mistake.explanation}")
        print("  a correct submission:\n")
        print("\n".join(f"    {line}" if line else "" for line in contract.example.rstrip().splitlines()))
    return EXIT_OK
