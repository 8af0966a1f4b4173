"""The simulated node's service manager: one table of subsystems behind two faces.

Linux MNs control daemons with ``service NAME start|stop|status|restart``; AIX MNs with the
System Resource Controller (``startsrc -s``, ``stopsrc -s``, ``lssrc -s|-a``). Both faces
drive the same processes and pid files here, so hamn's platform choice (hamn.services) is
exercised for real. Messages and exit codes follow each platform's documentation: AIX SRC
messages 0513-xxx, LSB exit codes for ``service ... status`` (0 running, 3 stopped).
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RUN_DIR = Path("/run/hamn-sim")
LOG_DIR = Path("/var/log/hamn-sim")
NODE_FILE = Path("/etc/hamn-sim/node.json")
SIM_PYTHONPATH = "/opt/hamn-sim"


def _node() -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads(NODE_FILE.read_text())
        return data
    except (OSError, ValueError):
        return {}


def _interface() -> str:
    return str(_node().get("interface", "eth0"))


@dataclass(frozen=True)
class Subsystem:
    """A daemon run in the foreground and daemonised here."""

    name: str
    argv: Callable[[], list[str]]
    aix_name: str = ""  # the SRC subsystem name where it differs (dhcpsd)
    group: str = ""
    user: str = "root"
    port: int | None = None
    aliases: tuple[str, ...] = ()
    prepare: Callable[[], None] | None = None
    env: dict[str, str] = field(default_factory=dict)


def _prepare_dhcpd() -> None:
    Path("/var/lib/dhcp").mkdir(parents=True, exist_ok=True)
    Path("/var/lib/dhcp/dhcpd.leases").touch()
    conf = Path("/etc/dhcp/dhcpd.conf")
    if not conf.exists():
        raise SystemExit("dhcpd: /etc/dhcp/dhcpd.conf is missing: run makedhcp -n first")


def _prepare_postgres() -> None:
    run = Path("/var/run/postgresql")
    run.mkdir(parents=True, exist_ok=True)
    pw = pwd.getpwnam("postgres")
    os.chown(run, pw.pw_uid, pw.pw_gid)


def _prepare_mysql() -> None:
    run = Path("/run/mysqld")
    run.mkdir(parents=True, exist_ok=True)
    pw = pwd.getpwnam("mysql")
    os.chown(run, pw.pw_uid, pw.pw_gid)


def _prepare_named() -> None:
    run = Path("/run/named")
    run.mkdir(parents=True, exist_ok=True)
    pw = pwd.getpwnam("bind")
    os.chown(run, pw.pw_uid, pw.pw_gid)


def _xcat(tool: str) -> Callable[[], list[str]]:
    return lambda: [f"/opt/hamn-sim/simulators/xcatsim/bin/{tool}"]


SUBSYSTEMS: tuple[Subsystem, ...] = (
    Subsystem("sshd", lambda: ["/usr/sbin/sshd", "-D", "-e"], group="ssh", port=22,
              aliases=("ssh",), prepare=lambda: Path("/run/sshd").mkdir(exist_ok=True)),
    Subsystem("cron", lambda: ["/usr/sbin/cron", "-f"], aliases=("crond",)),
    Subsystem("xcatd", _xcat("xcatd"), port=3001,
              env={"PYTHONPATH": SIM_PYTHONPATH}),
    Subsystem("dhcpd", lambda: ["/usr/sbin/dhcpd", "-4", "-f", "-q",
                                "-cf", "/etc/dhcp/dhcpd.conf",
                                "-lf", "/var/lib/dhcp/dhcpd.leases", _interface()],
              group="tcpip", aliases=("dhcpsd", "isc-dhcp-server"), prepare=_prepare_dhcpd,
              aix_name="dhcpsd"),
    Subsystem("named", lambda: ["/usr/sbin/named", "-f", "-u", "bind"], group="tcpip",
              port=53, aliases=("bind9",), prepare=_prepare_named),
    Subsystem("postgresql", lambda: [
        "/usr/lib/postgresql/15/bin/postgres", "-D", "/var/lib/postgresql/15/main",
        "-c", "config_file=/etc/postgresql/15/main/postgresql.conf"],
        user="postgres", port=5432, aliases=("postgres",), prepare=_prepare_postgres),
    Subsystem("mysql", lambda: ["/usr/sbin/mariadbd", "--user=mysql"], port=3306,
              aliases=("mariadb", "mysqld"), prepare=_prepare_mysql),
    Subsystem("bmc", _xcat("bmcd"), port=623, env={"PYTHONPATH": SIM_PYTHONPATH}),
)


def find(name: str) -> Subsystem | None:
    for sub in SUBSYSTEMS:
        if name == sub.name or name in sub.aliases:
            return sub
    return None


def _pidfile(sub: Subsystem) -> Path:
    return RUN_DIR / f"{sub.name}.pid"


def pid_of(sub: Subsystem) -> int | None:
    try:
        pid = int(_pidfile(sub).read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # A zombie is not a running daemon.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return None
    except OSError:
        return None
    return pid


def _port_open(port: int) -> bool:
    for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(0.3)
                if s.connect_ex((addr, port)) == 0:
                    return True
        except OSError:
            continue
    # Some daemons (dhcpd, a moved xcatd) listen on the node address only.
    try:
        addr = str(_node().get("address", ""))
        if addr:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.settimeout(0.3)
                return s.connect_ex((addr, port)) == 0
    except OSError:
        pass
    return False


def start(sub: Subsystem, wait: float = 30.0) -> int:
    """Start SUB; return its pid once it is ready. Raises RuntimeError if it dies."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if sub.prepare:
        sub.prepare()
    log = LOG_DIR / f"{sub.name}.log"
    argv = sub.argv()
    pid = os.fork()
    if pid == 0:  # child: detach and exec
        os.setsid()
        fd = os.open(str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        env = dict(os.environ)
        env.update(sub.env)
        # Daemons (xcatd restarting dhcpd the platform's way) need both faces' commands.
        env["PATH"] = ("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
                       "/opt/xcat/bin:/opt/xcat/sbin:/usr/aix/bin:/usr/aix/sbin")
        if sub.user != "root":
            pw = pwd.getpwnam(sub.user)
            os.setgid(pw.pw_gid)
            os.initgroups(sub.user, pw.pw_gid)
            os.setuid(pw.pw_uid)
            env["HOME"] = pw.pw_dir
            env["USER"] = env["LOGNAME"] = sub.user
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    _pidfile(sub).write_text(f"{pid}\n")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            tail = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
            raise RuntimeError(
                f"{sub.name} exited with status {status >> 8}: " + " | ".join(tail))
        if sub.port is None or _port_open(sub.port):
            return pid
        time.sleep(0.05)
    raise RuntimeError(f"{sub.name} did not become ready within {wait:.0f}s (see {log})")


def stop(sub: Subsystem, wait: float = 20.0) -> bool:
    """Stop SUB; return False if it was not running."""
    pid = pid_of(sub)
    if pid is None:
        _pidfile(sub).unlink(missing_ok=True)
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and pid_of(sub) is not None:
        time.sleep(0.05)
    if pid_of(sub) is not None:
        os.killpg(pid, signal.SIGKILL)
    _pidfile(sub).unlink(missing_ok=True)
    return True


# --- Linux face: service NAME start|stop|status|restart ------------------------------------

def linux_main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("Usage: service < option > | --status-all | "
              "[ service_name [ command | --full-restart ] ]", file=sys.stderr)
        return 1
    name, action = argv[0], argv[1]
    sub = find(name)
    if sub is None:
        print(f"{name}: unrecognized service", file=sys.stderr)
        return 1
    label = sub.name
    if action == "status":
        pid = pid_of(sub)
        if pid is None:
            print(f"{label} is not running")
            return 3
        print(f"{label} (pid {pid}) is running...")
        return 0
    if action in ("start", "stop", "restart"):
        if action in ("stop", "restart"):
            stop(sub)
            print(f"Stopping {label}: [  OK  ]")
        if action in ("start", "restart"):
            if pid_of(sub) is not None:
                print(f"Starting {label}: [  OK  ]")
                return 0
            try:
                start(sub)
            except (RuntimeError, SystemExit) as err:
                print(f"Starting {label}: [FAILED]")
                print(str(err), file=sys.stderr)
                return 1
            print(f"Starting {label}: [  OK  ]")
        return 0
    print(f"Usage: {label} {{start|stop|status|restart}}", file=sys.stderr)
    return 2


# --- AIX face: the System Resource Controller ------------------------------------------------

def _subsystem_arg(argv: list[str], prog: str) -> str | None:
    if "-s" in argv and argv.index("-s") + 1 < len(argv):
        return argv[argv.index("-s") + 1]
    if "-g" in argv and argv.index("-g") + 1 < len(argv):
        return argv[argv.index("-g") + 1]
    print(f"Usage: {prog} -s Subsystem | -g Group [-a Argument] [-e Environment]",
          file=sys.stderr)
    return None


def _lookup(argv: list[str], prog: str) -> tuple[str, Subsystem] | None:
    """The -s/-g subsystem of an SRC command, or None after printing SRC's message."""
    name = _subsystem_arg(argv, prog)
    if name is None:
        return None
    sub = find(name)
    if sub is None:
        print(f"0513-085 The {name} Subsystem is not on file.", file=sys.stderr)
        return None
    return name, sub


def startsrc_main(argv: list[str]) -> int:
    found = _lookup(argv, "startsrc")
    if found is None:
        return 1
    name, sub = found
    if pid_of(sub) is not None:
        print(f"0513-029 The {name} Subsystem is already active.\n"
              "Multiple instances are not supported.", file=sys.stderr)
        return 1
    try:
        pid = start(sub)
    except (RuntimeError, SystemExit) as err:
        print(f"0513-059 The {name} Subsystem could not be started.\n{err}", file=sys.stderr)
        return 1
    print(f"0513-059 The {name} Subsystem has been started. Subsystem PID is {pid}.")
    return 0


def stopsrc_main(argv: list[str]) -> int:
    found = _lookup(argv, "stopsrc")
    if found is None:
        return 1
    name, sub = found
    if not stop(sub):
        print(f"0513-004 The Subsystem or Group, {name}, is currently inoperative.",
              file=sys.stderr)
        return 1
    print(f"0513-044 The {name} Subsystem was requested to stop.")
    return 0


def _lssrc_row(name: str, sub: Subsystem) -> str:
    pid = pid_of(sub)
    if pid is None:
        return f" {name:<17} {sub.group:<16} {'':<12} inoperative"
    return f" {name:<17} {sub.group:<16} {pid:<12} active"


def lssrc_main(argv: list[str]) -> int:
    header = "Subsystem         Group            PID          Status "
    if "-a" in argv:
        print(header)
        for each in SUBSYSTEMS:
            print(_lssrc_row(each.aix_name or each.name, each))
        return 0
    found = _lookup(argv, "lssrc")
    if found is None:
        return 1
    name, sub = found
    print(header)
    print(_lssrc_row(name, sub))
    return 0


FACES = {
    "service": linux_main,
    "startsrc": startsrc_main,
    "stopsrc": stopsrc_main,
    "lssrc": lssrc_main,
}


def main() -> int:
    prog = Path(sys.argv[0]).name
    if prog not in FACES and len(sys.argv) > 1 and sys.argv[1] in FACES:
        prog, args = sys.argv[1], sys.argv[2:]
    else:
        args = sys.argv[1:]
    face = FACES.get(prog)
    if face is None:
        print(f"svc: unknown face {prog}; one of {', '.join(FACES)}", file=sys.stderr)
        return 2
    if os.geteuid() != 0 and prog != "lssrc" and not (prog == "service" and "status" in args):
        print(f"{prog}: must be run as root", file=sys.stderr)
        return 1
    return face(args)


if __name__ == "__main__":
    sys.exit(main())
