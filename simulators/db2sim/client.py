"""The DB2 client API of xcatd (docs/design.md): connect() -> Connection.execute()/close().

A connection is an application of the instance (LIST APPLICATIONS shows it): it keeps BACKUP
from running (SQL1035N), is dropped by FORCE APPLICATION ALL and QUIESCE ... FORCE CONNECTIONS
(the next execute raises SQL1224N), and an HADR standby refuses it (SQL1776N). Errors raise
Db2Error(sqlcode, message_id, sqlstate, text), as the SQLCA of a real DB2 client carries them.
The instance is found through ``home``, $DB2SIM_HOME, the caller's home (if it holds sqllib/),
or the home directory of ``user`` (the instance owner, xcatdb -> /var/lib/db2).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from . import rpc
from .instance import Instance
from .messages import Db2Error, fail

__all__ = ["Connection", "Db2Error", "connect"]


def _home_for(user: str, home: str | os.PathLike[str] | None) -> Path:
    if home is not None:
        return Path(home)
    env = os.environ.get("DB2SIM_HOME")
    if env:
        return Path(env)
    try:
        own = Path(pwd.getpwuid(os.getuid()).pw_dir)
        if (own / "sqllib").is_dir():
            return own
    except KeyError:
        pass
    try:
        return Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        return Path.home()


def _raise(reply: dict[str, Any]) -> None:
    err = reply.get("error")
    if err:
        raise Db2Error(int(err["sqlcode"]), str(err["message_id"]), str(err["sqlstate"]),
                       str(err["text"]))


class Connection:
    """An open connection (one application) to a database of the simulator."""

    def __init__(self, sock: socket.socket, handle: int) -> None:
        self._sock = sock
        self._lock = threading.Lock()
        self.handle = handle
        self.closed = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (autocommit); rows of a query, [] for other statements."""
        if self.closed:
            raise fail("SQL1024N")
        with self._lock:
            try:
                rpc.send(self._sock, {"op": "execute", "sql": sql, "params": list(params)})
                reply = rpc.recv(self._sock)
            except (OSError, rpc.Closed):
                self.closed = True
                self._sock.close()
                raise fail("SQL1224N") from None
        _raise(reply)
        return [tuple(r) for r in reply.get("rows", [])]

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            rpc.send(self._sock, {"op": "close"})
        self._sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def connect(database: str, user: str, password: str, *,
            home: str | os.PathLike[str] | None = None, appname: str | None = None,
            timeout: float | None = 300.0) -> Connection:
    """Connect to ``database`` as ``user`` with ``password`` (checked like DB2's server auth)."""
    inst = Instance(_home_for(user, home))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(inst.socket_path))
    except OSError:
        sock.close()
        raise fail("SQL1032N") from None
    name = appname or Path(sys.argv[0] if sys.argv and sys.argv[0] else "python3").name
    try:
        rpc.send(sock, {"op": "connect", "db": database, "user": user, "password": password,
                        "appname": name[:20]})
        reply = rpc.recv(sock)
    except (OSError, rpc.Closed):
        sock.close()
        raise fail("SQL1224N") from None
    if reply.get("error"):
        sock.close()
        _raise(reply)
    sock.settimeout(None)
    return Connection(sock, int(reply.get("handle", 0)))
