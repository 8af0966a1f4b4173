"""Running DB2's command line processor (CLP) as the instance owner (runbook 5.1).

Every db2 command of section 5.1 runs as the instance user (``su - xcatdb -c``). A
statement's output is read for its CLP message (``DB20000I``, ``SQL1035N`` ...) and returned
as a :class:`ClpResult`; :func:`check` raises with the message id. Several statements can
run in ONE shell (:func:`session`), so the CLP back-end process, and with it the database
connection, is shared between them (CONNECT ... QUIESCE ... CONNECT RESET, 5.1.6).
Statements with a password (TAKEOVER ... USER u USING pw, 5.1.9) are fed to ``db2 +p -t``
on stdin, never on a command line, and the password is registered for masking.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hamn import secrets
from hamn.db2.messages import ClpMessage, clp_failed, parse_clp_messages
from hamn.errors import HamnError, PreconditionFailed, UsageError
from hamn.runner import Node

_MARK = "@@hamn-clp-rc="
_MARK_RE = re.compile(r"^" + re.escape(_MARK) + r"(?P<rc>\d+)@@\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ClpResult:
    """One CLP statement as run on HOST: its exit code, output and messages."""

    host: str
    statement: str  # as shown (secrets masked)
    exit_status: int
    output: str
    messages: tuple[ClpMessage, ...] = ()
    planned: bool = False

    @property
    def message(self) -> ClpMessage | None:
        """The first message printed, e.g. DB20000I or SQL1117N."""
        return self.messages[0] if self.messages else None

    @property
    def message_id(self) -> str | None:
        return self.message.message_id if self.message else None

    @property
    def error(self) -> ClpMessage | None:
        return next((m for m in self.messages if m.is_error), None)

    @property
    def failed(self) -> bool:
        if self.planned:
            return False
        return self.error is not None or clp_failed(min(self.exit_status, 15))

    def has(self, *message_ids: str) -> bool:
        wanted = {m.upper() for m in message_ids}
        return any(m.message_id in wanted for m in self.messages)


class ClpFailed(HamnError):
    """A db2 statement ended with an error message; names the host, statement and message."""

    def __init__(self, result: ClpResult, why: str = "") -> None:
        self.result = result
        self.message = result.error
        if self.message is not None:
            state = f" SQLSTATE={self.message.sqlstate}" if self.message.sqlstate else ""
            detail = f"{self.message.message_id} {self.message.text}{state}"
        else:
            tail = result.output.strip().splitlines()[-2:]
            detail = f"exit {result.exit_status}: " + (" | ".join(tail) or "no output")
        prefix = f"{why}: " if why else ""
        super().__init__(secrets.mask(f"{prefix}{result.host}: `db2 {result.statement}` "
                                      f"failed: {detail}"))

    @property
    def message_id(self) -> str | None:
        return self.message.message_id if self.message else None


class DatabaseNotFound(UsageError):
    """SQL1013N: the database name given is not catalogued on the host."""


class PasswordRejected(UsageError):
    """SQL30082N (reason 24 and kin): the instance user's password was refused."""


def _result(host: str, statement: str, rc: int, output: str, planned: bool) -> ClpResult:
    return ClpResult(host, secrets.mask(statement), rc, output, parse_clp_messages(output),
                     planned)


def session(node: Node, instance: str, statements: Sequence[str], *, changes: bool = False,
            timeout: float = 300.0) -> tuple[ClpResult, ...]:
    """Run STATEMENTS one ``db2`` call each, in ONE shell of the instance user.

    The CLP back end belongs to the shell, so a CONNECT in the first statement serves the
    next ones. Each statement's output and exit code are delimited by a marker line.
    """
    script = "; ".join(f"db2 {shlex.quote(s)}; echo \"{_MARK}$?@@\"" for s in statements)
    res = node.sh(script, user=instance, changes=changes, timeout=timeout)
    if res.planned:
        return tuple(_result(node.name, s, 0, "", True) for s in statements)
    chunks = _MARK_RE.split(res.stdout)
    # split() gives [out0, rc0, out1, rc1, ..., tail]
    results: list[ClpResult] = []
    for n, stmt in enumerate(statements):
        if 2 * n + 1 >= len(chunks):
            tail = (res.stderr.strip() or chunks[-1].strip() or "no output")
            results.append(_result(node.name, stmt, 8, tail, False))
            break
        results.append(_result(node.name, stmt, int(chunks[2 * n + 1]), chunks[2 * n], False))
    return tuple(results)


def command(node: Node, instance: str, statement: str, *, stdin: str | None = None,
            changes: bool = False, timeout: float = 300.0) -> ClpResult:
    """Run one STATEMENT as ``db2 'STATEMENT'``; STDIN answers a prompt (SQL2539W: ``y``)."""
    res = node.run("db2", statement, user=instance, stdin=stdin, changes=changes,
                   timeout=timeout)
    return _result(node.name, statement, res.exit_status, res.stdout + res.stderr,
                   res.planned)


def secret_command(node: Node, instance: str, statement: str, secret: str, *,
                   changes: bool = True, timeout: float = 300.0) -> ClpResult:
    """Run STATEMENT, which contains SECRET, through ``db2 +p -t`` on stdin (not argv)."""
    secrets.register(secret)
    res = node.sh("db2 +p -t", user=instance, stdin=statement.rstrip().rstrip(";") + ";\n",
                  changes=changes, timeout=timeout)
    return _result(node.name, statement, res.exit_status, res.stdout + res.stderr,
                   res.planned)


def check(result: ClpResult, *, database: str = "", why: str = "",
          allow: Iterable[str] = ()) -> ClpResult:
    """RESULT unless it failed; errors name what was wrong (database, password, message)."""
    if not result.failed:
        return result
    err = result.error
    if err is not None and err.message_id in {a.upper() for a in allow}:
        return result
    if err is not None and err.message_id == "SQL1013N":
        name = err.tokens[0] if err.tokens else database
        raise DatabaseNotFound(f"database {name!r} is not catalogued on {result.host} "
                               f"(SQL1013N): check the database name (settings db_name)")
    if err is not None and err.message_id == "SQL30082N":
        raise PasswordRejected(secrets.mask(
            f"{result.host} refused the instance user's credentials (SQL30082N "
            f"{err.text}): check the instance password (HAMN_DB_PASSWORD or the password "
            f"file)"))
    if err is not None and err.message_id == "SQL1032N":
        raise PreconditionFailed(f"the DB2 instance is not started on {result.host} "
                                 "(SQL1032N): run db2start as the instance user")
    raise ClpFailed(result, why)
