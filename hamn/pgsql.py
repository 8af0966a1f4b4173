"""Section 5.2: PostgreSQL replication, as the runbook documents it and as it should be done.

As documented: three cron entries, ``pg_dump -F t`` of xcatdb as postgres on the primary,
root's copy of the dump to the standby, ``pg_restore -c -d xcatdb`` as postgres on the
standby. hamn installs, verifies and removes them (marked lines, foreign lines kept) and
runs the very same commands on demand. Two departures, both because PostgreSQL needs them:
the runbook stops PostgreSQL on the standby, but pg_restore needs a running server, so only
xcatd is stopped; and the dump is written to a temporary name and renamed, so a copy never
ships a half-written file.

Better: streaming replication (primary_conninfo, a physical replication slot, hot
standby), verified by pg_stat_replication on the primary and pg_is_in_recovery() on the
standby; failover by promotion. Section 8's part: listen_addresses lives in
postgresql.conf and the client lines in pg_hba.conf (the runbook swaps the two names).

Passwords reach PostgreSQL on stdin or in a 0600 .pgpass, never on a command line.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass

from hamn import cron, prereqs, services
from hamn.errors import (
    CommandFailed,
    PreconditionFailed,
    UsageError,
    VerificationFailed,
)
from hamn.inventory import Cluster, Member
from hamn.runner import Node, Result

MARK = "# hamn:"
PG_PORT = 5432
RUNBOOK_BIN = "/var/lib/pgsql/bin"  # where the runbook's AIX/RHEL MNs keep the tools
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$")


@dataclass(frozen=True)
class PgConfig:
    """What section 5.2 needs to know; defaults are the runbook's values."""

    database: str = "xcatdb"
    dump_file: str = "/tmp/xcatdb"
    dump_time: str = "0 3 * * *"
    copy_time: str = "0 4 * * *"
    restore_time: str = "0 5 * * *"
    replication_role: str = "hamnrepl"
    port: int = PG_PORT


def config(cluster: Cluster, **overrides: object) -> PgConfig:
    """The cluster's PostgreSQL settings (xCAT's XCATDB is the database xcatdb in Pg)."""
    cfg = PgConfig(database=cluster.settings.db_name.lower(), **overrides)  # type: ignore[arg-type]
    for what, value in (("database name", cfg.database), ("role", cfg.replication_role)):
        if not _NAME.match(value):
            raise UsageError(f"invalid PostgreSQL {what} {value!r}: letters, digits and _")
    return cfg


# --- psql ---------------------------------------------------------------------------------


def psql(node: Node, sql: str, database: str = "postgres", changes: bool = False,
         why: str = "") -> Result:
    """Run SQL (on stdin) as postgres in DATABASE; raise CommandFailed on any error."""
    res = node.run("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", database,
                   user="postgres", stdin=sql, changes=changes)
    if not res.succeeded:
        raise CommandFailed(res, why or "psql")
    return res


def query(node: Node, sql: str, database: str = "postgres") -> list[list[str]]:
    """Rows of a read-only query, fields split on psql's '|'."""
    return [line.split("|") for line in psql(node, sql, database).stdout.splitlines()
            if line.strip()]


def value(node: Node, sql: str, database: str = "postgres") -> str:
    rows = query(node, sql, database)
    return rows[0][0] if rows else ""


def literal(text: str) -> str:
    """TEXT as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def databases(node: Node) -> list[str]:
    return [r[0] for r in query(node, "SELECT datname FROM pg_database ORDER BY 1")]


def require_database(m: Member, database: str) -> None:
    """DATABASE exists on M, or a UsageError naming the ones that do."""
    if m.node.plan:
        return
    found = databases(m.node)
    if database not in found:
        others = ", ".join(d for d in found if not d.startswith("template")) or "none"
        raise UsageError(f"no PostgreSQL database {database!r} on the {m.role} {m.name} "
                         f"(databases: {others}): name xCAT's database in the settings "
                         "(db_name)")


def role_exists(node: Node, role: str) -> bool:
    return value(node, f"SELECT 1 FROM pg_roles WHERE rolname = {literal(role)}") == "1"


def owner(node: Node, database: str) -> str:
    return value(node, "SELECT pg_get_userbyid(datdba) FROM pg_database "
                       f"WHERE datname = {literal(database)}")


def require_owner_role(cluster: Cluster, cfg: PgConfig) -> str:
    """The primary's database owner exists on the standby (pg_restore sets owners)."""
    if cluster.primary.node.plan:
        return ""
    who = owner(cluster.primary.node, cfg.database)
    if not role_exists(cluster.standby.node, who):
        raise UsageError(f"role {who!r} (owner of {cfg.database} on the primary) is missing "
                         f"on the standby {cluster.standby.name}: create it there first")
    return who


def create_database_pair(cluster: Cluster, database: str, primary_owner: str) -> str:
    """DATABASE on both MNs, owned on the primary by the role PRIMARY_OWNER (created there,
    NOLOGIN) and by postgres on the standby, where that role does not exist: a standby on
    which the role owning xCAT's database was never created (idempotent). Returns the owner."""
    for what, name in (("database name", database), ("role", primary_owner)):
        if not _NAME.match(name):
            raise UsageError(f"invalid PostgreSQL {what} {name!r}: letters, digits and _")
    p, s = cluster.primary.node, cluster.standby.node
    psql(p, f"SELECT 'CREATE ROLE {primary_owner} NOLOGIN' WHERE NOT EXISTS (SELECT 1 FROM "
            f"pg_roles WHERE rolname = {literal(primary_owner)})\n\\gexec\n", changes=True,
         why=f"creating role {primary_owner}")
    if not s.plan and role_exists(s, primary_owner):
        raise UsageError(f"role {primary_owner!r} exists on the standby "
                         f"{cluster.standby.name}: name a role it lacks")
    for node, who in ((p, primary_owner), (s, "postgres")):
        psql(node, f"SELECT 'CREATE DATABASE \"{database}\" OWNER {who}' WHERE NOT EXISTS "
                   f"(SELECT 1 FROM pg_database WHERE datname = {literal(database)})\n"
                   "\\gexec\n", changes=True, why=f"creating database {database}")
    return primary_owner


def in_recovery(node: Node) -> bool:
    return value(node, "SELECT pg_is_in_recovery()") == "t"


def server_files(node: Node) -> dict[str, str]:
    """data_directory, config_file and hba_file of the running server."""
    rows = query(node, "SELECT name, setting FROM pg_settings WHERE name IN "
                       "('data_directory', 'config_file', 'hba_file')")
    return {r[0]: r[1] for r in rows}


def tool(node: Node, name: str) -> str:
    """Absolute path of PostgreSQL tool NAME on NODE (PATH, else the runbook's bin dir)."""
    q = shlex.quote(name)
    res = node.sh(f"command -v {q} 2>/dev/null || {{ test -x {RUNBOOK_BIN}/{q} && "
                  f"echo {RUNBOOK_BIN}/{q}; }}", user="postgres")
    path = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
    if not path.startswith("/"):
        if node.plan:
            return name
        raise PreconditionFailed(f"{name} not found on {node.name} (PATH of postgres, "
                                 f"{RUNBOOK_BIN}): install the PostgreSQL client tools")
    return path


# --- table contents -----------------------------------------------------------------------

_COUNTS_SQL = """SELECT format('SELECT %L, count(*) FROM %I.%I',
  schemaname || '.' || tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY schemaname, tablename
\\gexec
"""


def parse_counts(text: str) -> dict[str, int]:
    """psql -At output 'schema.table|count' lines -> {table: rows} (pure)."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if "|" in line:
            name, _, n = line.rpartition("|")
            counts[name.removeprefix("public.")] = int(n)
    return counts


def table_counts(node: Node, database: str) -> dict[str, int]:
    """Every user table of DATABASE on NODE with its exact row count."""
    return parse_counts(psql(node, _COUNTS_SQL, database).stdout)


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    """The differences, one phrase each (pure); empty when the two agree."""
    diffs = [f"table {t} missing" for t in sorted(set(expected) - set(actual))]
    diffs += [f"table {t} extra" for t in sorted(set(actual) - set(expected))]
    diffs += [f"{t}: {expected[t]} rows, found {actual[t]}"
              for t in sorted(set(expected) & set(actual)) if expected[t] != actual[t]]
    return diffs


def check_same_contents(cluster: Cluster, cfg: PgConfig) -> dict[str, int]:
    """The standby's database has the primary's tables with the same row counts."""
    want = table_counts(cluster.primary.node, cfg.database)
    got = table_counts(cluster.standby.node, cfg.database)
    diffs = compare_counts(want, got)
    if diffs:
        raise VerificationFailed(f"tables and row counts of {cfg.database}",
                                 "the primary's", "; ".join(diffs[:5]), cluster.standby.name)
    return got


# --- crontab order (pure) -------------------------------------------------------------


def _field(spec: str, low: int, high: int) -> set[int]:
    out: set[int] = set()
    for part in spec.split(","):
        rng, _, step = part.partition("/")
        if rng == "*":
            a, b = low, high
        elif "-" in rng:
            a, b = (int(x) for x in rng.split("-", 1))
        else:
            a = b = int(rng)
        if not (low <= a <= b <= high):
            raise ValueError(f"{part!r} outside {low}-{high}")
        out.update(range(a, b + 1, int(step) if step else 1))
    return out


def daily_minutes(schedule: str) -> list[int]:
    """Minutes of the day a daily cron SCHEDULE fires at (pure). Raises ValueError when the
    schedule depends on the day (then no order between entries can be told)."""
    parts = schedule.split()
    if len(parts) != 5:
        raise ValueError(f"{schedule!r} is not five cron fields")
    if parts[2:] != ["*", "*", "*"]:
        raise ValueError(f"{schedule!r} does not run every day")
    minutes, hours = _field(parts[0], 0, 59), _field(parts[1], 0, 23)
    return sorted(h * 60 + m for h in hours for m in minutes)


def in_order(*schedules: str) -> bool:
    """Each run of the first schedule is followed by one of the second, then the third ...
    before the first runs again (pure): dump < copy < restore, cyclically over a day."""
    events = sorted((t, i) for i, s in enumerate(schedules) for t in daily_minutes(s))
    if len({t for t, _ in events}) != len(events):
        return False  # two steps at the same minute race each other
    order = [i for _, i in events]
    n = len(schedules)
    start = order.index(0) if 0 in order else 0
    rotated = order[start:] + order[:start]
    return rotated == [k % n for k in range(len(rotated))] and len(rotated) % n == 0


# --- section 5.2 as documented: the dump chain --------------------------------------------


@dataclass(frozen=True)
class ChainEntry:
    step: str  # dump | copy | restore
    role: str  # primary | standby
    user: str  # postgres | root
    schedule: str
    command: str

    @property
    def tag(self) -> str:
        return f"pg-{self.step}"

    @property
    def entry(self) -> cron.CronEntry:
        return cron.CronEntry(self.tag, self.schedule, self.command)


def chain(cluster: Cluster, cfg: PgConfig) -> list[ChainEntry]:
    """The three entries of 5.2 for this cluster (tool paths and names looked up)."""
    p, s = cluster.primary.node, cluster.standby.node
    f = shlex.quote(cfg.dump_file)
    part = shlex.quote(cfg.dump_file + ".part")
    db = shlex.quote(cfg.database)
    peer = shlex.quote(prereqs.hostname(s) if not s.plan else cluster.standby.name)
    remote = shlex.quote(f"chown postgres {part} && mv -f {part} {f}")
    return [
        ChainEntry("dump", "primary", "postgres", cfg.dump_time,
                   f"umask 077; {tool(p, 'pg_dump')} -F t -f {part} {db} && mv -f {part} {f}"),
        ChainEntry("copy", "primary", "root", cfg.copy_time,
                   f"scp -p -q -o BatchMode=yes {f} {peer}:{part} && "
                   f"ssh -o BatchMode=yes {peer} {remote}"),
        ChainEntry("restore", "standby", "postgres", cfg.restore_time,
                   f"{tool(s, 'pg_restore')} -c --if-exists -1 -d {db} {f}"),
    ]


def _validate_schedules(cfg: PgConfig) -> None:
    try:
        ok = in_order(cfg.dump_time, cfg.copy_time, cfg.restore_time)
    except ValueError as err:
        raise UsageError(f"bad cron schedule: {err}") from None
    if not ok:
        raise UsageError(f"cron times out of order: dump {cfg.dump_time!r}, copy "
                         f"{cfg.copy_time!r}, restore {cfg.restore_time!r} must run in "
                         "that order")


def install_chain(cluster: Cluster, cfg: PgConfig | None = None) -> list[ChainEntry]:
    """Install 5.2's cron entries (idempotent); xcatd stopped on the standby, PostgreSQL
    left running there (pg_restore needs it). Validates everything before changing anything.
    """
    cfg = cfg or config(cluster)
    _validate_schedules(cfg)
    for m in cluster.mns:
        require_database(m, cfg.database)
    require_owner_role(cluster, cfg)
    entries = chain(cluster, cfg)
    services.stop(cluster.standby.node, "xcatd")
    for e in entries:
        # After a failover the roles are swapped (section 9): an entry left on the other
        # MN would restore the standby's stale dump over the active database.
        other = "standby" if e.role == "primary" else "primary"
        cron.remove(cluster.member(other).node, [e.tag], e.user)
        cron.install(cluster.member(e.role).node, [e.entry], e.user)
    return entries


_PLACES = (("primary", "postgres", "dump"), ("primary", "root", "copy"),
           ("standby", "postgres", "restore"))


def remove_chain(cluster: Cluster) -> int:
    """Remove hamn's 5.2 entries (foreign lines untouched); how many were removed."""
    removed = 0
    for role, user, step in _PLACES:
        removed += cron.remove(cluster.member(role).node, [f"pg-{step}"], user)
    return removed


def installed_chain(cluster: Cluster) -> dict[str, str | None]:
    """step -> the installed line (schedule and command), None when missing."""
    found: dict[str, str | None] = {}
    for role, user, step in _PLACES:
        mine = [e for e in cron.listed(cluster.member(role).node, user)
                if e.tag == f"pg-{step}"]
        found[step] = f"{mine[0].schedule} {mine[0].command}" if mine else None
    return found


def verify_chain(cluster: Cluster) -> dict[str, str]:
    """All three entries exist, each once, and run dump before copy before restore."""
    found = installed_chain(cluster)
    missing = [s for s, line in found.items() if line is None]
    if missing:
        raise VerificationFailed("5.2 cron entries", "dump, copy and restore",
                                 f"missing {', '.join(missing)}")
    lines = {s: str(line) for s, line in found.items()}
    times = [" ".join(lines[s].split()[:5]) for s in ("dump", "copy", "restore")]
    try:
        ok = in_order(*times)
    except ValueError as err:
        raise VerificationFailed("5.2 cron schedule", "daily times", str(err)) from None
    if not ok:
        raise VerificationFailed("5.2 cron order", "dump < copy < restore",
                                 " / ".join(times))
    for role, user, step in _PLACES:
        m = cluster.member(role)
        n = cron.tag_counts(cron.read(m.node, user)).get(f"pg-{step}", 0)
        if n != 1:
            raise VerificationFailed(f"pg-{step} in {user}'s crontab", "once", f"{n} times",
                                     m.name)
    return lines


@dataclass(frozen=True)
class ChainRun:
    dump: float
    copy: float
    restore: float


def run_chain(cluster: Cluster, cfg: PgConfig | None = None) -> ChainRun:
    """Run the chain now, each step as cron would run it (same user, same command)."""
    cfg = cfg or config(cluster)
    for m in cluster.mns:
        require_database(m, cfg.database)
    require_owner_role(cluster, cfg)
    took: dict[str, float] = {}
    for e in chain(cluster, cfg):
        node = cluster.member(e.role).node
        res = node.sh(e.command, user=None if e.user == "root" else e.user, changes=True,
                      timeout=1800)
        if not res.succeeded:
            raise CommandFailed(res, f"5.2 {e.step} step")
        took[e.step] = res.duration
    return ChainRun(took.get("dump", 0.0), took.get("copy", 0.0), took.get("restore", 0.0))


_MTIME = "perl -e '@s = stat($ARGV[0]) or exit 1; printf(\"%d %d\\n\", $s[9], time)'"


def dump_age(m: Member, cfg: PgConfig) -> float:
    """Seconds since the dump file on M was written (its mtime; scp -p keeps it)."""
    res = m.node.sh(f"{_MTIME} {shlex.quote(cfg.dump_file)}")
    if not res.succeeded:
        raise VerificationFailed(f"dump {cfg.dump_file}", "present", "missing", m.name)
    mtime, now = (int(x) for x in res.stdout.split())
    return float(now - mtime)


def restorable(m: Member, cfg: PgConfig) -> bool:
    """pg_restore can read the dump on M (a complete tar archive)."""
    res = m.node.run(tool(m.node, "pg_restore"), "-l", cfg.dump_file, user="postgres")
    return res.succeeded and "TABLE" in res.stdout


def rpo(cluster: Cluster, cfg: PgConfig | None = None) -> float:
    """The recovery point: age in seconds of the newest restorable dump on the standby."""
    cfg = cfg or config(cluster)
    age = dump_age(cluster.standby, cfg)
    if not restorable(cluster.standby, cfg):
        raise VerificationFailed(f"dump {cfg.dump_file}", "a restorable pg_dump archive",
                                 "an unreadable file", cluster.standby.name)
    return age


def check_fresh(cluster: Cluster, hours: float, cfg: PgConfig | None = None) -> float:
    """The standby's dump is newer than HOURS; returns its age in seconds."""
    age = rpo(cluster, cfg)
    if age > hours * 3600:
        raise VerificationFailed("age of the standby's dump", f"under {hours:g}h",
                                 f"{age / 3600:.1f}h", cluster.standby.name)
    return age


def check_restore(cluster: Cluster, cfg: PgConfig | None = None) -> dict[str, int]:
    """Restore the standby's dump into a scratch database there and compare its tables and
    row counts with the primary's database; the scratch database is dropped afterwards."""
    cfg = cfg or config(cluster)
    s = cluster.standby.node
    scratch = f"{cfg.database}_hamn_verify"
    want = table_counts(cluster.primary.node, cfg.database)
    psql(s, f'DROP DATABASE IF EXISTS "{scratch}"', changes=True)
    psql(s, f'CREATE DATABASE "{scratch}"', changes=True)
    try:
        s.check(tool(s, "pg_restore"), "-1", "-d", scratch, cfg.dump_file, user="postgres",
                changes=True, why="restoring the standby's dump into a scratch database")
        got = table_counts(s, scratch) if not s.plan else want
    finally:
        psql(s, f'DROP DATABASE IF EXISTS "{scratch}"', changes=True)
    diffs = compare_counts(want, got)
    if diffs:
        raise VerificationFailed("restore of the standby's dump", "the primary's tables and "
                                 "row counts", "; ".join(diffs[:5]), cluster.standby.name)
    return got


# --- the 5.1.9 round trip, looked up at database level --------------------------------------


TESTNODE = "testnode"


def has_testnode(cluster: Cluster, m: Member, node: str = TESTNODE) -> bool:
    """NODE is in xCAT's nodelist in M's database (a hot standby answers read-only)."""
    return value(m.node, f"SELECT count(*) FROM nodelist WHERE node = {literal(node)}",
                 config(cluster).database) == "1"


# --- better than documented: streaming replication ----------------------------------------


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             interval: float = 1.0) -> None:
    """Poll CONDITION until true or TIMEOUT seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise VerificationFailed(f"waiting for {what}", f"within {timeout:.0f}s",
                                     "timed out")
        time.sleep(interval)


def slot_name(standby_host: str) -> str:
    return "hamn_" + re.sub(r"[^a-z0-9_]", "_", standby_host.lower())


def hba_line(cfg: PgConfig, peer: str) -> str:
    return f"host replication {cfg.replication_role} {peer}/32 md5 {MARK}pg-replication"


def with_hba_line(text: str, line: str) -> str:
    """pg_hba.conf TEXT with LINE first among the rules, once (pure; first match wins)."""
    kept = [x for x in text.splitlines() if x.strip() != line.strip()]
    at = next((i for i, x in enumerate(kept) if x.strip() and not x.lstrip().startswith("#")),
              len(kept))
    return "\n".join([*kept[:at], line, *kept[at:]]) + "\n"


def with_standby_settings(text: str, settings: dict[str, str]) -> str:
    """postgresql.auto.conf TEXT with SETTINGS set (older values of those names dropped)."""
    names = set(settings)
    kept = [x for x in text.splitlines()
            if x.split("=", 1)[0].strip() not in names]
    kept += [f"{k} = {literal(v)}" for k, v in settings.items()]
    return "\n".join(kept) + "\n"


def _ensure_replication_role(node: Node, cfg: PgConfig, password: str) -> None:
    role = cfg.replication_role
    sql = (f"SELECT 'CREATE ROLE {role}' WHERE NOT EXISTS "
           f"(SELECT 1 FROM pg_roles WHERE rolname = {literal(role)})\n\\gexec\n"
           f"ALTER ROLE {role} WITH REPLICATION LOGIN PASSWORD {literal(password)};\n")
    psql(node, sql, changes=True, why=f"creating replication role {role}")


def _ensure_hba(node: Node, line: str) -> None:
    hba = server_files(node)["hba_file"] if not node.plan else "pg_hba.conf"
    text = node.read_file(hba) or ""
    new = with_hba_line(text, line)
    if new != text:
        node.write_file(hba, new, mode="640")
        node.run("chown", "postgres", hba, changes=True)
        psql(node, "SELECT pg_reload_conf()", changes=True)


def setup_streaming(cluster: Cluster, cfg: PgConfig | None = None,
                    timeout: float = 120.0) -> str:
    """Make the standby a hot standby streaming from the primary through a slot.

    Replaces the standby's data directory by a base backup of the primary. Checks first,
    changes after: the database exists on the primary, the primary is no standby itself,
    the password is given. Returns the slot name.
    """
    cfg = cfg or config(cluster)
    p, s = cluster.primary, cluster.standby
    require_database(p, cfg.database)
    password = cluster.settings.password()
    if not p.node.plan and in_recovery(p.node):
        raise PreconditionFailed(f"the primary {p.name} is in recovery (a standby itself): "
                                 "promote it or swap the roles before setting up streaming")
    p_addr = _address(p, cluster.settings.interface)
    s_addr = _address(s, cluster.settings.interface)
    slot = slot_name(s.hostname or s.name)
    _ensure_replication_role(p.node, cfg, password)
    _ensure_hba(p.node, hba_line(cfg, s_addr))
    _ensure_hba(s.node, hba_line(cfg, p_addr))  # for the way back (failback)
    psql(p.node, f"SELECT pg_create_physical_replication_slot({literal(slot)}) WHERE NOT "
                 f"EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = "
                 f"{literal(slot)})", changes=True, why="creating the replication slot")
    services.start(s.node, "postgresql")  # its settings name the data directory
    files = server_files(s.node) if not s.node.plan else {"data_directory": "DATA"}
    data = files["data_directory"]
    home = s.node.check_sh("echo ~postgres").stdout.strip() or "/var/lib/postgresql"
    passfile = f"{home}/.pgpass"
    s.node.write_file(passfile, f"{p_addr}:{cfg.port}:replication:{cfg.replication_role}:"
                                f"{_pgpass_escape(password)}\n", mode="600")
    s.node.run("chown", "postgres", passfile, changes=True)
    services.stop(s.node, "xcatd")
    services.stop(s.node, "postgresql")  # frees the slot if it streams already
    if not s.node.plan:
        wait_for(lambda: not s.node.run("test", "-f", f"{data}/postmaster.pid").succeeded,
                 60, "PostgreSQL on the standby to shut down")
    new = f"{data}.hamn-new"
    s.node.run("rm", "-rf", new, changes=True)
    s.node.check(tool(s.node, "pg_basebackup"), "-h", p_addr, "-p", str(cfg.port),
                 "-U", cfg.replication_role, "-D", new, "-X", "stream", "-S", slot,
                 "-c", "fast", "-w", user="postgres", changes=True, timeout=3600,
                 why="base backup of the primary")
    conninfo = (f"host={p_addr} port={cfg.port} user={cfg.replication_role} "
                f"passfile={passfile} application_name={slot}")
    auto = f"{new}/postgresql.auto.conf"
    s.node.write_file(auto, with_standby_settings(
        s.node.read_file(auto) or "", {"primary_conninfo": conninfo,
                                       "primary_slot_name": slot, "hot_standby": "on"}),
        mode="600")
    n, d = shlex.quote(new), shlex.quote(data)
    s.node.check_sh(f"touch {n}/standby.signal && chown postgres {n}/standby.signal "
                    f"{shlex.quote(auto)}", changes=True)
    # The old data stays until the base backup is complete; then the new one takes its place.
    s.node.check_sh(f"rm -rf {d} && mv {n} {d}", changes=True,
                    why="replacing the standby's data by the base backup")
    services.start(s.node, "postgresql")
    if not s.node.plan:
        wait_for(lambda: _streaming_row(p.node, slot) is not None, timeout,
                 "the standby to stream from the primary")
    return slot


def _pgpass_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def _address(m: Member, interface: str) -> str:
    if m.address:
        return m.address
    from hamn import identity  # the interface address when the inventory names none
    address = identity.interface_address(m.node, interface)
    if not address:
        raise UsageError(f"the address of the {m.role} {m.name} is unknown: name it in the "
                         "inventory")
    return address


@dataclass(frozen=True)
class StreamingStatus:
    application: str
    client: str
    state: str  # streaming | catchup | ...
    sync_state: str
    lag_bytes: int  # sent - replayed
    replay_lag: float  # seconds (0 when idle)


def parse_replication_row(row: list[str]) -> StreamingStatus:
    """A pg_stat_replication row as _REPL_SQL selects it (pure)."""
    app, client, state, sync, lag_bytes, lag = (row + [""] * 6)[:6]
    return StreamingStatus(app, client, state, sync, int(float(lag_bytes or 0)),
                           float(lag or 0))


_REPL_SQL = ("SELECT application_name, coalesce(host(client_addr), ''), state, sync_state, "
             "coalesce(pg_wal_lsn_diff(sent_lsn, replay_lsn), 0), "
             "coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication")


def _streaming_row(node: Node, application: str) -> StreamingStatus | None:
    for row in query(node, _REPL_SQL):
        st = parse_replication_row(row)
        if st.application == application and st.state == "streaming":
            return st
    return None


def streaming_status(cluster: Cluster) -> StreamingStatus:
    """The standby's row of pg_stat_replication on the primary, checked from both sides."""
    p, s = cluster.primary, cluster.standby
    check_in_recovery(s)
    slot = slot_name(s.hostname or s.name)
    st = _streaming_row(p.node, slot)
    if st is None:
        rows = [parse_replication_row(r) for r in query(p.node, _REPL_SQL)]
        seen = ", ".join(f"{r.application} {r.state}" for r in rows) or "no standby"
        raise VerificationFailed("pg_stat_replication", f"{slot} streaming", seen, p.name)
    return st


def check_in_recovery(m: Member) -> None:
    """M's server is a standby (pg_is_in_recovery() true), else a clear error."""
    if not in_recovery(m.node):
        raise VerificationFailed("pg_is_in_recovery()", "true (a standby)",
                                 "false: it is a primary", m.name)


def replay_delay(m: Member) -> float:
    """Seconds since the last transaction replayed on the standby M (0 when none yet)."""
    check_in_recovery(m)
    return float(value(m.node, "SELECT coalesce(extract(epoch FROM now() - "
                                "pg_last_xact_replay_timestamp()), 0)") or 0)


def wait_replayed(cluster: Cluster, timeout: float = 60.0) -> None:
    """Wait until the standby has replayed everything the primary has written."""
    check_in_recovery(cluster.standby)  # a server out of recovery replays nothing
    lsn = value(cluster.primary.node, "SELECT pg_current_wal_lsn()")
    s = cluster.standby.node
    wait_for(lambda: value(s, f"SELECT pg_last_wal_replay_lsn() >= {literal(lsn)}::pg_lsn")
             == "t", timeout, "the standby to replay the primary's writes")


def promote(m: Member, timeout: int = 60) -> None:
    """Promote the standby M (failover); a clear error if it is no standby."""
    if not m.node.plan:
        check_in_recovery(m)
    psql(m.node, f"SELECT pg_promote(true, {int(timeout)})", changes=True,
         why="promoting the standby")
    if not m.node.plan and in_recovery(m.node):
        raise VerificationFailed("promotion", "out of recovery", "still in recovery", m.name)


# --- section 8: the new MN's address ------------------------------------------------------


def readdress_conf(text: str, old: str, new: str) -> str:
    """postgresql.conf TEXT with OLD replaced by NEW in listen_addresses (pure)."""
    out = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if key == "listen_addresses" and "=" in line:
            k, _, v = line.partition("=")
            v = re.sub(rf"(?<![\d.]){re.escape(old)}(?![\d.])", new, v)
            line = f"{k}={v}"
        out.append(line)
    return "\n".join(out) + "\n"


def readdress_hba(text: str, old: str, new: str) -> str:
    """pg_hba.conf TEXT with host rules naming OLD/32 naming NEW/32 instead (pure)."""
    out = []
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0].startswith("host") and len(fields) >= 4:
            line = re.sub(rf"(?<![\d.]){re.escape(old)}(/32)?(?![\d./])",
                          lambda mm: new + (mm.group(1) or ""), line)
        out.append(line)
    return "\n".join(out) + "\n"


# Where the server's files live when it is stopped (8.3 stops it before 8.5 edits them):
# Debian's per-cluster directory, the runbook's /var/lib/pgsql and RHEL's data directories.
CONFIG_GLOBS = ("/etc/postgresql/*/main/postgresql.conf", "/var/lib/pgsql/data/postgresql.conf",
                "/var/lib/pgsql/*/data/postgresql.conf", "/var/lib/pgsql/postgresql.conf")


def config_files(node: Node) -> dict[str, str]:
    """config_file and hba_file of NODE's server: asked of the server when it runs, else
    found where the packages put them (exactly one cluster, or the caller must say which)."""
    if node.plan:
        return {"config_file": "postgresql.conf", "hba_file": "pg_hba.conf"}
    if node.run("psql", "-Atc", "SELECT 1", user="postgres").succeeded:
        return server_files(node)
    found = node.sh("ls -d " + " ".join(CONFIG_GLOBS) + " 2>/dev/null").stdout.split()
    if len(found) != 1:
        raise PreconditionFailed(
            f"PostgreSQL is stopped on {node.name} and its postgresql.conf is "
            + (f"ambiguous ({', '.join(found)})" if found else
               f"in none of {', '.join(CONFIG_GLOBS)}")
            + ": start the server once so hamn can ask it, then re-run")
    return {"config_file": found[0],
            "hba_file": found[0].rsplit("/", 1)[0] + "/pg_hba.conf"}


def rewrite_addresses(node: Node, files: dict[str, str], old: str,
                      new: str) -> tuple[bool, bool]:
    """Section 8: listen_addresses in config_file and the host rules in hba_file name NEW
    instead of OLD (whether the server runs or not). Returns (conf changed, hba changed)."""
    conf, hba = files["config_file"], files["hba_file"]
    old_conf, old_hba = node.read_file(conf) or "", node.read_file(hba) or ""
    new_conf, new_hba = readdress_conf(old_conf, old, new), readdress_hba(old_hba, old, new)
    if new_hba != old_hba:
        node.write_file(hba, new_hba, mode="640")
        node.run("chown", "postgres", hba, changes=True)
    if new_conf != old_conf:
        node.write_file(conf, new_conf, mode="644")
        node.run("chown", "postgres", conf, changes=True)
    return new_conf != old_conf, new_hba != old_hba


def readdress(m: Member, old: str, new: str) -> bool:
    """Section 8 on a running server: after the identity swap, M's PostgreSQL listens on NEW
    instead of OLD and its client rules name NEW. pg_hba.conf is reloaded; listen_addresses
    needs a restart, done only when it changed. Returns True when anything changed."""
    if old == new:
        return False
    conf_changed, hba_changed = rewrite_addresses(m.node, config_files(m.node), old, new)
    if conf_changed:
        services.stop(m.node, "postgresql")
        services.start(m.node, "postgresql")
    elif hba_changed:
        psql(m.node, "SELECT pg_reload_conf()", changes=True)
    return conf_changed or hba_changed


def listen_addresses(node: Node) -> list[str]:
    return [a.strip() for a in value(node, "SHOW listen_addresses").split(",") if a.strip()]
