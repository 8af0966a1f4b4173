"""SQLite, xCAT's default: one file per table, /etc/xcat/<table>.sqlite (stdlib sqlite3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from simulators.xcatsim.db.base import Database, DbError, Params


class SqliteDatabase(Database):
    engine = "SQLite"
    key_type = "TEXT"
    text_type = "TEXT"

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory
        self._conns: dict[str, sqlite3.Connection] = {}

    def _conn(self, table: str) -> sqlite3.Connection:
        conn = self._conns.get(table)
        if conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.directory / f"{table}.sqlite", isolation_level=None,
                                   check_same_thread=False, timeout=10)
            # One file per table stays copyable (runbook 5.3: SQLite is synchronised by
            # copying the files), so no WAL; commits need not wait for the disk.
            conn.execute("PRAGMA synchronous=OFF")
            self._conns[table] = conn
        return conn

    def execute(self, table: str | None, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        if table is None:
            raise DbError("SQLite statements need a table")
        try:
            return self._conn(table).execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise DbError(f"DBD::SQLite::db failed: {exc}") from exc

    def list_tables(self) -> set[str]:
        found: set[str] = set()
        for f in self.directory.glob("*.sqlite"):
            # A table file exists once xcatconfig -d (or a first write) created the table.
            conn = self._conn(f.stem)
            got = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            found.update(str(r[0]).lower() for r in got)
        return found

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def describe(self) -> dict[str, str]:
        return {"dbengine": "SQLite", "dbloc": str(self.directory)}
