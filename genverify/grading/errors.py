"""The parser's error, shared by ``parse`` and ``surface``."""


class ParseError(ValueError):
    """An answer that is not in the notation; the message is one line naming the problem."""
