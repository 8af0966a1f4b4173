"""The table operations xCAT's Table.pm performs, as SQL any backend can run.

A backend supplies the connection, its parameter marker and identifier quoting; the SQL for
xCAT's table reads and writes (whole-table reads, key lookups, insert, update, delete,
``CREATE TABLE`` with every column as text) is built here once for all four kinds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from simulators.xcatsim.schema import TABLES, Table

Row = dict[str, str | None]
Params = Sequence[Any]


class DbError(Exception):
    """A database failure, with the message the engine gave."""


class Database:
    """One open xCAT database (what xcatd holds while it runs)."""

    engine = ""
    marker = "?"
    key_type = "VARCHAR(128)"
    text_type = "VARCHAR(1024)"

    def __init__(self) -> None:
        self._tables: set[str] | None = None

    # -- backend hooks -------------------------------------------------------------------
    def execute(self, table: str | None, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def list_tables(self) -> set[str]:
        raise NotImplementedError

    def quote(self, ident: str) -> str:
        return f'"{ident}"'

    def close(self) -> None:
        pass

    def describe(self) -> dict[str, str]:
        """lsxcatd -d's fields for this engine."""
        return {"dbengine": self.engine}

    # -- table operations ----------------------------------------------------------------
    def tables(self) -> set[str]:
        if self._tables is None:
            self._tables = {t.lower() for t in self.list_tables()}
        return self._tables

    def has_table(self, name: str) -> bool:
        if name not in self.tables():
            # Another process (xcatconfig -d, a restored backup) may have created it since.
            self._tables = None
        return name in self.tables()

    def create_table(self, t: Table) -> bool:
        """CREATE TABLE as xCAT does; False when it already exists."""
        if self.has_table(t.name):
            return False
        cols = []
        for c in t.columns:
            if c in t.keys:
                cols.append(f"{self.quote(c)} {self.key_type} NOT NULL")
            else:
                cols.append(f"{self.quote(c)} {self.text_type}")
        keys = ", ".join(self.quote(k) for k in t.keys)
        sql = f"CREATE TABLE {self.quote(t.name)} ({', '.join(cols)}, PRIMARY KEY ({keys}))"
        self.execute(t.name, sql)
        self.tables().add(t.name)
        return True

    def _ensure(self, name: str) -> Table:
        t = TABLES[name]
        if not self.has_table(name):
            self.create_table(t)
        return t

    def rows(self, name: str) -> list[Row]:
        """Every row of table NAME (empty when the table was never created)."""
        t = TABLES[name]
        if not self.has_table(name):
            return []
        cols = ", ".join(self.quote(c) for c in t.columns)
        got = self.execute(name, f"SELECT {cols} FROM {self.quote(name)}")
        return [_row(t, r) for r in got]

    def find(self, name: str, where: dict[str, str]) -> list[Row]:
        t = TABLES[name]
        if not self.has_table(name):
            return []
        cols = ", ".join(self.quote(c) for c in t.columns)
        cond, params = self._where(where)
        got = self.execute(name, f"SELECT {cols} FROM {self.quote(name)} WHERE {cond}", params)
        return [_row(t, r) for r in got]

    def insert(self, name: str, row: dict[str, str | None]) -> None:
        self._ensure(name)
        cols = list(row)
        marks = ", ".join(self.marker for _ in cols)
        sql = (f"INSERT INTO {self.quote(name)} ({', '.join(self.quote(c) for c in cols)})"
               f" VALUES ({marks})")
        self.execute(name, sql, [row[c] for c in cols])

    def update(self, name: str, where: dict[str, str], values: dict[str, str | None]) -> None:
        if not values:
            return
        self._ensure(name)
        sets = ", ".join(f"{self.quote(c)} = {self.marker}" for c in values)
        cond, params = self._where(where)
        self.execute(name, f"UPDATE {self.quote(name)} SET {sets} WHERE {cond}",
                     [*values.values(), *params])

    def delete(self, name: str, where: dict[str, str]) -> None:
        if not self.has_table(name):
            return
        cond, params = self._where(where)
        self.execute(name, f"DELETE FROM {self.quote(name)} WHERE {cond}", params)

    def upsert(self, name: str, keys: dict[str, str], values: dict[str, str | None]) -> None:
        """xCAT's setAttribs: update the row with KEYS, or insert it."""
        if self.find(name, keys):
            self.update(name, keys, values)
        else:
            self.insert(name, {**keys, **values})

    def _where(self, where: dict[str, str]) -> tuple[str, list[str]]:
        cond = " AND ".join(f"{self.quote(c)} = {self.marker}" for c in where)
        return cond, list(where.values())


def _row(t: Table, values: Sequence[Any]) -> Row:
    return {c: (None if v is None else str(v)) for c, v in zip(t.columns, values, strict=False)}


class DbapiDatabase(Database):
    """A server database reached through a Python DB-API driver (psycopg2, pymysql): what
    DBD::Pg and DBD::mysql share. Subclasses open ``conn`` and name the driver's errors."""

    conn: Any
    _errors: type[Exception] = Exception

    def __init__(self, cfg: Any) -> None:
        super().__init__()
        self.cfg = cfg

    def execute(self, table: str | None, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, tuple(params))
                if cur.description is None:  # no result set (INSERT, DDL)
                    return []
                return [tuple(r) for r in cur.fetchall()]
        except self._errors as exc:
            raise DbError(f"DBD::{self.engine}::st execute failed: {str(exc).strip()}") from exc

    def close(self) -> None:
        with contextlib.suppress(self._errors):
            self.conn.close()

    def describe(self) -> dict[str, str]:
        return {"dbengine": self.engine, "dbname": self.cfg.database,
                "dbhost": self.cfg.params.get("host", "localhost"), "dbadmin": self.cfg.user}
