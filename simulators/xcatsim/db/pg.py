"""PostgreSQL through psycopg2 (Debian's python3-psycopg2), as xCAT's DBD::Pg would."""

from __future__ import annotations

from typing import Any

from simulators.xcatsim.db.base import DbapiDatabase, DbError


class PgDatabase(DbapiDatabase):
    engine = "Pg"
    marker = "%s"
    key_type = "VARCHAR(128)"
    text_type = "TEXT"

    def __init__(self, cfg: Any) -> None:
        super().__init__(cfg)
        try:
            import psycopg2
        except ImportError as exc:
            raise DbError("Can't locate DBD/Pg.pm (python3-psycopg2 is not installed)") from exc
        self._errors = psycopg2.Error
        kw = {"dbname": cfg.database, "user": cfg.user, "password": cfg.password}
        if "host" in cfg.params:
            kw["host"] = cfg.params["host"]
        if "port" in cfg.params:
            kw["port"] = cfg.params["port"]
        try:
            self.conn = psycopg2.connect(connect_timeout=10, **kw)
        except psycopg2.Error as exc:
            raise DbError(f"DBI connect('{cfg.line.split('|')[0][3:]}','{cfg.user}',...) "
                          f"failed: {str(exc).strip()}") from exc
        self.conn.autocommit = True

    def list_tables(self) -> set[str]:
        got = self.execute(None, "SELECT table_name FROM information_schema.tables "
                                 "WHERE table_schema = current_schema()")
        return {str(r[0]) for r in got}
