"""DB2 command line processor (CLP) messages and exit codes.

Section 5.1 of the runbook (5.1.3 SQL1035N, 5.1.4 SQL2539W, 5.1.7 DB20000I, 5.1.10 SQL1117N)
reads CLP messages. A CLP message starts a line with its identifier (prefix, number and a
severity letter, e.g. ``SQL1117N``, ``DB20000I``, ``SQL2539W``, ``DB21034E``), may wrap over
several lines, and often ends with ``SQLSTATE=57019``; some carry ``Reason code = "7"``.

The CLP exit code (IBM "Command line processor return codes"): 0 success, 1 a SELECT or FETCH
returned no rows, 2 a warning, 4 an error, 8 a CLP system error. For ``-f`` files and
interactive sessions it is the logical OR of the codes of the statements run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag

from hamn.parsing import ParseError

# Message identifiers of the DB2 message catalogues that the CLP prints.
_PREFIXES = ("SQLJ", "SQL", "DB2", "DBI", "DBA", "DBT", "CLI", "ADM", "ASN", "CCA", "GSE", "SPM")
_ID_RE = re.compile(
    r"^\s*(?P<id>(?P<prefix>" + "|".join(_PREFIXES) + r")(?P<number>\d{4,5})(?P<severity>[NWICE]))"
    r"(?=\s|$)"
)
_SQLSTATE_RE = re.compile(r"\s*SQLSTATE=(?P<sqlstate>[0-9A-Z]{5})\b")
_REASON_RE = re.compile(r"\breason code\s*(?:=|:)?\s*\"?(?P<code>[-\w]+)\"?", re.IGNORECASE)
_TOKEN_RE = re.compile(r"\"([^\"]*)\"")

SEVERITIES = {
    "N": "error (negative SQLCODE)",
    "E": "error",
    "C": "critical error",
    "W": "warning",
    "I": "information",
}


@dataclass(frozen=True)
class ClpMessage:
    """One CLP message, e.g. ``SQL1117N ... SQLSTATE=57019`` (runbook 5.1.10)."""

    message_id: str
    prefix: str
    number: int
    severity: str
    text: str
    sqlstate: str | None = None
    reason_code: str | None = None
    tokens: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        """True for the severity letters N, E and C."""
        return self.severity in ("N", "E", "C")

    @property
    def is_warning(self) -> bool:
        return self.severity == "W"

    @property
    def is_info(self) -> bool:
        return self.severity == "I"

    @property
    def sqlcode(self) -> int | None:
        """The SQLCODE of an ``SQL`` message: negative for N, positive for W, else None."""
        if self.prefix != "SQL":
            return None
        if self.severity == "N":
            return -self.number
        if self.severity == "W":
            return self.number
        return None


class Db2MessageError(ParseError):
    """The command printed a DB2 message where a report was expected (e.g. SQL1013N)."""

    def __init__(self, what: str, message: ClpMessage) -> None:
        self.message = message
        super().__init__(what, f"DB2 answered {message.message_id}: {message.text}")


def parse_clp_messages(text: str) -> tuple[ClpMessage, ...]:
    """Every CLP message in ``text``, in order (runbook 5.1.3 to 5.1.10).

    A message runs from its identifier to the next blank line or the next identifier; wrapped
    lines are joined with one space.
    """
    messages: list[ClpMessage] = []
    current: list[str] = []
    match: re.Match[str] | None = None

    def flush() -> None:
        if match is not None:
            messages.append(_build(match, " ".join(current)))

    for line in text.splitlines():
        found = _ID_RE.match(line)
        if found:
            flush()
            match = found
            current = [line[found.end() :].strip()]
        elif match is not None and line.strip():
            current.append(line.strip())
        elif match is not None:
            flush()
            match = None
            current = []
    flush()
    return tuple(messages)


def parse_clp_message(text: str) -> ClpMessage:
    """The first CLP message in ``text``; :class:`ParseError` quoting the text if none."""
    messages = parse_clp_messages(text)
    if not messages:
        lines = [line for line in text.splitlines() if line.strip()]
        raise ParseError("CLP message", "no DB2 message identifier found", lines)
    return messages[0]


def find_clp_message(text: str, message_id: str) -> ClpMessage | None:
    """The first message with identifier ``message_id`` (e.g. ``"SQL2539W"``), else None."""
    wanted = message_id.upper()
    return next((m for m in parse_clp_messages(text) if m.message_id == wanted), None)


def first_error(text: str) -> ClpMessage | None:
    """The first message of severity N, E or C in ``text``, else None."""
    return next((m for m in parse_clp_messages(text) if m.is_error), None)


def _build(match: re.Match[str], body: str) -> ClpMessage:
    sqlstate = None
    state = _SQLSTATE_RE.search(body)
    if state:
        sqlstate = state.group("sqlstate")
        body = (body[: state.start()] + body[state.end() :]).strip()
    reason = _REASON_RE.search(body)
    return ClpMessage(
        message_id=match.group("id"),
        prefix=match.group("prefix"),
        number=int(match.group("number")),
        severity=match.group("severity"),
        text=re.sub(r"\s+", " ", body).strip(),
        sqlstate=sqlstate,
        reason_code=reason.group("code") if reason else None,
        tokens=tuple(_TOKEN_RE.findall(body)),
    )


class ClpExit(IntFlag):
    """Bits of the CLP exit code; 0 (no bit) is success."""

    NO_ROWS = 1
    WARNING = 2
    ERROR = 4
    SYSTEM_ERROR = 8


_EXIT_MEANING = {
    ClpExit.NO_ROWS: "a SELECT or FETCH statement returned no rows",
    ClpExit.WARNING: "a DB2 command or SQL statement warning",
    ClpExit.ERROR: "a DB2 command or SQL statement error",
    ClpExit.SYSTEM_ERROR: "a command line processor system error",
}


def clp_exit(code: int) -> ClpExit:
    """The flags of a CLP exit code (0..15); :class:`ValueError` outside that range."""
    if not 0 <= code <= 15:
        raise ValueError(f"{code} is not a DB2 CLP exit code (0, 1, 2, 4, 8 or their OR)")
    return ClpExit(code)


def clp_exit_meaning(code: int) -> str:
    """IBM's meaning of a CLP exit code, e.g. ``4``: a DB2 command or SQL statement error."""
    flags = clp_exit(code)
    if not flags:
        return "the DB2 command or SQL statement executed successfully"
    return "; ".join(text for flag, text in _EXIT_MEANING.items() if flag in flags)


def clp_failed(code: int) -> bool:
    """True when the exit code carries an error or a system error (4 or 8)."""
    return bool(clp_exit(code) & (ClpExit.ERROR | ClpExit.SYSTEM_ERROR))
