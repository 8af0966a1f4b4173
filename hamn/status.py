"""``hamn status``: the pair's health between drills, read only.

Per MN: its role, the HADR role/state/connect status and log gap (runbook 5.1.8; for
PostgreSQL the standby's role or the age of the last dump of 5.2), whether xcatd and DHCP run
there, and its clock offset (section 4). The standby's replication lag: PostgreSQL streaming
(hamn.pgsql.streaming_status: bytes not yet replayed, replay lag) and MariaDB
(hamn.mysql.replica_status: seconds behind the primary), 5.2 and 5.3. Section 6: drift
counts (hamn.filesync.drift) and when the rsync last wrote to the standby (hamn.lastsync).
It uses the same library calls as the @readonly checks and the drill's sampler
(hamn.sampler.read_member, hamn.prereqs.clock), never a copy.

Thresholds (``Thresholds``, options of ``hamn status``) turn lag and sync age into warning
and critical findings. A sync is stale only while files drift: a sync with nothing to copy
writes nothing, so on a quiet primary the last write is old and nothing is wrong.

Exit codes follow the monitoring plugin convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from hamn import lastsync, prereqs
from hamn.errors import HamnError
from hamn.histories import PEER, Sample
from hamn.inventory import Cluster, Member
from hamn.sampler import read_member

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
LOG_GAP_WARNING = 64 * 1024 * 1024  # bytes
DUMP_AGE_WARNING = 26 * 3600  # a daily dump (5.2's cron) plus slack


@dataclass(frozen=True)
class Thresholds:
    """Where a reading becomes a warning or critical (seconds unless named otherwise)."""

    lag_warning: float = 60.0  # streaming replay lag / MariaDB seconds behind
    lag_critical: float = 600.0
    lag_bytes_warning: int = LOG_GAP_WARNING  # PostgreSQL WAL sent but not replayed
    # Section 6's cron runs daily (01:00 and 02:00): a day plus slack, then two days.
    sync_warning: float = 26 * 3600
    sync_critical: float = 50 * 3600


@dataclass
class MnStatus:
    role: str
    host: str
    reachable: bool
    hadr_role: str | None = None
    hadr_state: str | None = None
    connect_status: str | None = None
    log_gap: int | None = None
    xcatd: bool | None = None
    dhcp: bool | None = None
    clock_offset: float | None = None
    dump_age: float | None = None
    replication: str | None = None  # streaming/replica state, as the database reports it
    lag_seconds: float | None = None  # replay lag (PostgreSQL) / seconds behind (MariaDB)
    lag_bytes: int | None = None  # PostgreSQL: WAL sent, not yet replayed
    replication_error: str = ""  # why the standby is not replicating
    note: str = ""


@dataclass
class Status:
    cluster: str
    db: str
    mns: list[MnStatus]
    findings: list[tuple[int, str]] = field(default_factory=list)
    filesync: dict[str, Any] | None = None

    @property
    def code(self) -> int:
        return max((c for c, _ in self.findings), default=OK)

    def as_dict(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "db": self.db, "status": NAMES[self.code],
                "exit_code": self.code, "mns": [asdict(m) for m in self.mns],
                "findings": [{"level": NAMES[c], "message": m} for c, m in self.findings],
                "filesync": self.filesync}

    def text(self) -> str:
        worst = [m for c, m in self.findings if c == self.code]
        head = f"HAMN {NAMES[self.code]} - {self.cluster}: " + \
            ("; ".join(worst) if worst else "pair healthy")
        lines = [head, f"{'role':<8} {'host':<10} {'HADR':<24} {'connect':<12} {'log gap':>10} "
                       f"{'xcatd':<6} {'DHCP':<6} {'clock':>7}"]
        for m in self.mns:
            hadr = "unreachable" if not m.reachable else \
                " ".join(x for x in (m.hadr_role, m.hadr_state) if x) or "-"
            gap = "-" if m.log_gap is None else str(m.log_gap)
            clock = "-" if m.clock_offset is None else f"{m.clock_offset:+.1f}s"
            lines.append(f"{m.role:<8} {m.host:<10} {hadr:<24} {m.connect_status or '-':<12} "
                         f"{gap:>10} {_yn(m.xcatd):<6} {_yn(m.dhcp):<6} {clock:>7}")
            if m.dump_age is not None:
                lines.append(f"{'':<8} last dump {m.dump_age / 3600:.1f}h ago")
            if m.replication or m.replication_error:
                lag = "" if m.lag_seconds is None else f", lag {m.lag_seconds:.1f}s"
                lag += "" if m.lag_bytes is None else f", {m.lag_bytes} bytes behind"
                lines.append(f"{'':<8} replication: "
                             f"{m.replication_error or m.replication}{lag}")
        if self.filesync is None:
            lines.append("file sync: not checked")
        else:
            age = self.filesync.get("last_sync_age")
            last = "never" if age is None else f"{age / 3600:.1f}h ago"
            lines.append(f"file sync: {self.filesync['drift']} drifting, "
                         f"{self.filesync['files_compared']} files compared, "
                         f"last wrote to the standby {last}")
        lines += [f"{NAMES[c]}: {m}" for c, m in self.findings if c != OK]
        return "\n".join(lines)


def _yn(v: bool | None) -> str:
    return "?" if v is None else ("yes" if v else "no")


def _dump_age(m: Member, cluster: Cluster) -> float | None:
    """Age of the standby's copy of the 5.2 dump (hamn.pgsql.dump_age); None: no dump."""
    from hamn import pgsql
    from hamn.errors import VerificationFailed
    try:
        return pgsql.dump_age(m, pgsql.config(cluster))
    except VerificationFailed:  # no dump file yet: assess() says so
        return None


def replication(st: MnStatus, cluster: Cluster) -> None:
    """The standby's replication state and lag (5.2 streaming, 5.3 MariaDB) into ST."""
    s = cluster.settings
    if s.db == "postgres" and s.pg_method == "streaming":
        from hamn import pgsql
        try:
            pg = pgsql.streaming_status(cluster)
        except HamnError as err:  # not in recovery, or no streaming row: it says which
            st.replication_error = str(err).splitlines()[0]
            return
        st.replication = f"{pg.state} ({pg.sync_state})"
        st.lag_seconds, st.lag_bytes = round(pg.replay_lag, 3), pg.lag_bytes
    elif s.db == "mysql":
        from hamn import mysql
        rs = mysql.replica_status(cluster.standby)
        if rs is None:
            st.replication_error = "SHOW SLAVE STATUS: not a replica of the primary"
        elif not rs.running:
            why = rs.last_io_error or rs.last_sql_error or "no error reported"
            st.replication_error = (f"replica threads IO {rs.io_running}, SQL "
                                    f"{rs.sql_running} ({why})")
        else:
            st.replication = f"replica of {rs.master_host} (GTID {rs.using_gtid})"
            st.lag_seconds = None if rs.seconds_behind is None else float(rs.seconds_behind)


def read(m: Member, cluster: Cluster) -> MnStatus:
    s: Sample = read_member(m.node, m.role, cluster.settings)
    st = MnStatus(m.role, m.name, s.reachable, s.hadr_role, s.hadr_state, s.connect_status,
                  s.log_gap, s.xcatd, s.dhcp, note=s.note)
    if not s.reachable:
        return st
    try:
        st.clock_offset = round(prereqs.clock(m.node).offset, 2)
        if cluster.settings.db == "postgres" and cluster.settings.pg_method == "dump" \
                and m.role == "standby":
            st.dump_age = _dump_age(m, cluster)
        if m.role == "standby":
            replication(st, cluster)
    except HamnError as err:
        st.note = str(err).splitlines()[0]
    return st


def assess(cluster: Cluster, mns: list[MnStatus],
           limits: Thresholds = Thresholds()) -> list[tuple[int, str]]:
    """Findings as (severity, message); pure, so it is tested offline."""
    f: list[tuple[int, str]] = []
    s = cluster.settings
    for m in mns:
        if not m.reachable:
            f.append((CRITICAL, f"{m.role} {m.host} does not answer ({m.note})"))
            continue
        if s.db == "db2":
            want = m.role.upper()
            if m.hadr_role != want:
                f.append((CRITICAL, f"{m.role} {m.host} has HADR role {m.hadr_role or 'none'}, "
                                    f"not {want}"))
            elif m.hadr_state != PEER:
                level = WARNING if m.hadr_state in ("REMOTE_CATCHUP", "DISCONNECTED_PEER") \
                    else CRITICAL
                f.append((level, f"{m.role} {m.host} is in {m.hadr_state}, not PEER"))
            elif m.connect_status not in (None, "CONNECTED"):
                f.append((WARNING, f"{m.role} {m.host} connect status {m.connect_status}"))
            if m.log_gap is not None and m.log_gap > LOG_GAP_WARNING:
                f.append((WARNING, f"log gap {m.log_gap} bytes on {m.host}"))
        if m.clock_offset is not None and abs(m.clock_offset) > s.clock_tolerance:
            f.append((WARNING, f"{m.host} clock is off by {m.clock_offset:+.1f}s "
                               f"(tolerance {s.clock_tolerance:.0f}s, runbook 4)"))
        if m.dump_age is not None and m.dump_age > DUMP_AGE_WARNING:
            f.append((WARNING, f"last database dump on {m.host} is {m.dump_age / 3600:.0f}h old"))
        if m.role == "primary" and m.xcatd is False:
            f.append((CRITICAL, f"xcatd is not running on the primary {m.host}"))
        if m.role == "standby" and (m.xcatd or m.dhcp):
            what = " and ".join(n for n, on in (("xcatd", m.xcatd), ("DHCP", m.dhcp)) if on)
            f.append((CRITICAL, f"{what} running on the standby {m.host} (runbook 4)"))
        if m.role == "standby" and s.db == "postgres" and s.pg_method == "dump" and \
                m.dump_age is None:
            f.append((WARNING, f"no database dump found on the standby {m.host} (5.2)"))
        f += _lag_findings(m, limits)
    primaries = [m.host for m in mns if m.hadr_role == "PRIMARY"]
    if len(primaries) > 1:
        f.append((CRITICAL, f"two HADR primaries: {' and '.join(primaries)}"))
    return f


def _lag_findings(m: MnStatus, limits: Thresholds) -> list[tuple[int, str]]:
    what = "replication (5.2/5.3)"
    if m.replication_error:
        return [(CRITICAL, f"the standby {m.host} does not replicate: {m.replication_error}")]
    f: list[tuple[int, str]] = []
    if m.lag_seconds is not None and m.lag_seconds > limits.lag_warning:
        level = CRITICAL if m.lag_seconds > limits.lag_critical else WARNING
        f.append((level, f"{what} lag on {m.host} is {m.lag_seconds:.0f}s (warning "
                         f"{limits.lag_warning:.0f}s, critical {limits.lag_critical:.0f}s)"))
    if m.lag_bytes is not None and m.lag_bytes > limits.lag_bytes_warning:
        f.append((WARNING, f"{what}: {m.lag_bytes} bytes of WAL not replayed on {m.host}"))
    return f


def assess_sync(filesync: dict[str, Any], limits: Thresholds = Thresholds()
                ) -> list[tuple[int, str]]:
    """Section 6 findings from collect()'s filesync readings; pure."""
    if not filesync["drift"]:
        return []
    f = [(WARNING, f"file drift (section 6): {filesync['summary']}")]
    age = filesync.get("last_sync_age")
    if age is None or age > limits.sync_warning:
        level = CRITICAL if age is None or age > limits.sync_critical else WARNING
        last = "never wrote to the standby" if age is None else \
            f"last wrote to the standby {_duration(age)} ago"
        f.append((level, f"file sync is stale: files drift and the section 6 rsync {last} "
                         f"(warning {_duration(limits.sync_warning)}, critical "
                         f"{_duration(limits.sync_critical)}): is its cron entry running?"))
    return f


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:.1f}h" if seconds >= 3600 else f"{seconds:.0f}s"


def collect(cluster: Cluster, limits: Thresholds = Thresholds()) -> Status:
    mns = [read(m, cluster) for m in cluster.mns]
    st = Status(cluster.name, cluster.settings.db, mns, assess(cluster, mns, limits))
    if all(m.reachable for m in mns):
        try:
            from hamn import filesync
            sp = filesync.plan(cluster)
            rep = filesync.drift(cluster, sync_plan=sp)
            last = lastsync.read(cluster.standby, sp)
            st.filesync = {"drift": len(rep.findings), "files_compared": rep.files,
                           "summary": rep.summary(), "last_sync": last.at,
                           "last_sync_age": None if last.age is None else round(last.age, 1),
                           "last_sync_by_entry": last.entries}
            st.findings += assess_sync(st.filesync, limits)
        except HamnError as err:
            st.findings.append((WARNING, f"file sync not checked: {str(err).splitlines()[0]}"))
    return st
