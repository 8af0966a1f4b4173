"""DB2 through the DB2 simulator's client (simulators.db2sim.client), like xCAT's DBD::DB2.

The open connection is a DB2 application: while xcatd holds it, ``db2 list applications``
shows it and BACKUP DATABASE is refused (runbook 5.1.1: stop xcatd first).
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from simulators.xcatsim.db.base import Database, DbError, Params


class Db2Database(Database):
    engine = "DB2"
    marker = "?"
    key_type = "VARCHAR(128)"
    text_type = "VARCHAR(1024)"

    def __init__(self, cfg: Any) -> None:
        super().__init__()
        self.cfg = cfg
        try:
            client = importlib.import_module("simulators.db2sim.client")
        except ImportError as exc:
            raise DbError("Can't locate DBD/DB2.pm (simulators.db2sim.client is missing)") from exc
        self._errors: type[Exception] = client.Db2Error
        try:
            self.conn = client.connect(cfg.database, cfg.user, cfg.password)
        except self._errors as exc:
            raise DbError(f"DBI connect('{cfg.database}','{cfg.user}',...) failed: "
                          f"[IBM][CLI Driver] {exc}") from exc

    def quote(self, ident: str) -> str:
        return ident

    def execute(self, table: str | None, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        try:
            rows = self.conn.execute(sql, tuple(params))
        except self._errors as exc:
            raise DbError(f"DBD::DB2::st execute failed: [IBM][CLI Driver][DB2/LINUXX8664] "
                          f"{exc}") from exc
        return [tuple(r) for r in (rows or [])]

    def list_tables(self) -> set[str]:
        from simulators.xcatsim.schema import TABLES
        found: set[str] = set()
        for name in TABLES:
            try:
                self.conn.execute(f"SELECT COUNT(*) FROM {name}", ())
            except self._errors:
                continue
            found.add(name)
        return found

    def close(self) -> None:
        with contextlib.suppress(self._errors):
            self.conn.close()

    def describe(self) -> dict[str, str]:
        return {"dbengine": "DB2", "dbinstance": self.cfg.user, "dbname": self.cfg.database,
                "dbloc": "/var/lib/db2"}
