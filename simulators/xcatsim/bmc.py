"""The compute node's BMC: subsystem ``bmc``, TCP 623 on the node (docs/design.md).

xCAT's rpower/rnetboot (commands/power.py) talk to it with one request line per
connection, answered by one line:

    power stat|state  -> ok on | ok off
    power on          -> ok on      (boots the node's "OS")
    power off         -> ok off     (shuts it down)
    power reset|boot  -> ok reset / ok on
    netboot           -> ok reset   (network boot: a new DHCP lease)
    anything else     -> error <message>

The "OS" of the simulated compute node is its sshd and its DHCP client: ``off`` stops sshd
with the node's service manager and releases the lease (``dhclient -r``); ``on``/``reset``
starts sshd and asks the active MN's dhcpd for a lease with the real ``dhclient -1 -v``.
The power state survives in /var/lib/hamn-sim/bmc.json. Outside a node (no node.json) the
OS actions are skipped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from simulators.xcatsim import nodeinfo, paths

PORT = 623


def state_file() -> Path:
    return paths.state_dir() / "bmc.json"


def log(text: str) -> None:
    print(f"bmc: {text}", file=sys.stderr, flush=True)


class Bmc:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        try:
            self.power = str(json.loads(state_file().read_text()).get("power", "on"))
        except (OSError, ValueError):
            self.power = "on"

    def _save(self) -> None:
        f = state_file()
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps({"power": self.power}) + "\n")

    @staticmethod
    def _os_enabled() -> bool:
        return paths.node_json().exists() and os.environ.get("XCATSIM_NO_RESTART") != "1"

    def _interface(self) -> str:
        return str(nodeinfo.node().get("interface", "eth0"))

    def os_down(self) -> None:
        if not self._os_enabled():
            return
        ok, out = nodeinfo.run_service("sshd", "stop")
        log(f"sshd stop: {'ok' if ok else 'failed'} {out}")
        self._run(["dhclient", "-r", "-v", self._interface()], wait=True)

    def os_up(self) -> None:
        if not self._os_enabled():
            return
        ok, out = nodeinfo.run_service("sshd", "start")
        log(f"sshd start: {'ok' if ok else 'failed'} {out}")
        self._run(["dhclient", "-1", "-v", self._interface()], wait=False)

    def _run(self, argv: list[str], wait: bool) -> None:
        def go() -> None:
            try:
                done = subprocess.run(argv, capture_output=True, text=True, timeout=120,
                                      check=False)
                log(f"{' '.join(argv)} -> {done.returncode}: "
                    f"{(done.stdout + done.stderr).strip()[-600:]}")
            except (OSError, subprocess.TimeoutExpired) as exc:
                log(f"{' '.join(argv)} failed: {exc}")
        if wait:
            go()
        else:
            threading.Thread(target=go, daemon=True).start()

    def handle(self, line: str) -> str:
        words = line.strip().lower().split()
        with self.lock:
            if words[:1] == ["netboot"]:
                if self.power == "on":
                    self.os_down()
                self.power = "on"
                self._save()
                self.os_up()
                return "ok reset"
            if len(words) != 2 or words[0] != "power":
                return f"error unknown request: {line.strip()}"
            action = words[1]
            if action in ("stat", "state", "status"):
                return f"ok {self.power}"
            if action == "on":
                if self.power != "on":
                    self.power = "on"
                    self._save()
                    self.os_up()
                return "ok on"
            if action == "off":
                if self.power != "off":
                    self.os_down()
                    self.power = "off"
                    self._save()
                return "ok off"
            if action in ("reset", "boot"):
                was = self.power
                if was == "on":
                    self.os_down()
                self.power = "on"
                self._save()
                self.os_up()
                return "ok reset" if action == "reset" or was == "on" else "ok on"
            return f"error unsupported power action: {action}"

    def serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            try:
                data = b""
                while b"\n" not in data:
                    chunk = conn.recv(1024)
                    if not chunk:
                        break
                    data += chunk
                answer = self.handle(data.decode(errors="replace"))
                log(f"{data.decode(errors='replace').strip()} -> {answer}")
                conn.sendall(answer.encode() + b"\n")
            except OSError:
                pass


def request(host: str, line: str, port: int = PORT, timeout: float = 10) -> str:
    """Send LINE to the BMC at HOST; its answer line. OSError when unreachable."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.settimeout(timeout + 120)
        s.sendall(line.encode() + b"\n")
        data = b""
        while b"\n" not in data:
            chunk = s.recv(1024)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace").strip()


def main() -> int:
    port = int(os.environ.get("XCATSIM_BMC_PORT", str(PORT)))
    addr = os.environ.get("XCATSIM_LISTEN", "0.0.0.0")
    bmc = Bmc()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind((addr, port))
    except OSError as exc:
        print(f"bmc: cannot listen on {addr}:{port}: {exc}", file=sys.stderr)
        return 1
    srv.listen(16)
    log(f"listening on {addr}:{port}, power {bmc.power}")
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=bmc.serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
