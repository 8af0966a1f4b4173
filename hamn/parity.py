"""Section 7.1: software on the standby kept at the primary's levels.

"Any software update on the primary management node should also be done on the standby."
:func:`facts` reads, on one MN, the OS level (AIX ``oslevel -s``; Linux ``/etc/os-release``),
the xCAT version (``xcatconfig -v``, which needs no running xcatd: the standby's is stopped),
the database level (``db2level`` as the instance owner, ``psql``/``mysql``/``sqlite3
--version``) and the levels of the packages xCAT needs (``lslpp -Lc`` on AIX, ``rpm -q`` on
RHEL/SLES, ``dpkg-query -W`` on Debian). :func:`compare` is pure and builds the difference
table; :func:`check` raises :class:`VerificationFailed` naming the first mismatch.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from hamn import services
from hamn.aix.parse import parse_lslpp_lc, parse_oslevel
from hamn.errors import VerificationFailed
from hamn.inventory import Cluster, Member, Settings
from hamn.parsing import ParseError, content_lines

NOT_INSTALLED = "not installed"
UNKNOWN = "unknown"

# The packages an xCAT MN needs, by how the platform names them.
PACKAGES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "aix": ("xCAT", "xCAT-server", "xCAT-client", "perl-xCAT", "perl-DBI", "perl-DBD-SQLite",
            "perl-Net_SSLeay.pm", "perl-IO-Socket-SSL", "rsync", "openssl.base",
            "openssh.base.server", "bos.net.tcp.server", "bos.sysmgt.nim.master"),
    "rpm": ("xCAT", "xCAT-server", "xCAT-client", "perl-xCAT", "perl-DBI", "perl-DBD-SQLite",
            "perl-DBD-Pg", "perl-DBD-MySQL", "perl-IO-Socket-SSL", "rsync", "openssl",
            "openssh-server", "dhcp", "bind", "httpd", "tftp-server", "conserver"),
    "dpkg": ("xcat", "rsync", "openssl", "openssh-server", "isc-dhcp-server", "bind9",
             "sqlite3", "postgresql", "mariadb-server", "perl"),
})


@dataclass(frozen=True)
class Facts:
    host: str
    platform: str  # aix | linux
    os_level: str
    xcat_version: str
    db_level: str
    packages: Mapping[str, str] = field(default_factory=dict)  # name -> level


@dataclass(frozen=True)
class Row:
    item: str
    primary: str
    standby: str

    @property
    def same(self) -> bool:
        return self.primary == self.standby


@dataclass(frozen=True)
class ParityTable:
    rows: tuple[Row, ...]

    @property
    def mismatches(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.same)

    def render(self) -> str:
        width = max([len(r.item) for r in self.rows] + [4])
        pw = max([len(r.primary) for r in self.rows] + [7])
        lines = [f"{'item':<{width}}  {'primary':<{pw}}  standby"]
        for r in self.rows:
            mark = "" if r.same else "   <-- differs"
            lines.append(f"{r.item:<{width}}  {r.primary:<{pw}}  {r.standby}{mark}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- pure parsers


def parse_os_release(text: str) -> str:
    """``/etc/os-release`` -> 'NAME VERSION_ID' (e.g. 'Red Hat Enterprise Linux 8.9')."""
    values: dict[str, str] = {}
    for line in content_lines(text):
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip('"').strip("'")
    name = values.get("NAME")
    if not name:
        raise ParseError("/etc/os-release", "no NAME=", content_lines(text)[:3])
    return f"{name} {values.get('VERSION_ID', '')}".strip()


_LEVEL_RE = re.compile(r"\d+(?:\.\d+)+(?:[-.][\w.]+)?")


def parse_version_text(text: str) -> str:
    """The first version number in a ``--version``/``db2level`` text ('DB2 v9.7.0.2' -> 9.7.0.2)."""
    match = _LEVEL_RE.search(text)
    return match.group(0) if match else UNKNOWN


def parse_xcat_version(text: str) -> str:
    """``Version 2.5.2 (svn r7881, built ...)`` -> '2.5.2'."""
    for line in content_lines(text):
        match = re.match(r"^\s*Version\s+(\S+)", line)
        if match:
            return match.group(1)
    return UNKNOWN


def parse_rpm_q(text: str, names: Sequence[str]) -> dict[str, str]:
    """``rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\\n' NAMES``; absent ones: not installed."""
    got = {n: NOT_INSTALLED for n in names}
    for line in content_lines(text):
        parts = line.split()
        if len(parts) == 2 and parts[0] in got:
            got[parts[0]] = parts[1]
    return got


def parse_dpkg_query(text: str, names: Sequence[str]) -> dict[str, str]:
    """``dpkg-query -W -f '${Package} ${Status} ${Version}'``-style lines ``name version``."""
    return parse_rpm_q(text, names)


def parse_lslpp_levels(text: str, names: Sequence[str]) -> dict[str, str]:
    got = {n: NOT_INSTALLED for n in names}
    if text.strip():
        for entry in parse_lslpp_lc(text):
            if entry.fileset in got:
                got[entry.fileset] = entry.level
            elif entry.package in got:
                got[entry.package] = entry.level
    return got


def compare(primary: Facts, standby: Facts) -> ParityTable:
    """The difference table of two MNs' facts (every row; ``mismatches`` the differing)."""
    rows = [Row("OS level", primary.os_level, standby.os_level),
            Row("xCAT version", primary.xcat_version, standby.xcat_version),
            Row("database level", primary.db_level, standby.db_level)]
    for name in sorted(set(primary.packages) | set(standby.packages)):
        rows.append(Row(f"package {name}", primary.packages.get(name, NOT_INSTALLED),
                        standby.packages.get(name, NOT_INSTALLED)))
    return ParityTable(tuple(rows))


# --------------------------------------------------------------------------- on a host


def os_level(member: Member) -> str:
    node = member.node
    if services.platform(node) == "aix":
        return parse_oslevel(node.check("oslevel", "-s").stdout).raw
    return parse_os_release(node.check("cat", "/etc/os-release").stdout)


VERSION_PM = "/opt/xcat/lib/perl/xCAT/Version.pm"


def xcat_version(member: Member) -> str:
    """The installed xCAT, readable with xcatd stopped (the standby's is, section 4): the
    xCAT-server rpm, else xCAT's Version.pm, else ``xcatconfig -v``, else ``lsxcatd -v``."""
    node = member.node
    res = node.sh("command -v rpm >/dev/null 2>&1 && rpm -q --qf '%{VERSION}\\n' xCAT-server")
    if res.succeeded and re.fullmatch(r"\d[\w.-]*", res.stdout.strip()):
        return res.stdout.strip()
    pm = node.read_file(VERSION_PM)
    if pm and (m := re.search(r"Version\s+(\d[\w.]*)", pm)):
        return m.group(1)
    res = node.sh("xcatconfig -v 2>/dev/null || lsxcatd -v")
    return parse_xcat_version(res.stdout) if res.succeeded else NOT_INSTALLED


def db_level(member: Member, settings: Settings) -> str:
    node = member.node
    if settings.db == "db2":
        res = node.run("db2level", user=settings.instance)
        text = res.stdout
        match = re.search(r'"DB2 v([\d.]+)"', text)
        return match.group(1) if match else parse_version_text(text)
    command = {"postgres": "psql --version", "mysql": "mysql --version",
               "sqlite": "sqlite3 -version"}.get(settings.db)
    if command is None:
        return UNKNOWN
    res = node.sh(command)
    return parse_version_text(res.stdout) if res.succeeded else NOT_INSTALLED


def packages(member: Member) -> dict[str, str]:
    node = member.node
    if services.platform(node) == "aix":
        names = PACKAGES["aix"]
        return parse_lslpp_levels(node.run("lslpp", "-Lc", *names).stdout, names)
    if node.sh("command -v rpm").succeeded:
        names = PACKAGES["rpm"]
        fmt = "%{NAME} %{VERSION}-%{RELEASE}\\n"
        res = node.sh("rpm -q --qf " + shlex.quote(fmt) + " "
                      + " ".join(shlex.quote(n) for n in names))
        return parse_rpm_q(res.stdout, names)
    names = PACKAGES["dpkg"]
    res = node.sh("dpkg-query -W -f '${Package} ${Version}\\n' "
                  + " ".join(shlex.quote(n) for n in names) + " 2>/dev/null")
    return parse_dpkg_query(res.stdout, names)


def facts(member: Member, settings: Settings) -> Facts:
    return Facts(member.name, services.platform(member.node), os_level(member),
                 xcat_version(member), db_level(member, settings), packages(member))


def table(cluster: Cluster) -> ParityTable:
    return compare(facts(cluster.primary, cluster.settings),
                   facts(cluster.standby, cluster.settings))


def check(cluster: Cluster) -> ParityTable:
    """Both MNs run the same software; else VerificationFailed naming the first mismatch."""
    result = table(cluster)
    if result.mismatches:
        row = result.mismatches[0]
        more = len(result.mismatches) - 1
        also = f" (and {more} more: {', '.join(r.item for r in result.mismatches[1:])})" \
            if more else ""
        raise VerificationFailed(f"software parity: {row.item}{also}",
                                 f"{row.primary} as on the primary", row.standby,
                                 cluster.standby.name)
    return result
