"""MySQL/MariaDB through pymysql (Debian's python3-pymysql), as xCAT's DBD::mysql would."""

from __future__ import annotations

import contextlib
from typing import Any

from simulators.xcatsim.db.base import Database, DbError, Params


class MysqlDatabase(Database):
    engine = "mysql"
    marker = "%s"
    key_type = "VARCHAR(128)"
    text_type = "TEXT"

    def __init__(self, cfg: Any) -> None:
        super().__init__()
        self.cfg = cfg
        try:
            import pymysql
        except ImportError as exc:
            raise DbError("Can't locate DBD/mysql.pm (python3-pymysql is not installed)") from exc
        self._errors: type[Exception] = pymysql.MySQLError
        kw: dict[str, Any] = {"database": cfg.database, "user": cfg.user,
                              "password": cfg.password, "autocommit": True,
                              "connect_timeout": 10}
        host = cfg.params.get("host", "localhost")
        kw["host"] = host
        if "port" in cfg.params:
            kw["port"] = int(cfg.params["port"])
        try:
            self.conn = pymysql.connect(**kw)
        except pymysql.MySQLError as exc:
            raise DbError(f"DBI connect('{cfg.line.split('|')[0][6:]}','{cfg.user}',...) "
                          f"failed: {exc}") from exc

    def quote(self, ident: str) -> str:
        return f"`{ident}`"

    def execute(self, table: str | None, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, tuple(params))
                return [tuple(r) for r in cur.fetchall()]
        except self._errors as exc:
            raise DbError(f"DBD::mysql::st execute failed: {exc}") from exc

    def list_tables(self) -> set[str]:
        return {str(r[0]) for r in self.execute(None, "SHOW TABLES")}

    def close(self) -> None:
        with contextlib.suppress(self._errors):
            self.conn.close()

    def describe(self) -> dict[str, str]:
        return {"dbengine": "mysql", "dbname": self.cfg.database,
                "dbhost": self.cfg.params.get("host", "localhost"), "dbadmin": self.cfg.user}
