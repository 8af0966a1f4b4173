"""Start, stop and query a subsystem, the platform's way (runbook sections 4, 5.2 and 8).

AIX uses the System Resource Controller (``startsrc -s``, ``stopsrc -s``, ``lssrc -s``);
Linux uses ``service NAME start|stop|status``. The choice is made here and only here.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        for line in res.stdout.splitlines()[1:]:
            parts = line.split()
            if parts and parts[0] == name:
                active = parts[-1] == "active"
                pid = int(parts[-2]) if active and parts[-2].isdigit() else None
                return ServiceStatus(node.name, service, active, pid)
        return ServiceStatus(node.name, service, False)
    res = node.run("service", name, "status")
    return ServiceStatus(node.name, service, res.exit_status == 0)


def start(node: Node, service: str) -> bool:
    """Start SERVICE unless it runs; return True if this call started it."""
    if not node.plan and status(node, service).active:
        return False
    name = _name(node, service)
    argv = ("startsrc", "-s", name) if platform(node) == "aix" else ("service", name, "start")
    res = node.run(*argv, changes=True)
    if not res.succeeded:
        raise CommandFailed(res, f"starting {service}")
    return True


def stop(node: Node, service: str) -> bool:
    """Stop SERVICE if it runs; return True if this call stopped it."""
    if not node.plan and not status(node, service).active:
        return False
    name = _name(node, service)
    argv = ("stopsrc", "-s", name) if platform(node) == "aix" else ("service", name, "stop")
    res = node.run(*argv, changes=True)
    if not res.succeeded:
        raise CommandFailed(res, f"stopping {service}")
    return True
