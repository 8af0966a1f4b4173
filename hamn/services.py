"""Start, stop and query a subsystem, the platform's way (runbook sections 4, 5.2 and 8).

AIX uses the System Resource Controller (``startsrc -s``, ``stopsrc -s``, ``lssrc -s``);
Linux uses ``service NAME start|stop|status``. The choice is made here and only here.
"""

from __future__ import annotations

from dataclasses import dataclass

from hamn.aix.parse import subsystem_status
from hamn.errors import CommandFailed
from hamn.runner import Node

# The runbook's names per platform: DHCP is dhcpsd under SRC, dhcpd as a Linux service.
NAMES = {
    "aix": {"xcatd": "xcatd", "dhcp": "dhcpsd", "dns": "named", "postgresql": "postgresql",
            "mysql": "mysql", "cron": "cron", "sshd": "sshd"},
    "linux": {"xcatd": "xcatd", "dhcp": "dhcpd", "dns": "named", "postgresql": "postgresql",
              "mysql": "mysql", "cron": "cron", "sshd": "sshd"},
}

_platforms: dict[str, str] = {}


@dataclass(frozen=True)
class ServiceStatus:
    host: str
    service: str
    active: bool
    pid: int | None = None


def platform(node: Node) -> str:
    """'aix' or 'linux', from ``uname -s`` (cached per host name)."""
    if node.name not in _platforms:
        out = node.check("uname", "-s").stdout.strip()
        _platforms[node.name] = "aix" if out == "AIX" else "linux"
    return _platforms[node.name]


def forget(node: Node) -> None:
    """Forget a cached platform (the host behind a name changed: failover)."""
    _platforms.pop(node.name, None)


def _name(node: Node, service: str) -> str:
    return NAMES[platform(node)].get(service, service)


def status(node: Node, service: str) -> ServiceStatus:
    name = _name(node, service)
    if platform(node) == "aix":
        res = node.run("lssrc", "-s", name)
        if "0513-085" in res.stdout + res.stderr:  # not on file: not installed here
            return ServiceStatus(node.name, service, False)
        row = subsystem_status(res.stdout, name)
        return ServiceStatus(node.name, service, row.active, row.pid)
    res = node.run("service", name, "status")
    return ServiceStatus(node.name, service, res.exit_status == 0)


_ACTIONS = {"start": ("startsrc", "starting"), "stop": ("stopsrc", "stopping")}


def _control(node: Node, service: str, action: str) -> bool:
    """Start or stop SERVICE unless it already is; True if this call changed it."""
    if not node.plan and status(node, service).active == (action == "start"):
        return False
    name = _name(node, service)
    src, verb = _ACTIONS[action]
    argv = (src, "-s", name) if platform(node) == "aix" else ("service", name, action)
    res = node.run(*argv, changes=True)
    if not res.succeeded:
        raise CommandFailed(res, f"{verb} {service}")
    return True


def start(node: Node, service: str) -> bool:
    """Start SERVICE unless it runs; return True if this call started it."""
    return _control(node, service, "start")


def stop(node: Node, service: str) -> bool:
    """Stop SERVICE if it runs; return True if this call stopped it."""
    return _control(node, service, "stop")
