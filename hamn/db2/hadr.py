"""Runbook section 5.1: DB2 HADR between the primary and the standby MN, as actions.

Each function is named for a runbook step, runs the documented db2 commands as the instance
user (``hamn.db2.clp``) and returns a typed result. Steps are idempotent where the runbook
allows: parameters already set are not set again, services already in /etc/services are not
added twice, and :func:`setup_hadr` on a pair already in peer changes nothing and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from hamn import services
from hamn.db2 import clp
from hamn.db2.clp import ClpResult
from hamn.db2.parse import (
    BackupImage,
    DbCfg,
    HadrReport,
    HadrRole,
    HadrStatus,
    parse_backup,
    parse_db2pd_hadr,
    parse_db_cfg,
    parse_snapshot_hadr,
)
from hamn.errors import PreconditionFailed, UsageError, VerificationFailed
from hamn.inventory import Cluster, Member, Settings
from hamn.parsing import ParseError

BACKUP_DIR = "/var/lib/db2/backup"
LOG_ARCHIVING = (("LOGRETAIN", "ON"), ("TRACKMOD", "ON"), ("LOGINDEXBUILD", "ON"),
                 ("INDEXREC", "RESTART"))
# Values DB2 prints for what 5.1.2 sets: LOGRETAIN ON shows RECOVERY, TRACKMOD ON shows YES.
_SAME = {"ON": {"ON", "YES", "RECOVERY"}}
_T = TypeVar("_T")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CfgChange:
    """What an UPDATE DB CFG step did on HOST: the parameters it changed (empty: none)."""

    host: str
    changed: tuple[tuple[str, str], ...] = ()
    results: tuple[ClpResult, ...] = ()

    @property
    def did_change(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True)
class ServiceEntries:
    """/etc/services on HOST: the HADR lines added and those already there (5.1.5)."""

    host: str
    added: tuple[str, ...] = ()
    present: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackupCopy:
    """The backup image taken on the primary (5.1.3) and where it was copied (5.1.4)."""

    image: BackupImage
    directory: str
    source: str
    target: str = ""


@dataclass
class SetupReport:
    """What :func:`setup_hadr` did, step by step; ``changed`` False: nothing was needed."""

    steps: list[str] = field(default_factory=list)
    changed: bool = True
    primary: HadrStatus | None = None
    standby: HadrStatus | None = None

    def __str__(self) -> str:
        return "; ".join(self.steps)


# --------------------------------------------------------------------------- helpers


def _wait(what: str, probe: Callable[[], _T | None], timeout: float,
          interval: float = 1.0) -> _T:
    """Poll PROBE until it returns a value; PreconditionFailed naming WHAT on timeout."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = probe()
            if value is not None:
                return value
        except (VerificationFailed, ParseError) as err:
            last_error = err
        if time.monotonic() >= deadline:
            why = f": {last_error}" if last_error else ""
            raise PreconditionFailed(f"{what} not reached within {timeout:g}s{why}")
        time.sleep(interval)


def address(member: Member) -> str:
    """The MN's cluster-facing address (inventory), else its hostname."""
    if member.address:
        return member.address
    if member.hostname:
        return member.hostname
    return member.node.check("hostname").stdout.strip()


def _other(cluster: Cluster, member: Member) -> Member:
    return cluster.standby if member.name == cluster.primary.name else cluster.primary


def _db(s: Settings) -> str:
    return s.db_name.upper()


# --------------------------------------------------------------------------- 5.1.1


def disconnect_clients(cluster: Cluster) -> tuple[str, ...]:
    """5.1.1: stop xcatd (the only DB2 client) on both MNs and every service node.

    Returns the hosts where xcatd was running and is now stopped.
    """
    stopped = []
    for m in (cluster.primary, cluster.standby, *cluster.service_nodes):
        if services.stop(m.node, "xcatd"):
            stopped.append(m.name)
    return tuple(stopped)


# --------------------------------------------------------------------------- 5.1.10 / cfg


def get_db_cfg(member: Member, settings: Settings, *, connect: bool = False) -> DbCfg:
    """5.1.10: the database configuration. ``connect=True`` runs the runbook's
    ``CONNECT TO XCATDB`` + ``GET DB CFG`` in one shell (primary only: a standby refuses
    connections); otherwise ``GET DB CFG FOR XCATDB``."""
    db = _db(settings)
    if connect:
        out = clp.session(member.node, settings.instance,
                          [f"CONNECT TO {db}", "GET DB CFG", "CONNECT RESET"])
        clp.check(out[0], database=db, why="connecting for GET DB CFG")
        res = clp.check(out[1], database=db)
    else:
        res = clp.check(clp.command(member.node, settings.instance, f"GET DB CFG FOR {db}"),
                        database=db)
    return parse_db_cfg(res.output)


def _cfg_value(cfg: DbCfg, name: str) -> str:
    try:
        return cfg[name]
    except KeyError:
        return ""


def _matches(current: str, wanted: str) -> bool:
    cur, want = current.strip().upper(), wanted.strip().upper()
    return cur == want or cur in _SAME.get(want, set())


def _update_cfg(member: Member, settings: Settings, wanted: tuple[tuple[str, str], ...],
                extra: tuple[str, ...] = ()) -> CfgChange:
    """UPDATE DB CFG for each WANTED parameter that differs (one shell); EXTRA runs first
    when anything is to change."""
    db = _db(settings)
    cfg = get_db_cfg(member, settings)
    todo = tuple((k, v) for k, v in wanted if not _matches(_cfg_value(cfg, k), v))
    if not todo and not extra:
        return CfgChange(member.name)
    stmts = [*extra, *(f"UPDATE DB CFG FOR {db} USING {k} {v}" for k, v in todo)]
    results = clp.session(member.node, settings.instance, stmts, changes=True)
    for r in results:
        clp.check(r, database=db, why=f"configuring {db} on the {member.role}",
                  allow=("SQL1363W",))
    return CfgChange(member.name, todo, results)


def log_archiving_parameters(settings: Settings, level: tuple[int, int] = (9, 7)
                             ) -> tuple[tuple[str, str], ...]:
    """5.1.2's parameters; from DB2 10.1 LOGRETAIN is gone: LOGARCHMETH1 LOGRETAIN."""
    if level >= (10, 1):
        return (("LOGARCHMETH1", "LOGRETAIN"), *LOG_ARCHIVING[1:])
    return LOG_ARCHIVING


def configure_log_archiving(member: Member, settings: Settings) -> CfgChange:
    """5.1.2: LOGRETAIN ON, TRACKMOD ON, LOGINDEXBUILD ON, INDEXREC RESTART (those not set)."""
    cfg = get_db_cfg(member, settings)
    level = (10, 1) if "LOGRETAIN" not in cfg else (9, 7)
    return _update_cfg(member, settings, log_archiving_parameters(settings, level))


# --------------------------------------------------------------------------- 5.1.3


def backup(cluster: Cluster, directory: str = BACKUP_DIR) -> BackupCopy:
    """5.1.3: ``db2 BACKUP DB XCATDB TO DIRECTORY`` on the primary.

    On SQL1035N (database in use) does what the runbook's note says: stops xcatd on the MNs
    and service nodes, ``DEACTIVATE DB``, and tries once more.
    """
    p, s = cluster.primary, cluster.settings
    db = _db(s)
    p.node.check("mkdir", "-p", directory, user=s.instance, changes=True)
    stmt = f"BACKUP DB {db} TO {directory}"
    res = clp.command(p.node, s.instance, stmt, changes=True, timeout=900)
    if res.has("SQL1035N"):
        disconnect_clients(cluster)
        clp.command(p.node, s.instance, f"DEACTIVATE DB {db}", changes=True)
        res = clp.command(p.node, s.instance, stmt, changes=True, timeout=900)
    clp.check(res, database=db, why="backing up the primary's database")
    if res.planned:
        image = BackupImage("19700101000000", datetime(1970, 1, 1))
    else:
        image = parse_backup(res.output)
    return BackupCopy(image, directory, p.name)


# --------------------------------------------------------------------------- 5.1.4


def copy_backup(cluster: Cluster, copy: BackupCopy) -> BackupCopy:
    """5.1.4: ``scp -r backup`` from the primary to the standby's /var/lib/db2/.

    The runbook runs scp as xcatdb; hamn runs it as root, over the root ssh trust of
    section 4, and gives the copy to the instance user.
    """
    p, st, s = cluster.primary, cluster.standby, cluster.settings
    target = address(st)
    parent = copy.directory.rstrip("/").rsplit("/", 1)[0] or "/"
    p.node.check("scp", "-r", "-p", "-o", "BatchMode=yes", copy.directory.rstrip("/"),
                 f"{target}:{parent}/", changes=True, timeout=900,
                 why="copying the backup to the standby")
    st.node.check("chown", "-R", s.instance, copy.directory, changes=True)
    return BackupCopy(copy.image, copy.directory, copy.source, st.name)


def restore(member: Member, settings: Settings, copy: BackupCopy) -> ClpResult:
    """5.1.4: ``RESTORE DATABASE XCATDB FROM "dir" TAKEN AT ts REPLACE HISTORY FILE`` on
    the standby, answering ``y`` to SQL2539W."""
    db = _db(settings)
    clp.command(member.node, settings.instance, f"DEACTIVATE DATABASE {db}", changes=True)
    stmt = (f'RESTORE DATABASE {db} FROM "{copy.directory}" TAKEN AT {copy.image.timestamp} '
            "REPLACE HISTORY FILE")
    res = clp.command(member.node, settings.instance, stmt, stdin="y\n", changes=True,
                      timeout=900)
    return clp.check(res, database=db, why="restoring the backup on the standby")


# --------------------------------------------------------------------------- 5.1.5


def hadr_service_lines(settings: Settings) -> tuple[tuple[str, int], ...]:
    return ((settings.hadr_service_primary, settings.hadr_port_primary),
            (settings.hadr_service_standby, settings.hadr_port_standby))


def register_hadr_services(member: Member, settings: Settings) -> ServiceEntries:
    """5.1.5: add ``DB2_HADR_1 55001/tcp`` and ``DB2_HADR_2 55002/tcp`` to /etc/services
    (as root) unless present; a name or port taken by something else is refused."""
    text = member.node.read_file("/etc/services") or ""
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            entries.extend((name, words[1]) for name in [words[0], *words[2:]])
    added: list[str] = []
    present: list[str] = []
    for name, port in hadr_service_lines(settings):
        want = f"{port}/tcp"
        mine = [p for n, p in entries if n == name and p.endswith("/tcp")]
        if mine and mine[0] != want:
            raise PreconditionFailed(f"/etc/services on {member.name} has {name} {mine[0]}, "
                                     f"not {want}: correct the line or the settings")
        taken = [n for n, p in entries if p == want and n != name]
        if not mine and taken:
            raise PreconditionFailed(f"/etc/services on {member.name}: port {want} is taken "
                                     f"by {taken[0]}: choose other HADR ports in the settings")
        (present if mine else added).append(f"{name} {want}")
    if added:
        body = "".join(f"{line}\n" for line in added)
        member.node.check_sh("cat >> /etc/services", stdin=body, changes=True,
                             why="adding the HADR services")
    return ServiceEntries(member.name, tuple(added), tuple(present))


# --------------------------------------------------------------------------- 5.1.6


def hadr_parameters(cluster: Cluster, member: Member) -> tuple[tuple[str, str], ...]:
    """5.1.6's HADR_* values for MEMBER (primary or standby) from the cluster description."""
    s = cluster.settings
    other = _other(cluster, member)
    is_primary = member.name == cluster.primary.name
    local_svc = s.hadr_service_primary if is_primary else s.hadr_service_standby
    remote_svc = s.hadr_service_standby if is_primary else s.hadr_service_primary
    return (
        ("HADR_LOCAL_HOST", address(member)),
        ("HADR_LOCAL_SVC", local_svc),
        ("HADR_REMOTE_HOST", address(other)),
        ("HADR_REMOTE_SVC", remote_svc),
        ("HADR_REMOTE_INST", s.instance),
        ("HADR_SYNCMODE", s.sync_mode.upper()),
        ("HADR_TIMEOUT", str(s.hadr_timeout)),
        ("HADR_PEER_WINDOW", str(s.peer_window)),
    )


def configure_hadr(cluster: Cluster) -> tuple[CfgChange, CfgChange]:
    """5.1.6 on both MNs: UPDATE ALTERNATE SERVER (the other MN, port alternate_port) and the
    HADR_* parameters; then on the primary CONNECT, QUIESCE ... FORCE CONNECTIONS,
    UNQUIESCE, CONNECT RESET in one shell, so the parameters take effect."""
    s = cluster.settings
    db = _db(s)
    done = []
    for m in cluster.mns:
        alt = (f"UPDATE ALTERNATE SERVER FOR DATABASE {db} USING HOSTNAME "
               f"{address(_other(cluster, m))} PORT {s.alternate_port}")
        cfg = get_db_cfg(m, s)
        todo = any(not _matches(_cfg_value(cfg, k), v) for k, v in hadr_parameters(cluster, m))
        done.append(_update_cfg(m, s, hadr_parameters(cluster, m),
                                extra=(alt,) if todo else ()))
    primary = done[0]
    if primary.did_change:
        stmts = [f"CONNECT TO {db}", "QUIESCE DATABASE IMMEDIATE FORCE CONNECTIONS",
                 "UNQUIESCE DATABASE", "CONNECT RESET"]
        for r in clp.session(cluster.primary.node, s.instance, stmts, changes=True):
            clp.check(r, database=db, why="quiescing the primary's database")
    return done[0], done[1]


# --------------------------------------------------------------------------- 5.1.7


def start_hadr(cluster: Cluster, wait: float = 90.0) -> tuple[ClpResult, ClpResult]:
    """5.1.7: DEACTIVATE and START HADR AS STANDBY on the standby, then the same AS PRIMARY
    on the primary; each must answer DB20000I. Waits for Peer/Connected on both."""
    s = cluster.settings
    db = _db(s)
    out = []
    for m, role in ((cluster.standby, "STANDBY"), (cluster.primary, "PRIMARY")):
        res = clp.session(m.node, s.instance, [f"DEACTIVATE DATABASE {db}",
                                               f"START HADR ON DATABASE {db} AS {role}"],
                          changes=True)
        clp.check(res[0], database=db, allow=("SQL1496W",))
        started = clp.check(res[1], database=db, why=f"starting HADR as {role.lower()}")
        if not started.planned and not started.has("DB20000I"):
            raise clp.ClpFailed(started, f"START HADR answered {started.message_id}, "
                                "not DB20000I")
        out.append(started)
    if not cluster.primary.node.plan:
        wait_for_peer(cluster, wait)
    return out[0], out[1]


# --------------------------------------------------------------------------- 5.1.8


def hadr_status(member: Member, settings: Settings, source: str = "db2pd") -> HadrReport:
    """5.1.8: ``db2pd -d xcatdb -hadr`` (source ``db2pd``) or ``db2 GET SNAPSHOT FOR DB ON
    XCATDB`` (``snapshot``) on MEMBER, parsed."""
    db = _db(settings)
    if source == "db2pd":
        res = member.node.run("db2pd", "-d", db.lower(), "-hadr", user=settings.instance)
        text = res.stdout + res.stderr
        if "Unable to attach" in text:
            raise VerificationFailed("DB2 instance (db2pd)", "started",
                                     "not started: db2pd cannot attach", member.name)
        try:
            return parse_db2pd_hadr(text)
        except ParseError as err:
            # A db2pd header with nothing under it: some 9.7 levels print no "HADR is not
            # active." line for a database without HADR.
            if err.reason != "a header but no HADR information":
                raise
            return HadrReport(source="db2pd -hadr", database=db, hadr_active=False,
                              note="db2pd printed no HADR information")
    if source == "snapshot":
        snap = clp.command(member.node, settings.instance, f"GET SNAPSHOT FOR DB ON {db}")
        if snap.has("SQL1032N"):
            raise VerificationFailed("DB2 instance (snapshot)", "started",
                                     "not started (SQL1032N)", member.name)
        clp.check(snap, database=db, allow=("SQL1611W",))
        return parse_snapshot_hadr(snap.output)
    raise UsageError(f"unknown HADR status source {source!r}: db2pd or snapshot")


def is_configured(member: Member, settings: Settings) -> bool:
    value = _cfg_value(get_db_cfg(member, settings), "HADR_LOCAL_HOST").strip().upper()
    return value not in ("", "NULL")


def verify_peer(member: Member, settings: Settings, role: str | None = None,
                source: str = "db2pd") -> HadrStatus:
    """5.1.8: Role ROLE (default: the member's role), State Peer, ConnectStatus Connected.

    VerificationFailed names the attribute, what was expected and what was found;
    PreconditionFailed when HADR was never configured on the member.
    """
    want = HadrRole((role or member.role).upper())
    tag = f" ({source})"
    report = hadr_status(member, settings, source)
    if not report.channels:
        if not is_configured(member, settings):
            raise PreconditionFailed(f"HADR is not configured on {member.name}: run setup "
                                     "first (hamn db2 setup / features/db2_hadr.feature)")
        raise VerificationFailed("HADR Role" + tag, want.value.title(),
                                 f"none ({report.note or 'HADR not active'})", member.name)
    st = report.principal
    if st.role is not want:
        raise VerificationFailed("HADR Role" + tag, want.value.title(), st.role_raw, member.name)
    if not st.is_peer_connected:
        if st.state is None or st.state.name != "PEER":
            raise VerificationFailed("HADR State" + tag, "Peer", st.state_raw, member.name)
        raise VerificationFailed("HADR ConnectStatus" + tag, "Connected",
                                 st.connect_status_raw, member.name)
    return st


def pair_in_peer(cluster: Cluster, source: str = "db2pd") -> tuple[HadrStatus, HadrStatus]:
    """Both MNs in their inventory roles and Peer/Connected (raises otherwise)."""
    s = cluster.settings
    return verify_peer(cluster.primary, s, source=source), \
        verify_peer(cluster.standby, s, source=source)


def wait_for_peer(cluster: Cluster, timeout: float = 90.0, primary: Member | None = None
                  ) -> tuple[HadrStatus, HadrStatus]:
    """Wait until PRIMARY (default: the inventory's) is Primary and the other MN Standby,
    both Peer/Connected."""
    p = primary or cluster.primary
    st = _other(cluster, p)
    s = cluster.settings

    def probe() -> tuple[HadrStatus, HadrStatus]:
        return verify_peer(p, s, "primary"), verify_peer(st, s, "standby")

    return _wait("HADR Peer/Connected on both MNs", probe, timeout)


# --------------------------------------------------------------------------- 5.1.9 / 5.1.10


def takeover(member: Member, settings: Settings, by_force: bool = False,
             wait: float = 60.0) -> ClpResult:
    """5.1.9/5.1.10: ``TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING pw [BY FORCE]`` on
    MEMBER (the current standby). The password goes through stdin. BY FORCE only when asked
    (the runbook: only when the primary is not functional)."""
    db = _db(settings)
    pw = settings.password()
    stmt = f"TAKEOVER HADR ON DATABASE {db} USER {settings.instance} USING {pw}"
    if by_force:
        stmt += " BY FORCE"
    res = clp.secret_command(member.node, settings.instance, stmt, pw, timeout=300)
    if res.has("SQL1770N") and not is_configured(member, settings):
        raise PreconditionFailed(f"HADR is not configured on {member.name}: run setup first")
    clp.check(res, database=db, why=f"taking over on {member.name}")
    if not res.planned:
        _wait(f"{member.name} HADR role Primary",
              lambda: _role_is(member, settings, HadrRole.PRIMARY), wait)
    return res


def _role_is(member: Member, settings: Settings, role: HadrRole) -> bool | None:
    return True if hadr_status(member, settings).role is role else None


def stop_hadr(member: Member, settings: Settings) -> ClpResult:
    """5.1.10: ``STOP HADR ON DATABASE XCATDB``. On a standby DB2 requires the database
    deactivated first, so hamn runs DEACTIVATE before it there (SQL1769N reason 2)."""
    db = _db(settings)
    if hadr_status(member, settings).role is HadrRole.STANDBY:
        res = clp.command(member.node, settings.instance, f"DEACTIVATE DATABASE {db}",
                          changes=True)
        clp.check(res, database=db, allow=("SQL1496W",))
    res = clp.command(member.node, settings.instance, f"STOP HADR ON DATABASE {db}",
                      changes=True)
    if res.has("SQL1769N") and not is_configured(member, settings):
        raise PreconditionFailed(f"HADR is not configured on {member.name}: run setup first")
    return clp.check(res, database=db, why=f"stopping HADR on {member.name}")


def activate(member: Member, settings: Settings, check: bool = True) -> ClpResult:
    """``ACTIVATE DATABASE XCATDB``; CHECK False returns the refusal (5.1.10: SQL1117N)."""
    db = _db(settings)
    res = clp.command(member.node, settings.instance, f"ACTIVATE DATABASE {db}", changes=True)
    return clp.check(res, database=db, allow=("SQL1490W",)) if check else res


def rollforward_complete(member: Member, settings: Settings) -> ClpResult:
    """5.1.10: ``ROLLFORWARD DATABASE XCATDB TO END OF LOGS AND COMPLETE``."""
    db = _db(settings)
    res = clp.command(member.node, settings.instance,
                      f"ROLLFORWARD DATABASE {db} TO END OF LOGS AND COMPLETE", changes=True,
                      timeout=600)
    return clp.check(res, database=db, why=f"completing roll-forward on {member.name}")


def rollforward_pending(member: Member, settings: Settings) -> str:
    """GET DB CFG's ``Rollforward pending`` (NO, DATABASE, TABLESPACE)."""
    return _cfg_value(get_db_cfg(member, settings), "ROLLFWD_PENDING") or "NO"


# --------------------------------------------------------------------------- whole setup


def _hadr_cfg_ok(cluster: Cluster) -> bool:
    for m in cluster.mns:
        cfg = get_db_cfg(m, cluster.settings)
        if any(not _matches(_cfg_value(cfg, k), v) for k, v in hadr_parameters(cluster, m)):
            return False
    return True


def _reset_roles(cluster: Cluster) -> None:
    """A half-configured pair: deactivate and STOP HADR where it is started."""
    s = cluster.settings
    db = _db(s)
    for m in (cluster.standby, cluster.primary):
        out = clp.session(m.node, s.instance, [f"DEACTIVATE DATABASE {db}",
                                               f"STOP HADR ON DATABASE {db}"], changes=True)
        clp.check(out[0], database=db, allow=("SQL1496W",))
        clp.check(out[1], database=db, allow=("SQL1769N",))


def setup_hadr(cluster: Cluster, directory: str = BACKUP_DIR) -> SetupReport:
    """5.1.1-5.1.7 from two MNs with the database, ending in Peer/Connected (5.1.8).

    Re-running on a pair already Primary/Standby in Peer with the described parameters
    changes nothing and says so.
    """
    s = cluster.settings
    if not cluster.primary.node.plan:
        try:
            p, st = pair_in_peer(cluster)
            if _hadr_cfg_ok(cluster):
                return SetupReport(["already Primary/Standby in Peer, Connected: "
                                    "nothing changed"], False, p, st)
        except (VerificationFailed, PreconditionFailed, ParseError):
            pass
        if any(hadr_status(m, s).role is not HadrRole.STANDARD for m in cluster.mns):
            _reset_roles(cluster)
    report = SetupReport()
    stopped = disconnect_clients(cluster)
    report.steps.append(f"5.1.1 xcatd stopped on {', '.join(stopped) or 'no host (none ran)'}")
    logs = configure_log_archiving(cluster.primary, s)
    report.steps.append(f"5.1.2 set {', '.join(k for k, _ in logs.changed) or 'nothing'}")
    copy = backup(cluster, directory)
    report.steps.append(f"5.1.3 backup {copy.image.timestamp}")
    copy = copy_backup(cluster, copy)
    restore(cluster.standby, s, copy)
    report.steps.append(f"5.1.4 restored {copy.image.timestamp} on {cluster.standby.name}")
    for m in cluster.mns:
        entries = register_hadr_services(m, s)
        report.steps.append(f"5.1.5 {m.name}: added {', '.join(entries.added) or 'nothing'}")
    for change in configure_hadr(cluster):
        names = ", ".join(k for k, _ in change.changed) or "nothing"
        report.steps.append(f"5.1.6 {change.host}: set {names}")
    start_hadr(cluster)
    report.steps.append("5.1.7 HADR started: standby, then primary")
    if not cluster.primary.node.plan:
        report.primary, report.standby = pair_in_peer(cluster)
        report.steps.append("5.1.8 Primary/Standby Peer Connected")
    return report


def describe(status: HadrStatus) -> str:
    return (f"{status.role_raw} {status.state_raw} {status.connect_status_raw}")


# --------------------------------------------------------------------------- checks


def check_log_archiving(member: Member, settings: Settings) -> DbCfg:
    """5.1.2 holds: each parameter has the value the runbook sets (names the first that not)."""
    cfg = get_db_cfg(member, settings)
    level = (10, 1) if "LOGRETAIN" not in cfg else (9, 7)
    for name, value in log_archiving_parameters(settings, level):
        if not _matches(_cfg_value(cfg, name), value):
            raise VerificationFailed(f"database configuration {name}", value,
                                     _cfg_value(cfg, name) or "(empty)", member.name)
    return cfg


def check_hadr_parameters(cluster: Cluster, member: Member) -> DbCfg:
    """5.1.6/5.1.10: MEMBER's HADR_* parameters are the cluster description's. On the
    primary the configuration is read as the runbook does: CONNECT TO, then GET DB CFG."""
    s = cluster.settings
    connect = member.name == cluster.primary.name and \
        hadr_status(member, s).role is HadrRole.PRIMARY
    cfg = get_db_cfg(member, s, connect=connect)
    for name, value in hadr_parameters(cluster, member):
        if not _matches(_cfg_value(cfg, name), value):
            raise VerificationFailed(f"database configuration {name}", value,
                                     _cfg_value(cfg, name) or "(empty)", member.name)
    return cfg


def check_hadr_services(member: Member, settings: Settings) -> ServiceEntries:
    """5.1.5 holds: both HADR service names are in /etc/services with their ports."""
    text = member.node.read_file("/etc/services") or ""
    seen = {w[0]: w[1] for w in (ln.split("#", 1)[0].split() for ln in text.splitlines())
            if len(w) >= 2}
    for name, port in hadr_service_lines(settings):
        if seen.get(name) != f"{port}/tcp":
            raise VerificationFailed(f"/etc/services entry {name}", f"{port}/tcp",
                                     seen.get(name, "missing"), member.name)
    return ServiceEntries(member.name, (), tuple(f"{n} {p}/tcp"
                                                 for n, p in hadr_service_lines(settings)))


def check_role(member: Member, settings: Settings, role: str) -> HadrStatus:
    """MEMBER's database has HADR role ROLE (after a takeover by force: no peer to wait for)."""
    report = hadr_status(member, settings)
    want = HadrRole(role.upper())
    if report.role is not want:
        got = report.channels[0].role_raw if report.channels else (report.note or "none")
        raise VerificationFailed("HADR Role (db2pd)", want.value.title(), got, member.name)
    return report.principal


def stop_instance(member: Member, settings: Settings) -> str:
    """The primary down (5.1.10's BY FORCE case): ``db2stop force`` as the instance user."""
    res = member.node.run("db2stop", "force", user=settings.instance, changes=True)
    if not res.succeeded and "SQL1032N" not in res.stdout:
        raise clp.ClpFailed(clp.ClpResult(member.name, "db2stop force", res.exit_status,
                                          res.stdout), "stopping the instance")
    return res.stdout


def start_instance(member: Member, settings: Settings) -> str:
    res = member.node.run("db2start", user=settings.instance, changes=True)
    if not res.succeeded and "SQL1026N" not in res.stdout:
        raise clp.ClpFailed(clp.ClpResult(member.name, "db2start", res.exit_status,
                                          res.stdout), "starting the instance")
    return res.stdout


def rejoin_as_standby(member: Member, settings: Settings) -> ClpResult:
    """After a takeover by force, the old primary rejoins: START HADR ... AS STANDBY."""
    db = _db(settings)
    out = clp.session(member.node, settings.instance,
                      [f"DEACTIVATE DATABASE {db}", f"START HADR ON DATABASE {db} AS STANDBY"],
                      changes=True)
    clp.check(out[0], database=db, allow=("SQL1496W",))
    return clp.check(out[1], database=db, why=f"re-starting {member.name} as the standby")
