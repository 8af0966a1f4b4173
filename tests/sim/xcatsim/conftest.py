"""Fixtures for the xCAT simulator: a temporary MN root, xcatd on 127.0.0.1, a client."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BIN = REPO / "simulators" / "xcatsim" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Result:
    rc: int
    out: str
    err: str


@contextlib.contextmanager
def patched_env(env: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Mn:
    """A simulated MN's xCAT under a temporary root, with its own xcatd."""

    def __init__(self, root: Path, python: str = sys.executable) -> None:
        self.root = root
        self.python = python
        self.port = free_port()
        self.env = {"XCATSIM_ROOT": str(root), "XCATSIM_HOME": str(root / "root"),
                    "XCATSIM_PORT": str(self.port), "XCATSIM_IPORT": "0",
                    "XCATSIM_LISTEN": "127.0.0.1", "XCATHOST": f"127.0.0.1:{self.port}",
                    "XCATSIM_NO_RESTART": "1"}
        self.proc: subprocess.Popen[str] | None = None

    def tool(self, name: str, *args: str, env: dict[str, str] | None = None,
             stdin: str | None = None) -> Result:
        """Run bin/NAME as a process, as the image's links would."""
        full = {**os.environ, "PYTHONPATH": str(REPO), **self.env, **(env or {})}
        done = subprocess.run([self.python, str(BIN / name), *args], capture_output=True,
                              text=True, env=full, input=stdin, timeout=120, check=False)
        return Result(done.returncode, done.stdout, done.stderr)

    def xcat(self, command: str, *args: str, env: dict[str, str] | None = None) -> Result:
        """An xCAT client command, in this process (fast)."""
        from simulators.xcatsim import client
        out, err = io.StringIO(), io.StringIO()
        with patched_env({**self.env, **(env or {})}):
            request = client.build_request(command, list(args))
            try:
                rc = client.show(client.send(request), out, err)
            except client.ConnectError as exc:
                err.write(client.connection_failure(str(exc)))
                rc = 1
        return Result(rc, out.getvalue(), err.getvalue())

    def init(self) -> None:
        r = self.tool("xcatconfig", "-i")
        assert r.rc == 0, r.err

    def start(self) -> None:
        full = dict(os.environ, PYTHONPATH=str(REPO), **self.env)
        log = (self.root / "xcatd.log").open("a")
        self.proc = subprocess.Popen([self.python, str(BIN / "xcatd")], env=full,
                                     stdout=log, stderr=log, text=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.root / "xcatd.log").read_text())
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("xcatd did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture(scope="module")
def mn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mn]:
    m = Mn(tmp_path_factory.mktemp("mn"))
    m.init()
    m.start()
    yield m
    m.stop()
