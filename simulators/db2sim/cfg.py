"""Database configuration: the parameters UPDATE DB CFG sets and GET DB CFG prints.

Runbook 5.1.2 sets LOGRETAIN, TRACKMOD, LOGINDEXBUILD, INDEXREC; 5.1.6 sets the HADR_*
parameters. As in DB2 9.7, LOGRETAIN ON means RECOVERY and also sets LOGARCHMETH1 to
LOGRETAIN; turning a circular-logging database recoverable puts it in BACKUP PENDING. From
10.1 on LOGRETAIN and USEREXIT no longer exist (LOGARCHMETH1 LOGRETAIN replaces them).
GET DB CFG prints `` <description>  (<NAME>) = <value>`` with the ``=`` in column 58.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .messages import Db2Error, fail


@dataclass(frozen=True)
class Param:
    """One configurable parameter."""

    name: str
    desc: str
    default: str
    kind: str  # "int:lo:hi", "enum:A|B", "onoff", "str", "logarch"
    since: tuple[int, int] = (9, 7)
    until: tuple[int, int] = (99, 0)

    def valid_at(self, level: tuple[int, int]) -> bool:
        return self.since <= level < self.until


PARAMS: tuple[Param, ...] = (
    Param("LOGFILSIZ", "Log file size (4KB)", "1000", "int:4:1048572"),
    Param("LOGPRIMARY", "Number of primary log files", "3", "int:2:256"),
    Param("LOGSECOND", "Number of secondary log files", "2", "int:-1:254"),
    Param("LOGRETAIN", "Log retain for recovery enabled", "OFF", "logretain", until=(10, 1)),
    Param("USEREXIT", "User exit for logging enabled", "OFF", "onoff", until=(10, 1)),
    Param("LOGARCHMETH1", "First log archive method", "OFF", "logarch"),
    Param("LOGARCHMETH2", "Second log archive method", "OFF", "logarch"),
    Param("HADR_LOCAL_HOST", "HADR local host name", "", "str"),
    Param("HADR_LOCAL_SVC", "HADR local service name", "", "str"),
    Param("HADR_REMOTE_HOST", "HADR remote host name", "", "str"),
    Param("HADR_REMOTE_SVC", "HADR remote service name", "", "str"),
    Param("HADR_REMOTE_INST", "HADR instance name of remote server", "", "str"),
    Param("HADR_TIMEOUT", "HADR timeout value", "120", "int:1:4294967295"),
    Param("HADR_TARGET_LIST", "HADR target list", "", "str", since=(10, 1)),
    Param("HADR_SYNCMODE", "HADR log write synchronization mode", "NEARSYNC",
          "enum:SYNC|NEARSYNC|ASYNC|SUPERASYNC"),
    Param("HADR_SPOOL_LIMIT", "HADR spool log data limit (4KB)", "0", "int:-1:2147483647",
          since=(10, 1)),
    Param("HADR_REPLAY_DELAY", "HADR log replay delay (seconds)", "0", "int:0:2147483647",
          since=(10, 1)),
    Param("HADR_PEER_WINDOW", "HADR peer window duration (seconds)", "0", "int:0:4294967295"),
    Param("INDEXREC", "Index re-creation time and redo index build", "SYSTEM",
          "enum:SYSTEM|ACCESS|ACCESS_NO_REDO|RESTART|RESTART_NO_REDO"),
    Param("LOGINDEXBUILD", "Log pages during index build", "OFF", "onoff"),
    Param("TRACKMOD", "Track modified pages", "OFF", "onoff"),
    Param("AUTORESTART", "Auto restart enabled", "ON", "onoff"),
)
BY_NAME = {p.name: p for p in PARAMS}
HADR_PARAMS = frozenset(p.name for p in PARAMS if p.name.startswith("HADR_"))


def defaults() -> dict[str, str]:
    return {p.name: p.default for p in PARAMS}


def _onoff(value: str) -> str | None:
    v = value.upper()
    if v in ("ON", "YES"):
        return "ON"
    if v in ("OFF", "NO"):
        return "OFF"
    return None


def normalise(name: str, value: str, level: tuple[int, int]) -> tuple[str, str]:
    """Validate ``name value`` of UPDATE DB CFG; return (NAME, stored value) or raise."""
    key = name.upper()
    param = BY_NAME.get(key)
    if param is None or not param.valid_at(level):
        raise fail("SQL0104N", name, "USING", "<config-parameter>")
    kind = param.kind
    if kind.startswith("int:"):
        lo, hi = (int(x) for x in kind.split(":")[1:])
        if not value.lstrip("-").isdigit() or not lo <= int(value) <= hi:
            raise fail("SQL5130N", key.lower(), lo, hi)
        return key, str(int(value))
    if kind.startswith("enum:"):
        choices = kind.split(":", 1)[1].split("|")
        if value.upper() not in choices:
            raise fail("SQL0104N", value, key, choices[0])
        return key, value.upper()
    if kind == "onoff":
        v = _onoff(value)
        if v is None:
            raise fail("SQL0104N", value, key, "ON")
        return key, v
    if kind == "logretain":
        v = value.upper()
        if v in ("ON", "YES", "RECOVERY"):
            return key, "RECOVERY"
        if v in ("OFF", "NO"):
            return key, "OFF"
        if v == "CAPTURE":
            return key, "CAPTURE"
        raise fail("SQL0104N", value, key, "RECOVERY")
    if kind == "logarch":
        v = value.upper()
        if v in ("OFF", "LOGRETAIN", "USEREXIT") or v.startswith(("DISK:", "TSM", "VENDOR:")):
            return key, value if v.startswith("DISK:") else v
        raise fail("SQL0104N", value, key, "OFF")
    # str: NULL resets
    if value.upper() == "NULL":
        return key, ""
    return key, value


def recoverable(params: dict[str, str]) -> bool:
    """Whether the database uses archive logging (LOGRETAIN or LOGARCHMETH1/2)."""
    return (
        params.get("LOGRETAIN", "OFF") not in ("OFF", "")
        or params.get("LOGARCHMETH1", "OFF") != "OFF"
        or params.get("LOGARCHMETH2", "OFF") != "OFF"
    )


def apply_updates(
    params: dict[str, str], pairs: list[tuple[str, str]], level: tuple[int, int]
) -> tuple[dict[str, str], bool]:
    """Apply UPDATE DB CFG pairs; return (new params, now-recoverable-from-circular)."""
    new = dict(params)
    was = recoverable(params)
    for name, value in pairs:
        key, v = normalise(name, value, level)
        new[key] = v
        if key == "LOGRETAIN":
            if v == "RECOVERY" and new.get("LOGARCHMETH1", "OFF") == "OFF":
                new["LOGARCHMETH1"] = "LOGRETAIN"
            elif v == "OFF" and new.get("LOGARCHMETH1") == "LOGRETAIN":
                new["LOGARCHMETH1"] = "OFF"
    return new, (not was) and recoverable(new)


def release_level(level: tuple[int, int]) -> str:
    return {
        (9, 7): "0x0d00", (10, 1): "0x0e00", (10, 5): "0x1000", (11, 1): "0x1400",
        (11, 5): "0x1500",
    }.get(level, "0x0d00")


def line(desc: str, name: str | None, value: str) -> str:
    """One GET DB CFG line, ``=`` at column 58 as the CLP prints it."""
    left = f" {desc}"
    if name:
        right = f"({name})"
        pad = max(1, 56 - len(left) - len(right))
        head = left + " " * pad + right
    else:
        head = left.ljust(56)
    return f"{head} = {value}"


def display(name: str, value: str, level: tuple[int, int]) -> str:
    if name == "INDEXREC" and value == "SYSTEM":
        return "SYSTEM (RESTART)"
    if name in ("TRACKMOD",) and level >= (10, 1):
        return "YES" if value == "ON" else "NO"
    return value


def format_cfg(
    dbname: str,
    params: dict[str, str],
    state: Callable[[str], str],
    level: tuple[int, int],
) -> str:
    """GET DB CFG output. ``state(key)`` supplies informational values (role, pendings ...)."""
    out = ["", f"       Database Configuration for Database {dbname}", ""]

    def p(name: str) -> None:
        param = BY_NAME[name]
        if param.valid_at(level):
            out.append(line(param.desc, name, display(name, params.get(name, ""), level)))

    out.append(line("Database configuration release level", None, release_level(level)))
    out.append(line("Database release level", None, release_level(level)))
    out.append("")
    out.append(line("Database territory", None, "US"))
    out.append(line("Database code page", None, "1208"))
    out.append(line("Database code set", None, "UTF-8"))
    out.append(line("Database country/region code", None, "1"))
    out.append(line("Database collating sequence", None, "IDENTITY"))
    out.append(line("Alternate collating sequence", "ALT_COLLATE", ""))
    out.append(line("Database page size", None, "4096"))
    out.append("")
    out.append(line("Backup pending", None, state("backup_pending")))
    out.append("")
    out.append(line("All committed transactions have been written to disk", None,
                    state("consistent")))
    out.append(line("Rollforward pending", None, state("rollforward_pending")))
    out.append(line("Restore pending", None, "NO"))
    out.append("")
    out.append(line("Auto restart enabled", "AUTORESTART", params.get("AUTORESTART", "ON")))
    p("LOGFILSIZ")
    p("LOGPRIMARY")
    p("LOGSECOND")
    out.append(line("Changed path to log files", "NEWLOGPATH", ""))
    out.append(line("Path to log files", None, state("logpath")))
    out.append(line("Overflow log path", "OVERFLOWLOGPATH", ""))
    out.append(line("Mirror log path", "MIRRORLOGPATH", ""))
    out.append(line("First active log file", None, state("first_active_log")))
    out.append("")
    out.append(line("HADR database role", None, state("hadr_role")))
    for name in (
        "HADR_LOCAL_HOST", "HADR_LOCAL_SVC", "HADR_REMOTE_HOST", "HADR_REMOTE_SVC",
        "HADR_REMOTE_INST", "HADR_TIMEOUT", "HADR_TARGET_LIST", "HADR_SYNCMODE",
        "HADR_SPOOL_LIMIT", "HADR_REPLAY_DELAY", "HADR_PEER_WINDOW",
    ):
        p(name)
    out.append("")
    p("LOGRETAIN")
    p("USEREXIT")
    p("LOGARCHMETH1")
    out.append(line("Options for logarchmeth1", "LOGARCHOPT1", ""))
    p("LOGARCHMETH2")
    out.append(line("Options for logarchmeth2", "LOGARCHOPT2", ""))
    out.append(line("Failover log archive path", "FAILARCHPATH", ""))
    out.append(line("Number of log archive retries on error", "NUMARCHRETRY", "5"))
    out.append(line("Log archive retry Delay (secs)", "ARCHRETRYDELAY", "20"))
    out.append(line("Vendor options", "VENDOROPT", ""))
    out.append("")
    p("INDEXREC")
    p("LOGINDEXBUILD")
    out.append(line("Default number of loadrec sessions", "DFT_LOADREC_SES", "1"))
    out.append(line("Number of database backups to retain", "NUM_DB_BACKUPS", "12"))
    out.append(line("Recovery history retention (days)", "REC_HIS_RETENTN", "366"))
    out.append(line("Auto deletion of recovery objects", "AUTO_DEL_REC_OBJ", "OFF"))
    out.append("")
    p("TRACKMOD")
    out.append("")
    return "\n".join(out) + "\n"


def check_hadr_ready(params: dict[str, str]) -> None:
    """Raise SQL1768N rc 1 (circular logging) or rc 8 (NULL HADR parameters)."""
    if not recoverable(params):
        raise fail("SQL1768N", 1)
    for name in ("HADR_LOCAL_HOST", "HADR_LOCAL_SVC", "HADR_REMOTE_HOST", "HADR_REMOTE_SVC",
                 "HADR_REMOTE_INST"):
        if not params.get(name):
            raise fail("SQL1768N", 8)


__all__ = [
    "BY_NAME", "HADR_PARAMS", "PARAMS", "Db2Error", "apply_updates", "check_hadr_ready",
    "defaults", "format_cfg", "line", "normalise", "recoverable",
]
