"""Secrets (the DB2 instance password, database passwords): loaded once, masked everywhere.

A secret comes from the environment or from a file only its owner can read, never from a
command line. Every text hamn writes (run log, report, exception) passes through ``mask``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hamn.errors import UsageError

MASK = "********"
_known: set[str] = set()


def register(value: str) -> str:
    if value and len(value) >= 3:
        _known.add(value)
    return value


def mask(text: str) -> str:
    for value in sorted(_known, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def load(name: str, env: str | None = None, file: str | Path | None = None) -> str:
    """Read secret NAME from env var ENV, else from FILE (which must be mode 0600 or tighter)."""
    if env and os.environ.get(env):
        return register(os.environ[env])
    if file:
        path = Path(file).expanduser()
        if not path.exists():
            raise UsageError(f"the {name} file {path} does not exist: create it (mode 0600) "
                             f"or set {env or 'the environment variable'}")
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise UsageError(f"the {name} file {path} is readable by others "
                             f"(mode {oct(mode & 0o777)}): chmod 600 {path}")
        return register(path.read_text().strip())
    where = f"set {env}" if env else "name a password file in the inventory"
    raise UsageError(f"missing credential: the {name} is not given; {where}")
