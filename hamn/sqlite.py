"""Section 5.3: xCAT's SQLite database files synchronised to the standby by rsync from cron.

The runbook: "sqlite is file-based, so you can use file copy or synchronization". A file
being written is not a database one can copy, so each ``/etc/xcat/<table>.sqlite`` is first
copied with SQLite's online backup API (``sqlite3 FILE ".backup COPY"``, which takes a
consistent snapshot while xcatd writes) into a staging directory on the primary; rsync then
ships the staged copies (temporary name, rename: the standby never sees half a file;
``--checksum``, since a snapshot can keep its size and second). One
root cron entry on the primary does both; hamn installs, verifies and removes it
idempotently and runs the same command on demand. The check: every standby copy passes
``PRAGMA integrity_check`` and holds exactly what was staged.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from hamn import cron, prereqs, services
from hamn.errors import CommandFailed, PreconditionFailed, UsageError, VerificationFailed
from hamn.inventory import Cluster, Member
from hamn.runner import Node

XCAT_DIR = "/etc/xcat"
STAGE = "/var/lib/hamn/sqlite"
TAG = "sqlite-sync"
SCHEDULE = "*/10 * * * *"
TESTNODE = "testnode"


@dataclass(frozen=True)
class SqliteConfig:
    directory: str = XCAT_DIR
    stage: str = STAGE
    schedule: str = SCHEDULE


def sync_command(cfg: SqliteConfig, peer: str) -> str:
    """Snapshot every *.sqlite of the directory with the backup API, then rsync (pure)."""
    d, st = shlex.quote(cfg.directory), shlex.quote(cfg.stage)
    target = shlex.quote(f"{peer}:{cfg.directory}/")
    return (f"umask 077; mkdir -p {st} && chmod 700 {st} && for f in {d}/*.sqlite; do "
            f"sqlite3 -cmd '.timeout 10000' \"$f\" \".backup '{cfg.stage}/${{f##*/}}'\" "
            f"|| exit 1; done && rsync -a --checksum -e 'ssh -o BatchMode=yes' {st}/ {target}")


def files(node: Node, directory: str) -> list[str]:
    res = node.sh(f"ls {shlex.quote(directory)} 2>/dev/null")
    return sorted(n for n in res.stdout.split() if n.endswith(".sqlite"))


# Where each tool comes from, per platform (AIX MNs often lack both: the AIX Toolbox has them).
_SOURCES = {"aix": "install it from the AIX Toolbox for Open Source Software "
                   "(dnf install {package})",
            "linux": "install the {package} package"}
_PACKAGES = {("aix", "sqlite3"): "sqlite"}


def missing_tool(tool: str, m: Member, platform: str) -> str:
    """The message for TOOL missing on M (pure)."""
    package = _PACKAGES.get((platform, tool), tool)
    how = _SOURCES.get(platform, _SOURCES["linux"]).format(package=package)
    return f"{tool} is not installed on the {m.role} {m.name}: {how}"


def require_tools(m: Member, *tools: str) -> None:
    """Each of TOOLS is on M's PATH, or a PreconditionFailed saying where to get it."""
    if m.node.plan:
        return
    for tool in tools:
        if not m.node.sh(f"command -v {shlex.quote(tool)}").succeeded:
            raise PreconditionFailed(missing_tool(tool, m, services.platform(m.node)))


def _validate(cluster: Cluster, cfg: SqliteConfig) -> str:
    p = cluster.primary
    if p.node.plan:
        return cluster.standby.name
    require_tools(p, "sqlite3", "rsync")
    require_tools(cluster.standby, "sqlite3", "rsync")
    if cfg.directory == XCAT_DIR and p.node.run("test", "-f", f"{XCAT_DIR}/cfgloc").succeeded:
        raise UsageError(f"the primary {p.name} has {XCAT_DIR}/cfgloc: xCAT uses another "
                         "database there, not SQLite")
    if not files(p.node, cfg.directory):
        raise UsageError(f"no SQLite files (*.sqlite) in {cfg.directory} on the primary "
                         f"{p.name}")
    return prereqs.hostname(cluster.standby.node)


def install_sync(cluster: Cluster, cfg: SqliteConfig | None = None) -> cron.CronEntry:
    """Root's cron entry on the primary (idempotent); xcatd stopped on the standby."""
    cfg = cfg or SqliteConfig()
    peer = _validate(cluster, cfg)
    entry = cron.CronEntry(TAG, cfg.schedule, sync_command(cfg, peer))
    services.stop(cluster.standby.node, "xcatd")
    cron.remove(cluster.standby.node, [TAG])  # left there by a failover (section 9)
    cron.install(cluster.primary.node, [entry])
    return entry


def remove_sync(cluster: Cluster) -> bool:
    return cron.remove(cluster.primary.node, [TAG])


def installed_sync(cluster: Cluster) -> cron.CronEntry | None:
    found = [e for e in cron.listed(cluster.primary.node) if e.tag == TAG]
    return found[0] if found else None


def run_sync(cluster: Cluster, cfg: SqliteConfig | None = None) -> float:
    """Run the synchronisation now, as cron would; returns how long it took."""
    cfg = cfg or SqliteConfig()
    peer = _validate(cluster, cfg)
    res = cluster.primary.node.sh(sync_command(cfg, peer), changes=True, timeout=1800)
    if not res.succeeded:
        raise CommandFailed(res, "SQLite backup and rsync")
    return res.duration


def _digest(node: Node, path: str) -> str:
    res = node.sh(f"sqlite3 {shlex.quote(path)} .dump | cksum")
    return res.stdout.strip() if res.succeeded else ""


def check_copy(cluster: Cluster, cfg: SqliteConfig | None = None) -> list[str]:
    """Every staged snapshot's copy on the standby opens, passes integrity_check and holds
    the same content (``.dump`` checksums). Returns the files checked."""
    cfg = cfg or SqliteConfig()
    p, s = cluster.primary, cluster.standby
    require_tools(p, "sqlite3")
    require_tools(s, "sqlite3")
    staged = files(p.node, cfg.stage)
    if not staged:
        raise VerificationFailed(f"SQLite snapshots in {cfg.stage}", "some", "none", p.name)
    for name in staged:
        copy = f"{cfg.directory}/{name}"
        res = s.node.run("sqlite3", copy, "PRAGMA integrity_check;")
        if res.stdout.strip() != "ok":
            raise VerificationFailed(f"integrity of {copy}", "ok",
                                     (res.stdout + res.stderr).strip()[:200] or "no output",
                                     s.name)
        want, got = _digest(p.node, f"{cfg.stage}/{name}"), _digest(s.node, copy)
        if want != got:
            raise VerificationFailed(f"content of {copy}", "the primary's snapshot",
                                     "different", s.name)
    return staged


# --- the 5.1.9 round trip at database level -----------------------------------------------


def _nodelist(cfg: SqliteConfig) -> str:
    return f"{cfg.directory}/nodelist.sqlite"


def add_testnode(cluster: Cluster, m: Member, node: str = TESTNODE,
                 cfg: SqliteConfig | None = None) -> None:
    q = node.replace("'", "''")
    m.node.check("sqlite3", "-cmd", ".timeout 10000", _nodelist(cfg or SqliteConfig()),
                 f"INSERT INTO nodelist (node, groups) SELECT '{q}', 'hamn' WHERE NOT EXISTS "
                 f"(SELECT 1 FROM nodelist WHERE node = '{q}');", changes=True,
                 why="adding the test node")


def delete_testnode(cluster: Cluster, m: Member, node: str = TESTNODE,
                    cfg: SqliteConfig | None = None) -> None:
    q = node.replace("'", "''")
    m.node.check("sqlite3", "-cmd", ".timeout 10000", _nodelist(cfg or SqliteConfig()),
                 f"DELETE FROM nodelist WHERE node = '{q}';", changes=True,
                 why="deleting the test node")


def has_testnode(cluster: Cluster, m: Member, node: str = TESTNODE,
                 cfg: SqliteConfig | None = None) -> bool:
    require_tools(m, "sqlite3")
    q = node.replace("'", "''")
    res = m.node.check("sqlite3", _nodelist(cfg or SqliteConfig()),
                       f"SELECT count(*) FROM nodelist WHERE node = '{q}';")
    return res.stdout.strip() == "1"
