"""``hamn status``: the pair's health between drills, read only.

Per MN: its role, the HADR role/state/connect status and log gap (runbook 5.1.8; for
PostgreSQL the standby's role or the age of the last dump of 5.2), whether xcatd and DHCP run
there, and its clock offset (section 4). It uses the same library calls as the @readonly
checks and the drill's sampler (hamn.sampler.read_member, hamn.prereqs.clock), never a copy.
File sync and drift counts come from hamn.filesync when it is installed.

Exit codes follow the monitoring plugin convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from hamn import prereqs
from hamn.errors import HamnError
from hamn.histories import PEER, Sample
from hamn.inventory import Cluster, Member
from hamn.sampler import read_member

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
LOG_GAP_WARNING = 64 * 1024 * 1024  # bytes
DUMP_AGE_WARNING = 26 * 3600  # a daily dump (5.2's cron) plus slack


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
        if self.filesync is None:
            lines.append("file sync: not checked")
        else:
            lines.append(f"file sync: {self.filesync['drift']} drifting, "
                         f"{self.filesync['files_compared']} files compared")
        lines += [f"{NAMES[c]}: {m}" for c, m in self.findings if c != OK]
        return "\n".join(lines)


def _yn(v: bool | None) -> str:
    return "?" if v is None else ("yes" if v else "no")


def _dump_age(m: Member) -> float | None:
    script = "perl -e 'print time - (stat shift)[9]' /tmp/xcatdb 2>/dev/null"
    out = m.node.sh(script).stdout.strip()
    return float(out) if out.replace(".", "").isdigit() else None


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
            st.dump_age = _dump_age(m)
    except HamnError as err:
        st.note = str(err).splitlines()[0]
    return st


def assess(cluster: Cluster, mns: list[MnStatus]) -> list[tuple[int, str]]:
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
    primaries = [m.host for m in mns if m.hadr_role == "PRIMARY"]
    if len(primaries) > 1:
        f.append((CRITICAL, f"two HADR primaries: {' and '.join(primaries)}"))
    return f


def collect(cluster: Cluster) -> Status:
    mns = [read(m, cluster) for m in cluster.mns]
    st = Status(cluster.name, cluster.settings.db, mns, assess(cluster, mns))
    if all(m.reachable for m in mns):
        try:
            from hamn import filesync
            rep = filesync.drift(cluster)
            st.filesync = {"drift": len(rep.findings), "files_compared": rep.files,
                           "summary": rep.summary()}
            if rep.findings:
                st.findings.append((WARNING, f"file drift (section 6): {rep.summary()}"))
        except HamnError as err:
            st.findings.append((WARNING, f"file sync not checked: {str(err).splitlines()[0]}"))
    return st
