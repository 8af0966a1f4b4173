"""State histories: what each MN reported through a drill or fault scenario, and its checks.

A :class:`Sample` is one reading of one MN (HADR role, state, connect status, log positions,
xcatd and DHCP) at a wall-clock time; the sampler (hamn.sampler) appends them to a
:class:`History`. :func:`check` validates a history against

- the HADR state machine: each MN's state moves only along the transitions DB2 makes
  (catch-up towards peer, peer to disconnected peer or back to catch-up on a lost connection);
  a role change (takeover, STOP HADR, an unreachable or deactivated database) restarts the
  comparison, since the database then begins again;
- the invariants, at every sample: at most one MN reports the HADR primary role, and DHCP
  runs on at most one MN.

:func:`timeline_svg` draws the history (and the drill's phases) as inline SVG. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

# HADR states as DB2 10.1+ spells them (hamn.db2.parse.HadrState values).
LOCAL_CATCHUP = "LOCAL_CATCHUP"
RCP = "REMOTE_CATCHUP_PENDING"
RC = "REMOTE_CATCHUP"
PEER = "PEER"
DPEER = "DISCONNECTED_PEER"
DISC = "DISCONNECTED"

# state -> the states it may move to directly (sampling may skip the short ones in between).
ALLOWED: dict[str, frozenset[str]] = {
    LOCAL_CATCHUP: frozenset({RCP, RC, PEER}),
    RCP: frozenset({RC, PEER, DISC}),
    RC: frozenset({PEER, RCP, DISC}),
    PEER: frozenset({DPEER, RCP, DISC}),
    DPEER: frozenset({PEER, RCP, RC, DISC}),
    DISC: frozenset({RCP, RC, PEER}),
}


@dataclass(frozen=True)
class Sample:
    t: float  # wall clock, time.time()
    host: str  # SSH name of the MN
    role: str  # the MN's role in the inventory (primary | standby)
    reachable: bool = True
    hadr_role: str | None = None  # PRIMARY | STANDBY | STANDARD; None: database not active
    hadr_state: str | None = None
    connect_status: str | None = None
    primary_log: str | None = None
    standby_log: str | None = None
    log_gap: int | None = None  # bytes
    xcatd: bool | None = None
    dhcp: bool | None = None
    note: str = ""

    @property
    def label(self) -> str:
        if not self.reachable:
            return "unreachable"
        if self.hadr_role is None:
            return "inactive"
        if self.hadr_state is None:
            return self.hadr_role
        return f"{self.hadr_role} {self.hadr_state}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Violation:
    t: float
    host: str
    kind: str  # transition | primaries | dhcp
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class History:
    samples: list[Sample] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)

    def hosts(self) -> list[str]:
        seen: list[str] = []
        for s in self.samples:
            if s.host not in seen:
                seen.append(s.host)
        return seen

    def of(self, host: str) -> list[Sample]:
        return sorted((s for s in self.samples if s.host == host), key=lambda s: s.t)

    def as_list(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in sorted(self.samples, key=lambda s: s.t)]

    @classmethod
    def from_list(cls, rows: Iterable[dict[str, Any]]) -> History:
        return cls([Sample(**row) for row in rows])


def transition_allowed(before: str, after: str) -> bool:
    return before == after or after in ALLOWED.get(before, frozenset())


def check_transitions(history: History) -> list[Violation]:
    found: list[Violation] = []
    for host in history.hosts():
        prev: Sample | None = None
        for s in history.of(host):
            if not s.reachable or s.hadr_state is None:
                prev = None  # unknown or inactive: the database starts over
                continue
            if prev is not None and prev.hadr_role == s.hadr_role and \
                    prev.hadr_state is not None and \
                    not transition_allowed(prev.hadr_state, s.hadr_state):
                found.append(Violation(s.t, host, "transition",
                                       f"{host}: HADR {s.hadr_role} went from "
                                       f"{prev.hadr_state} to {s.hadr_state}"))
            prev = s
    return found


def snapshots(history: History, max_age: float) -> list[tuple[float, dict[str, Sample]]]:
    """At each sample's time, every MN's latest sample no older than MAX_AGE seconds."""
    ordered = sorted(history.samples, key=lambda s: s.t)
    latest: dict[str, Sample] = {}
    out: list[tuple[float, dict[str, Sample]]] = []
    for s in ordered:
        latest[s.host] = s
        out.append((s.t, {h: x for h, x in latest.items() if s.t - x.t <= max_age}))
    return out


def check_invariants(history: History, max_age: float = 5.0) -> list[Violation]:
    found: list[Violation] = []
    reported: set[str] = set()
    for t, view in snapshots(history, max_age):
        primaries = sorted(h for h, s in view.items() if s.reachable and s.hadr_role == "PRIMARY")
        dhcp = sorted(h for h, s in view.items() if s.reachable and s.dhcp)
        if len(primaries) > 1 and f"p{primaries}" not in reported:
            reported.add(f"p{primaries}")
            found.append(Violation(t, ",".join(primaries), "primaries",
                                   f"two HADR primaries at once: {' and '.join(primaries)}"))
        if len(dhcp) > 1 and f"d{dhcp}" not in reported:
            reported.add(f"d{dhcp}")
            found.append(Violation(t, ",".join(dhcp), "dhcp",
                                   f"DHCP served by two MNs at once: {' and '.join(dhcp)}"))
    return found


def check(history: History, max_age: float = 5.0) -> list[Violation]:
    """Every transition and invariant violation in HISTORY, in time order."""
    return sorted(check_transitions(history) + check_invariants(history, max_age),
                  key=lambda v: v.t)


# --------------------------------------------------------------------------- the timeline

COLOURS = {
    "PRIMARY PEER": "#2e7d32", "STANDBY PEER": "#66bb6a",
    "PRIMARY DISCONNECTED_PEER": "#f9a825", "STANDBY DISCONNECTED_PEER": "#fbc02d",
    "PRIMARY REMOTE_CATCHUP_PENDING": "#ef6c00", "STANDBY REMOTE_CATCHUP_PENDING": "#ffa726",
    "PRIMARY REMOTE_CATCHUP": "#8d6e63", "STANDBY REMOTE_CATCHUP": "#a1887f",
    "STANDBY LOCAL_CATCHUP": "#90a4ae", "PRIMARY DISCONNECTED": "#e53935",
    "STANDBY DISCONNECTED": "#ef5350", "STANDARD": "#1565c0", "PRIMARY": "#2e7d32",
    "STANDBY": "#66bb6a", "inactive": "#bdbdbd", "unreachable": "#424242",
    "on": "#1976d2", "off": "#e0e0e0", "?": "#9e9e9e",
    "passed": "#43a047", "failed": "#e53935", "skipped": "#bdbdbd", "not run": "#eeeeee",
}


@dataclass(frozen=True)
class Span:
    lane: str
    start: float
    end: float
    label: str


def _segments(lane: str, points: Sequence[tuple[float, str]], end: float) -> list[Span]:
    spans: list[Span] = []
    for i, (t, label) in enumerate(points):
        stop = points[i + 1][0] if i + 1 < len(points) else end
        if spans and spans[-1].label == label:
            spans[-1] = Span(lane, spans[-1].start, stop, label)
        else:
            spans.append(Span(lane, t, stop, label))
    return spans


def _flag(v: bool | None) -> str:
    return "?" if v is None else ("on" if v else "off")


def spans(history: History, end: float | None = None) -> list[Span]:
    """Lanes per MN: HADR, xcatd, DHCP; each a run of constant-label spans."""
    if not history.samples:
        return []
    stop = end if end is not None else max(s.t for s in history.samples)
    out: list[Span] = []
    for host in history.hosts():
        rows = history.of(host)
        out += _segments(f"{host} HADR", [(s.t, s.label) for s in rows], stop)
        out += _segments(f"{host} xcatd", [(s.t, _flag(s.xcatd) if s.reachable else "unreachable")
                                           for s in rows], stop)
        out += _segments(f"{host} DHCP", [(s.t, _flag(s.dhcp) if s.reachable else "unreachable")
                                          for s in rows], stop)
    return out


def timeline_svg(history: History, phases: Sequence[dict[str, Any]] = (),
                 marks: Sequence[tuple[float, str]] = (), width: int = 960) -> str:
    """Inline SVG: one lane per phase row and per MN state; MARKS are vertical lines."""
    items: list[Span] = [Span("phases", float(p["start"]), float(p["end"]),
                              f"{p['name']}: {p['outcome']}")
                         for p in phases if p.get("start") is not None and p.get("end")]
    items += spans(history)
    if not items:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="20" ' \
               'role="img"><text x="4" y="14" font-size="12">no samples</text></svg>'
    t0 = min(s.start for s in items + [Span("", t, t, "") for t, _ in marks])
    t1 = max(s.end for s in items + [Span("", t, t, "") for t, _ in marks])
    span = max(t1 - t0, 1.0)
    lanes: list[str] = []
    for s in items:
        if s.lane not in lanes:
            lanes.append(s.lane)
    left, lane_h, top = 150, 22, 20
    plot = width - left - 10
    height = top + lane_h * len(lanes) + 30

    def x(t: float) -> float:
        return round(left + (t - t0) / span * plot, 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             'font-family="sans-serif" font-size="11">']
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        parts.append(f'<text x="4" y="{y + 15}">{escape(lane)}</text>')
    for s in items:
        y = top + lanes.index(s.lane) * lane_h
        key = s.label.split(": ")[-1] if s.lane == "phases" else s.label
        colour = COLOURS.get(key, "#7e57c2")
        w = max(x(s.end) - x(s.start), 1.0)
        parts.append(f'<rect x="{x(s.start)}" y="{y + 2}" width="{w}" height="{lane_h - 4}" '
                     f'fill="{colour}" stroke="#fff"><title>{escape(s.lane)}: '
                     f'{escape(s.label)} ({s.end - s.start:.1f}s)</title></rect>')
        if w > 7 * len(s.label.split(": ")[0]):
            parts.append(f'<text x="{x(s.start) + 3}" y="{y + 15}" fill="#fff">'
                         f'{escape(s.label.split(": ")[0])}</text>')
    for t, label in marks:
        parts.append(f'<line x1="{x(t)}" y1="{top - 6}" x2="{x(t)}" '
                     f'y2="{top + lane_h * len(lanes)}" stroke="#c62828" stroke-dasharray="4 2"/>'
                     f'<text x="{x(t) + 2}" y="{top - 8}" fill="#c62828">{escape(label)}</text>')
    axis_y = top + lane_h * len(lanes) + 16
    for k in range(6):
        t = t0 + span * k / 5
        parts.append(f'<text x="{x(t) - 8}" y="{axis_y}">{t - t0:.0f}s</text>')
    parts.append("</svg>")
    return "".join(parts)
