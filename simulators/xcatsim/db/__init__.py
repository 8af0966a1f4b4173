"""The xCAT database named by /etc/xcat/cfgloc, read the way xCAT's Table.pm reads it.

cfgloc holds one line ``ENGINE:PARAMS|USER|PASSWORD``:

- ``DB2:XCATDB|xcatdb|pw``                     -> db2.py (the DB2 simulator's client)
- ``Pg:dbname=xcatdb;host=ADDR|xcatadm|pw``     -> pg.py (psycopg2)
- ``mysql:dbname=xcatdb;host=ADDR|xcatadmin|pw`` -> mysql.py (pymysql)
- no cfgloc                                      -> sqlite.py, files /etc/xcat/<table>.sqlite

Backends import their driver lazily, so the others work without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.xcatsim import paths
from simulators.xcatsim.db.base import Database, DbError, Row

__all__ = ["Cfgloc", "Database", "DbError", "Row", "open_database", "read_cfgloc"]


@dataclass(frozen=True)
class Cfgloc:
    engine: str  # "DB2", "Pg", "mysql" or "SQLite"
    params: dict[str, str] = field(default_factory=dict)
    database: str = ""
    user: str = ""
    password: str = ""
    line: str = ""

    @property
    def shown(self) -> str:
        """The cfgloc line without its password, as lsxcatd prints it."""
        if self.engine == "SQLite":
            return ""
        return self.line.split("|")[0] + "|" + self.user


def parse_cfgloc(text: str) -> Cfgloc:
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not line:
        return Cfgloc("SQLite")
    dsn, _, rest = line.partition("|")
    user, _, password = rest.partition("|")
    engine, _, spec = dsn.partition(":")
    params: dict[str, str] = {}
    database = ""
    if engine.upper() == "DB2":
        engine = "DB2"
        database = spec
    else:
        for part in spec.split(";"):
            k, sep, v = part.partition("=")
            if sep:
                params[k.strip()] = v.strip()
        database = params.get("dbname", params.get("database", ""))
        engine = {"pg": "Pg", "mysql": "mysql"}.get(engine.lower(), engine)
    return Cfgloc(engine, params, database, user, password, line)


def read_cfgloc() -> Cfgloc:
    try:
        text = paths.cfgloc().read_text()
    except OSError:
        return Cfgloc("SQLite")
    return parse_cfgloc(text)


def open_database(cfg: Cfgloc | None = None) -> Database:
    """Connect to the configured database; DbError if it cannot be reached."""
    cfg = cfg or read_cfgloc()
    if cfg.engine == "SQLite":
        from simulators.xcatsim.db.sqlite import SqliteDatabase
        return SqliteDatabase(paths.etc_xcat())
    if cfg.engine == "DB2":
        from simulators.xcatsim.db.db2 import Db2Database
        return Db2Database(cfg)
    if cfg.engine == "Pg":
        from simulators.xcatsim.db.pg import PgDatabase
        return PgDatabase(cfg)
    if cfg.engine == "mysql":
        from simulators.xcatsim.db.mysql import MysqlDatabase
        return MysqlDatabase(cfg)
    raise DbError(f"Unsupported database engine in {paths.cfgloc()}: {cfg.engine}")
