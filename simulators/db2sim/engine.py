"""The instance engine (what db2start starts): databases, applications, CLP back-end sessions.

- The system database directory (``sqllib/sqldbdir``) names the databases; SQL1013N for others.
- An application is a connection: a CLP back-end session's CONNECT, or an xcatd client
  connection. LIST APPLICATIONS shows them, BACKUP refuses while they exist (SQL1035N),
  FORCE APPLICATION ALL and QUIESCE ... FORCE CONNECTIONS drop them (their next request gets
  SQL1224N).
- CLP sessions stand for db2bp: one per invoking shell (the parent process of ``db2``), so
  successive ``db2`` calls of one shell share a connection; a session ends on TERMINATE or when
  its shell is gone.
- Role switches of HADR (graceful takeover, forced takeover, disable of an old primary) are
  carried out here because they change a database's activation.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .database import Database
from .instance import Instance, hostname
from .messages import Db2Error, fail


@dataclass
class Application:
    """One connection to a database."""

    handle: int
    user: str
    appname: str
    db: Database
    kind: str  # "clp" or "client"
    appl_id: str
    connected_at: float = field(default_factory=time.time)
    forced: bool = False
    closer: Any = None  # callable that closes a client socket


@dataclass
class Session:
    """A CLP back-end process (db2bp) for one shell."""

    pid: int
    start: str
    app: Application | None = None
    alias: str = ""


def proc_start(pid: int) -> str:
    """Start time of a process (field 22 of /proc/<pid>/stat), '' when unknown."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
        return data.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def alive(pid: int, start: str) -> bool:
    if pid <= 1:
        return True
    now = proc_start(pid)
    if now:
        return now == start or not start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Engine:
    """One started instance."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.lock = threading.RLock()
        self.dbs: dict[str, Database] = {}
        self.apps: dict[int, Application] = {}
        self.sessions: dict[str, Session] = {}
        self.next_handle = 7
        self.started = time.time()
        self._diag_lock = threading.Lock()
        self.stopping = threading.Event()

    # -- diagnostics ----------------------------------------------------------------------
    def diag(self, text: str) -> None:
        stamp = time.strftime("%Y-%m-%d-%H.%M.%S") + f".{int(time.time() % 1 * 1e6):06d}"
        with self._diag_lock:
            try:
                with self.inst.diag_path.open("a") as fh:
                    fh.write(f"{stamp} PID:{os.getpid()} INSTANCE:{self.inst.name} {text}\n")
            except OSError:
                pass

    def hostname(self) -> str:
        return hostname()

    # -- directory ------------------------------------------------------------------------
    def directory(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.inst.dbdir_path.read_text())
        except (OSError, ValueError):
            return []
        return list(data.get("entries", []))

    def save_directory(self, entries: list[dict[str, Any]]) -> None:
        self.inst.dbdir_path.parent.mkdir(parents=True, exist_ok=True)
        self.inst.dbdir_path.write_text(json.dumps({"entries": entries}, indent=1))

    def entry(self, name: str) -> dict[str, Any] | None:
        for e in self.directory():
            if e["alias"].upper() == name.upper():
                return e
        return None

    def database(self, name: str) -> Database:
        with self.lock:
            key = name.upper()
            if key in self.dbs:
                return self.dbs[key]
            e = self.entry(key)
            if e is None:
                raise fail("SQL1013N", key)
            db = Database(self, e["name"], self.inst.node_dir / e["token"])
            self.dbs[key] = db
            return db

    def create_database(self, name: str) -> Database:
        with self.lock:
            key = name.upper()
            if self.entry(key) is not None:
                raise fail("SQL1005N", key)
            entries = self.directory()
            used = {e["token"] for e in entries}
            n = 1
            while f"SQL{n:05d}" in used or (self.inst.node_dir / f"SQL{n:05d}").exists():
                n += 1
            token = f"SQL{n:05d}"
            Database.create_files(self.inst.node_dir / token)
            entries.append({"alias": key, "name": key, "token": token, "alt_host": "",
                            "alt_port": ""})
            self.save_directory(entries)
            self.diag(f"database {key} created in {token}")
            return self.database(key)

    def drop_database(self, name: str) -> None:
        with self.lock:
            db = self.database(name)
            if db.active or db.applications():
                raise fail("SQL1035N+" if self.inst.level_tuple >= (10, 5) else "SQL1035N")
            shutil.rmtree(db.path, ignore_errors=True)
            self.save_directory([e for e in self.directory() if e["alias"] != db.name])
            del self.dbs[db.name]

    def set_alternate(self, name: str, host: str, port: str) -> None:
        with self.lock:
            key = name.upper()
            entries = self.directory()
            for e in entries:
                if e["alias"] == key:
                    e["alt_host"], e["alt_port"] = host, port
                    self.save_directory(entries)
                    return
            raise fail("SQL1013N", key)

    # -- applications ---------------------------------------------------------------------
    def authenticate(self, user: str | None, password: str | None) -> str:
        """The authorization id for a connection (SQL30082N for a wrong password)."""
        if user is None:
            return self.inst.name
        if password is None or not self.inst.check_password(user, password):
            raise fail("SQL30082N", 24, "USERNAME AND/OR PASSWORD INVALID")
        return user

    def connect(
        self, dbname: str, user: str | None, password: str | None, appname: str, kind: str
    ) -> Application:
        db = self.database(dbname)
        authid = self.authenticate(user, password)
        if db.blocked:
            raise fail("SQL1224N")
        if db.state.quiesced and authid.lower() != self.inst.name.lower():
            raise fail("SQL20157N", authid.upper())
        db.check_connectable()
        db.activate(explicit=False)
        with self.lock:
            handle = self.next_handle
            self.next_handle += 1
            appl_id = f"*LOCAL.{self.inst.name}.{time.strftime('%y%m%d%H%M%S')}"
            app = Application(handle, authid, appname, db, kind, appl_id)
            self.apps[handle] = app
            db.counters.connects += 1
            n = len(db.applications())
            db.counters.high_water = max(db.counters.high_water, n)
        return app

    def disconnect(self, app: Application) -> None:
        with self.lock:
            self.apps.pop(app.handle, None)
        app.db.maybe_deactivate()

    def force(self, app: Application) -> None:
        """FORCE APPLICATION: the connection is gone; its owner gets SQL1224N next."""
        app.forced = True
        with self.lock:
            self.apps.pop(app.handle, None)
        if app.closer is not None:
            with contextlib.suppress(OSError):
                app.closer()
        self.diag(f"application {app.handle} ({app.appname}) forced")

    def force_all(self, db: Database | None = None, keep: Application | None = None) -> None:
        for app in list(self.apps.values()):
            if (db is None or app.db is db) and app is not keep:
                self.force(app)
        for d in list(self.dbs.values()):
            if db is None or d is db:
                d.maybe_deactivate()

    # -- CLP sessions ---------------------------------------------------------------------
    def session(self, pid: int, start: str) -> Session:
        key = f"{pid}:{start}"
        with self.lock:
            s = self.sessions.get(key)
            if s is None:
                s = Session(pid, start)
                self.sessions[key] = s
            return s

    def end_session(self, s: Session) -> None:
        with self.lock:
            self.sessions.pop(f"{s.pid}:{s.start}", None)
        if s.app is not None and not s.app.forced:
            self.disconnect(s.app)
        s.app = None

    def reap_sessions(self) -> None:
        for s in list(self.sessions.values()):
            if not alive(s.pid, s.start):
                self.end_session(s)

    # -- HADR role switches ---------------------------------------------------------------
    def switch_to_standby(self, db: Database) -> None:
        """Old primary after a graceful takeover: it becomes the standby."""
        with db.lock:
            if db.hadr is not None:
                db.hadr.stop()
                db.hadr = None
            db.state.hadr_role = "STANDBY"
            db.save()
            db.blocked = False
            db.active = False
            try:
                db.start_standby()
            except Db2Error as exc:
                self.diag(f"{db.name}: cannot restart as standby: {exc}")
                db.deactivate()

    def become_primary(self, db: Database) -> None:
        """Standby after TAKEOVER: primary at once, reconnecting to its partner as standby."""
        from .hadr import Hadr, HadrConfig

        with db.lock:
            if db.hadr is not None:
                db.hadr.stop()
                db.hadr = None
            db.state.hadr_role = "PRIMARY"
            db.state.rollforward_pending = False
            db.save()
            conf = HadrConfig.from_params(db.params, self.inst.name)
            hadr = Hadr(db, conf, "PRIMARY")
            hadr.start()
            db.hadr = hadr
            db.active = True
            db.explicit = True
            db.activated_at = time.time()
            self.diag(f"{db.name}: now HADR primary")

    def disable_old_primary(self, db: Database) -> None:
        with db.lock:
            if db.role == "PRIMARY" and db.active:
                db.deactivate(force_apps=True)

    # -- shutdown -------------------------------------------------------------------------
    def active_databases(self) -> list[Database]:
        return [d for d in self.dbs.values() if d.active]

    def shutdown(self) -> None:
        self.force_all()
        for db in list(self.dbs.values()):
            if db.active:
                db.deactivate(force_apps=True)
        self.stopping.set()
