"""Output layouts as IBM documents them: db2pd -hadr (9.7 table layout and the 10.1+
``HADR_ROLE = PRIMARY`` layout), GET SNAPSHOT FOR DB with its "HADR Status" section, LIST
APPLICATIONS, LIST DB DIRECTORY, CONNECT information, ROLLFORWARD status, query result sets,
db2level. Runbook 5.1.8 reads Role, State and ConnectStatus from these.
"""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path
from typing import Any

from .messages import Message
from .storage import ResultSet, _display, column_width

LEVEL_INFO: dict[str, tuple[str, str, str, str, str, str]] = {
    # level: release, level id, informational token, build, special, fix pack
    "9.7": ("SQL09074", "08050107", "DB2 v9.7.0.4", "s110330", "IP23236", "4"),
    "10.1": ("SQL10014", "0205010E", "DB2 v10.1.0.4", "s140509", "IP23584", "4"),
    "10.5": ("SQL10055", "0606010E", "DB2 v10.5.0.5", "s141128", "IP23633", "5"),
    "11.1": ("SQL11014", "0205010E", "DB2 v11.1.4.4", "s1811091000", "DYN1811091000AMD64", "4"),
    "11.5": ("SQL11058", "0608010E", "DB2 v11.5.8.0", "s2209201700", "DYN2209201700AMD64", "0"),
}

STATE_97 = {
    "PEER": "Peer", "DISCONNECTED": "Disconnected", "DISCONNECTED_PEER": "DisconnectedPeer",
    "REMOTE_CATCHUP": "RemoteCatchup", "REMOTE_CATCHUP_PENDING": "RemoteCatchupPending",
    "LOCAL_CATCHUP": "LocalCatchup",
}
STATE_SNAP = {
    "PEER": "Peer", "DISCONNECTED": "Disconnected", "DISCONNECTED_PEER": "Disconnected peer",
    "REMOTE_CATCHUP": "Remote catchup", "REMOTE_CATCHUP_PENDING": "Remote catchup pending",
    "LOCAL_CATCHUP": "Local catchup",
}


def platform_name() -> str:
    """DB2's server product string platform: DB2/AIX64 on the AIX personality."""
    try:
        node = json.loads(Path("/etc/hamn-sim/node.json").read_text())
        if node.get("personality") == "aix":
            return "DB2/AIX64"
    except (OSError, ValueError):
        pass
    return "DB2/LINUXX8664"


def server_version(level: str) -> str:
    token = LEVEL_INFO.get(level, LEVEL_INFO["9.7"])[2]
    parts = token.split("v", 1)[1].split(".")
    return f"{parts[0]}.{parts[1]}.{parts[3]}"


def ctime(t: float) -> str:
    """``Thu Aug  5 20:33:00 2010`` as db2pd 9.7 prints times."""
    return time.ctime(t)


def stamp(t: float, micro: bool = True) -> str:
    """``08/05/2010 20:33:00.412948`` as the snapshot monitor and db2pd 10.1+ print times."""
    base = time.strftime("%m/%d/%Y %H:%M:%S", time.localtime(t))
    return base + (f".{int((t % 1) * 1e6):06d}" if micro else "")


def uptime(since: float) -> str:
    secs = int(time.time() - since)
    days, rest = divmod(secs, 86400)
    return f"{days} days {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"


# -- db2pd -------------------------------------------------------------------------------
def db2pd_header(db: str, level: tuple[int, int], status: str, since: float) -> str:
    if level >= (10, 1):
        return (f"\nDatabase Member 0 -- Database {db} -- {status} -- Up {uptime(since)} -- "
                f"Date {time.strftime('%m/%d/%Y %H:%M:%S')}\n\n")
    return f"\nDatabase Partition 0 -- Database {db} -- {status} -- Up {uptime(since)}\n\n"


def db2pd_not_active(db: str, level: tuple[int, int]) -> str:
    where = "member" if level >= (10, 1) else "partition"
    return f"Database {db} not activated on database {where} 0.\n"


def _cols(rows: list[list[str]], widths: list[int]) -> str:
    out = []
    for row in rows:
        out.append(" ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(out) + "\n\n"


def db2pd_hadr_97(i: dict[str, Any], log_pos: Any) -> str:
    """db2pd -hadr as DB2 9.7 prints it (column tables)."""
    role = i["role"].capitalize()
    state = STATE_97.get(i["state"], i["state"])
    sync = i["syncmode"].capitalize()
    out = "HADR Information:\n"
    out += _cols([["Role", "State", "SyncMode", "HeartBeatsMissed", "LogGapRunAvg (bytes)"],
                  [role, state, sync, str(i["missed"]), str(i["gap_avg"])]],
                 [7, 20, 8, 18, 20])
    ct = i["connect_time"]
    out += _cols([["ConnectStatus", "ConnectTime", "Timeout"],
                  [i["connect_status"].capitalize(), f"{ctime(ct)} ({int(ct)})",
                   str(i["timeout"])]], [13, 37, 10])
    if i["peer_window"] > 0:
        pwe = i["peer_window_end"]
        end = f"{ctime(pwe)} ({int(pwe)})" if pwe else "Null (0)"
        out += _cols([["PeerWindowEnd", "PeerWindow"], [end, str(i["peer_window"])]], [37, 10])
    out += _cols([["LocalHost", "LocalService"], [i["local_host"], i["local_svc"]]], [40, 18])
    out += _cols([["RemoteHost", "RemoteService", "RemoteInstance"],
                  [i["remote_host"], i["remote_svc"], i["remote_inst"]]], [40, 18, 18])
    pf, pp, pl = log_pos(i["primary_lsn"])
    sf, sp, sl = log_pos(i["standby_lsn"])
    out += _cols([["PrimaryFile", "PrimaryPg", "PrimaryLSN"], [pf, str(pp), f"0x{pl:016X}"]],
                 [12, 10, 18])
    out += _cols([["StandByFile", "StandByPg", "StandByLSN"], [sf, str(sp), f"0x{sl:016X}"]],
                 [12, 10, 18])
    return out


def db2pd_hadr_101(i: dict[str, Any], log_pos: Any, inst: str, level: tuple[int, int]) -> str:
    """db2pd -hadr as DB2 10.1 and later print it (KEY = value lines)."""
    primary = i["role"] == "PRIMARY"
    pf, pp, pl = log_pos(i["primary_lsn"])
    sf, sp, sl = log_pos(i["standby_lsn"])
    rf, rp, rl = log_pos(i["replay_lsn"])
    ct = i["connect_time"]
    now = time.time()
    rows: list[tuple[str, str]] = [
        ("HADR_ROLE", i["role"]), ("REPLAY_TYPE", "PHYSICAL"), ("HADR_SYNCMODE", i["syncmode"]),
        ("STANDBY_ID", "1" if primary else "0"), ("LOG_STREAM_ID", "0"),
        ("HADR_STATE", i["state"]),
    ]
    if level >= (10, 5):
        rows.append(("HADR_FLAGS", ""))
    rows += [
        ("PRIMARY_MEMBER_HOST", i["local_host"] if primary else i["remote_host"]),
        ("PRIMARY_INSTANCE", inst if primary else i["remote_inst"]),
        ("PRIMARY_MEMBER", "0"),
        ("STANDBY_MEMBER_HOST", i["remote_host"] if primary else i["local_host"]),
        ("STANDBY_INSTANCE", i["remote_inst"] if primary else inst),
        ("STANDBY_MEMBER", "0"),
        ("HADR_CONNECT_STATUS", i["connect_status"]),
        ("HADR_CONNECT_STATUS_TIME", f"{stamp(ct)} ({int(ct)})"),
        ("HEARTBEAT_INTERVAL(seconds)", str(max(1, int(i["heartbeat"])))),
    ]
    if level >= (10, 5):
        rows += [("HEARTBEAT_MISSED", str(i["missed"])),
                 ("HEARTBEAT_EXPECTED", str(int((now - ct) // i["heartbeat"])))]
    rows += [
        ("HADR_TIMEOUT(seconds)", str(i["timeout"])),
        ("TIME_SINCE_LAST_RECV(seconds)", str(int(i["since_recv"]))),
        ("PEER_WAIT_LIMIT(seconds)", "0"),
        ("LOG_HADR_WAIT_CUR(seconds)", f"{i['wait_cur']:.3f}"),
        ("LOG_HADR_WAIT_RECENT_AVG(seconds)", f"{i['wait_avg']:.6f}"),
        ("LOG_HADR_WAIT_ACCUMULATED(seconds)", f"{i['wait_total']:.3f}"),
        ("LOG_HADR_WAIT_COUNT", str(i["wait_count"])),
        ("SOCK_SEND_BUF_REQUESTED,ACTUAL(bytes)", "0, 16384"),
        ("SOCK_RECV_BUF_REQUESTED,ACTUAL(bytes)", "0, 87380"),
        ("PRIMARY_LOG_FILE,PAGE,POS", f"{pf}, {pp}, {pl}"),
        ("STANDBY_LOG_FILE,PAGE,POS", f"{sf}, {sp}, {sl}"),
        ("HADR_LOG_GAP(bytes)", str(i["log_gap"])),
        ("STANDBY_REPLAY_LOG_FILE,PAGE,POS", f"{rf}, {rp}, {rl}"),
        ("STANDBY_RECV_REPLAY_GAP(bytes)", str(max(0, sl - rl))),
        ("PRIMARY_LOG_TIME", f"{stamp(now)} ({int(now)})"),
        ("STANDBY_LOG_TIME", f"{stamp(now)} ({int(now)})"),
        ("STANDBY_REPLAY_LOG_TIME", f"{stamp(now)} ({int(now)})"),
        ("STANDBY_RECV_BUF_SIZE(pages)", "4298"),
        ("STANDBY_RECV_BUF_PERCENT", "0"),
        ("STANDBY_SPOOL_LIMIT(pages)", "0"),
    ]
    if level >= (10, 5):
        rows.append(("STANDBY_SPOOL_PERCENT", "NULL"))
    if level >= (11, 1):
        rows.append(("STANDBY_ERROR_TIME", "NULL"))
    rows.append(("PEER_WINDOW(seconds)", str(i["peer_window"])))
    if i["peer_window"] > 0:
        pwe = i["peer_window_end"]
        rows.append(("PEER_WINDOW_END", f"{stamp(pwe)} ({int(pwe)})" if pwe else "NULL"))
    rows.append(("READS_ON_STANDBY_ENABLED", "N"))
    width = 37
    return "".join(f"{k.rjust(width)} = {v}\n" for k, v in rows) + "\n"


# -- snapshot ----------------------------------------------------------------------------
def _kv(key: str, value: object, width: int = 43) -> str:
    return f"{key.ljust(width)}= {value}\n"


def snapshot(db: Any, inst_name: str, app_count: int) -> str:
    """GET SNAPSHOT FOR DATABASE ON db: the database section with its HADR Status."""
    now = time.time()
    c = db.counters
    status = "Active"
    if db.role == "STANDBY":
        status = "Active - Standby"
    out = "\n              Database Snapshot\n\n"
    out += _kv("Database name", db.name)
    out += _kv("Database path", f"{db.path}/")
    out += _kv("Input database alias", db.name)
    out += _kv("Database status", status)
    out += _kv("Catalog database partition number", 0)
    out += _kv("Catalog network node name", "")
    out += _kv("Operating system running at database server", "AIX64" if "AIX" in
               platform_name() else "LINUXAMD64")
    out += _kv("Location of the database", "Local")
    out += _kv("First database connect timestamp", stamp(db.activated_at))
    out += _kv("Last reset timestamp", "")
    lb = db.state.last_backup
    if lb:
        t = time.mktime(time.strptime(lb, "%Y%m%d%H%M%S"))
        out += _kv("Last backup timestamp", stamp(t))
    else:
        out += _kv("Last backup timestamp", "")
    out += _kv("Snapshot timestamp", stamp(now))
    out += "\n"
    out += _kv("High water mark for connections", c.high_water)
    out += _kv("Application connects", c.connects)
    out += _kv("Applications connected currently", app_count)
    out += _kv("Appls. executing in DB Manager currently", 0)
    out += "\n"
    out += _kv("Commit statements attempted", c.commits)
    out += _kv("Rollback statements attempted", c.rollbacks)
    out += _kv("Rows deleted", c.deletes)
    out += _kv("Rows inserted", c.inserts)
    out += _kv("Rows updated", c.updates)
    out += _kv("Rows selected", c.selects)
    out += "\n"
    log = db.log
    if log is not None:
        out += _kv("Log space used by the database (Bytes)", log.end_lsn - log.first_lsn)
        out += _kv("First active log file", log.first_active_file())
        out += _kv("Current active log file", log.position(log.end_lsn)[0])
    out += "\n"
    hadr = db.hadr
    if hadr is None:
        return out
    i = hadr.info()
    ct, pwe = i["connect_time"], i["peer_window_end"]
    pos = log.position if log is not None else (lambda x: ("S0000000.LOG", 0, x))
    pf, pp, pl = pos(i["primary_lsn"])
    sf, sp, sl = pos(i["standby_lsn"])
    out += "HADR Status\n"
    w = 23
    out += "  " + _kv("Role", i["role"].capitalize(), w)
    out += "  " + _kv("State", STATE_SNAP.get(i["state"], i["state"]), w)
    out += "  " + _kv("Synchronization mode", i["syncmode"].capitalize(), w)
    out += "  " + _kv("Connection status", f"{i['connect_status'].capitalize()}, {stamp(ct)}", w)
    if i["peer_window"] > 0:
        out += "  " + _kv("Peer window end",
                          f"{stamp(pwe)} ({int(pwe)})" if pwe else "Null (0)", w)
        out += "  " + _kv("Peer window (seconds)", i["peer_window"], w)
    out += "  " + _kv("Heartbeats missed", i["missed"], w)
    out += "  " + _kv("Local host", i["local_host"], w)
    out += "  " + _kv("Local service", i["local_svc"], w)
    out += "  " + _kv("Remote host", i["remote_host"], w)
    out += "  " + _kv("Remote service", i["remote_svc"], w)
    out += "  " + _kv("Remote instance", i["remote_inst"], w)
    out += "  " + _kv("timeout(seconds)", i["timeout"], w)
    out += f"  Primary log position(file, page, LSN) = {pf}, {pp}, {pl:016X}\n"
    out += f"  Standby log position(file, page, LSN) = {sf}, {sp}, {sl:016X}\n"
    out += f"  Log gap running average(bytes) = {i['gap_avg']}\n\n"
    return out


# -- CLP listings ------------------------------------------------------------------------
def list_applications(apps: list[Any], inst: str) -> str:
    widths = [8, 14, 10, 62, 8, 5]
    head1 = ["Auth Id", "Application", "Appl.", "Application Id", "DB", "# of"]
    head2 = ["", "Name", "Handle", "", "Name", "Agents"]
    lines = ["", _row(head1, widths), _row(head2, widths), " ".join("-" * w for w in widths)]
    for a in apps:
        lines.append(_row([a.user.upper(), a.appname[:14], str(a.handle), a.appl_id,
                           a.db.name, "1"], widths))
    return "\n".join(lines) + "\n\n"


def _row(values: list[str], widths: list[int]) -> str:
    return " ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip()


def list_db_directory(entries: list[dict[str, Any]], home: str, release: str) -> str:
    out = "\n System Database Directory\n\n"
    out += f" Number of entries in the directory = {len(entries)}\n\n"
    for n, e in enumerate(entries, 1):
        out += f"Database {n} entry:\n\n"
        rows = [
            ("Database alias", e["alias"]), ("Database name", e["name"]),
            ("Local database directory", home), ("Database release level", release),
            ("Comment", ""), ("Directory entry type", "Indirect"),
            ("Catalog database partition number", "0"),
            ("Alternate server hostname", e.get("alt_host", "")),
            ("Alternate server port number", e.get("alt_port", "")),
        ]
        for k, v in rows:
            out += f" {k.ljust(36)} = {v}\n"
        out += "\n"
    return out


def connect_info(level: str, user: str, alias: str) -> str:
    return (
        "\n   Database Connection Information\n\n"
        f" Database server        = {platform_name()} {server_version(level)}\n"
        f" SQL authorization ID   = {user.upper()[:8]}\n"
        f" Local database alias   = {alias}\n\n"
    )


def rollforward_status(db: str, level: tuple[int, int], status: str, first: str, last: str,
                       complete: bool) -> str:
    member = level >= (10, 1)
    out = "\n                                 Rollforward Status\n\n"
    out += f" {'Input database alias'.ljust(38)} = {db}\n"
    label = "Number of members have returned status" if member else \
        "Number of nodes have returned status"
    out += f" {label.ljust(38)} = 1\n\n"
    out += f" {('Member ID' if member else 'Node number').ljust(38)} = 0\n"
    out += f" {'Rollforward status'.ljust(38)} = {status}\n"
    out += f" {'Next log file to be read'.ljust(38)} =\n"
    out += f" {'Log files processed'.ljust(38)} = {first} - {last}\n"
    out += (f" {'Last committed transaction'.ljust(38)} = "
            f"{time.strftime('%Y-%m-%d-%H.%M.%S', time.gmtime())}.000000 UTC\n\n")
    return out


def result_set(rs: ResultSet, headings: bool = True) -> str:
    """A SELECT's rows as the CLP prints them (column widths from the declared types)."""
    cols = list(zip(*rs.rows, strict=False)) if rs.rows else [() for _ in rs.columns]
    layout = [column_width(t, list(v), c) for c, t, v in zip(rs.columns, rs.types, cols,
                                                             strict=False)]
    lines: list[str] = []
    if headings:
        lines.append("")
        lines.append(" ".join(
            (c.rjust(w) if num else c.ljust(w)) for c, (w, num) in zip(rs.columns, layout,
                                                                    strict=False)))
        lines.append(" ".join("-" * w for w, _ in layout))
    for row in rs.rows:
        cells = []
        for v, (w, num) in zip(row, layout, strict=False):
            text = _display(v)
            cells.append(text.rjust(w) if num and v is not None else text.ljust(w))
        lines.append(" ".join(cells))
    if headings:
        lines.append("")
        lines.append(f"  {len(rs.rows)} record(s) selected.")
        lines.append("")
    return "\n".join(lines) + "\n"


def db2level(level: str, inst: str) -> str:
    rel, lid, token, build, special, fp = LEVEL_INFO.get(level, LEVEL_INFO["9.7"])
    major, minor = level.split(".")
    if (int(major), int(minor)) >= (11, 1):
        first = (f'This instance or install (instance name, where applicable: "{inst}") uses '
                 f'"64" bits and DB2 code release "{rel}" with level identifier "{lid}".')
    else:
        first = (f'Instance "{inst}" uses "64" bits and DB2 code release "{rel}" with level '
                 f'identifier "{lid}".')
    out = Message("DB21085I", 0, "", first).render()
    tokens = (f'Informational tokens are "{token}", "{build}", "{special}", and Fix Pack '
              f'"{fp}".')
    out += " \n".join(textwrap.wrap(tokens, 79)) + "\n"
    path = f"/opt/IBM/db2/V{level}" if int(major) < 11 else f"/opt/ibm/db2/V{level}"
    out += f'Product is installed at "{path}".\n\n'
    return out
