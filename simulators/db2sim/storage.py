"""The table store: xCAT's tables in an SQLite file, reached through a DB2 SQL dialect layer.

DB2 SQL as xCAT and the runbook use it (schema-qualified names, ``CLOB(64K)``, ``IN
tablespace``, ``FETCH FIRST n ROWS ONLY``, ``CURRENT TIMESTAMP``, ``SYSIBM.SYSDUMMY1``,
``SYSCAT.TABLES``/``SYSCAT.COLUMNS``) is translated to SQLite; SQLite errors come back as the
SQLCODEs DB2 gives (SQL0204N undefined name, SQL0601N existing object, SQL0803N duplicate key,
SQL0104N syntax). Changes are applied through :meth:`Store.apply`, which also records the last
applied LSN in the same SQLite transaction, so crash recovery and HADR replay know where to
resume in the log.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import Db2Error, fail

Params = Sequence[Any]

_QUERY_START = ("SELECT", "WITH", "VALUES")
_WRITE_START = ("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "COMMENT")
_NOOP_START = ("GRANT", "REVOKE", "COMMIT", "ROLLBACK", "SET", "RUNSTATS", "REORG", "LOCK")

MON_GET_HADR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("HADR_ROLE", "VARCHAR(13)"), ("REPLAY_TYPE", "VARCHAR(9)"),
    ("HADR_SYNCMODE", "VARCHAR(10)"), ("STANDBY_ID", "SMALLINT"),
    ("LOG_STREAM_ID", "INTEGER"), ("HADR_STATE", "VARCHAR(23)"),
    ("HADR_FLAGS", "VARCHAR(512)"), ("PRIMARY_MEMBER_HOST", "VARCHAR(255)"),
    ("PRIMARY_INSTANCE", "VARCHAR(128)"), ("PRIMARY_MEMBER", "SMALLINT"),
    ("STANDBY_MEMBER_HOST", "VARCHAR(255)"), ("STANDBY_INSTANCE", "VARCHAR(128)"),
    ("STANDBY_MEMBER", "SMALLINT"), ("HADR_CONNECT_STATUS", "VARCHAR(12)"),
    ("HADR_CONNECT_STATUS_TIME", "TIMESTAMP"), ("HEARTBEAT_INTERVAL", "INTEGER"),
    ("HADR_TIMEOUT", "INTEGER"), ("TIME_SINCE_LAST_RECV", "INTEGER"),
    ("PEER_WAIT_LIMIT", "INTEGER"), ("LOG_HADR_WAIT_CUR", "BIGINT"),
    ("LOG_HADR_WAIT_RECENT_AVG", "BIGINT"), ("LOG_HADR_WAIT_ACCUMULATED", "BIGINT"),
    ("LOG_HADR_WAIT_COUNT", "BIGINT"), ("SOCK_SEND_BUF_REQUESTED", "INTEGER"),
    ("SOCK_SEND_BUF_ACTUAL", "INTEGER"), ("SOCK_RECV_BUF_REQUESTED", "INTEGER"),
    ("SOCK_RECV_BUF_ACTUAL", "INTEGER"), ("PRIMARY_LOG_FILE", "VARCHAR(255)"),
    ("PRIMARY_LOG_PAGE", "BIGINT"), ("PRIMARY_LOG_POS", "BIGINT"),
    ("STANDBY_LOG_FILE", "VARCHAR(255)"), ("STANDBY_LOG_PAGE", "BIGINT"),
    ("STANDBY_LOG_POS", "BIGINT"), ("HADR_LOG_GAP", "BIGINT"),
    ("STANDBY_REPLAY_LOG_FILE", "VARCHAR(255)"), ("STANDBY_REPLAY_LOG_PAGE", "BIGINT"),
    ("STANDBY_REPLAY_LOG_POS", "BIGINT"), ("STANDBY_RECV_REPLAY_GAP", "BIGINT"),
    ("PRIMARY_LOG_TIME", "TIMESTAMP"), ("STANDBY_LOG_TIME", "TIMESTAMP"),
    ("STANDBY_REPLAY_LOG_TIME", "TIMESTAMP"), ("STANDBY_RECV_BUF_SIZE", "INTEGER"),
    ("STANDBY_RECV_BUF_PERCENT", "DOUBLE"), ("STANDBY_SPOOL_LIMIT", "INTEGER"),
    ("PEER_WINDOW", "INTEGER"), ("PEER_WINDOW_END", "TIMESTAMP"),
    ("READS_ON_STANDBY_ENABLED", "VARCHAR(1)"), ("STANDBY_REPLAY_ONLY_WINDOW_ACTIVE", "VARCHAR(1)"),
)


def kind_of(sql: str) -> str:
    """'query', 'write', 'noop' or 'unknown' for an SQL statement."""
    first = sql.lstrip(" (\n\t").split(None, 1)[0].upper() if sql.strip() else ""
    if first in _QUERY_START:
        return "query"
    if first in _WRITE_START:
        return "write"
    if first in _NOOP_START:
        return "noop"
    return "unknown"


_SCHEMA_REF = re.compile(
    r"\b(FROM|INTO|UPDATE|JOIN|TABLE|EXISTS|ON|VIEW|INDEX)(\s+)(\"?[A-Za-z_][\w$#@]*\"?)\.(\"?[A-Za-z_][\w$#@]*\"?)",
    re.IGNORECASE,
)
_MON_HADR = re.compile(
    r"TABLE\s*\(\s*(?:SYSPROC\s*\.\s*)?MON_GET_HADR\s*\(\s*(NULL|-?\d+)?\s*\)\s*\)", re.I
)
_SYSCAT = re.compile(r"\bSYSCAT\s*\.\s*(TABLES|COLUMNS)\b", re.I)


def translate(sql: str) -> str:
    """DB2 SQL -> SQLite SQL for the subset xCAT uses."""
    s = sql.strip().rstrip(";").strip()
    s = _MON_HADR.sub("MON_GET_HADR_T", s)
    s = _SYSCAT.sub(lambda m: "SYSCAT_" + m.group(1).upper(), s)
    s = re.sub(r"\bFROM\s+SYSIBM\s*\.\s*SYSDUMMY1\b", "", s, flags=re.I)
    s = _SCHEMA_REF.sub(
        lambda m: m.group(0) if m.group(3).upper() in ("SYSIBM",) else
        f"{m.group(1)}{m.group(2)}{m.group(4)}", s)
    s = re.sub(r"\bCURRENT\s+TIMESTAMP\b", "CURRENT_TIMESTAMP", s, flags=re.I)
    s = re.sub(r"\bCURRENT\s+DATE\b", "CURRENT_DATE", s, flags=re.I)
    s = re.sub(r"\bFETCH\s+FIRST\s+(\d+)\s+ROWS?\s+ONLY\b", r"LIMIT \1", s, flags=re.I)
    s = re.sub(r"\bFETCH\s+FIRST\s+ROW\s+ONLY\b", "LIMIT 1", s, flags=re.I)
    s = re.sub(r"\bWITH\s+(UR|CS|RS|RR)\s*$", "", s, flags=re.I)
    if re.match(r"\s*CREATE\s+TABLE", s, re.I):
        s = re.sub(r"\b(CLOB|BLOB|DBCLOB)\s*\(\s*\d+\s*[KMG]?\s*\)", r"\1", s, flags=re.I)
        s = re.sub(r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY(\s*\([^)]*\))?", "",
                   s, flags=re.I)
        s = re.sub(r"\bNOT\s+NULL\s+WITH\s+DEFAULT\b", "NOT NULL DEFAULT ''", s, flags=re.I)
        s = re.sub(r"\bWITH\s+DEFAULT\b", "", s, flags=re.I)
        s = re.sub(r"\bNOT\s+LOGGED\s+INITIALLY\b", "", s, flags=re.I)
        s = re.sub(r"\bCCSID\s+(UNICODE|ASCII)\b", "", s, flags=re.I)
        s = re.sub(r"\bORGANIZE\s+BY\s+ROW\b", "", s, flags=re.I)
        s = re.sub(r"\)\s*((INDEX|LONG)\s+)?IN\s+\"?\w+\"?(\s+(INDEX|LONG)\s+IN\s+\"?\w+\"?)*\s*$",
                   ")", s, flags=re.I)
    return s


def column_width(decl: str, values: list[Any], name: str) -> tuple[int, bool]:
    """(display width, right-aligned) of a column as the CLP lays out a result set."""
    t = decl.upper().strip()
    m = re.match(r"(VAR)?CHAR(ACTER)?\s*\(\s*(\d+)", t)
    numeric = False
    if m:
        width = int(m.group(3))
    elif t.startswith("SMALLINT"):
        width, numeric = 6, True
    elif t.startswith("BIGINT"):
        width, numeric = 20, True
    elif t.startswith(("INTEGER", "INT")):
        width, numeric = 11, True
    elif t.startswith("TIMESTAMP"):
        width = 26
    elif t.startswith("DATE"):
        width = 10
    elif t.startswith(("DOUBLE", "FLOAT", "REAL")):
        width, numeric = 24, True
    elif t.startswith(("DECIMAL", "NUMERIC", "DEC")):
        dm = re.search(r"\((\d+)", t)
        width, numeric = (int(dm.group(1)) + 2 if dm else 7), True
    else:
        width = max([len(_display(v)) for v in values] + [1])
        numeric = bool(values) and all(isinstance(v, int | float) for v in values if v is not None)
    return max(width, len(name)), numeric


def _display(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class ResultSet:
    """Columns and rows of a query, with the declared types for the CLP layout."""

    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def map_error(exc: sqlite3.Error, schema: str, sql: str) -> Db2Error:
    """The DB2 error for a SQLite error."""
    text = str(exc)
    m = re.match(r"no such table: (?:\w+\.)?(\w+)", text)
    if m:
        return fail("SQL0204N", f"{schema}.{m.group(1).upper()}")
    m = re.match(r"no such column: (?:\w+\.)?(\w+)", text)
    if m:
        return fail("SQL0206N", m.group(1).upper())
    m = re.match(r"(?:table|index) \"?(\w+)\"? already exists", text)
    if m:
        kind = "TABLE" if text.startswith("table") else "INDEX"
        return fail("SQL0601N", f"{schema}.{m.group(1).upper()}", kind)
    m = re.match(r"UNIQUE constraint failed: (\w+)\.", text)
    if m:
        return fail("SQL0803N", "1", f"{schema}.{m.group(1).upper()}")
    m = re.match(r"NOT NULL constraint failed: (\w+)\.(\w+)", text)
    if m:
        return fail("SQL0407N", m.group(2).upper())
    m = re.search(r'near "([^"]*)"', text)
    if m:
        tok = m.group(1)
        before = sql.upper().split(tok.upper(), 1)[0].split()
        return fail("SQL0104N", tok, before[-1] if before else "BEGIN-OF-STATEMENT", "<space>")
    if "incomplete input" in text:
        words = sql.split()
        return fail("SQL0104N", "END-OF-STATEMENT", words[-1] if words else "", "<space>")
    return fail("SQL0104N", sql.split()[0] if sql.split() else "", "BEGIN-OF-STATEMENT",
                "<space>")


class Store:
    """One database's tables (SQLite file ``tables.sqlite`` in the database directory)."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self.schema = schema.upper()
        self._wlock = threading.RLock()
        self._rlock = threading.Lock()
        self._w = self._open()
        self._r = self._open()
        self._w.execute("CREATE TABLE IF NOT EXISTS SIMLSN (applied INTEGER NOT NULL)")
        if self._w.execute("SELECT COUNT(*) FROM SIMLSN").fetchone()[0] == 0:
            self._w.execute("INSERT INTO SIMLSN VALUES (0)")

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                               timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        for ddl in self._views():
            conn.execute(ddl)
        return conn

    def _views(self) -> list[str]:
        cols = ", ".join(f"{n} {t}" for n, t in MON_GET_HADR_COLUMNS)
        return [
            f"CREATE TEMP TABLE IF NOT EXISTS MON_GET_HADR_T ({cols})",
            "CREATE TEMP VIEW IF NOT EXISTS SYSCAT_TABLES AS SELECT "
            f"'{self.schema}' AS TABSCHEMA, upper(name) AS TABNAME, 'T' AS TYPE, "
            f"'{self.schema}' AS OWNER FROM sqlite_master WHERE type='table' "
            "AND name NOT IN ('SIMLSN') AND name NOT LIKE 'sqlite%'",
            "CREATE TEMP VIEW IF NOT EXISTS SYSCAT_COLUMNS AS SELECT "
            f"'{self.schema}' AS TABSCHEMA, upper(m.name) AS TABNAME, upper(p.name) AS COLNAME, "
            "p.cid AS COLNO, upper(p.type) AS TYPENAME, p.pk AS KEYSEQ, "
            "CASE p.\"notnull\" WHEN 1 THEN 'N' ELSE 'Y' END AS NULLS "
            "FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type='table' "
            "AND m.name NOT IN ('SIMLSN')",
        ]

    @property
    def write_lock(self) -> threading.RLock:
        return self._wlock

    def close(self) -> None:
        for conn in (self._w, self._r):
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    # -- reading --------------------------------------------------------------------------
    @property
    def applied_lsn(self) -> int:
        with self._rlock:
            return int(self._r.execute("SELECT applied FROM SIMLSN").fetchone()[0])

    def query(
        self, sql: str, params: Params = (), mon_hadr: dict[str, Any] | None = None
    ) -> ResultSet:
        """Run a SELECT (DB2 dialect) and return its result set."""
        lite = translate(sql)
        with self._rlock:
            try:
                if "MON_GET_HADR_T" in lite:
                    self._r.execute("DELETE FROM MON_GET_HADR_T")
                    if mon_hadr is not None:
                        names = [n for n, _ in MON_GET_HADR_COLUMNS]
                        self._r.execute(
                            f"INSERT INTO MON_GET_HADR_T ({', '.join(names)}) VALUES "
                            f"({', '.join('?' for _ in names)})",
                            [mon_hadr.get(n) for n in names],
                        )
                cur = self._r.execute(lite, tuple(params))
                rows = [tuple(r) for r in cur.fetchall()]
                desc = cur.description or ()
            except sqlite3.Error as exc:
                raise map_error(exc, self.schema, sql) from None
            columns = [d[0] for d in desc]
            types = self._declared_types(lite, columns)
        return ResultSet([c.upper() for c in columns], types, rows)

    def _declared_types(self, lite: str, columns: list[str]) -> list[str]:
        m = re.search(r"\bFROM\s+([A-Za-z_]\w*)", lite, re.I)
        decl: dict[str, str] = {}
        if m:
            table = m.group(1)
            if table.upper() == "MON_GET_HADR_T":
                decl = {n: t for n, t in MON_GET_HADR_COLUMNS}
            else:
                try:
                    for row in self._r.execute(f'PRAGMA table_info("{table}")'):
                        decl[str(row[1]).upper()] = str(row[2])
                except sqlite3.Error:
                    decl = {}
        return [decl.get(c.upper(), "") for c in columns]

    def tables(self) -> list[str]:
        with self._rlock:
            rows = self._r.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'SIMLSN' "
                "AND name NOT LIKE 'sqlite%' ORDER BY name").fetchall()
        return [str(r[0]).upper() for r in rows]

    # -- writing --------------------------------------------------------------------------
    def begin(self) -> None:
        self._wlock.acquire()
        try:
            self._w.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            self._wlock.release()
            raise

    def execute_in_txn(self, sql: str, params: Params = ()) -> tuple[str, int]:
        """Run one DB2 write statement inside the open transaction; (sqlite sql, rowcount)."""
        lite = translate(sql)
        try:
            cur = self._w.execute(lite, tuple(params))
        except sqlite3.Error as exc:
            raise map_error(exc, self.schema, sql) from None
        return lite, cur.rowcount

    def commit(self, lsn_end: int | None) -> None:
        try:
            if lsn_end is not None:
                self._w.execute("UPDATE SIMLSN SET applied = ?", (lsn_end,))
            self._w.execute("COMMIT")
        finally:
            self._wlock.release()

    def rollback(self) -> None:
        try:
            self._w.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            self._wlock.release()

    def apply(self, statements: list[tuple[str, list[Any]]], lsn_end: int) -> None:
        """Redo one logged transaction (SQLite statements) and record its end LSN."""
        with self._wlock:
            if lsn_end <= self.applied_lsn:
                return
            self._w.execute("BEGIN IMMEDIATE")
            try:
                for lite, params in statements:
                    with contextlib.suppress(sqlite3.Error):  # it failed on the primary too
                        self._w.execute(lite, tuple(params))
                self._w.execute("UPDATE SIMLSN SET applied = ?", (lsn_end,))
                self._w.execute("COMMIT")
            except BaseException:
                self._w.execute("ROLLBACK")
                raise

    def set_applied(self, lsn_end: int) -> None:
        with self._wlock:
            self._w.execute("UPDATE SIMLSN SET applied = ?", (lsn_end,))

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the store (SQLite online backup API)."""
        dst = sqlite3.connect(str(target))
        try:
            with self._rlock:
                self._r.backup(dst)
        finally:
            dst.close()
