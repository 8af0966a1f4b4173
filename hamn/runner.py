"""The one way hamn runs a command on a host (the front door, like testinfra's Host).

``Node.run`` quotes each argument; ``Node.sh`` runs hamn's own shell text; ``check`` raises
``CommandFailed`` with the host, the command and the output's tail. ``user=`` runs through
``su - USER -c`` (every db2 command runs as the instance owner, runbook 5.1). Commands that
change a host say ``changes=True``: in plan mode they are recorded, not run, so the plan and
the execution come from the same code. Every result is recorded in the run log with
secrets masked.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hamn import secrets
from hamn.channel import Channel
from hamn.errors import CommandFailed, UsageError


@dataclass(frozen=True)
class Result:
    host: str
    command: str
    exit_status: int
    stdout: str
    stderr: str
    duration: float
    user: str | None = None
    planned: bool = False

    @property
    def succeeded(self) -> bool:
        return self.exit_status == 0

    @property
    def display(self) -> str:
        """The command as logged: secrets masked, the user named."""
        who = f"[{self.user}] " if self.user else ""
        return secrets.mask(who + self.command)


@dataclass
class RunLog:
    """Every command run (or planned) in this process, in order; read by plans and reports."""

    results: list[Result] = field(default_factory=list)
    listeners: list[Callable[[Result], None]] = field(default_factory=list)

    def record(self, result: Result) -> None:
        self.results.append(result)
        for listener in self.listeners:
            listener(result)

    def planned(self) -> list[Result]:
        return [r for r in self.results if r.planned]


RUN_LOG = RunLog()

# su's words for an unknown user: util-linux ("user X does not exist"), AIX (3004-007/-506).
_NO_USER = re.compile(r"user \S+ does not exist|3004-007|3004-506|Unknown id")


def quote(argv: Sequence[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


class Node:
    """A host reached over its persistent channel. NAME is how SSH reaches it."""

    def __init__(self, name: str, channel: Channel, log: RunLog = RUN_LOG,
                 plan: bool = False) -> None:
        self.name = name
        self.channel = channel
        self.log = log
        self.plan = plan
        self._testinfra: Any = None

    def __repr__(self) -> str:
        return f"Node({self.name})"

    def sh(self, script: str, *, user: str | None = None, stdin: str | None = None,
           timeout: float = 120.0, changes: bool = False) -> Result:
        """Run hamn-owned shell text SCRIPT (variable parts already quoted)."""
        shown = script
        if user is not None:
            script = f"su - {shlex.quote(user)} -c {shlex.quote(script)}"
        if changes and self.plan:
            result = Result(self.name, shown, 0, "", "", 0.0, user, planned=True)
            self.log.record(result)
            return result
        start = time.monotonic()
        raw = self.channel.run(script, stdin=stdin, timeout=timeout)
        result = Result(self.name, shown, raw.exit_status, raw.stdout, raw.stderr,
                        time.monotonic() - start, user)
        self.log.record(result)
        if user is not None and result.exit_status != 0 and _NO_USER.search(result.stderr):
            raise UsageError(f"user {user} does not exist on {self.name}: check the instance "
                             "user in the inventory settings (instance:)")
        return result

    def run(self, *argv: str, user: str | None = None, stdin: str | None = None,
            timeout: float = 120.0, changes: bool = False) -> Result:
        """Run ARGV, each argument quoted."""
        return self.sh(quote(argv), user=user, stdin=stdin, timeout=timeout, changes=changes)

    def check(self, *argv: str, why: str = "", **kw: Any) -> Result:
        result = self.run(*argv, **kw)
        if not result.succeeded:
            raise CommandFailed(result, why)
        return result

    def check_sh(self, script: str, why: str = "", **kw: Any) -> Result:
        result = self.sh(script, **kw)
        if not result.succeeded:
            raise CommandFailed(result, why)
        return result

    def read_file(self, path: str) -> str | None:
        res = self.run("cat", path)
        return res.stdout if res.succeeded else None

    def write_file(self, path: str, content: str, mode: str = "644") -> Result:
        """Replace PATH atomically (temp file, then mv) with CONTENT and MODE."""
        q = shlex.quote(path)
        script = (f'umask 077; t={q}.hamn.$$; cat > "$t" && chmod {shlex.quote(mode)} "$t" '
                  f'&& mv "$t" {q}')
        return self.check_sh(script, stdin=content, changes=True)

    @property
    def testinfra(self) -> Any:
        """A testinfra Host riding on this node's channel (its modules: file, user, ...)."""
        if self._testinfra is None:
            from hamn.backend import host_for
            self._testinfra = host_for(self)
        return self._testinfra

    def close(self) -> None:
        self.channel.close()
