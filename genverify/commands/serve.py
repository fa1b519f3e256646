"""``genverify serve``: grade JSON lines from stdin in one warm process (``genverify.grading.serve``)."""

from __future__ import annotations

from genverify.commands import EXIT_OK


def serve(args) -> int:
    from genverify.grading.serve import serve as run

    run(timeout=args.timeout, accept_numeric=args.accept_numeric)
    return EXIT_OK
