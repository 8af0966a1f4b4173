"""Sections 2 and 3: what the two MNs must share before HAMN is set up.

Section 2: the operating system version, the xCAT version and the database version are
identical on both MNs, and both MNs sit in one subnet (DHCP and other broadcast services
must work after failover). Section 3 sets the primary up with the database the standby will
replicate. All read-only; AIX-safe commands only (oslevel, ifconfig, rpm/lsxcatd, db2level).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from hamn import parity, services
from hamn.aix.parse import parse_ifconfig
from hamn.errors import PreconditionFailed, VerificationFailed
from hamn.inventory import Cluster, Member, Settings

ReadLevel = Callable[[Member, Settings], str]

# The readers are section 7's (hamn.parity): one way to read each level, used by both.
_READERS: dict[str, tuple[str, ReadLevel]] = {
    "os": ("operating system level", lambda m, s: parity.os_level(m)),
    "xcat": ("xCAT version", lambda m, s: parity.xcat_version(m)),
    "database": ("database level", parity.db_level),
}


@dataclass(frozen=True)
class Attachment:
    host: str
    interface: str
    address: str
    network: ipaddress.IPv4Network


def _ip_addr(text: str) -> list[tuple[str, ipaddress.IPv4Interface]]:
    """``ip -o -4 addr show`` lines: ``2: eth0    inet 172.30.48.103/24 brd ...``."""
    found = []
    for line in text.splitlines():
        parts = line.split()
        if "inet" in parts and len(parts) > 1:
            found.append((parts[1], ipaddress.IPv4Interface(parts[parts.index("inet") + 1])))
    return found


def attachment(member: Member, settings: Settings) -> Attachment:
    """The cluster-facing address of MEMBER (its inventory address, else the settings'
    interface) and the subnet it sits in."""
    node = member.node
    if services.platform(node) == "aix":
        addrs = [(i.name, ipaddress.IPv4Interface(f"{a.address}/{a.prefixlen}"))
                 for i in parse_ifconfig(node.check("ifconfig", "-a").stdout)
                 for a in i.addresses if a.version == 4]
    else:
        addrs = _ip_addr(node.check("ip", "-o", "-4", "addr", "show").stdout)
    for name, iface in addrs:
        if (member.address and str(iface.ip) == member.address) or \
                (not member.address and name == settings.interface):
            return Attachment(member.name, name, str(iface.ip), iface.network)
    want = member.address or f"an address on {settings.interface}"
    raise VerificationFailed(f"cluster-facing address of the {member.role}", want,
                             "not configured", member.name)


def check_one_subnet(cluster: Cluster) -> ipaddress.IPv4Network:
    """Section 2: the primary and the standby are in the same subnet."""
    p = attachment(cluster.primary, cluster.settings)
    s = attachment(cluster.standby, cluster.settings)
    if p.network != s.network or ipaddress.ip_address(s.address) not in p.network:
        raise VerificationFailed(f"subnet of the standby ({s.host} {s.address})",
                                 f"{p.network} (the primary's)", str(s.network))
    return p.network


def compare(cluster: Cluster, what: str) -> str:
    """Section 2: WHAT (os, xcat, database) is identical on both MNs; returns the value."""
    label, read = _READERS[what]
    p, s = cluster.primary, cluster.standby
    mine, theirs = read(p, cluster.settings), read(s, cluster.settings)
    if mine in (parity.NOT_INSTALLED, parity.UNKNOWN):
        raise PreconditionFailed(f"cannot read the {label} on {p.name}")
    if mine != theirs:
        raise VerificationFailed(f"{label} of the standby ({s.name}) against the primary "
                                 f"({p.name})", mine, theirs)
    return mine


def check_xcat_on_db2(member: Member, settings: Settings) -> str:
    """Section 3: xCAT on MEMBER uses DB2 (/etc/xcat/cfgloc ``DB2:XCATDB|xcatdb|...``) and
    the database is catalogued in the instance."""
    from hamn.db2.hadr import get_db_cfg

    cfgloc = (member.node.read_file("/etc/xcat/cfgloc") or "").strip()
    head = cfgloc.split("|", 1)[0]
    want = f"DB2:{settings.db_name.upper()}"
    if head.upper() != want:
        raise VerificationFailed("/etc/xcat/cfgloc database", want, head or "missing",
                                 member.name)
    get_db_cfg(member, settings)
    return head
