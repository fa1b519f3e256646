"""``genverify docs`` and ``genverify figures``: the site and its pictures."""

from __future__ import annotations

import os
from pathlib import Path

from genverify.commands import EXIT_OK, UsageError


def _output_dir(path: str) -> None:
    """Refuse ``--out`` unless it is, or can be made, a writable directory."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {path} exists and is not a directory")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--out {path}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {path}: {existing} is not writable")


def docs(args) -> int:
    _output_dir(args.out)
    from genverify.site import build_site  # Jinja2 and the converters load only for this command

    try:
        index = build_site(args.out, seed=args.seed, with_figures=not args.skip_figures, progress=True)
    except ModuleNotFoundError as exc:
        if exc.name != "genverify.figures":
            raise
        raise UsageError("the figures module is not available in this installation; use --skip-figures") from None
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out}: {exc.strerror}") from None
    print(index)
    return EXIT_OK


def figures(args) -> int:
    _output_dir(args.out)
    from genverify.figures import build_figures  # matplotlib loads only for this command

    try:
        written = build_figures(args.out, seed=args.seed, only=args.only)
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out}: {exc.strerror}") from None
    for figure, path in written:
        print(f"{path}  {figure.title}")
    return EXIT_OK
