"""The ``genverify`` command line (the contract is in the design's "CLI contract").

This module only parses arguments: each command lives in ``genverify.commands`` and is imported
when it runs, so ``--help`` and ``list`` load neither SymPy nor SciPy.

Exit codes: 0 success, 1 a check failed, 2 bad input or usage (one line on stderr naming the
problem, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys

from genverify import __version__
from genverify.commands import EXIT_OK, EXIT_USAGE, UsageError
from genverify.grading.formats import FORMATS
from genverify.grading.names import CODE_TARGETS, SYMBOLIC_TARGETS

#: The keys of ``numeric.crosschecks.PROFILES`` (importing it loads SciPy; a test keeps them equal).
PROFILE_NAMES = ("quick", "default", "thorough")
#: Longest time limit per answer: ``setitimer`` overflows near 1e300 s, and a grader that waits
#: longer than an hour for one answer is waiting for nothing.
MAX_TIMEOUT = 3600.0


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        # No abbreviations: ``--profil`` is a typo to report, not a guess to make.
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def error(self, message):
        raise UsageError(message)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected a whole number ≥ 0") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: expected a whole number ≥ 0")
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_TIMEOUT:  # also false for nan
        raise argparse.ArgumentTypeError(f"invalid timeout {text!r}: expected seconds in (0, {MAX_TIMEOUT:g}]")
    return value


def _bounded(kind: str, unit: str, low: float, high: float, convert=int):
    """An argparse type: a number of ``unit`` in [low, high] (whole if ``convert`` is int)."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = math.nan
        if not low <= value <= high:  # also false for nan
            raise argparse.ArgumentTypeError(
                f"invalid {kind} {text!r}: expected {'whole ' if convert is int else ''}"
                f"{unit} in [{low:g}, {high:g}]")
        return value

    return parse


def _targets_epilog() -> str:
    return ("symbolic targets (grade, grade-steps): " + ", ".join(SYMBOLIC_TARGETS)
            + "\ncode targets (grade-code): " + ", ".join(CODE_TARGETS)
            + "\n`genverify targets` shows each one's variables or signature and an example answer.")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="genverify", description="Verify, teach and grade the theory of GANs and diffusion models.",
                     epilog=_targets_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"genverify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="list the registered results and the grading targets")
    targets = sub.add_parser("targets", help="the grading targets: variables or signature, and an example answer")
    targets.add_argument("target", nargs="?", metavar="TARGET",
                         help="one target in full: its mistakes; for code, its regimes and a correct submission")

    show = sub.add_parser("show", help="a result's claim, assumptions and checked steps")
    show.add_argument("result_id")
    show.add_argument("--latex", action="store_true", help="render the mathematics as LaTeX")
    show.add_argument("--seed", type=_seed, default=0, help="seed of the counterexample search")

    chk = sub.add_parser("check", help="check every registered result (or the ones named)")
    chk.add_argument("result_ids", nargs="*", metavar="RESULT_ID")
    chk.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    chk.add_argument("--profile", choices=PROFILE_NAMES, default="default",
                     help="Monte Carlo sample size of the cross-checks (quick: CI, thorough: largest)")
    chk.add_argument("--seed", type=_seed, default=0,
                     help="seed of the counterexample search and of the Monte Carlo cross-checks")

    grade = sub.add_parser("grade", help="grade a symbolic answer (or a JSONL batch of them)",
                           epilog="targets: " + ", ".join(SYMBOLIC_TARGETS))
    grade.add_argument("target", nargs="?", help="a grading target, e.g. diffusion.posterior_mean")
    source = grade.add_mutually_exclusive_group()
    source.add_argument("--answer", help="the answer, LaTeX or plain text")
    source.add_argument("--answer-file", help="a file holding the answer")
    source.add_argument("--batch", metavar="IN.jsonl", help='rows {"id", "target", "answer"}')
    grade.add_argument("--out", metavar="OUT.jsonl",
                       help="with --batch: where results go (default stdout); locked while grading")
    grade.add_argument("--resume", action="store_true",
                       help="with --batch --out: skip ids already graded (OUT must be genverify's)")
    grade.add_argument("--format", choices=FORMATS, default="text")
    grade.add_argument("--timeout", type=_timeout, default=5.0, help="CPU seconds per answer (default 5)")
    grade.add_argument("--accept-numeric", action="store_true",
                       help="grade agreement at every random point without a symbolic proof correct "
                            "(method numeric), not undecided")
    grade.add_argument("--credit-file", metavar="CREDITS.json",
                       help='partial credit per mistake: {"TARGET": {"mistake name": 0.25, ...}}')

    steps = sub.add_parser("grade-steps", help="grade a derivation step by step",
                           epilog="targets: " + ", ".join(SYMBOLIC_TARGETS))
    steps.add_argument("target")
    steps.add_argument("--file", required=True, help="a chain e_0 = e_1 = ... (an aligned block is accepted)")
    steps.add_argument("--format", choices=("text", "json"), default="text")
    steps.add_argument("--timeout", type=_timeout, default=5.0, help="CPU seconds for the whole chain (default 5)")

    code = sub.add_parser("grade-code", help="grade a Python function against its contract, sandboxed",
                          epilog="targets: " + ", ".join(CODE_TARGETS))
    code.add_argument("target")
    code.add_argument("submission", metavar="SUBMISSION.py")
    code.add_argument("--format", choices=FORMATS, default="text")
    code.add_argument("--seed", type=_seed, default=0,
                      help="which cases are drawn (default 0); a seed draws the same cases through "
                           "the CLI, the Python API and any autograder")
    code.add_argument("--regime-weights", metavar="FILE.json",
                      help='score weights, {"regime name": weight}; the score is the weighted '
                           "fraction of regimes passed (default: every regime weighs 1)")
    code.add_argument("--no-sandbox", action="store_true",
                      help="run the submission without bubblewrap/seccomp (rlimits only); the "
                           "result says so. Without it, grade-code exits 2 where no sandbox can be built")
    # The defaults are genverify.grading.isolation.Limits' (docs/sandbox.md says why).
    code.add_argument("--python", metavar="PATH",
                      help="a course environment: the interpreter (e.g. a venv's bin/python, with "
                           "NumPy) whose site-packages submissions may import, mounted read-only; "
                           "default: this interpreter with NumPy only")
    code.add_argument("--wall-seconds", metavar="S", type=_bounded("wall-clock limit", "seconds", 0.1, MAX_TIMEOUT, float),
                      default=20.0, help="wall-clock seconds per request: the import, then all cases (default 20)")
    code.add_argument("--cpu-seconds", metavar="S", type=_bounded("CPU limit", "seconds", 1, MAX_TIMEOUT), default=10,
                      help="CPU seconds for the submission's whole process (default 10)")
    code.add_argument("--memory-mb", metavar="MIB", type=_bounded("memory limit", "MiB", 64, 1 << 20), default=1024,
                      help="MiB the submission may allocate (RLIMIT_DATA; its address space may be "
                           "1 GiB more, for mapped library code) (default 1024)")
    code.add_argument("--tmp-mb", metavar="MIB", type=_bounded("temp size", "MiB", 1, 4096), default=16,
                      help="MiB of its writable /tmp (TMPDIR), in memory (default 16)")

    serve = sub.add_parser("serve", help="grade JSON lines from stdin in one warm process (for LMS wrappers)")
    serve.add_argument("--timeout", type=_timeout, default=5.0, help="CPU seconds per answer (default 5)")
    serve.add_argument("--accept-numeric", action="store_true",
                       help="grade agreement at every random point without a symbolic proof correct, "
                            "not undecided")

    _autograder_parser(sub)

    audit = sub.add_parser("audit", help="grade the homework solution's own answers")
    audit.add_argument("--json", action="store_true")

    figures = sub.add_parser("figures", help="draw the documentation's figures as PNG files")
    figures.add_argument("--out", required=True, metavar="DIR", help="directory to write <id>.png into")
    figures.add_argument("--seed", type=_seed, default=0, help="seed of every figure's random numbers")
    figures.add_argument("--only", nargs="+", metavar="ID", default=[], help="draw only these figure ids")

    docs = sub.add_parser("docs", help="build the documentation site (static HTML, no network needed)")
    docs.add_argument("--out", required=True, metavar="DIR", help="where the site goes")
    docs.add_argument("--skip-figures", action="store_true", help="leave the figures out (a faster build)")
    docs.add_argument("--seed", type=_seed, default=0, help="seed of the proofs, cross-checks and figures")
    return parser


def _autograder_parser(sub) -> None:
    autograder = sub.add_parser("autograder", help="write a Gradescope or PrairieLearn autograder for an "
                                "assignment spec, or run one inside the platform's container",
                                description="See docs/autograder.md for the spec and the bundles.")
    platforms = autograder.add_subparsers(dest="platform_command", required=True, parser_class=_Parser)
    for name, what in (("gradescope", "a Gradescope autograder (setup.sh, run_autograder, the spec, "
                                      "the genverify wheel)"),
                       ("prairielearn", "a PrairieLearn external grader (image/ and questions/)")):
        build = platforms.add_parser(name, help=what)
        build.add_argument("spec", metavar="SPEC", help="the assignment spec, .toml or .json")
        build.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder for the bundle")
        build.add_argument("--wheel", metavar="WHEEL",
                           help="carry this genverify wheel (default: build one from this checkout)")
        if name == "gradescope":
            build.add_argument("--zip", metavar="FILE", help="also write the zip to upload (outside --out)")
        else:
            build.add_argument("--image", help="the image name the questions' info.json give "
                                               "(default genverify-grader:VERSION)")
    run = platforms.add_parser("run", help="grade one submission inside the platform's container "
                               "(what run_autograder and the PrairieLearn entrypoint call)")
    run.add_argument("platform", choices=("gradescope", "prairielearn"))


def _list(args) -> int:
    from genverify.registry import RESULTS

    width = max(len(r.id) for r in RESULTS)
    for r in RESULTS:
        print(f"{r.id:<{width}}  {r.section:>4}  {r.title}")
    print(f"\ngrading targets (`genverify targets` describes them): {', '.join(SYMBOLIC_TARGETS)}")
    print(f"code targets (grade-code): {', '.join(CODE_TARGETS)}")
    return EXIT_OK


#: command → (module under genverify.commands, function); the module is imported when it runs.
COMMANDS = {"show": ("results", "show"), "check": ("results", "run_check"),
            "grade": ("grading", "grade"), "grade-steps": ("grading", "grade_steps"),
            "grade-code": ("grading", "grade_code"), "audit": ("grading", "audit"),
            "targets": ("grading", "targets"), "figures": ("documents", "figures"),
            "docs": ("documents", "docs"), "serve": ("serve", "serve"),
            "autograder": ("autograder", "autograder")}


def _run(args) -> int:
    if args.command == "list":
        return _list(args)
    module, name = COMMANDS[args.command]
    return getattr(importlib.import_module(f"genverify.commands.{module}"), name)(args)


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(_parser().parse_args(argv))
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
