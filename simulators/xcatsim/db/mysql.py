"""MySQL/MariaDB through pymysql (Debian's python3-pymysql), as xCAT's DBD::mysql would."""

from __future__ import annotations

from typing import Any

from simulators.xcatsim.db.base import DbapiDatabase, DbError


class MysqlDatabase(DbapiDatabase):
    engine = "mysql"
    marker = "%s"
    key_type = "VARCHAR(128)"
    text_type = "TEXT"

    def __init__(self, cfg: Any) -> None:
        super().__init__(cfg)
        try:
            import pymysql
        except ImportError as exc:
            raise DbError("Can't locate DBD/mysql.pm (python3-pymysql is not installed)") from exc
        self._errors = pymysql.MySQLError
        kw: dict[str, Any] = {"database": cfg.database, "user": cfg.user,
                              "password": cfg.password, "autocommit": True,
                              "connect_timeout": 10}
        kw["host"] = cfg.params.get("host", "localhost")
        if "port" in cfg.params:
            kw["port"] = int(cfg.params["port"])
        try:
            self.conn = pymysql.connect(**kw)
        except pymysql.MySQLError as exc:
            raise DbError(f"DBI connect('{cfg.line.split('|')[0][6:]}','{cfg.user}',...) "
                          f"failed: {exc}") from exc

    def quote(self, ident: str) -> str:
        return f"`{ident}`"

    def list_tables(self) -> set[str]:
        return {str(r[0]) for r in self.execute(None, "SHOW TABLES")}
