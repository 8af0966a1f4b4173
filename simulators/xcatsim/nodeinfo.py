"""The simulated node's own description and its service manager (docs/design.md).

/etc/hamn-sim/node.json gives the personality (aix|linux), role, address and interface.
Network services are restarted the platform's way, as xCAT does: ``service NAME restart``
on Linux, ``stopsrc -s NAME; startsrc -s NAME`` (SRC) on AIX. Outside a simulated node (no
node.json, or XCATSIM_NO_RESTART=1) nothing is restarted.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from typing import Any

from simulators.xcatsim import paths

AIX_NAMES = {"dhcpd": "dhcpsd"}


def node() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(paths.node_json().read_text())
        return data
    except (OSError, ValueError):
        return {}


def personality() -> str:
    return str(node().get("personality", "linux"))


def hostname() -> str:
    return str(node().get("name") or socket.gethostname().split(".")[0])


def address() -> str:
    """The node's cluster address (node.json), else the address its hostname resolves to."""
    addr = node().get("address")
    if addr:
        return str(addr)
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def _can_restart() -> bool:
    return paths.node_json().exists() and os.environ.get("XCATSIM_NO_RESTART") != "1"


def restart(service: str) -> tuple[bool, str]:
    """Restart SERVICE with the node's service manager; (ok, output)."""
    if not _can_restart():
        return True, ""
    if personality() == "aix":
        name = AIX_NAMES.get(service, service)
        steps = [["stopsrc", "-s", name], ["startsrc", "-s", name]]
    else:
        steps = [["service", service, "restart"]]
    out = []
    ok = True
    for i, argv in enumerate(steps):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, str(exc)
        out.append((done.stdout + done.stderr).strip())
        # stopsrc of a stopped subsystem fails; only the start decides.
        if done.returncode != 0 and (i == len(steps) - 1):
            ok = False
    return ok, "\n".join(o for o in out if o)


def run_service(service: str, action: str) -> tuple[bool, str]:
    """``service SERVICE ACTION`` (linux) / startsrc|stopsrc (aix) for the BMC's "OS"."""
    if not _can_restart():
        return True, ""
    if personality() == "aix":
        tool = {"start": "startsrc", "stop": "stopsrc"}.get(action)
        argv = [tool, "-s", service] if tool else ["lssrc", "-s", service]
    else:
        argv = ["service", service, action]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return done.returncode == 0, (done.stdout + done.stderr).strip()
