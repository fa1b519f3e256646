"""The subcommands of ``genverify`` (``genverify.cli`` parses the arguments and imports one of
these modules only when its command runs, so each command loads only the libraries it needs).

Exit codes: 0 success, 1 a check failed or an answer is not correct, 2 bad input or usage.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: reported in one line with exit code 2."""


def read_text(path: str) -> str:
    """The UTF-8 text of ``path``; ``UsageError`` naming the problem otherwise."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
