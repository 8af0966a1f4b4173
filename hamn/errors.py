"""hamn's failures: each a one-line message naming what was wrong and what to do.

Expected failures (bad input, unreachable host, a broken prerequisite) are HamnError
subclasses: the CLI prints their message and exits non-zero without a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamn.runner import Result


class HamnError(Exception):
    """Base of expected failures. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class UsageError(HamnError):
    """Bad input: a value the user gave is wrong (host order, names, options)."""


class InventoryError(UsageError):
    """The inventory or --hosts value cannot describe a cluster."""


class HostUnreachable(HamnError):
    """SSH could not reach the host at all."""


class AuthenticationFailed(HamnError):
    """SSH reached the host but the key was refused, or the user does not exist."""


class HostKeyMismatch(HamnError):
    """The host presented a key that does not match the pinned one."""


class CommandTimeout(HamnError):
    """A command did not finish in time; the channel was re-opened."""


class ConsentRequired(HamnError):
    """A destructive action was aimed at a cluster without the typed confirmation."""


class PreconditionFailed(HamnError):
    """The cluster is not in the state the procedure needs (e.g. HADR not set up)."""


class CommandFailed(HamnError):
    """A command a procedure needed exited non-zero; carries the whole result."""

    def __init__(self, result: Result, why: str = "") -> None:
        self.result = result
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        detail = " | ".join(tail) if tail else "no output"
        prefix = f"{why}: " if why else ""
        super().__init__(f"{prefix}{result.host}: `{result.display}` exited "
                         f"{result.exit_status}: {detail}")


class VerificationFailed(HamnError):
    """A runbook check found the cluster in the wrong state: names what and both values."""

    exit_code = 1

    def __init__(self, check: str, expected: object, actual: object, where: str = "") -> None:
        self.check = check
        self.expected = expected
        self.actual = actual
        at = f" on {where}" if where else ""
        super().__init__(f"{check}{at}: expected {expected}, found {actual}")


def attempt(action: Callable[..., Any], *args: Any) -> HamnError | None:
    """Run ACTION; the HamnError it raised (a refusal a scenario expects), or None."""
    try:
        action(*args)
    except HamnError as err:
        return err
    return None
