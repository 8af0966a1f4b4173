"""One database of the instance: its state, activation, commits, backup/restore, rollforward.

Behaviour follows DB2: a database is active while explicitly activated or while applications
are connected; activation does crash recovery (replays the log past the last applied LSN).
Turning on archive logging (LOGRETAIN/LOGARCHMETH1, runbook 5.1.2) sets BACKUP PENDING until
BACKUP DB (5.1.3); an offline backup needs the database inactive (SQL1035N otherwise). RESTORE
of a recoverable image leaves the database ROLL-FORWARD PENDING (5.1.4), which is what START
HADR AS STANDBY needs; STOP HADR on a standby leaves it there too (SQL1117N, 5.1.10) until
ROLLFORWARD ... AND COMPLETE. Every commit is a log record (write-ahead) and, on an HADR primary,
waits for the standby as the synchronization mode demands (see hadr.py).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import tarfile
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cfg
from .log import TransactionLog
from .messages import Db2Error, fail
from .storage import ResultSet, Store, kind_of

if TYPE_CHECKING:
    from .engine import Engine
    from .hadr import Hadr


@dataclass
class Counters:
    """Monitor counters reported by GET SNAPSHOT."""

    commits: int = 0
    rollbacks: int = 0
    selects: int = 0
    inserts: int = 0
    updates: int = 0
    deletes: int = 0
    connects: int = 0
    high_water: int = 0
    first_connect: float = 0.0


@dataclass
class DbState:
    """The persistent part of a database (its configuration file)."""

    params: dict[str, str] = field(default_factory=cfg.defaults)
    backup_pending: bool = False
    rollforward_pending: bool = False
    hadr_role: str = "STANDARD"
    seed: str = ""
    last_backup: str = ""
    quiesced: bool = False
    consistent: bool = True

    @classmethod
    def load(cls, path: Path) -> DbState:
        data = json.loads(path.read_text())
        params = cfg.defaults()
        params.update(data.get("params", {}))
        return cls(
            params=params,
            backup_pending=bool(data.get("backup_pending", False)),
            rollforward_pending=bool(data.get("rollforward_pending", False)),
            hadr_role=str(data.get("hadr_role", "STANDARD")),
            seed=str(data.get("seed", "")),
            last_backup=str(data.get("last_backup", "")),
            quiesced=bool(data.get("quiesced", False)),
            consistent=bool(data.get("consistent", True)),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "params": self.params, "backup_pending": self.backup_pending,
            "rollforward_pending": self.rollforward_pending, "hadr_role": self.hadr_role,
            "seed": self.seed, "last_backup": self.last_backup, "quiesced": self.quiesced,
            "consistent": self.consistent,
        }


def backup_name(db: str, instance: str, ts: str) -> str:
    """DB2's backup image file name: DB.0.INSTANCE.NODE0000.CATN0000.TIMESTAMP.001."""
    return f"{db.upper()}.0.{instance}.NODE0000.CATN0000.{ts}.001"


class Database:
    """A database directory ``<home>/<inst>/NODE0000/SQLnnnnn`` and its run-time state."""

    def __init__(self, engine: Engine, name: str, path: Path) -> None:
        self.engine = engine
        self.name = name.upper()
        self.path = path
        self.state = DbState.load(self.state_path)
        self.lock = threading.RLock()
        self.store: Store | None = None
        self.log: TransactionLog | None = None
        self.hadr: Hadr | None = None
        self.active = False
        self.explicit = False
        self.activated_at = 0.0
        self.counters = Counters()
        self.blocked = False  # during a role switch: no new work

    # -- files ----------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.path / "SQLDBCONF.json"

    @property
    def logdir(self) -> Path:
        return self.path / "SQLOGDIR"

    @property
    def store_path(self) -> Path:
        return self.path / "tables.sqlite"

    def save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state.dump(), indent=1))
        tmp.replace(self.state_path)

    @staticmethod
    def create_files(path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "SQLOGDIR").mkdir(exist_ok=True)
        state = DbState(seed=secrets.token_hex(8))
        (path / "SQLDBCONF.json").write_text(json.dumps(state.dump(), indent=1))

    @property
    def params(self) -> dict[str, str]:
        return self.state.params

    @property
    def role(self) -> str:
        return self.state.hadr_role

    @property
    def level(self) -> tuple[int, int]:
        return self.engine.inst.level_tuple

    def diag(self, text: str) -> None:
        self.engine.diag(f"{self.name}: {text}")

    # -- applications ---------------------------------------------------------------------
    def applications(self) -> list[Any]:
        return [a for a in self.engine.apps.values() if a.db is self]

    # -- activation -----------------------------------------------------------------------
    def _open(self) -> None:
        if self.store is None:
            self.store = Store(self.store_path, self.engine.inst.name)
        if self.log is None:
            self.log = TransactionLog(self.logdir, int(self.params.get("LOGFILSIZ", "1000")),
                                      self.store.applied_lsn)

    def _close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.store = None
        self.log = None

    def recover(self) -> int:
        """Replay log records past the last applied LSN (crash recovery / rollforward)."""
        assert self.store is not None and self.log is not None
        applied = self.store.applied_lsn
        count = 0
        for rec in self.log.read_from(applied):
            if rec.end <= applied:
                continue
            self.apply_record(rec.payload, rec.end)
            count += 1
        return count

    def apply_record(self, payload: bytes, end: int) -> None:
        assert self.store is not None
        data = json.loads(payload)
        stmts = [(str(s), list(p)) for s, p in data.get("s", [])]
        self.store.apply(stmts, end)

    def check_connectable(self) -> None:
        """The conditions under which DB2 refuses a connection or activation."""
        if self.role == "STANDBY":
            raise fail("SQL1776N", 1)
        if self.state.rollforward_pending:
            raise fail("SQL1117N", self.name)
        if self.state.backup_pending:
            raise fail("SQL1116N", self.name)

    def activate(self, explicit: bool, *, by_force: bool = False) -> None:
        """Activate (explicitly or by a first connection); HADR starts per the role."""
        with self.lock:
            if self.active:
                if explicit:
                    self.explicit = True
                return
            if self.role == "STANDBY":
                self.start_standby()
                self.explicit = True
                return
            self.check_connectable()
            self._open()
            self.recover()
            if self.role == "PRIMARY":
                # Until its standby connects (or BY FORCE) an HADR primary is not active:
                # db2pd must not show a second primary while the old one waits (split brain).
                try:
                    self._start_primary(by_force=by_force)
                except Db2Error:
                    self._close()
                    raise
            self.active = True
            self.activated_at = time.time()
            self.explicit = explicit
            self.diag("database activated")

    def _start_primary(self, *, by_force: bool) -> None:
        from .hadr import Hadr, HadrConfig

        conf = HadrConfig.from_params(self.params, self.engine.inst.name)
        hadr = Hadr(self, conf, "PRIMARY")
        hadr.start()
        self.hadr = hadr
        if by_force:
            return
        if not hadr.wait_connected(conf.timeout):
            hadr.stop()
            self.hadr = None
            self.diag("HADR primary could not connect to its standby within HADR_TIMEOUT")
            raise fail("SQL1768N", 7)

    def start_standby(self) -> None:
        """Start (or restart) this database as an HADR standby."""
        from .hadr import Hadr, HadrConfig

        with self.lock:
            conf = HadrConfig.from_params(self.params, self.engine.inst.name)
            self._open()
            self.active = True
            self.explicit = True
            self.activated_at = time.time()
            hadr = Hadr(self, conf, "STANDBY")
            self.hadr = hadr
            hadr.start()
            self.diag("database activated as HADR standby")

    def deactivate(self, *, force_apps: bool = False) -> None:
        with self.lock:
            if force_apps:
                for app in self.applications():
                    self.engine.force(app)
            if self.hadr is not None:
                self.hadr.stop()
                self.hadr = None
            self.active = False
            self.explicit = False
            self._close()
            self.diag("database deactivated")

    def maybe_deactivate(self) -> None:
        """Implicit deactivation when the last connection leaves a non-activated database."""
        with self.lock:
            if self.active and not self.explicit and not self.applications():
                self.deactivate()

    def store_lock(self) -> threading.RLock | contextlib.nullcontext[None]:
        """Hold off commits (the store's write lock) while a role switch drains the log."""
        return self.store.write_lock if self.store is not None else contextlib.nullcontext()

    # -- configuration --------------------------------------------------------------------
    def update_cfg(self, pairs: list[tuple[str, str]]) -> bool:
        """UPDATE DB CFG; returns True when a change waits for the next activation."""
        with self.lock:
            new, now_recoverable = cfg.apply_updates(self.params, pairs, self.level)
            self.state.params = new
            if now_recoverable:
                self.state.backup_pending = True
            self.save()
            return self.active

    # -- SQL ------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> ResultSet:
        assert self.store is not None
        mon = None
        if "MON_GET_HADR" in sql.upper():
            if self.level < (10, 1):
                raise fail("SQL0440N", "MON_GET_HADR", "FUNCTION")
            mon = self.hadr.mon_row() if self.hadr is not None else None
        result = self.store.query(sql, params, mon_hadr=mon)
        self.counters.selects += len(result.rows)
        return result

    def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One autocommitted write statement: log record, HADR wait, commit. Rowcount."""
        if self.blocked:
            raise fail("SQL1224N")
        store, log = self.store, self.log
        assert store is not None and log is not None
        store.begin()
        try:
            lite, count = store.execute_in_txn(sql, params)
        except Db2Error:
            store.rollback()
            self.counters.rollbacks += 1
            raise
        except BaseException:
            store.rollback()
            raise
        verb = sql.lstrip(" (").split(None, 1)[0].upper()
        if verb in ("UPDATE", "DELETE", "INSERT", "MERGE") and count == 0:
            store.rollback()
            return 0
        try:
            payload = json.dumps({"s": [[lite, list(params)]], "t": time.time()}).encode()
            rec = log.append(payload)
            hadr = self.hadr
            if hadr is not None:
                hadr.wait_commit(rec.end)
            store.commit(rec.end)
        except BaseException:
            store.rollback()
            raise
        self.counters.commits += 1
        if verb == "INSERT":
            self.counters.inserts += max(count, 0)
        elif verb == "UPDATE":
            self.counters.updates += max(count, 0)
        elif verb == "DELETE":
            self.counters.deletes += max(count, 0)
        return count

    def run_sql(self, sql: str, params: Sequence[Any] = ()) -> tuple[ResultSet | None, int]:
        kind = kind_of(sql)
        if kind == "query":
            return self.query(sql, params), 0
        if kind == "noop":
            return None, 0
        return None, self.write(sql, params)

    # -- backup / restore / rollforward ----------------------------------------------------
    def backup(self, target: Path) -> str:
        """Offline BACKUP DATABASE to directory ``target``; returns the image timestamp."""
        with self.lock:
            if self.active or self.applications():
                raise fail("SQL1035N+" if self.level >= (10, 5) else "SQL1035N")
            if self.role == "STANDBY":
                raise fail("SQL1776N", 1)
            if self.state.rollforward_pending:
                raise fail("SQL1117N", self.name)
            if not target.is_dir():
                raise fail("SQL2036N", str(target))
            self._open()
            self.recover()
            assert self.store is not None and self.log is not None
            ts = time.strftime("%Y%m%d%H%M%S")
            inst = self.engine.inst.name
            while (target / backup_name(self.name, inst, ts)).exists():
                time.sleep(0.2)
                ts = time.strftime("%Y%m%d%H%M%S")
            with tempfile.TemporaryDirectory(dir=str(target)) as tmp:
                tdir = Path(tmp)
                self.store.backup_to(tdir / "tables.sqlite")
                state = DbState.load(self.state_path)
                meta = {
                    "db": self.name, "instance": inst, "timestamp": ts,
                    "lsn": self.store.applied_lsn, "seed": self.state.seed,
                    "host": self.engine.hostname(),
                }
                (tdir / "SQLDBCONF.json").write_text(json.dumps(state.dump()))
                (tdir / "BACKUP.json").write_text(json.dumps(meta))
                out = target / backup_name(self.name, inst, ts)
                with tarfile.open(out, "w") as tar:
                    for n in ("BACKUP.json", "SQLDBCONF.json", "tables.sqlite"):
                        tar.add(tdir / n, arcname=n)
            self._close()
            self.state.backup_pending = False
            self.state.last_backup = ts
            self.save()
            return ts

    def restore_from(self, image: Path) -> None:
        """Replace this database with a backup image (RESTORE ... REPLACE)."""
        with self.lock:
            if self.active or self.applications():
                raise fail("SQL1035N+" if self.level >= (10, 5) else "SQL1035N")
            self._close()
            with tempfile.TemporaryDirectory(dir=str(self.path.parent)) as tmp:
                tdir = Path(tmp)
                with tarfile.open(image, "r") as tar:
                    for member in ("BACKUP.json", "SQLDBCONF.json", "tables.sqlite"):
                        src = tar.extractfile(member)
                        if src is None:
                            raise fail("SQL2542N", self.name, image.name)
                        (tdir / member).write_bytes(src.read())
                meta = json.loads((tdir / "BACKUP.json").read_text())
                image_state = DbState.load(tdir / "SQLDBCONF.json")
                shutil.rmtree(self.logdir, ignore_errors=True)
                for suffix in ("", "-wal", "-shm"):
                    Path(str(self.store_path) + suffix).unlink(missing_ok=True)
                shutil.copyfile(tdir / "tables.sqlite", self.store_path)
            self.logdir.mkdir(exist_ok=True)
            state = image_state
            state.seed = str(meta.get("seed", state.seed))
            state.hadr_role = "STANDARD"
            state.backup_pending = False
            state.quiesced = False
            state.rollforward_pending = cfg.recoverable(state.params)
            self.state = state
            self.save()
            self.diag(f"restored from {image.name}")

    def rollforward_complete(self) -> tuple[str, str]:
        """ROLLFORWARD TO END OF LOGS AND COMPLETE: replay local logs, leave pending state."""
        with self.lock:
            if self.role == "STANDBY":
                raise fail("SQL1776N", 1)
            if not self.state.rollforward_pending:
                raise fail("SQL1260N", self.name)
            if self.active:
                raise fail("SQL1035N+" if self.level >= (10, 5) else "SQL1035N")
            self._open()
            self.recover()
            assert self.log is not None
            first = self.log.first_active_file()
            last = self.log.position(self.log.end_lsn)[0]
            self._close()
            self.state.rollforward_pending = False
            self.save()
            return first, last
