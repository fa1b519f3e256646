r"""What surrounds an answer that is not part of it: math delimiters, a left-hand side, a final
period, and a few LaTeX spellings of one name.

``strip_surface(text)`` returns the text with those characters replaced by spaces (so the
columns the parser reports still point into what the student typed):

- ``$…$``, ``$$…$$``, ``\[…\]``, ``\(…\)`` around the whole answer;
- a trailing ``.``, ``,`` or ``;`` (inside or outside the delimiters);
- a left-hand side that names the answer: ``D^*(x) =``, ``C(G) =``, ``\mu_q(x_t, x_0) =``,
  ``\tilde\sigma_t^2 =``, ``\nabla_x \log p(x | x_{known}) =``: a name (a letter or a Greek
  command, optionally under ``\tilde``, ``\hat``, ``\bar``, ``\mathbf``, ...) with subscripts,
  superscripts, ``*`` and argument lists.  Anything else before an ``=`` is refused: one answer is
  one expression (a chain of equal expressions goes to ``grade-steps``);
- ``{\rm data}`` is ``{data}`` (``\mathrm{data}`` is the grammar's); ``\mathbf{s}``, ``\boldsymbol{x}``, ``\bm{x}`` are the letter.
"""

from __future__ import annotations

import re

from genverify.grading.errors import ParseError

_DELIMITERS = ((r"$$", r"$$"), (r"\[", r"\]"), (r"\(", r"\)"), ("$", "$"))
_PUNCTUATION = ".,;"
_DECORATION = r"(?:\\(?:tilde|widetilde|hat|widehat|bar|overline|mathbf|boldsymbol|bm|mathrm|operatorname)\s*)"
_CORE = r"(?:\\[A-Za-z]+|[A-Za-z]+|\{\s*(?:\\[A-Za-z]+\s*)*(?:\\[A-Za-z]+|[A-Za-z]+)\s*\})"
_GROUP = r"\{[^{}=]*(?:\{[^{}=]*\}[^{}=]*)*\}"
_SUFFIX = (rf"(?:\s*(?:_\s*(?:{_GROUP}|\\?[A-Za-z]+|\d)|\^\s*(?:{_GROUP}|\*|\\ast|\d|[A-Za-z])|\*"
           r"|(?:\\left\s*)?\((?:[^()=]|\([^()=]*\))*(?:\\right\s*)?\)|\[[^\[\]=]*\]))*")
_SCORE_PREFIX = r"(?:\\nabla\s*(?:_\s*(?:\{\s*x\s*\}|x))?\s*\\log\s*)?"
_LEFT_HAND_SIDE = re.compile(rf"\s*{_SCORE_PREFIX}{_DECORATION}*{_CORE}{_SUFFIX}\s*")
_ROMAN = re.compile(r"\{(\s*\\rm\s+)([A-Za-z]+)(\s*)\}")
_BOLD_LETTER = re.compile(r"\\(?:mathbf|boldsymbol|bm)\s*\{\s*([A-HJ-Za-z])\s*\}")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _strip_outer(text: str) -> str:
    """Delimiters around, and punctuation after, the whole answer, repeatedly."""
    while True:
        body = text.rstrip()
        start = len(text) - len(text.lstrip())
        if body and body[-1] in _PUNCTUATION and not re.search(r"\d\.$", body):
            text = _blank(text, len(body) - 1, len(body))
            continue
        for left, right in _DELIMITERS:
            end = len(body)
            if body[start:].startswith(left) and body.endswith(right) and end - start >= len(left) + len(right):
                text = _blank(_blank(text, end - len(right), end), start, start + len(left))
                break
        else:
            return text


def _top_level_equals(text: str) -> list[int]:
    positions, depth = [], 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "=" and depth == 0:
            positions.append(i)
    return positions


def strip_surface(text: str) -> str:
    """``text`` with delimiters, a naming left-hand side and final punctuation blanked out;
    ``ParseError`` when something other than a name stands before an ``=``."""
    text = _strip_outer(text)
    equals = _top_level_equals(text)
    if equals:
        last = equals[-1]
        start = 0
        for position in equals:
            side = text[start:position]
            if not side.strip() or not _LEFT_HAND_SIDE.fullmatch(side):
                raise ParseError(
                    f"'=' at column {position + 1}: write the answer alone or after a name such as "
                    f"D^*(x) = ... (a chain of equal expressions is graded by grade-steps)")
            start = position + 1
        text = _strip_outer(_blank(text, 0, last + 1))
    text = _ROMAN.sub(lambda m: "{" + " " * len(m.group(1)) + m.group(2) + m.group(3) + "}", text)
    return _BOLD_LETTER.sub(lambda m: " " * (len(m.group(0)) - 1) + m.group(1), text)
