"""The same commands on each database kind of /etc/xcat/cfgloc: SQLite, DB2 (through the
DB2 simulator's client contract), PostgreSQL (a real server, when one can be started here)
and MySQL/MariaDB (likewise)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulators.xcatsim import xcatconfig
from simulators.xcatsim.commands import Context, handler
from simulators.xcatsim.db import Cfgloc, Database
from simulators.xcatsim.db.sqlite import SqliteDatabase
from simulators.xcatsim.objects import Store
from simulators.xcatsim.protocol import Reply, Request
from tests.sim.xcatsim.conftest import Mn, free_port


def run(db: Database, command: str, *args: str) -> Reply:
    reply = Reply()
    fn = handler(command)
    assert fn is not None
    fn(Context(db, Store(db), Request(command, list(args))), reply)
    return reply


def round_trip(db: Database) -> None:
    """Runbook 5.1.9 on one database: add the testnode, read it back, delete it."""
    xcatconfig.init_database(db)
    assert run(db, "mkdef", "testnode", "groups=all,compute", "os=AIX").errorcode == 0
    out = [t for _, t in run(db, "lsdef", "testnode").lines]
    assert out[:3] == ["Object name: testnode", "    groups=all,compute", "    os=AIX"]
    site = [t for _, t in run(db, "tabdump", "site").lines]
    assert '"installdir","/install",,' in site
    assert run(db, "rmdef", "testnode").lines == [
        ("info", "1 object definitions have been removed.")]
    assert run(db, "lsdef", "testnode").errorcode == 1


def test_sqlite_files_per_table(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path)
    round_trip(db)
    assert (tmp_path / "site.sqlite").is_file() and (tmp_path / "nodelist.sqlite").is_file()
    db.close()


class FakeDb2Error(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.sqlcode = -204
        self.message_id = "SQL0204N"
        self.sqlstate = "42704"


class FakeDb2Connection:
    """The DB2 simulator's client contract (docs/design.md) over an in-memory SQLite."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.statements: list[str] = []

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.statements.append(sql)
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise FakeDb2Error(f"SQL0204N  \"{exc}\"  SQLSTATE=42704") from exc

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def fake_db2(monkeypatch: pytest.MonkeyPatch) -> FakeDb2Connection:
    conn = FakeDb2Connection()
    module = types.ModuleType("simulators.db2sim.client")
    module.Db2Error = FakeDb2Error  # type: ignore[attr-defined]
    module.connect = lambda database, user, password: conn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "simulators.db2sim.client", module)
    return conn


def test_db2_backend_speaks_the_client_contract(fake_db2: FakeDb2Connection) -> None:
    from simulators.xcatsim.db.db2 import Db2Database
    db = Db2Database(Cfgloc("DB2", {}, "XCATDB", "xcatdb", "pw", "DB2:XCATDB|xcatdb|pw"))
    round_trip(db)
    creates = [s for s in fake_db2.statements if s.startswith("CREATE TABLE")]
    assert any(s.startswith("CREATE TABLE site (key VARCHAR(128) NOT NULL, value VARCHAR")
               for s in creates)
    assert db.describe() == {"dbengine": "DB2", "dbinstance": "xcatdb", "dbname": "XCATDB",
                             "dbloc": "/var/lib/db2"}


PG_BIN = Path("/usr/lib/postgresql/15/bin")
SYSTEM_PYTHON = "/usr/bin/python3"


def _pg_unavailable() -> str | None:
    if os.geteuid() != 0:
        return "starting a PostgreSQL server needs root (to run it as user postgres)"
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {PG_BIN}"
    try:
        import pwd
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres user"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import psycopg2"], capture_output=True,
                          check=False)
    if done.returncode != 0:
        return f"{SYSTEM_PYTHON} has no psycopg2 (apt-get install python3-psycopg2)"
    return None


@pytest.fixture(scope="module")
def postgres() -> Iterator[int]:
    reason = _pg_unavailable()
    if reason:
        pytest.skip(reason)
    data = Path(tempfile.mkdtemp(prefix="xcatsim-pg-"))
    shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run([str(PG_BIN / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U",
                    "postgres"], user="postgres", capture_output=True, check=True)
    proc = subprocess.Popen([str(PG_BIN / "postgres"), "-D", str(data / "db"), "-p", str(port),
                             "-k", str(data), "-c", "listen_addresses=127.0.0.1",
                             "-c", "fsync=off"], user="postgres",
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        time.sleep(0.3)
        psql = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                "-q", "-c"]
        subprocess.run([*psql, "CREATE ROLE xcatadm LOGIN PASSWORD 'cluster'"],
                       check=True, capture_output=True)
        subprocess.run([*psql, "CREATE DATABASE xcatdb OWNER xcatadm"], check=True,
                       capture_output=True)
        yield port
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(data, ignore_errors=True)


def test_postgresql_through_xcatd(postgres: int, tmp_path: Path) -> None:
    mn = Mn(tmp_path, python=SYSTEM_PYTHON)
    (tmp_path / "etc/xcat").mkdir(parents=True)
    (tmp_path / "etc/xcat/cfgloc").write_text(
        f"Pg:dbname=xcatdb;host=127.0.0.1;port={postgres}|xcatadm|cluster\n")
    mn.init()
    assert mn.tool("xcatconfig", "-d").rc == 0
    mn.start()
    try:
        assert mn.xcat("mkdef", "testnode", "groups=all,compute").rc == 0
        assert "    groups=all,compute" in mn.xcat("lsdef", "-t", "node", "-l").out
        lines = mn.xcat("lsxcatd", "-a").out.splitlines()
        assert lines[2:] == [f"cfgloc=Pg:dbname=xcatdb;host=127.0.0.1;port={postgres}|xcatadm",
                             "dbengine=Pg", "dbname=xcatdb", "dbhost=127.0.0.1",
                             "dbadmin=xcatadm"]
        assert mn.xcat("rmdef", "testnode").rc == 0
        assert mn.xcat("lsdef", "testnode").rc == 1
    finally:
        mn.stop()
    # No SQLite files: everything went to PostgreSQL.
    assert not list((tmp_path / "etc/xcat").glob("*.sqlite"))


def test_mysql_through_xcatd() -> None:
    if shutil.which("mariadbd") is None and shutil.which("mysqld") is None:
        pytest.skip("no MySQL/MariaDB server on this host (apt-get install mariadb-server)")
    pytest.skip("MariaDB server tests run in the MN image (simulators/node)")


def test_xcatd_refuses_to_start_without_its_database(tmp_path: Path) -> None:
    mn = Mn(tmp_path)
    (tmp_path / "etc/xcat").mkdir(parents=True)
    (tmp_path / "etc/xcat/cfgloc").write_text(
        f"Pg:dbname=xcatdb;host=127.0.0.1;port={free_port()}|xcatadm|x\n")
    mn.init()
    with pytest.raises(RuntimeError, match="could not connect to the xCAT database"):
        mn.start()
