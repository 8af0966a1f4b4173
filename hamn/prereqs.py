"""Section 4: the standby MN's additional configuration, checked from both sides.

1. each MN resolves the other's hostname; 2. ssh trust both ways; 3. clocks in step;
4. xcatd and DHCP stopped on the standby. All read-only; only portable commands (AIX has
``host`` and perl, no getent; Linux may lack ``host``).
"""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass

from hamn import services
from hamn.errors import VerificationFailed
from hamn.inventory import Member
from hamn.runner import Node


@dataclass(frozen=True)
class Resolution:
    on: str
    name: str
    address: str | None


@dataclass(frozen=True)
class ClockReading:
    host: str
    offset: float  # seconds ahead of the controller's clock


def hostname(node: Node) -> str:
    return node.check("hostname").stdout.strip().split(".")[0]


def resolve(node: Node, name: str) -> Resolution:
    """How NODE resolves NAME: getent on Linux, ``host`` on AIX (it has no getent)."""
    q = shlex.quote(name)
    script = (f"if command -v getent >/dev/null 2>&1; then getent hosts {q} | "
              f"awk '{{print $1; exit}}'; else host {q} | awk '/ is /{{print $NF; exit}}'; fi")
    out = node.sh(script).stdout.strip().rstrip(",")
    return Resolution(node.name, name, out or None)


def check_resolves(a: Member, b: Member) -> Resolution:
    """A resolves B's hostname (runbook 4.1)."""
    name = hostname(b.node)
    res = resolve(a.node, name)
    if res.address is None:
        raise VerificationFailed(f"name resolution of {name}", "an address", "no answer",
                                 a.name)
    if b.address and res.address != b.address:
        raise VerificationFailed(f"name resolution of {name}", b.address, res.address, a.name)
    return res


def check_ssh_trust(a: Member, b: Member) -> str:
    """A reaches B by ssh without a password or a host-key prompt (runbook 4.2)."""
    name = hostname(b.node)
    res = a.node.run("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", name, "hostname")
    if not res.succeeded:
        why = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise VerificationFailed(f"ssh trust {a.name} -> {name}", "a passwordless login",
                                 why, a.name)
    return res.stdout.strip()


_NOW = "perl -MTime::HiRes=time -e 'printf(\"%.3f\\n\", time)'"


def clock(node: Node) -> ClockReading:
    """NODE's clock against the controller's, halving the round trip (AIX: perl, no date +%s)."""
    before = time.time()
    out = node.check_sh(_NOW).stdout.strip()
    after = time.time()
    return ClockReading(node.name, float(out) - (before + after) / 2)


def check_clocks(a: Member, b: Member, tolerance: float) -> float:
    """The two MNs' clocks agree within TOLERANCE seconds (runbook 4.3)."""
    skew = clock(a.node).offset - clock(b.node).offset
    if abs(skew) > tolerance:
        raise VerificationFailed(f"clock offset {a.name} - {b.name}",
                                 f"within {tolerance:g}s", f"{skew:+.1f}s")
    return skew


def check_stopped(m: Member, service: str) -> None:
    """SERVICE is not running on M (runbook 4.4: xcatd and DHCP on the standby)."""
    st = services.status(m.node, service)
    if st.active:
        raise VerificationFailed(f"{service} on the {m.role}", "stopped",
                                 f"running (pid {st.pid})" if st.pid else "running", m.name)
