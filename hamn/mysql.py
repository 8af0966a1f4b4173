"""Section 5.3: MySQL/MariaDB replication of the xCAT database, as MariaDB documents it.

The runbook only links MySQL's replication chapter. hamn sets it up the MariaDB way: the
binary log and a server id on both MNs (the standby logs too, so it can be promoted), a
replication user on the primary, a consistent copy of xcatdb (``mariadb-dump
--single-transaction --gtid --master-data=2``) loaded on the standby, and the standby made
a read-only replica with ``CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos``. Verified by
``SHOW SLAVE STATUS`` (Slave_IO_Running, Slave_SQL_Running, Seconds_Behind_Master);
failover by promoting the replica (``STOP SLAVE; RESET SLAVE ALL``, writable).

SQL reaches the server on stdin as root over the local socket; the dump stays on the MNs.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass

from hamn import prereqs, services
from hamn.errors import (
    CommandFailed,
    PreconditionFailed,
    UsageError,
    VerificationFailed,
)
from hamn.inventory import Cluster, Member
from hamn.runner import Node, Result

CNF_NAME = "61-hamn-replication.cnf"
CNF_DIRS = ("/etc/mysql/mariadb.conf.d", "/etc/my.cnf.d", "/etc/mysql/conf.d")
DUMP = "/tmp/hamn-xcatdb.sql"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
TESTNODE = "testnode"


@dataclass(frozen=True)
class MyConfig:
    database: str = "xcatdb"
    replication_user: str = "hamnrepl"
    port: int = 3306


def config(cluster: Cluster) -> MyConfig:
    cfg = MyConfig(database=cluster.settings.db_name.lower())
    for what, value in (("database name", cfg.database), ("user", cfg.replication_user)):
        if not _NAME.match(value):
            raise UsageError(f"invalid MariaDB {what} {value!r}: letters, digits and _")
    return cfg


def literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


_tools: dict[tuple[str, str, str], str] = {}


def _tool(node: Node, new: str, old: str) -> str:
    """NEW where it exists (MariaDB 10.5+ names), else OLD; looked up once per host."""
    key = (node.name, new, old)
    if key not in _tools:
        res = node.sh(f"command -v {new} || command -v {old}")
        path = res.stdout.strip().splitlines()[0] if res.stdout.strip() else ""
        if not path:
            if node.plan:
                return new
            raise PreconditionFailed(f"no {new} or {old} on {node.name}: install the "
                                     "MariaDB client tools")
        _tools[key] = path
    return _tools[key]


def client(node: Node) -> str:
    """``mariadb`` where it exists, else ``mysql``."""
    return _tool(node, "mariadb", "mysql")


def dump_tool(node: Node) -> str:
    """``mariadb-dump`` where it exists, else ``mysqldump`` (older MariaDB ships it under
    that name, with --gtid)."""
    return _tool(node, "mariadb-dump", "mysqldump")


def sql(node: Node, text: str, database: str | None = None, changes: bool = False,
        why: str = "") -> Result:
    """Run TEXT (stdin) as the server's root through the local socket."""
    argv = [client(node), "-u", "root", "--batch", "--skip-column-names"]
    if database:
        argv += ["-D", database]
    res = node.run(*argv, stdin=text, changes=changes)
    if not res.succeeded:
        raise CommandFailed(res, why or "mariadb")
    return res


def value(node: Node, text: str, database: str | None = None) -> str:
    out = sql(node, text, database).stdout.strip().splitlines()
    return out[0].split("\t")[0] if out else ""


def require_database(m: Member, database: str) -> None:
    if m.node.plan:
        return
    found = sql(m.node, "SHOW DATABASES").stdout.split()
    if database not in found:
        others = ", ".join(d for d in found if d not in ("information_schema", "mysql",
                                                         "performance_schema", "sys"))
        raise UsageError(f"no MariaDB database {database!r} on the {m.role} {m.name} "
                         f"(databases: {others or 'none'}): name xCAT's database in the "
                         "settings (db_name)")


# --- replica status -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaStatus:
    master_host: str
    io_running: str  # Yes | No | Connecting
    sql_running: str
    seconds_behind: int | None
    using_gtid: str
    gtid_io_pos: str
    last_io_error: str
    last_sql_error: str

    @property
    def running(self) -> bool:
        return self.io_running == "Yes" and self.sql_running == "Yes"


def parse_slave_status(text: str) -> ReplicaStatus | None:
    """``SHOW SLAVE STATUS\\G`` output -> ReplicaStatus; None when not a replica (pure)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, val = line.strip().partition(":")
        if sep and key and " " not in key:
            fields.setdefault(key, val.strip())
    if "Slave_IO_Running" not in fields:
        return None
    behind = fields.get("Seconds_Behind_Master", "NULL")
    return ReplicaStatus(
        fields.get("Master_Host", ""), fields["Slave_IO_Running"],
        fields.get("Slave_SQL_Running", ""),
        int(behind) if behind.isdigit() else None, fields.get("Using_Gtid", ""),
        fields.get("Gtid_IO_Pos", ""), fields.get("Last_IO_Error", ""),
        fields.get("Last_SQL_Error", ""))


def replica_status(m: Member) -> ReplicaStatus | None:
    argv = [client(m.node), "-u", "root", "-e", "SHOW SLAVE STATUS\\G"]
    res = m.node.run(*argv)
    if not res.succeeded:
        raise CommandFailed(res, "SHOW SLAVE STATUS")
    return parse_slave_status(res.stdout)


def check_replica(cluster: Cluster) -> ReplicaStatus:
    """The standby replicates from the primary: both threads running, GTID in use."""
    s = cluster.standby
    st = replica_status(s)
    if st is None:
        raise VerificationFailed("SHOW SLAVE STATUS", "a replica of the primary",
                                 "not a replica", s.name)
    if not st.running:
        why = st.last_io_error or st.last_sql_error or "no error reported"
        raise VerificationFailed("replica threads", "Slave_IO_Running and Slave_SQL_Running "
                                 "Yes", f"IO {st.io_running}, SQL {st.sql_running} ({why})",
                                 s.name)
    if st.using_gtid.lower() == "no":
        raise VerificationFailed("Using_Gtid", "Slave_Pos or Current_Pos", st.using_gtid,
                                 s.name)
    return st


# --- setup --------------------------------------------------------------------------------


def replication_cnf(server_id: int, replica: bool) -> str:
    """The [mysqld] settings hamn owns on a MN (pure)."""
    lines = ["# hamn: section 5.3 replication (binary log with GTIDs)", "[mysqld]",
             f"server_id = {server_id}", "log_bin = mysql-bin", "binlog_format = ROW",
             "log_slave_updates = ON", f"read_only = {'ON' if replica else 'OFF'}"]
    return "\n".join(lines) + "\n"


def _cnf_path(node: Node) -> str:
    dirs = " ".join(CNF_DIRS)
    res = node.sh(f"for d in {dirs}; do test -d $d && echo $d && break; done")
    d = res.stdout.strip()
    if not d:
        if node.plan:
            return f"{CNF_DIRS[0]}/{CNF_NAME}"
        raise PreconditionFailed(f"no MariaDB configuration directory on {node.name} "
                                 f"({', '.join(CNF_DIRS)})")
    return f"{d}/{CNF_NAME}"


def _configure(m: Member, server_id: int, replica: bool) -> bool:
    """Write hamn's settings; restart MariaDB when they changed (and xcatd, when it ran,
    so that it reconnects). True if restarted."""
    path = _cnf_path(m.node)
    text = replication_cnf(server_id, replica)
    if m.node.read_file(path) == text:
        return False
    m.node.write_file(path, text, mode="644")
    xcatd = not m.node.plan and services.status(m.node, "xcatd").active
    services.stop(m.node, "mysql")
    services.start(m.node, "mysql")
    if xcatd:  # its connection died with the server: xcatd reconnects when restarted
        services.stop(m.node, "xcatd")
        services.start(m.node, "xcatd")
    return True


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise VerificationFailed(f"waiting for {what}", f"within {timeout:.0f}s",
                                     "timed out")
        time.sleep(1.0)


def _gtid_pos(dump_head: str) -> str:
    """The GTID position a ``--gtid --master-data=2`` dump was taken at (pure)."""
    m = re.search(r"gtid_slave_pos\s*=\s*'([^']*)'", dump_head)
    return m.group(1) if m else ""


def setup_replication(cluster: Cluster, timeout: float = 60.0) -> ReplicaStatus:
    """Make the standby a GTID replica of the primary, from a fresh consistent copy."""
    cfg = config(cluster)
    p, s = cluster.primary, cluster.standby
    require_database(p, cfg.database)
    password = cluster.settings.password()
    if not p.node.plan and replica_status(p) is not None:
        raise PreconditionFailed(f"the primary {p.name} is itself a replica: promote it or "
                                 "swap the roles first")
    p_addr = p.address or prereqs.hostname(p.node)
    _configure(p, 1, replica=False)
    _configure(s, 2, replica=True)
    user = f"{literal(cfg.replication_user)}@'%'"
    sql(p.node, f"CREATE USER IF NOT EXISTS {user} IDENTIFIED BY {literal(password)};\n"
                f"ALTER USER {user} IDENTIFIED BY {literal(password)};\n"
                f"GRANT REPLICATION SLAVE ON *.* TO {user};\n", changes=True,
        why="creating the replication user")
    dump = shlex.quote(DUMP)
    peer = prereqs.hostname(s.node) if not s.node.plan else s.name
    p.node.check_sh(f"umask 077; {dump_tool(p.node)} -u root --single-transaction --gtid "
                    f"--master-data=2 --routines --databases {shlex.quote(cfg.database)} "
                    f"> {dump} && scp -q -o BatchMode=yes {dump} {shlex.quote(peer)}:{dump}",
                    changes=True, timeout=3600, why="copying xcatdb to the standby")
    # MariaDB 10.11 prints the GTID position after the data ("printed later in the
    # file"), older releases in the head: look for the line wherever it is.
    head = p.node.sh(f"grep -i -m1 'gtid_slave_pos' {dump}").stdout if not p.node.plan else ""
    p.node.run("rm", "-f", DUMP, changes=True)
    pos = _gtid_pos(head)
    if "gtid_slave_pos" not in head and not p.node.plan:  # or it would replay it all
        raise VerificationFailed(f"the dump of {cfg.database}", "a gtid_slave_pos line",
                                 "none", p.name)
    sql(s.node, "STOP SLAVE;\nRESET SLAVE ALL;\n", changes=True)
    s.node.check_sh(f"( echo 'SET SESSION sql_log_bin=0;'; cat {dump} ) | "
                    f"{client(s.node)} -u root; rc=$?; rm -f {dump}; exit $rc",
                    changes=True, timeout=3600, why="loading xcatdb on the standby")
    sql(s.node, f"SET GLOBAL gtid_slave_pos = {literal(pos)};\n"
                f"CHANGE MASTER TO MASTER_HOST={literal(p_addr)}, MASTER_PORT={cfg.port}, "
                f"MASTER_USER={literal(cfg.replication_user)}, "
                f"MASTER_PASSWORD={literal(password)}, MASTER_USE_GTID=slave_pos;\n"
                "SET GLOBAL read_only = ON;\nSTART SLAVE;\n", changes=True,
        why="starting the replica")
    services.stop(s.node, "xcatd")
    if s.node.plan:
        return ReplicaStatus(p_addr, "Yes", "Yes", 0, "Slave_Pos", pos, "", "")

    def running() -> bool:
        st = replica_status(s)
        return st is not None and st.running
    try:
        wait_for(running, timeout, "the replica threads to run")
    except VerificationFailed:
        return check_replica(cluster)  # says why
    return check_replica(cluster)


def wait_replayed(cluster: Cluster, timeout: int = 60) -> None:
    """Wait until the standby has applied every transaction the primary has logged."""
    pos = value(cluster.primary.node, "SELECT @@gtid_binlog_pos")
    got = value(cluster.standby.node, f"SELECT MASTER_GTID_WAIT({literal(pos)}, {timeout})")
    if got != "0":
        raise VerificationFailed("MASTER_GTID_WAIT", f"position {pos} applied",
                                 "timed out" if got == "-1" else got, cluster.standby.name)


def promote(m: Member) -> None:
    """Failover: the replica M stops replicating and becomes writable."""
    if not m.node.plan and replica_status(m) is None:
        raise VerificationFailed("SHOW SLAVE STATUS", "a replica to promote",
                                 "not a replica", m.name)
    sql(m.node, "STOP SLAVE;\nRESET SLAVE ALL;\nSET GLOBAL read_only = OFF;\n", changes=True,
        why="promoting the replica")
    path = _cnf_path(m.node)
    m.node.write_file(path, replication_cnf(2 if m.role == "standby" else 1, False), "644")


def read_only(m: Member) -> bool:
    return value(m.node, "SELECT @@global.read_only") == "1"


# --- tables; the 5.1.9 round trip looked up in SQL ------------------------------------


def table_counts(m: Member, database: str) -> dict[str, int]:
    """Every table of DATABASE with its exact row count."""
    tables = sql(m.node, "SHOW TABLES", database).stdout.split()
    if not tables:
        return {}
    union = " UNION ALL ".join(f"SELECT {literal(t)}, COUNT(*) FROM `{t}`" for t in tables)
    out = sql(m.node, union, database).stdout
    return {t: int(n) for t, n in (line.split("\t") for line in out.splitlines() if line)}


def check_same_contents(cluster: Cluster) -> dict[str, int]:
    from hamn.pgsql import compare_counts
    cfg = config(cluster)
    want = table_counts(cluster.primary, cfg.database)
    got = table_counts(cluster.standby, cfg.database)
    diffs = compare_counts(want, got)
    if diffs:
        raise VerificationFailed(f"tables and row counts of {cfg.database}",
                                 "the primary's", "; ".join(diffs[:5]), cluster.standby.name)
    return got


def has_testnode(cluster: Cluster, m: Member, node: str = TESTNODE) -> bool:
    """NODE is in xCAT's nodelist in M's database (a read-only replica answers too)."""
    return value(m.node, f"SELECT COUNT(*) FROM nodelist WHERE node = {literal(node)}",
                 config(cluster).database) == "1"
