"""Pure parsers of DB2 command output (runbook section 5.1).

Formats follow IBM's DB2 documentation, not any simulator:

- ``db2pd -db XCATDB -hadr`` (5.1.8) in both layouts: the 9.7 table layout (a line of labels,
  ``Role State SyncMode ...``, over a line of values) and the 10.1+ ``HADR_ROLE = PRIMARY``
  layout that repeats one block per standby;
- ``db2 GET SNAPSHOT FOR DB ON XCATDB``, its ``HADR Status`` section (5.1.8);
- ``MON_GET_HADR`` rows, from the columnar CLP output or from ``db2 -x`` (5.1.8, 10.1+);
- ``db2 GET DB CFG`` lines ``Description (NAME) = value`` (5.1.2, 5.1.6, 5.1.10);
- ``db2 BACKUP DB`` (5.1.3), ``db2 LIST APPLICATIONS`` (5.1.1), ``db2level`` (sections 2-4).

Values are read by labels and tokens, never by column positions: alignment differs between
DB2 levels and between copies of an output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TypeVar

from hamn.db2.messages import Db2MessageError, parse_clp_messages
from hamn.parsing import ParseError, content_lines, require_text

# --------------------------------------------------------------------------- enumerations


class HadrRole(Enum):
    """hadr_role: 9.7 prints ``Primary``, 10.1+ ``PRIMARY``."""

    PRIMARY = "PRIMARY"
    STANDBY = "STANDBY"
    STANDARD = "STANDARD"


class HadrState(Enum):
    """hadr_state: ``Peer`` (9.7 db2pd and snapshot), ``PEER`` (10.1+), and so on."""

    PEER = "PEER"
    DISCONNECTED_PEER = "DISCONNECTED_PEER"
    DISCONNECTED = "DISCONNECTED"
    LOCAL_CATCHUP = "LOCAL_CATCHUP"
    REMOTE_CATCHUP_PENDING = "REMOTE_CATCHUP_PENDING"
    REMOTE_CATCHUP = "REMOTE_CATCHUP"


class HadrSyncMode(Enum):
    SYNC = "SYNC"
    NEARSYNC = "NEARSYNC"
    ASYNC = "ASYNC"
    SUPERASYNC = "SUPERASYNC"


class HadrConnectStatus(Enum):
    CONNECTED = "CONNECTED"
    CONGESTED = "CONGESTED"
    DISCONNECTED = "DISCONNECTED"


_E = TypeVar("_E", bound=Enum)


def _key(raw: str) -> str:
    return re.sub(r"[\s_-]", "", raw).upper()


_ROLE_WORDS = {_key(m.value): m for m in HadrRole}
_STATE_WORDS = {_key(m.value): m for m in HadrState} | {
    # SNAPHADR / SNAP_GET_HADR abbreviations.
    "REMCATCHPEN": HadrState.REMOTE_CATCHUP_PENDING,
    "REMCATCHUP": HadrState.REMOTE_CATCHUP,
    "LOCALCATCHUP": HadrState.LOCAL_CATCHUP,
}
_SYNC_WORDS = {_key(m.value): m for m in HadrSyncMode}
_CONNECT_WORDS = {_key(m.value): m for m in HadrConnectStatus} | {
    "CONNECT": HadrConnectStatus.CONNECTED,
    "DISCONNECT": HadrConnectStatus.DISCONNECTED,
}


def parse_role(raw: str) -> HadrRole:
    """``Primary``/``PRIMARY``/``primary`` -> :attr:`HadrRole.PRIMARY`; ParseError otherwise."""
    return _enum("HADR role", raw, _ROLE_WORDS)


def parse_state(raw: str) -> HadrState:
    """``Peer``, ``PEER``, ``Disconnected peer``, ``DISCONNECTED_PEER``, ``RemoteCatchup`` ..."""
    return _enum("HADR state", raw, _STATE_WORDS)


def parse_sync_mode(raw: str) -> HadrSyncMode:
    return _enum("HADR synchronization mode", raw, _SYNC_WORDS)


def parse_connect_status(raw: str) -> HadrConnectStatus:
    return _enum("HADR connect status", raw, _CONNECT_WORDS)


def _enum(what: str, raw: str, words: Mapping[str, _E]) -> _E:
    found = words.get(_key(raw))
    if found is None:
        raise ParseError(what, f"unknown value {raw.strip()!r}", [raw])
    return found


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LogPosition:
    """A log position: file, page and either the 9.7 LSN or the 10.1+ byte position."""

    file: str
    page: int
    lsn: int | None = None
    pos: int | None = None


@dataclass(frozen=True)
class HadrStatus:
    """The HADR status of one primary-standby log shipping channel.

    Times carrying epoch seconds (``(1281011580)``) are timezone-aware UTC; times printed
    without them (the snapshot's connection time, MON_GET_HADR timestamps) are naive, in the
    server's local time. ``timeout`` and ``peer_window`` are seconds at every level (MON_GET_HADR
    milliseconds are converted). ``fields`` keeps every label and its raw text.
    """

    source: str
    role: HadrRole
    role_raw: str
    state: HadrState | None = None
    state_raw: str | None = None
    sync_mode: HadrSyncMode | None = None
    sync_mode_raw: str | None = None
    connect_status: HadrConnectStatus | None = None
    connect_status_raw: str | None = None
    connect_time: datetime | None = None
    heartbeats_missed: int | None = None
    local_host: str | None = None
    local_service: str | None = None
    remote_host: str | None = None
    remote_service: str | None = None
    remote_instance: str | None = None
    timeout: int | None = None
    peer_window: int | None = None
    peer_window_end: datetime | None = None
    primary_log: LogPosition | None = None
    standby_log: LogPosition | None = None
    log_gap_bytes: int | None = None
    standby_id: int | None = None
    log_stream_id: int | None = None
    fields: tuple[tuple[str, str], ...] = ()

    def field(self, label: str) -> str | None:
        """The raw text of ``label`` as printed (e.g. ``"HADR_TIMEOUT(seconds)"``)."""
        return next((value for key, value in self.fields if key == label), None)

    @property
    def is_peer_connected(self) -> bool:
        """State Peer and ConnectStatus Connected: what 5.1.8 asks of an operating pair."""
        return self.state is HadrState.PEER and self.connect_status is HadrConnectStatus.CONNECTED


@dataclass(frozen=True)
class HadrReport:
    """What one HADR status command reported (runbook 5.1.8).

    ``channels`` has one :class:`HadrStatus` per standby (db2pd 10.1+ and MON_GET_HADR on a
    primary with several standbys), one otherwise, none when HADR is not active.
    ``database_active`` is False when db2pd says the database is not activated;
    ``hadr_active`` is False for "HADR is not active." or role STANDARD. ``note`` keeps the
    line that explains an inactive result.
    """

    source: str
    database: str | None = None
    member: int | None = None
    database_status: str | None = None
    uptime: timedelta | None = None
    database_active: bool = True
    hadr_active: bool = True
    channels: tuple[HadrStatus, ...] = ()
    note: str | None = None

    @property
    def principal(self) -> HadrStatus:
        """The first (principal) channel; ParseError naming the note when HADR is not active."""
        if not self.channels:
            raise ParseError(self.source, self.note or "no HADR status in the output")
        return self.channels[0]

    @property
    def role(self) -> HadrRole:
        """The role of the database db2pd ran against (STANDARD when HADR is not active)."""
        return self.channels[0].role if self.channels else HadrRole.STANDARD


# --------------------------------------------------------------------------- value helpers

_NULLS = {"", "NULL", "-", "N/A"}
_EPOCH_RE = re.compile(r"^(?P<text>.*?)\s*\((?P<epoch>-?\d+)\)$")
_TIME_FORMATS = (
    "%m/%d/%Y %H:%M:%S.%f",  # snapshot: 08/05/2010 20:33:00.412948
    "%m/%d/%Y %H:%M:%S",
    "%m-%d-%Y %H:%M:%S.%f",  # 9.7 documentation example: 11-03-2002 12:23:09.35092
    "%Y-%m-%d-%H.%M.%S.%f",  # CLP TIMESTAMP: 2011-06-08-13.38.10.199479
    "%Y-%m-%d %H:%M:%S.%f",
    "%a %b %d %H:%M:%S %Y",  # 9.7 db2pd: Thu Aug  5 20:33:00 2010
)


def _text(raw: str | None) -> str | None:
    if raw is None:
        return None
    value = raw.strip()
    return None if value.upper() in _NULLS else value


def _int(what: str, raw: str | None) -> int | None:
    value = _text(raw)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ParseError(what, f"{value!r} is not a whole number", [raw or ""]) from None


def _ms_to_s(what: str, raw: str | None) -> int | None:
    value = _int(what, raw)
    return None if value is None else round(value / 1000)


def _time(what: str, raw: str | None) -> datetime | None:
    value = _text(raw)
    if value is None:
        return None
    epoch = _EPOCH_RE.match(value)
    if epoch:
        seconds = int(epoch.group("epoch"))
        return None if seconds == 0 else datetime.fromtimestamp(seconds, tz=UTC)
    squeezed = re.sub(r"\s+", " ", value)
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(squeezed, fmt)
        except ValueError:
            continue
    raise ParseError(what, f"{value!r} is not a time DB2 prints", [raw or ""])


def _log_position(what: str, raw: str | None, *, lsn: bool) -> LogPosition | None:
    """``S0000002.LOG, 18, 000000000FA18D7C`` (LSN, hex) or ``S0000009.LOG, 1, 49262315``."""
    value = _text(raw)
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3:
        raise ParseError(what, "expected 'file, page, position'", [value])
    file, page, position = parts
    try:
        if lsn:
            return LogPosition(file, int(page), lsn=int(position.removeprefix("0x"), 16))
        return LogPosition(file, int(page), pos=int(position))
    except ValueError:
        raise ParseError(what, "expected 'file, page, position'", [value]) from None


def _log_triplet(
    what: str, file: str | None, page: str | None, pos: str | None, *, lsn: bool = False
) -> LogPosition | None:
    if _text(file) is None:
        return None
    joined = f"{file}, {_int(what, page) or 0}, {_text(pos) or '0'}"
    return _log_position(what, joined, lsn=lsn)


def _raise_if_message(what: str, text: str) -> None:
    """A DB2 error message instead of a report becomes :class:`Db2MessageError`."""
    for message in parse_clp_messages(text):
        if message.is_error:
            raise Db2MessageError(what, message)


# --------------------------------------------------------------------------- db2pd -hadr

_DB2PD = "db2pd -hadr"
_DB2PD_HEADER_RE = re.compile(
    r"^\s*Database (?:Partition|Member) (?P<member>\d+) -- Database (?P<db>\S+) -- "
    r"(?P<status>.+?) -- Up (?P<days>\d+) days? (?P<h>\d+):(?P<m>\d+):(?P<s>\d+)"
    r"(?: -- Date .*)?\s*$"
)
_NOT_ACTIVATED_RE = re.compile(
    r"Database (?P<db>\S+) not activated on database (?:partition|member) (?P<member>\d+)",
    re.IGNORECASE,
)
_HADR_NOT_ACTIVE_RE = re.compile(r"^\s*HADR is not active\.?\s*$", re.IGNORECASE)
_KV_RE = re.compile(r"^\s*(?P<key>[A-Z][A-Z0-9_]*(?:,[A-Z0-9_]+)*(?:\([a-z%]+\))?)\s*=(?P<v>.*)$")

# 9.7 table layout: each label, and the tokens its value takes.
_TIME_TOKENS = r"(?:\S+(?:\s+\S+)*?\s+)?\(\d+\)"
_LABELS_97: dict[str, str] = {
    "Role": r"\S+",
    "State": r"\S+",
    "SyncMode": r"\S+",
    "HeartBeatsMissed": r"\d+",
    "LogGapRunAvg (bytes)": r"\d+",
    "ConnectStatus": r"\S+",
    "ConnectTime": _TIME_TOKENS,
    "Timeout": r"\d+",
    "PeerWindowEnd": _TIME_TOKENS,
    "PeerWindow": r"\d+",
    "LocalHost": r"\S+",
    "LocalService": r"\S+",
    "RemoteHost": r"\S+",
    "RemoteService": r"\S+",
    "RemoteInstance": r"\S+",
    "PrimaryFile": r"\S+",
    "PrimaryPg": r"\d+",
    "PrimaryLSN": r"(?:0x)?[0-9A-Fa-f]+",
    "StandByFile": r"\S+",
    "StandByPg": r"\d+",
    "StandByLSN": r"(?:0x)?[0-9A-Fa-f]+",
    "StandByRcvBufUsed": r"\d+%?",
}
_ONE_TOKEN = r"\S+"
_LABEL_TOKEN_RE = re.compile(r"^[A-Z][A-Za-z]+$")


def parse_db2pd_hadr(text: str) -> HadrReport:
    """Parse ``db2pd -db XCATDB -hadr`` (runbook 5.1.8), 9.7 table or 10.1+ key = value layout.

    "Database XCATDB not activated on database member 0 ..." gives ``database_active=False``;
    "HADR is not active." gives ``hadr_active=False``; both have no channels.
    """
    require_text(_DB2PD, text)
    not_activated = _NOT_ACTIVATED_RE.search(text)
    if not_activated:
        return HadrReport(
            source=_DB2PD,
            database=not_activated.group("db"),
            member=int(not_activated.group("member")),
            database_active=False,
            hadr_active=False,
            note=_line_of(text, not_activated.start()),
        )
    _raise_if_message(_DB2PD, text)
    lines = content_lines(text)
    header = _DB2PD_HEADER_RE.match(lines[0])
    if header is None:
        raise ParseError(_DB2PD, "no 'Database ... -- Database NAME -- ...' header", lines)
    report = HadrReport(
        source=_DB2PD,
        database=header.group("db"),
        member=int(header.group("member")),
        database_status=header.group("status").strip(),
        uptime=timedelta(
            days=int(header.group("days")),
            hours=int(header.group("h")),
            minutes=int(header.group("m")),
            seconds=int(header.group("s")),
        ),
    )
    body = [line for line in lines[1:] if not _DB2PD_HEADER_RE.match(line)]
    if not body:
        raise ParseError(_DB2PD, "a header but no HADR information", lines[:1])
    if _HADR_NOT_ACTIVE_RE.match(body[0]):
        if len(body) > 1:
            raise ParseError(_DB2PD, "text after 'HADR is not active.'", body[1:])
        return replace(report, hadr_active=False, note=body[0].strip())
    if body[0].strip() == "HADR Information:":
        return replace(report, channels=(_db2pd_97(body[1:]),))
    first = _KV_RE.match(body[0])
    if first is not None and first.group("key") == "HADR_ROLE":
        return replace(report, channels=tuple(_db2pd_101(body)))
    raise ParseError(_DB2PD, "neither the 9.7 nor the 10.1+ HADR layout", body)


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)].strip()


def _labels(line: str) -> list[str] | None:
    """The labels of a 9.7 label line, or None when the line is not one."""
    tokens = line.split()
    labels: list[str] = []
    for token in tokens:
        if token == "(bytes)" and labels:
            labels[-1] += " (bytes)"
        elif _LABEL_TOKEN_RE.match(token):
            labels.append(token)
        else:
            return None
    if not labels or labels[0] not in _LABELS_97:
        return None
    return labels


def _db2pd_97(lines: Sequence[str]) -> HadrStatus:
    fields: list[tuple[str, str]] = []
    index = 0
    while index < len(lines):
        labels = _labels(lines[index])
        if labels is None:
            raise ParseError(_DB2PD, "expected a line of 9.7 HADR labels", lines[index:])
        if index + 1 >= len(lines):
            raise ParseError(_DB2PD, "a line of labels without values", lines[index:])
        pattern = r"\s+".join(
            f"(?P<f{n}>{_LABELS_97.get(label, _ONE_TOKEN)})" for n, label in enumerate(labels)
        )
        values = re.fullmatch(r"\s*" + pattern + r"\s*", lines[index + 1])
        if values is None:
            raise ParseError(_DB2PD, "values do not match their labels", lines[index : index + 2])
        fields.extend((label, values.group(f"f{n}")) for n, label in enumerate(labels))
        index += 2
    got = dict(fields)
    for required in ("Role", "State", "ConnectStatus"):
        if required not in got:
            raise ParseError(_DB2PD, f"no {required} in the 9.7 HADR information", lines)
    what = _DB2PD
    return HadrStatus(
        source="db2pd 9.7",
        role=parse_role(got["Role"]),
        role_raw=got["Role"],
        state=parse_state(got["State"]),
        state_raw=got["State"],
        sync_mode=parse_sync_mode(got["SyncMode"]) if "SyncMode" in got else None,
        sync_mode_raw=got.get("SyncMode"),
        connect_status=parse_connect_status(got["ConnectStatus"]),
        connect_status_raw=got["ConnectStatus"],
        connect_time=_time(what, got.get("ConnectTime")),
        heartbeats_missed=_int(what, got.get("HeartBeatsMissed")),
        local_host=_text(got.get("LocalHost")),
        local_service=_text(got.get("LocalService")),
        remote_host=_text(got.get("RemoteHost")),
        remote_service=_text(got.get("RemoteService")),
        remote_instance=_text(got.get("RemoteInstance")),
        timeout=_int(what, got.get("Timeout")),
        peer_window=_int(what, got.get("PeerWindow")),
        peer_window_end=_time(what, got.get("PeerWindowEnd")),
        primary_log=_log_triplet(
            what, got.get("PrimaryFile"), got.get("PrimaryPg"), got.get("PrimaryLSN"), lsn=True
        ),
        standby_log=_log_triplet(
            what, got.get("StandByFile"), got.get("StandByPg"), got.get("StandByLSN"), lsn=True
        ),
        log_gap_bytes=_int(what, got.get("LogGapRunAvg (bytes)")),
        fields=tuple(fields),
    )


def _db2pd_101(lines: Sequence[str]) -> Iterator[HadrStatus]:
    blocks: list[list[tuple[str, str]]] = []
    for line in lines:
        kv = _KV_RE.match(line)
        if kv is None:
            raise ParseError(_DB2PD, "expected 'NAME = value' in the 10.1+ layout", [line])
        key, value = kv.group("key"), kv.group("v").strip()
        if key == "HADR_ROLE":
            blocks.append([])
        blocks[-1].append((key, value))
    for block in blocks:
        yield _from_monitor_fields("db2pd 10.1+", block, milliseconds=False)


def _from_monitor_fields(
    source: str, fields: Sequence[tuple[str, str]], *, milliseconds: bool
) -> HadrStatus:
    """A channel from the 10.1+ monitor elements (db2pd keys or MON_GET_HADR columns)."""
    got = {key: value for key, value in fields}
    what = source

    def pick(*keys: str) -> str | None:
        return next((got[k] for k in keys if k in got), None)

    role_raw = pick("HADR_ROLE")
    if role_raw is None:
        raise ParseError(what, "no HADR_ROLE", [f"{k} = {v}" for k, v in fields])
    role = parse_role(role_raw)
    state_raw = _text(pick("HADR_STATE"))
    sync_raw = _text(pick("HADR_SYNCMODE"))
    connect_raw = _text(pick("HADR_CONNECT_STATUS"))
    primary = (_text(pick("PRIMARY_MEMBER_HOST")), _text(pick("PRIMARY_INSTANCE")))
    standby = (_text(pick("STANDBY_MEMBER_HOST")), _text(pick("STANDBY_INSTANCE")))
    local, remote = (standby, primary) if role is HadrRole.STANDBY else (primary, standby)
    seconds = _ms_to_s if milliseconds else _int

    def position(prefix: str) -> LogPosition | None:
        combined = pick(f"{prefix}_LOG_FILE,PAGE,POS")
        if combined is not None:
            return _log_position(what, combined, lsn=False)
        return _log_triplet(
            what,
            pick(f"{prefix}_LOG_FILE"),
            pick(f"{prefix}_LOG_PAGE"),
            pick(f"{prefix}_LOG_POS"),
        )

    return HadrStatus(
        source=source,
        role=role,
        role_raw=role_raw.strip(),
        state=parse_state(state_raw) if state_raw else None,
        state_raw=state_raw,
        sync_mode=parse_sync_mode(sync_raw) if sync_raw else None,
        sync_mode_raw=sync_raw,
        connect_status=parse_connect_status(connect_raw) if connect_raw else None,
        connect_status_raw=connect_raw,
        connect_time=_time(what, pick("HADR_CONNECT_STATUS_TIME")),
        heartbeats_missed=_int(what, pick("HEARTBEAT_MISSED")),
        local_host=local[0],
        remote_host=remote[0],
        remote_instance=remote[1],
        timeout=_int(what, got["HADR_TIMEOUT(seconds)"])
        if "HADR_TIMEOUT(seconds)" in got
        else seconds(what, pick("HADR_TIMEOUT")),
        peer_window=_int(what, got["PEER_WINDOW(seconds)"])
        if "PEER_WINDOW(seconds)" in got
        else seconds(what, pick("PEER_WINDOW")),
        peer_window_end=_time(what, pick("PEER_WINDOW_END")),
        primary_log=position("PRIMARY"),
        standby_log=position("STANDBY"),
        log_gap_bytes=_int(what, pick("HADR_LOG_GAP(bytes)", "HADR_LOG_GAP")),
        standby_id=_int(what, pick("STANDBY_ID")),
        log_stream_id=_int(what, pick("LOG_STREAM_ID")),
        fields=tuple(fields),
    )


# --------------------------------------------------------------------------- GET SNAPSHOT

_SNAPSHOT = "GET SNAPSHOT FOR DATABASE (HADR Status)"
_SNAP_KV_RE = re.compile(r"^\s*(?P<label>[A-Za-z][^=]*?)\s*=\s?(?P<value>.*)$")


def _snap_label(label: str) -> str:
    return re.sub(r"\s+", "", label).lower()


def parse_snapshot_hadr(text: str) -> HadrReport:
    """The ``HADR Status`` section of ``db2 GET SNAPSHOT FOR DB ON XCATDB`` (runbook 5.1.8).

    A snapshot without the section, or with ``Role = Standard``, gives ``hadr_active=False``.
    "SQL1611W No data was returned by Database System Monitor." (database not active) gives
    ``database_active=False``.
    """
    require_text(_SNAPSHOT, text)
    lines = text.splitlines()
    database = _snapshot_database(lines)
    for message in parse_clp_messages(text):
        if message.message_id == "SQL1611W":
            return HadrReport(
                source=_SNAPSHOT,
                database=database,
                database_active=False,
                hadr_active=False,
                note=f"{message.message_id} {message.text}",
            )
        if message.is_error:
            raise Db2MessageError(_SNAPSHOT, message)
    start = next((n for n, line in enumerate(lines) if line.strip().lower() == "hadr status"), None)
    if start is None:
        if any(line.strip() == "Database Snapshot" for line in lines):
            return HadrReport(
                source=_SNAPSHOT,
                database=database,
                hadr_active=False,
                note="the snapshot has no HADR Status section",
            )
        raise ParseError(
            _SNAPSHOT, "neither a database snapshot nor an HADR Status section", content_lines(text)
        )
    fields: list[tuple[str, str]] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if fields:
                break
            continue
        kv = _SNAP_KV_RE.match(line)
        if kv is None:
            if fields:
                break
            raise ParseError(_SNAPSHOT, "expected 'Label = value' after 'HADR Status'", [line])
        fields.append((kv.group("label").strip(), kv.group("value").strip()))
    got = {_snap_label(label): value for label, value in fields}
    if "role" not in got:
        raise ParseError(
            _SNAPSHOT,
            "no Role in the HADR Status section",
            [f"{k} = {v}" for k, v in fields] or lines[start : start + 3],
        )
    role = parse_role(got["role"])
    if role is HadrRole.STANDARD:
        return HadrReport(
            source=_SNAPSHOT, database=database, hadr_active=False, note=f"Role = {got['role']}"
        )
    what = _SNAPSHOT
    connection = got.get("connectionstatus", "")
    connect_raw, _, connect_time = connection.partition(",")
    state_raw = _text(got.get("state"))
    sync_raw = _text(got.get("synchronizationmode"))
    status = HadrStatus(
        source="snapshot",
        role=role,
        role_raw=got["role"],
        state=parse_state(state_raw) if state_raw else None,
        state_raw=state_raw,
        sync_mode=parse_sync_mode(sync_raw) if sync_raw else None,
        sync_mode_raw=sync_raw,
        connect_status=parse_connect_status(connect_raw) if connect_raw.strip() else None,
        connect_status_raw=_text(connect_raw),
        connect_time=_time(what, connect_time),
        heartbeats_missed=_int(what, got.get("heartbeatsmissed", got.get("heartbeatmissed"))),
        local_host=_text(got.get("localhost")),
        local_service=_text(got.get("localservice")),
        remote_host=_text(got.get("remotehost")),
        remote_service=_text(got.get("remoteservice")),
        remote_instance=_text(got.get("remoteinstance")),
        timeout=_int(what, got.get("timeout(seconds)")),
        peer_window=_int(what, got.get("peerwindow(seconds)")),
        peer_window_end=_time(what, got.get("peerwindowend")),
        primary_log=_log_position(what, got.get("primarylogposition(file,page,lsn)"), lsn=True),
        standby_log=_log_position(what, got.get("standbylogposition(file,page,lsn)"), lsn=True),
        log_gap_bytes=_int(what, got.get("loggaprunningaverage(bytes)")),
        fields=tuple(fields),
    )
    return HadrReport(source=_SNAPSHOT, database=database, channels=(status,))


def _snapshot_database(lines: Sequence[str]) -> str | None:
    for line in lines:
        kv = _SNAP_KV_RE.match(line)
        if kv and kv.group("label").strip() == "Database name":
            return kv.group("value").strip() or None
    return None


# --------------------------------------------------------------------------- MON_GET_HADR

_MON = "MON_GET_HADR"
_RECORDS_RE = re.compile(r"^\s*(?P<n>\d+) record\(s\) selected\.\s*$")
_TS = r"\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d{6}"
_WORD = r"[A-Z_]+"
_MON_COLUMNS: dict[str, str] = {
    "HADR_ROLE": r"PRIMARY|STANDBY|STANDARD",
    "REPLAY_TYPE": _WORD,
    "HADR_SYNCMODE": _WORD,
    "HADR_STATE": _WORD,
    "HADR_CONNECT_STATUS": _WORD,
    "HADR_CONNECT_STATUS_TIME": _TS,
    "PRIMARY_LOG_TIME": _TS,
    "STANDBY_LOG_TIME": _TS,
    "STANDBY_REPLAY_LOG_TIME": _TS,
    "PEER_WINDOW_END": _TS,
    "STANDBY_ERROR_TIME": _TS,
    "READS_ON_STANDBY_ENABLED": r"[YN]",
    "STANDBY_REPLAY_ONLY_WINDOW_ACTIVE": r"[YN]",
    "LOG_HADR_WAIT_CUR": r"\d+(?:\.\d+)?",
    "LOG_HADR_WAIT_RECENT_AVG": r"\d+(?:\.\d+)?",
    "LOG_HADR_WAIT_ACCUMULATED": r"\d+(?:\.\d+)?",
}
_INT_COLUMNS = {
    "STANDBY_ID",
    "LOG_STREAM_ID",
    "PRIMARY_MEMBER",
    "STANDBY_MEMBER",
    "HEARTBEAT_INTERVAL",
    "HADR_TIMEOUT",
    "TIME_SINCE_LAST_RECV",
    "PEER_WAIT_LIMIT",
    "LOG_HADR_WAIT_COUNT",
    "SOCK_SEND_BUF_REQUESTED",
    "SOCK_SEND_BUF_ACTUAL",
    "SOCK_RECV_BUF_REQUESTED",
    "SOCK_RECV_BUF_ACTUAL",
    "PRIMARY_LOG_PAGE",
    "PRIMARY_LOG_POS",
    "STANDBY_LOG_PAGE",
    "STANDBY_LOG_POS",
    "HADR_LOG_GAP",
    "STANDBY_REPLAY_LOG_PAGE",
    "STANDBY_REPLAY_LOG_POS",
    "STANDBY_RECV_REPLAY_GAP",
    "STANDBY_RECV_BUF_SIZE",
    "STANDBY_RECV_BUF_PERCENT",
    "STANDBY_SPOOL_LIMIT",
    "STANDBY_SPOOL_PERCENT",
    "PEER_WINDOW",
    "STANDBY_REPLAY_DELAY",
    "TAKEOVER_APP_REMAINING_PRIMARY",
    "TAKEOVER_APP_REMAINING_STANDBY",
    "HEARTBEAT_MISSED",
    "HEARTBEAT_EXPECTED",
}


def _column_pattern(name: str) -> str:
    pattern = r"-?\d+" if name in _INT_COLUMNS else _MON_COLUMNS.get(name, _ONE_TOKEN)
    return rf"(?:-|{pattern})"


def parse_mon_get_hadr(text: str, columns: Sequence[str] | None = None) -> HadrReport:
    """Rows of ``SELECT ... FROM TABLE(MON_GET_HADR(NULL))`` (runbook 5.1.8, DB2 10.1+).

    Reads the CLP's columnar output (a line of column names over a line of dashes) or, given
    ``columns`` (the names in SELECT order), the header-less rows of ``db2 -x``. Rows are split
    into tokens matched against each column's grammar, so an empty HADR_FLAGS or several flags
    are read right. Time durations (HADR_TIMEOUT, PEER_WINDOW) are milliseconds in
    MON_GET_HADR and converted to seconds. No rows, or role STANDARD, gives
    ``hadr_active=False``.
    """
    require_text(_MON, text)
    _raise_if_message(_MON, text)
    lines = content_lines(text)
    rows = [line for line in lines if not _RECORDS_RE.match(line)]
    dash = next((n for n, line in enumerate(rows) if re.fullmatch(r"[-\s]+", line)), None)
    if dash is not None:
        if dash == 0:
            raise ParseError(_MON, "a line of dashes without column names", rows)
        names = [name.upper() for name in rows[dash - 1].split()]
        if columns is not None and [c.upper() for c in columns] != names:
            raise ParseError(
                _MON, f"columns {list(columns)} do not match the header", rows[dash - 1 : dash]
            )
        data = rows[dash + 1 :]
    elif columns is not None:
        names = [name.upper() for name in columns]
        data = rows
    else:
        raise ParseError(
            _MON, "no column header; pass the SELECT's columns for db2 -x output", rows
        )
    if not names or "HADR_ROLE" not in names:
        raise ParseError(_MON, "the rows have no HADR_ROLE column", rows[:2])
    pieces = []
    for n, name in enumerate(names):
        if name == "HADR_FLAGS":
            flags = rf"(?P<c{n}>-|{_WORD}(?:\s+{_WORD})*)"
            pieces.append(rf"(?:\s+{flags})?" if n else rf"(?:{flags})?")
        else:
            sep = r"\s+" if n else ""
            pieces.append(rf"{sep}(?P<c{n}>{_column_pattern(name)})")
    row_re = re.compile(r"^\s*" + "".join(pieces) + r"\s*$")
    channels: list[HadrStatus] = []
    for line in data:
        match = row_re.match(line)
        if match is None:
            raise ParseError(_MON, f"a row that does not fit the columns {names}", [line])
        fields = [(name, match.group(f"c{n}") or "") for n, name in enumerate(names)]
        channels.append(_from_monitor_fields(_MON, fields, milliseconds=True))
    if not channels:
        return HadrReport(source=_MON, hadr_active=False, note="no rows")
    if all(c.role is HadrRole.STANDARD for c in channels):
        return HadrReport(source=_MON, hadr_active=False, note="HADR_ROLE = STANDARD")
    return HadrReport(source=_MON, channels=tuple(channels))


# --------------------------------------------------------------------------- GET DB CFG

_CFG = "GET DB CFG"
_CFG_NAMED_RE = re.compile(r"^\s*(?P<desc>.*?)\s*\((?P<name>[A-Z][A-Z0-9_]*)\)\s*=(?P<value>.*)$")
_CFG_PLAIN_RE = re.compile(r"^\s*(?P<desc>[A-Za-z][^=]*?)\s*=(?P<value>.*)$")
_CFG_HEADING_RE = re.compile(r"^\s*[A-Z][A-Za-z]*(?: [A-Za-z]+){0,5}\s*$")
_CFG_TITLE_RE = re.compile(
    r"^\s*Database Configuration for Database\s*(?P<db>\S+)?\s*$", re.IGNORECASE
)
# Informational lines printed without a parameter name, and the name IBM documents.
_UNNAMED = {
    "HADR database role": "HADR_DB_ROLE",
    "Rollforward pending": "ROLLFWD_PENDING",
    "Backup pending": "BACKUP_PENDING",
    "Restore pending": "RESTORE_PENDING",
    "Database is consistent": "DATABASE_CONSISTENT",
    "Log retain for recovery status": "LOG_RETAIN_STATUS",
    "User exit for logging status": "USER_EXIT_STATUS",
    "Database code page": "CODEPAGE",
    "Database code set": "CODESET",
    "Database territory": "TERRITORY",
    "Path to log files": "LOGPATH",
    "First active log file": "LOGHEAD",
    "Database configuration release level": "RELEASE",
    "Database release level": "DB_RELEASE",
}


@dataclass(frozen=True)
class DbCfgEntry:
    description: str
    name: str | None
    value: str


@dataclass(frozen=True)
class DbCfg(Mapping[str, str]):
    """``db2 GET DB CFG [FOR XCATDB]`` (runbook 5.1.2, 5.1.6, 5.1.10).

    A read-only mapping from parameter name (``LOGRETAIN``, ``HADR_LOCAL_HOST``, any case) to
    the value as printed. Informational lines without a name (``HADR database role``,
    ``Rollforward pending``) are reachable by their IBM name (``HADR_DB_ROLE``,
    ``ROLLFWD_PENDING``) or by :meth:`by_description`.
    """

    database: str | None
    entries: tuple[DbCfgEntry, ...]

    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for entry in self.entries:
            name = entry.name or _UNNAMED.get(entry.description)
            if name is not None:
                names.setdefault(name, entry.value)
        return names

    def __getitem__(self, name: str) -> str:
        return self._names()[name.upper()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def by_description(self, description: str) -> str | None:
        """The value of the line whose description is ``description`` (case-insensitive)."""
        wanted = description.strip().lower()
        return next((e.value for e in self.entries if e.description.lower() == wanted), None)


def parse_db_cfg(text: str) -> DbCfg:
    """Parse ``db2 GET DB CFG`` lines ``Description (NAME) = value`` (runbook 5.1.10)."""
    require_text(_CFG, text)
    _raise_if_message(_CFG, text)
    database: str | None = None
    entries: list[DbCfgEntry] = []
    for line in content_lines(text):
        title = _CFG_TITLE_RE.match(line)
        if title:
            database = title.group("db")
            continue
        if "Delayed Value" in line or "Current Value" in line:
            raise ParseError(_CFG, "the SHOW DETAIL layout is not read here", [line])
        named = _CFG_NAMED_RE.match(line)
        if named:
            entries.append(
                DbCfgEntry(
                    named.group("desc").strip(), named.group("name"), named.group("value").strip()
                )
            )
            continue
        plain = _CFG_PLAIN_RE.match(line)
        if plain:
            entries.append(
                DbCfgEntry(plain.group("desc").strip(), None, plain.group("value").strip())
            )
            continue
        if _CFG_HEADING_RE.match(line):
            continue  # a sub-heading such as "Monitor Collect Settings"
        raise ParseError(_CFG, "expected 'Description (NAME) = value'", [line])
    if not entries:
        raise ParseError(_CFG, "no configuration lines", content_lines(text))
    return DbCfg(database=database, entries=tuple(entries))


# --------------------------------------------------------------------------- BACKUP

_BACKUP_RE = re.compile(
    r"Backup successful\.\s+The timestamp for this backup image\s+is\s*:\s*(?P<ts>\d{14})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BackupImage:
    """``Backup successful. The timestamp for this backup image is : 20100805161232`` (5.1.3)."""

    timestamp: str
    taken_at: datetime


def parse_backup(text: str) -> BackupImage:
    """The image timestamp of ``db2 BACKUP DB XCATDB TO ...`` (runbook 5.1.3).

    A DB2 error (e.g. SQL1035N, database in use) raises :class:`Db2MessageError`.
    """
    require_text("BACKUP DATABASE", text)
    found = _BACKUP_RE.search(text)
    if found is None:
        _raise_if_message("BACKUP DATABASE", text)
        raise ParseError("BACKUP DATABASE", "no 'Backup successful' line", content_lines(text))
    stamp = found.group("ts")
    return BackupImage(stamp, datetime.strptime(stamp, "%Y%m%d%H%M%S"))


# --------------------------------------------------------------------------- LIST APPLICATIONS

_APPS = "LIST APPLICATIONS"


@dataclass(frozen=True)
class Application:
    """One row of ``db2 LIST APPLICATIONS`` (runbook 5.1.1: xcatd is the only client)."""

    auth_id: str
    name: str
    handle: int
    application_id: str
    database: str
    agents: int


def parse_list_applications(text: str) -> tuple[Application, ...]:
    """Rows of ``db2 LIST APPLICATIONS [FOR DATABASE XCATDB]`` (runbook 5.1.1).

    "SQL1611W No data was returned by Database System Monitor." means no application: ``()``.
    Each row is read by tokens: the auth id first, then the name, the numeric handle, the
    application id, the database name and the agent count last.
    """
    require_text(_APPS, text)
    messages = parse_clp_messages(text)
    if any(m.message_id == "SQL1611W" for m in messages):
        return ()
    _raise_if_message(_APPS, text)
    lines = content_lines(text)
    dash = next((n for n, line in enumerate(lines) if re.fullmatch(r"[-\s]+", line)), None)
    if dash is None or not lines[0].lstrip().startswith("Auth Id"):
        raise ParseError(_APPS, "no 'Auth Id  Application ...' header", lines)
    if "Status" in " ".join(lines[:dash]):
        raise ParseError(_APPS, "the SHOW DETAIL layout is not read here", lines[:dash])
    apps: list[Application] = []
    for line in lines[dash + 1 :]:
        tokens = line.split()
        if len(tokens) < 6 or not tokens[-1].isdigit() or not tokens[-4].isdigit():
            raise ParseError(_APPS, "a row that is not 'auth name handle id db agents'", [line])
        apps.append(
            Application(
                auth_id=tokens[0],
                name=" ".join(tokens[1:-4]),
                handle=int(tokens[-4]),
                application_id=tokens[-3],
                database=tokens[-2],
                agents=int(tokens[-1]),
            )
        )
    return tuple(apps)


# --------------------------------------------------------------------------- db2level

_LEVEL = "db2level"
_LEVEL_RE = re.compile(
    r"DB21085I\s+(?:Instance\s+\"(?P<inst1>[^\"]*)\"|This instance or install \(instance name,"
    r" where applicable:\s*\"(?P<inst2>[^\"]*)\"\))\s+uses\s+\"(?P<bits>\d+)\"\s+bits\s+and\s+"
    r"DB2 code release\s+\"(?P<release>[^\"]+)\"\s+with\s+level identifier\s+\"(?P<level>[^\"]+)\"",
)
_TOKENS_RE = re.compile(
    r"Informational tokens are\s+\"(?:DB2|Db2)\s+v(?P<version>[\d.]+)\",\s+\"(?P<build>[^\"]+)\","
    r"\s+\"(?P<platform>[^\"]+)\",\s+and\s+Fix\s+Pack\s+\"(?P<fixpack>\d+)\""
)
_PATH_RE = re.compile(r"Product is installed at\s+\"(?P<path>[^\"]+)\"")


@dataclass(frozen=True)
class Db2Level:
    """``db2level`` (sections 2 and 4: both MNs run the same database level)."""

    instance: str
    bits: int
    release: str
    level_identifier: str
    version: str
    build: str
    platform: str
    fix_pack: int
    install_path: str | None

    @property
    def major_minor(self) -> str:
        """``"9.7"``, ``"10.5"``, ``"11.5"``."""
        return ".".join(self.version.split(".")[:2])


def parse_db2level(text: str) -> Db2Level:
    """Parse ``db2level`` (9.7 "Instance ..." and 10.1+ "This instance or install ..." forms)."""
    require_text(_LEVEL, text)
    joined = re.sub(r"\s+", " ", text)
    head = _LEVEL_RE.search(joined)
    tokens = _TOKENS_RE.search(joined)
    if head is None or tokens is None:
        _raise_if_message(_LEVEL, text)
        raise ParseError(_LEVEL, "no DB21085I level message", content_lines(text))
    path = _PATH_RE.search(joined)
    return Db2Level(
        instance=head.group("inst1") or head.group("inst2") or "",
        bits=int(head.group("bits")),
        release=head.group("release"),
        level_identifier=head.group("level"),
        version=tokens.group("version"),
        build=tokens.group("build"),
        platform=tokens.group("platform"),
        fix_pack=int(tokens.group("fixpack")),
        install_path=path.group("path") if path else None,
    )
