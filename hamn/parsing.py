"""Shared pieces of hamn's output parsers.

Every parser in ``hamn.db2``, ``hamn.xcat`` and ``hamn.aix`` is a pure function from the text
a command printed to a frozen dataclass. A parser that meets a layout it does not know raises
:class:`ParseError`, quoting the first lines it could not read; it never guesses.
"""

from __future__ import annotations

from collections.abc import Iterable

QUOTED_LINES = 3


class ParseError(ValueError):
    """The output is not in a layout the parser knows.

    ``what`` names the output (``"db2pd -hadr"``), ``lines`` holds the first lines that could
    not be read, quoted in the message so a failure on a real host says what came back.
    """

    def __init__(self, what: str, reason: str, lines: Iterable[str] = ()) -> None:
        self.what = what
        self.reason = reason
        self.lines: tuple[str, ...] = tuple(line.rstrip() for line in lines)[:QUOTED_LINES]
        message = f"{what}: {reason}"
        if self.lines:
            message += "; first unread lines: " + " | ".join(repr(line) for line in self.lines)
        super().__init__(message)


def content_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, right-stripped (CR of a CRLF copy removed too)."""
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def require_text(what: str, text: str) -> None:
    """Raise :class:`ParseError` when the command printed nothing at all."""
    if not text.strip():
        raise ParseError(what, "the output is empty")
