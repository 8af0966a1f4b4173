"""Fixtures for the DB2 simulator tests: instances in temp dirs, an HADR pair on 127.0.0.x.

Every engine a test starts is killed by its pid (from the instance's pid file) at teardown.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from simulators.db2sim.instance import create_instance

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Result:
    out: str
    rc: int

    @property
    def flat(self) -> str:
        """The output with the CLP's 80-column folding undone."""
        return self.out.replace(" \n", " ")


@dataclass
class Inst:
    """One simulated instance (its home, host name, the commands run as its owner)."""

    home: Path
    host: str
    services: Path
    started: list[int] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(DB2SIM_HOME=str(self.home), DB2SIM_HOSTNAME=self.host,
                   DB2SIM_SERVICES=str(self.services), PYTHONPATH=str(ROOT))
        return env

    def cmd(self, name: str, *args: str, stdin: str | None = None, timeout: float = 60) -> Result:
        proc = subprocess.run(
            [str(self.home / "sqllib" / "bin" / name), *args], input=stdin, text=True,
            capture_output=True, env=self.env(), timeout=timeout,
        )
        self._note_pid()
        return Result(proc.stdout + proc.stderr, proc.returncode)

    def db2(self, *args: str, stdin: str | None = None, timeout: float = 60) -> Result:
        return self.cmd("db2", *args, stdin=stdin, timeout=timeout)

    def clp(self, text: str, stdin: str | None = None) -> Result:
        """``db2 words...``: the command given as separate words, as a shell passes them."""
        return self.db2(*text.split(), stdin=stdin)

    def sh(self, script: str, stdin: str | None = None) -> Result:
        """Run a shell script (one shell = one CLP back-end session) with sqllib/bin on PATH."""
        env = self.env()
        env["PATH"] = f"{self.home / 'sqllib' / 'bin'}:{env['PATH']}"
        proc = subprocess.run(["/bin/sh", "-c", script], input=stdin, text=True,
                              capture_output=True, env=env, timeout=60)
        self._note_pid()
        return Result(proc.stdout + proc.stderr, proc.returncode)

    def _note_pid(self) -> None:
        pid = self.pid()
        if pid and pid not in self.started:
            self.started.append(pid)

    def pid(self) -> int:
        try:
            return int((self.home / "sqllib" / "tmp" / "db2sim.pid").read_text())
        except (OSError, ValueError):
            return 0

    def kill(self) -> None:
        """kill -9 the engine (a crash of the DB2 instance)."""
        pid = self.pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
            _wait_dead(pid)

    def cleanup(self) -> None:
        for pid in self.started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            _wait_dead(pid)

    def start(self) -> None:
        r = self.cmd("db2start")
        assert r.rc == 0, r.out

    def hadr(self) -> dict[str, str]:
        """db2pd -hadr fields (10.1+ layout) or the 9.7 table parsed to the same keys."""
        out = self.cmd("db2pd", "-d", "xcatdb", "-hadr").out
        fields = dict(re.findall(r"^\s*([A-Z_(),]+)\s=\s(.*)$", out, re.M))
        if fields:
            return fields
        m = re.search(r"^Role\s+State.*\n(\S+)\s+(\S+)\s+(\S+)", out, re.M)
        c = re.search(r"^ConnectStatus.*\n(\S+)", out, re.M)
        if not m:
            return {}
        return {"HADR_ROLE": m.group(1).upper(), "HADR_STATE": m.group(2),
                "HADR_SYNCMODE": m.group(3).upper(),
                "HADR_CONNECT_STATUS": c.group(1).upper() if c else ""}


def _wait_dead(pid: int) -> None:
    for _ in range(200):
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(pred: object, timeout: float = 10.0, step: float = 0.1) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if callable(pred) and pred():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def services(tmp_path: Path) -> tuple[Path, int, int]:
    p1, p2 = free_port(), free_port()
    path = tmp_path / "services"
    path.write_text(f"# db2sim test services\nDB2_HADR_1\t{p1}/tcp\nDB2_HADR_2\t{p2}/tcp\n")
    return path, p1, p2


def make_instance(tmp_path: Path, name: str, host: str, services: Path,
                  level: str = "9.7") -> Inst:
    home = tmp_path / name
    home.mkdir()
    create_instance(home, "xcatdb", host=host, level=level, password="cluster")
    return Inst(home, host, services)


@pytest.fixture
def inst(tmp_path: Path, services: tuple[Path, int, int]) -> Iterator[Inst]:
    """A started instance with database XCATDB and an xCAT-like site table."""
    i = make_instance(tmp_path, "mn1", "mn1", services[0])
    try:
        i.start()
        assert i.db2("CREATE DATABASE XCATDB").rc == 0
        r = i.sh('db2 connect to xcatdb >/dev/null && '
                 'db2 "create table site (key varchar(128) not null, value varchar(512), '
                 'comments varchar(1024), disable varchar(8), primary key (key))" && '
                 "db2 \"insert into site values ('master', '10.0.0.1', NULL, NULL)\" && "
                 "db2 terminate")
        assert r.rc == 0, r.out
        yield i
    finally:
        i.cleanup()


def setup_pair(p: Inst, s: Inst, syncmode: str = "NEARSYNC", peer_window: int = 120,
               timeout: int = 3) -> None:
    """Runbook 5.1.2 - 5.1.7 exactly as written (xcatd stopped), on 127.0.0.1/127.0.0.2."""
    for k in ("LOGRETAIN ON", "TRACKMOD ON", "LOGINDEXBUILD ON", "INDEXREC RESTART"):
        r = p.db2(*f"UPDATE DB CFG FOR XCATDB USING {k}".split())
        assert r.rc == 0, r.out
    backup = p.home / "backup"
    backup.mkdir()
    r = p.db2("BACKUP", "DB", "XCATDB", "TO", f"{backup}/")
    assert "Backup successful. The timestamp for this backup image is :" in r.out, r.out
    ts = r.out.split(":")[-1].strip()
    # scp -r backup xcatdb@standby:/var/lib/db2/
    dest = s.home / "backup"
    dest.mkdir()
    for f in backup.iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    r = s.db2("RESTORE", "DATABASE", "XCATDB", "FROM", f'"{dest}"', "TAKEN", "AT", ts,
              "REPLACE", "HISTORY", "FILE", stdin="y\n")
    assert "SQL2539W" in r.out and "Do you want to continue ? (y/n)" in r.out, r.out
    assert "DB20000I  The RESTORE DATABASE command completed successfully." in r.out, r.out
    settings = [
        (p, ("127.0.0.1", "DB2_HADR_1", "127.0.0.2", "DB2_HADR_2")),
        (s, ("127.0.0.2", "DB2_HADR_2", "127.0.0.1", "DB2_HADR_1")),
    ]
    for node, (lh, ls, rh, rs) in settings:
        r = node.db2(*f"UPDATE ALTERNATE SERVER FOR DATABASE XCATDB USING HOSTNAME {rh} "
                      "PORT 60000".split())
        assert r.rc == 0, r.out
        for k, v in (("HADR_LOCAL_HOST", lh), ("HADR_LOCAL_SVC", ls), ("HADR_REMOTE_HOST", rh),
                     ("HADR_REMOTE_SVC", rs), ("HADR_REMOTE_INST", "xcatdb"),
                     ("HADR_SYNCMODE", syncmode), ("HADR_TIMEOUT", str(timeout)),
                     ("HADR_PEER_WINDOW", str(peer_window))):
            r = node.db2("UPDATE", "DB", "CFG", "FOR", "XCATDB", "USING", k, v)
            assert r.rc == 0, r.out
        if node is p:
            r = p.sh("db2 CONNECT TO XCATDB && db2 QUIESCE DATABASE IMMEDIATE FORCE CONNECTIONS"
                     " && db2 UNQUIESCE DATABASE && db2 CONNECT RESET")
            assert r.rc == 0, r.out
    r = s.db2("DEACTIVATE", "DATABASE", "XCATDB")
    assert r.rc in (0, 2), r.out
    r = s.db2("START", "HADR", "ON", "DATABASE", "XCATDB", "AS", "STANDBY")
    assert "DB20000I  The START HADR ON DATABASE command completed successfully." in r.out, r.out
    r = p.db2("DEACTIVATE", "DATABASE", "XCATDB")
    assert r.rc in (0, 2), r.out
    r = p.db2("START", "HADR", "ON", "DATABASE", "XCATDB", "AS", "PRIMARY")
    assert "DB20000I  The START HADR ON DATABASE command completed successfully." in r.out, r.out


@pytest.fixture
def pair_nodes(tmp_path: Path, services: tuple[Path, int, int]) -> Iterator[tuple[Inst, Inst]]:
    """Two started instances (primary mn1, standby mn2) with XCATDB, HADR not configured."""
    p = make_instance(tmp_path, "mn1", "mn1", services[0])
    s = make_instance(tmp_path, "mn2", "mn2", services[0])
    try:
        for node in (p, s):
            node.start()
            assert node.db2("CREATE DATABASE XCATDB").rc == 0
        r = p.sh('db2 connect to xcatdb >/dev/null && '
                 'db2 "create table site (key varchar(128) not null primary key, '
                 'value varchar(512))" && '
                 "db2 \"insert into site values ('master', '10.0.0.1')\" && db2 terminate")
        assert r.rc == 0, r.out
        yield p, s
    finally:
        p.cleanup()
        s.cleanup()


def in_peer(p: Inst, s: Inst) -> bool:
    a, b = p.hadr(), s.hadr()
    return (a.get("HADR_STATE") in ("Peer", "PEER") and b.get("HADR_STATE") in ("Peer", "PEER")
            and a.get("HADR_CONNECT_STATUS") == "CONNECTED"
            and b.get("HADR_CONNECT_STATUS") == "CONNECTED")
