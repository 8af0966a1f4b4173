"""Sections 2 and 3: what the two MNs must share before HAMN is set up.

Section 2: the operating system version, the xCAT version and the database version are
identical on both MNs, and both MNs sit in one subnet (DHCP and other broadcast services
must work after failover). Section 3 sets the primary up with the database the standby will
replicate. All read-only; AIX-safe commands only (oslevel, ifconfig, rpm/lsxcatd, db2level).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from hamn import services
from hamn.aix.parse import parse_ifconfig, parse_oslevel
from hamn.db2.parse import parse_db2level
from hamn.errors import PreconditionFailed, VerificationFailed
from hamn.inventory import Cluster, Member, Settings
from hamn.runner import Node
from hamn.xcat.parse import parse_lsxcatd

_VERSION_PM = "/opt/xcat/lib/perl/xCAT/Version.pm"


@dataclass(frozen=True)
class Level:
    """One thing section 2 compares, read on HOST: WHAT and its VALUE."""

    host: str
    what: str
    value: str


def os_level(node: Node) -> Level:
    """AIX ``oslevel -s`` (6100-06-05-1115); Linux /etc/os-release ID and VERSION_ID."""
    if services.platform(node) == "aix":
        return Level(node.name, "operating system level",
                     parse_oslevel(node.check("oslevel", "-s").stdout).raw)
    text = node.read_file("/etc/os-release") or ""
    fields = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', text, re.MULTILINE))
    if "ID" not in fields:
        raise PreconditionFailed(f"{node.name}: /etc/os-release names no ID")
    return Level(node.name, "operating system level",
                 f"{fields['ID']} {fields.get('VERSION_ID', '')}".strip())


def xcat_version(node: Node) -> Level:
    """The installed xCAT: rpm's xCAT-server, else xCAT's Version.pm, else ``lsxcatd -v``
    (which needs xcatd running: on a standby it is stopped, section 4)."""
    res = node.sh("command -v rpm >/dev/null 2>&1 && rpm -q --qf '%{VERSION}\\n' xCAT-server")
    if res.succeeded and re.fullmatch(r"\d[\w.-]*", res.stdout.strip()):
        return Level(node.name, "xCAT version", res.stdout.strip())
    pm = node.read_file(_VERSION_PM)
    if pm and (m := re.search(r"Version\s+(\d[\w.]*)", pm)):
        return Level(node.name, "xCAT version", m.group(1))
    lsx = node.run("lsxcatd", "-v")
    if lsx.succeeded:
        version = parse_lsxcatd(lsx.stdout).version
        if version:
            return Level(node.name, "xCAT version", version)
    raise PreconditionFailed(f"cannot read the xCAT version on {node.name}: no xCAT-server "
                             f"rpm, no {_VERSION_PM}, and lsxcatd -v needs a running xcatd")


def database_level(node: Node, settings: Settings) -> Level:
    """DB2: ``db2level`` as the instance user (version and fix pack); PostgreSQL and MySQL:
    the client's ``--version``; SQLite: xCAT's built-in files (nothing to compare)."""
    if settings.db == "db2":
        lvl = parse_db2level(node.check("db2level", user=settings.instance).stdout)
        return Level(node.name, "DB2 level", f"DB2 v{lvl.version} fix pack {lvl.fix_pack}")
    if settings.db == "postgres":
        out = node.check("psql", "--version").stdout.strip()
        return Level(node.name, "PostgreSQL level", out.split()[-1] if out else "")
    if settings.db == "mysql":
        out = node.check("mysql", "--version").stdout.strip()
        m = re.search(r"(?:Distrib|Ver)\s+(\S+?),?\s", out + " ")
        return Level(node.name, "MySQL level", m.group(1) if m else out)
    return Level(node.name, "database", settings.db)


def check_same(a: Level, b: Level, roles: tuple[str, str] = ("primary", "standby")) -> str:
    """Both MNs report the same value; VerificationFailed names both values otherwise."""
    if a.value != b.value:
        raise VerificationFailed(f"{a.what} of the {roles[1]} ({b.host}) against the "
                                 f"{roles[0]} ({a.host})", a.value, b.value)
    return a.value


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
    def reader(m: Member) -> Level:
        if what == "os":
            return os_level(m.node)
        if what == "xcat":
            return xcat_version(m.node)
        return database_level(m.node, cluster.settings)

    return check_same(reader(cluster.primary), reader(cluster.standby))


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
