"""``genverify autograder gradescope|prairielearn SPEC --out DIR`` and ``genverify autograder run``."""

from __future__ import annotations

import sys
from pathlib import Path

from genverify.commands import EXIT_OK, UsageError


def autograder(args) -> int:
    from genverify.autograder.bundle import BundleError
    from genverify.autograder.grader import GradingUnavailable
    from genverify.autograder.spec import SpecError
    from genverify.autograder.wheel import WheelError

    try:
        return _run(args) if args.platform_command == "run" else _build(args)
    except (SpecError, BundleError, WheelError, GradingUnavailable) as exc:
        raise UsageError(" ".join(str(exc).split())) from None


def _build(args) -> int:
    from genverify.autograder import gradescope, prairielearn
    from genverify.autograder.spec import load_spec

    assignment = load_spec(args.spec)
    out = Path(args.out)
    wheel = Path(args.wheel) if args.wheel else None
    if args.platform_command == "gradescope":
        zip_to = Path(args.zip) if args.zip else None
        if zip_to is not None and (zip_to.exists() or zip_to.resolve().is_relative_to(out.resolve())):
            raise UsageError(f"--zip {zip_to}: it exists or lies inside --out")
        files = gradescope.build(assignment, out, wheel, zip_to=zip_to)
    else:
        files = prairielearn.build(assignment, out, wheel, image=args.image or prairielearn.DEFAULT_IMAGE)
    for path in files:
        print(path)
    print(f"{args.platform_command} autograder for {len(assignment.questions)} question(s) of "
          f"{assignment.title!r} in {out}", file=sys.stderr)
    return EXIT_OK


def _run(args) -> int:
    from genverify.autograder import gradescope, prairielearn

    document = (gradescope if args.platform == "gradescope" else prairielearn).run()
    score = document["score"]
    print(f"genverify autograder: graded, score {score:g}", file=sys.stderr)
    return EXIT_OK
