"""The DB2 instance on disk: its home, sqllib/ layout, level, password and name services.

A DB2 instance lives in the home of its owner (``/var/lib/db2`` for ``xcatdb`` on an xCAT MN):
``sqllib/db2nodes.cfg`` (``0 <hostname> 0``, rewritten by ``db2gcf -u`` in runbook section 8),
``sqllib/db2profile`` (puts ``sqllib/bin`` on PATH), ``sqllib/bin`` (the commands),
``sqllib/tmp`` (the engine's socket), ``sqllib/db2dump/db2diag.log`` and the databases under
``<home>/<instance>/NODE0000/``. The simulator adds ``sqllib/cfg/simlevel`` (the DB2 level it
plays: 9.7 ... 11.5) and ``sqllib/cfg/simpasswd`` (salted password hashes for USER/USING).

Environment: ``DB2SIM_HOME`` (instance home; default the invoking user's home),
``DB2SIM_SERVICES`` (services file; default /etc/services), ``DB2SIM_HOSTNAME`` (hostname).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import pwd
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("9.7", "10.1", "10.5", "11.1", "11.5")
COMMANDS = ("db2", "db2pd", "db2start", "db2stop", "db2gcf", "db2level")


def default_home() -> Path:
    """The instance home: $DB2SIM_HOME, else the invoking user's home directory."""
    env = os.environ.get("DB2SIM_HOME")
    if env:
        return Path(env)
    try:
        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        return Path.home()


def hostname() -> str:
    """The host name DB2 sees ($DB2SIM_HOSTNAME overrides the system's)."""
    return os.environ.get("DB2SIM_HOSTNAME") or socket.gethostname()


def services_path() -> Path:
    return Path(os.environ.get("DB2SIM_SERVICES", "/etc/services"))


def resolve_service(value: str) -> int | None:
    """A port from a number or a tcp service name of the services file (None: not found)."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        port = int(value)
        return port if 0 < port < 65536 else None
    try:
        text = services_path().read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or "/" not in fields[1]:
            continue
        port_s, proto = fields[1].split("/", 1)
        if proto.lower() != "tcp" or not port_s.isdigit():
            continue
        if value == fields[0] or value in fields[2:]:
            return int(port_s)
    return None


def resolve_host(value: str) -> str | None:
    """An IPv4 address for a host name or address (None: cannot be resolved)."""
    try:
        return socket.gethostbyname(value.strip())
    except OSError:
        return None


@dataclass(frozen=True)
class Instance:
    """Paths and settings of one instance, all derived from its home directory."""

    home: Path

    @classmethod
    def current(cls) -> Instance:
        return cls(default_home())

    @property
    def sqllib(self) -> Path:
        return self.home / "sqllib"

    @property
    def cfgdir(self) -> Path:
        return self.sqllib / "cfg"

    @property
    def tmpdir(self) -> Path:
        return self.sqllib / "tmp"

    @property
    def socket_path(self) -> Path:
        return self.tmpdir / "db2sim.sock"

    @property
    def pid_path(self) -> Path:
        return self.tmpdir / "db2sim.pid"

    @property
    def diag_path(self) -> Path:
        return self.sqllib / "db2dump" / "db2diag.log"

    @property
    def nodes_cfg(self) -> Path:
        return self.sqllib / "db2nodes.cfg"

    @property
    def dbdir_path(self) -> Path:
        return self.sqllib / "sqldbdir" / "sqldbdir.json"

    @property
    def name(self) -> str:
        """Instance name (the owner's user name), from sqllib/cfg/instname."""
        try:
            return (self.cfgdir / "instname").read_text().strip() or "xcatdb"
        except OSError:
            return "xcatdb"

    @property
    def node_dir(self) -> Path:
        return self.home / self.name / "NODE0000"

    @property
    def level(self) -> str:
        try:
            value = (self.cfgdir / "simlevel").read_text().strip()
        except OSError:
            return "9.7"
        return value if value in LEVELS else "9.7"

    @property
    def level_tuple(self) -> tuple[int, int]:
        major, minor = self.level.split(".")
        return int(major), int(minor)

    def exists(self) -> bool:
        return self.sqllib.is_dir()

    def nodes_hostname(self) -> str:
        """The host name db2nodes.cfg names for partition 0."""
        try:
            for line in self.nodes_cfg.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 2 and fields[0] == "0":
                    return fields[1]
        except OSError:
            pass
        return ""

    def write_nodes_cfg(self, host: str) -> None:
        self.nodes_cfg.write_text(f"0 {host} 0\n")

    # -- passwords ------------------------------------------------------------------------
    def set_password(self, user: str, password: str) -> None:
        """Store a salted PBKDF2 hash of ``password`` for ``user`` (never the password)."""
        path = self.cfgdir / "simpasswd"
        entries = self._passwords()
        salt = secrets.token_hex(8)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 1000)
        entries[user.lower()] = f"{salt}:{digest.hex()}"
        path.write_text("".join(f"{u}:{h}\n" for u, h in sorted(entries.items())))
        path.chmod(0o600)

    def _passwords(self) -> dict[str, str]:
        out: dict[str, str] = {}
        try:
            text = (self.cfgdir / "simpasswd").read_text()
        except OSError:
            return out
        for line in text.splitlines():
            parts = line.strip().split(":", 1)
            if len(parts) == 2:
                out[parts[0].lower()] = parts[1]
        return out

    def check_password(self, user: str, password: str) -> bool:
        entry = self._passwords().get(user.lower())
        if entry is None or ":" not in entry:
            return False
        salt, want = entry.split(":", 1)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 1000)
        return hmac.compare_digest(digest.hex(), want)


def bin_source() -> Path:
    """The directory holding the command scripts shipped with the package."""
    return Path(__file__).resolve().parent / "bin"


def create_instance(
    home: Path,
    name: str = "xcatdb",
    *,
    host: str | None = None,
    level: str = "9.7",
    password: str | None = None,
    copy_bin: bool = True,
) -> Instance:
    """Create the sqllib/ layout of an instance (as db2icrt does) and return it."""
    inst = Instance(home)
    for sub in ("sqllib/bin", "sqllib/cfg", "sqllib/tmp", "sqllib/db2dump", "sqllib/sqldbdir"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (inst.tmpdir).chmod(0o777)
    (inst.cfgdir / "instname").write_text(name + "\n")
    if level not in LEVELS:
        raise ValueError(f"unknown DB2 level {level!r}; one of {', '.join(LEVELS)}")
    (inst.cfgdir / "simlevel").write_text(level + "\n")
    inst.write_nodes_cfg(host or hostname())
    if copy_bin:
        for cmd in COMMANDS:
            src = bin_source() / cmd
            dst = inst.sqllib / "bin" / cmd
            root = str(Path(__file__).resolve().parents[2])
            text = src.read_text().replace('"/opt/hamn-sim")', f'"/opt/hamn-sim", {root!r})')
            dst.write_text(text)
            dst.chmod(0o755)
    pkg_root = Path(__file__).resolve().parents[2]
    profile = (
        "# DB2 instance environment (db2sim)\n"
        f"DB2INSTANCE={name}\nexport DB2INSTANCE\n"
        f"INSTHOME={home}\nexport INSTHOME\n"
        f"DB2SIM_HOME={home}\nexport DB2SIM_HOME\n"
        'case ":$PATH:" in *":$INSTHOME/sqllib/bin:"*) ;; '
        '*) PATH="$INSTHOME/sqllib/bin:$INSTHOME/sqllib/adm:$PATH"; export PATH ;; esac\n'
        'case ":${PYTHONPATH:-}:" in *":' + str(pkg_root) + ':"*) ;; '
        '*) PYTHONPATH="' + str(pkg_root) + '${PYTHONPATH:+:$PYTHONPATH}"; '
        "export PYTHONPATH ;; esac\n"
    )
    (inst.sqllib / "db2profile").write_text(profile)
    if not inst.dbdir_path.exists():
        inst.dbdir_path.write_text(json.dumps({"entries": []}, indent=1))
    if password is not None:
        inst.set_password(name, password)
    return inst


def main(argv: list[str] | None = None) -> int:
    """``python3 -m simulators.db2sim.instance create|passwd ...``"""
    parser = argparse.ArgumentParser(prog="db2sim-instance")
    sub = parser.add_subparsers(dest="cmd", required=True)
    create = sub.add_parser("create", help="create the instance layout (db2icrt)")
    create.add_argument("--home", type=Path, default=None)
    create.add_argument("--name", default="xcatdb")
    create.add_argument("--hostname", default=None)
    create.add_argument("--level", default="9.7", choices=LEVELS)
    create.add_argument("--password", default=None)
    passwd = sub.add_parser("passwd", help="set a user's password (read from stdin)")
    passwd.add_argument("--home", type=Path, default=None)
    passwd.add_argument("user")
    args = parser.parse_args(argv)
    home = args.home or default_home()
    if args.cmd == "create":
        create_instance(
            home, args.name, host=args.hostname, level=args.level, password=args.password
        )
        return 0
    Instance(home).set_password(args.user, sys.stdin.readline().rstrip("\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
