"""Pure parsers of AIX (and AIX/Linux ``ifconfig -a``) command output.

- ``lssrc -s xcatd`` / ``lssrc -a`` / ``lssrc -g``: ``Subsystem Group PID Status`` (section 4
  item 4, 5.1.9: start/stop xcatd and dhcpsd through the SRC);
- ``lsattr -El en0``: attribute, value, description, user_settable (section 8: the
  cluster-facing adapter's address);
- ``oslevel``, ``oslevel -r``, ``oslevel -s`` (section 2: same OS level on both MNs);
- ``lslpp -Lc``: colon format under a ``#Package Name:Fileset:Level:...`` header (section 2);
- ``ifconfig -a`` on AIX and Linux (section 2: both MNs in one subnet; section 8).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from hamn.parsing import ParseError, content_lines, require_text


class AixMessageError(ParseError):
    """An AIX message ``NNNN-NNN text`` (e.g. ``0513-085 The xcatd Subsystem is not on file.``)."""

    def __init__(self, what: str, code: str, text: str) -> None:
        self.code = code
        self.text = text
        super().__init__(what, f"AIX answered {code} {text}")


_AIX_MSG_RE = re.compile(r"^\s*(?:\S+:\s+)?(?P<code>\d{4}-\d{3})\s+(?P<text>.*)$")


def _raise_aix_message(what: str, text: str) -> None:
    for line in text.splitlines():
        match = _AIX_MSG_RE.match(line)
        if match:
            raise AixMessageError(what, match.group("code"), match.group("text").strip())


# --------------------------------------------------------------------------- lssrc


class SrcStatus(Enum):
    ACTIVE = "active"
    INOPERATIVE = "inoperative"
    STOPPING = "stopping"
    STARTING = "starting"
    WARNED = "warned"


@dataclass(frozen=True)
class Subsystem:
    """One row of ``lssrc``: the PID only while active, the group when it has one."""

    name: str
    group: str | None
    pid: int | None
    status: SrcStatus
    status_raw: str

    @property
    def active(self) -> bool:
        return self.status is SrcStatus.ACTIVE


_STATUS = {s.value: s for s in SrcStatus}


def parse_lssrc(text: str) -> tuple[Subsystem, ...]:
    """Rows of ``lssrc -s NAME`` / ``lssrc -a`` / ``lssrc -g GROUP`` (section 4, 5.1.9).

    Read by tokens: the name first, the status last, a numeric PID before it, any other token
    the group. "0513-085 The xcatd Subsystem is not on file." raises :class:`AixMessageError`.
    """
    what = "lssrc"
    require_text(what, text)
    _raise_aix_message(what, text)
    lines = content_lines(text)
    if lines[0].split()[:2] != ["Subsystem", "Group"]:
        raise ParseError(what, "no 'Subsystem Group PID Status' header", lines)
    rows = []
    for line in lines[1:]:
        tokens = line.split()
        status = _STATUS.get(tokens[-1].lower()) if len(tokens) >= 2 else None
        if status is None or len(tokens) > 4:
            raise ParseError(what, "expected 'name [group] [pid] status'", [line])
        middle = tokens[1:-1]
        pid = int(middle.pop()) if middle and middle[-1].isdigit() else None
        if len(middle) > 1 or (middle and middle[0].isdigit()):
            raise ParseError(what, "expected 'name [group] [pid] status'", [line])
        rows.append(Subsystem(tokens[0], middle[0] if middle else None, pid, status, tokens[-1]))
    return tuple(rows)


def subsystem_status(text: str, name: str) -> Subsystem:
    """The row of subsystem ``name``; ParseError when lssrc did not list it."""
    for row in parse_lssrc(text):
        if row.name == name:
            return row
    raise ParseError("lssrc", f"no subsystem {name!r}", content_lines(text))


# --------------------------------------------------------------------------- lsattr


@dataclass(frozen=True)
class DeviceAttribute:
    """One line of ``lsattr -El DEVICE``; ``value`` is ``""`` when the attribute is unset."""

    attribute: str
    value: str
    description: str
    user_settable: bool


def parse_lsattr(text: str) -> tuple[DeviceAttribute, ...]:
    """Parse ``lsattr -El en0`` (section 8: netaddr, netmask, state of the adapter).

    The attribute is the first token and user_settable (True/False) the last. Values are one
    token. lsattr pads the attribute column, so in one output every set value starts where the
    earliest second token starts; a line whose second token starts further right has no value
    (its description starts there). A long value may push its description right: that is
    read correctly. A single line is read as ``attribute value description... True``; use
    ``lsattr -El en0 -a netaddr -F value`` to read one value alone.
    """
    what = "lsattr"
    require_text(what, text)
    _raise_aix_message(what, text)
    lines = content_lines(text)
    parsed: list[tuple[str, int, list[re.Match[str]]]] = []
    for line in lines:
        tokens = list(re.finditer(r"\S+", line))
        if len(tokens) < 3 or tokens[-1].group() not in ("True", "False"):
            raise ParseError(what, "expected 'attribute value description True|False'", [line])
        parsed.append((line, tokens[1].start(), tokens))
    value_at = min(start for _, start, _ in parsed)
    result = []
    for line, start, tokens in parsed:
        has_value = start == value_at and len(tokens) >= 4
        first_description = tokens[2] if has_value else tokens[1]
        result.append(
            DeviceAttribute(
                attribute=tokens[0].group(),
                value=tokens[1].group() if has_value else "",
                description=line[first_description.start() : tokens[-1].start()].strip(),
                user_settable=tokens[-1].group() == "True",
            )
        )
    return tuple(result)


def lsattr_values(text: str) -> Mapping[str, str]:
    """``lsattr -El`` as attribute -> value."""
    return MappingProxyType({a.attribute: a.value for a in parse_lsattr(text)})


# --------------------------------------------------------------------------- oslevel


@dataclass(frozen=True)
class OsLevel:
    """``oslevel`` (``6.1.0.0``), ``oslevel -r`` (``6100-06``), ``oslevel -s``
    (``6100-06-01-1043``): release, technology level, service pack and build."""

    raw: str
    release: str
    technology_level: int | None = None
    service_pack: int | None = None
    build: str | None = None


def parse_oslevel(text: str) -> OsLevel:
    """Parse any ``oslevel`` form (section 2: identical OS level on both MNs)."""
    what = "oslevel"
    require_text(what, text)
    lines = content_lines(text)
    raw = lines[0].strip()
    if len(lines) != 1:
        raise ParseError(what, "expected one line", lines)
    if match := re.fullmatch(r"(\d)(\d)00-(\d{2})(?:-(\d{2})-(\d{4}))?", raw):
        return OsLevel(
            raw=raw,
            release=f"{match.group(1)}.{match.group(2)}",
            technology_level=int(match.group(3)),
            service_pack=int(match.group(4)) if match.group(4) else None,
            build=match.group(5),
        )
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", raw):
        return OsLevel(raw=raw, release=".".join(raw.split(".")[:2]))
    raise ParseError(what, "not an AIX level", lines)


# --------------------------------------------------------------------------- lslpp -Lc


@dataclass(frozen=True)
class LppEntry:
    """One line of ``lslpp -Lc``; ``fields`` keeps every header column and its value."""

    package: str
    fileset: str
    level: str
    state: str
    type: str
    description: str
    fields: tuple[tuple[str, str], ...]

    def get(self, column: str) -> str | None:
        return next((v for k, v in self.fields if k == column), None)


def parse_lslpp_lc(text: str) -> tuple[LppEntry, ...]:
    """Parse ``lslpp -Lc [fileset]`` (section 2: same xCAT and DB2 filesets on both MNs).

    Columns come from the ``#Package Name:Fileset:Level:...`` header; a Build Date holding
    colons (RPM dates) is rejoined as the last column. "lslpp: 0504-132 Fileset x not
    installed." raises :class:`AixMessageError`.
    """
    what = "lslpp -Lc"
    require_text(what, text)
    lines = content_lines(text)
    if not lines[0].startswith("#"):
        _raise_aix_message(what, text)
        raise ParseError(what, "no '#Package Name:Fileset:Level:...' header", lines)
    columns = lines[0][1:].split(":")
    needed = ("Package Name", "Fileset", "Level", "State", "Type", "Description")
    if any(c not in columns for c in needed):
        raise ParseError(what, "the header lacks Package Name/Fileset/Level/State", lines[:1])
    entries = []
    for line in lines[1:]:
        if _AIX_MSG_RE.match(line):
            _raise_aix_message(what, line)
        parts = line.split(":")
        if len(parts) < len(columns):
            raise ParseError(what, f"{len(parts)} fields under {len(columns)} columns", [line])
        parts = [*parts[: len(columns) - 1], ":".join(parts[len(columns) - 1 :])]
        got = dict(zip(columns, (p.strip() for p in parts), strict=True))
        entries.append(
            LppEntry(
                package=got["Package Name"],
                fileset=got["Fileset"],
                level=got["Level"],
                state=got["State"],
                type=got["Type"],
                description=got["Description"],
                fields=tuple(got.items()),
            )
        )
    return tuple(entries)


# --------------------------------------------------------------------------- ifconfig -a


@dataclass(frozen=True)
class InetAddress:
    """An address of an interface; ``netmask`` dotted for IPv4, ``prefixlen`` for both."""

    address: str
    prefixlen: int
    netmask: str | None = None
    broadcast: str | None = None

    @property
    def version(self) -> int:
        return ipaddress.ip_address(self.address.split("%")[0]).version

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_interface(f"{self.address.split('%')[0]}/{self.prefixlen}").network


@dataclass(frozen=True)
class Interface:
    name: str
    flags: tuple[str, ...]
    addresses: tuple[InetAddress, ...]
    mac: str | None = None
    mtu: int | None = None

    @property
    def up(self) -> bool:
        return "UP" in self.flags


_IF_NEW_RE = re.compile(
    r"^(?P<name>[\w.:@-]+?):\s+flags=(?P<hex>[0-9a-fx,]+)<(?P<flags>[^>]*)>(?P<rest>.*)$"
)
_IF_OLD_RE = re.compile(r"^(?P<name>[\w.:@-]+)\s+Link encap:(?P<rest>.*)$")


def _mask(raw: str) -> tuple[str, int]:
    if raw.startswith("0x"):
        value = int(raw, 16)
        prefix = bin(value).count("1")
        return str(ipaddress.IPv4Address(value)), prefix
    prefix = ipaddress.IPv4Network(f"0.0.0.0/{raw}").prefixlen
    return raw, prefix


def parse_ifconfig(text: str) -> tuple[Interface, ...]:
    """Interfaces and addresses of ``ifconfig -a`` on AIX and on Linux (both net-tools forms).

    Section 2 (both MNs in one subnet) and section 8 (the standby takes the primary's address).
    """
    what = "ifconfig -a"
    require_text(what, text)
    result: list[Interface] = []
    name: str | None = None
    flags: list[str] = []
    addresses: list[InetAddress] = []
    mac: str | None = None
    mtu: int | None = None

    def flush() -> None:
        if name is not None:
            result.append(Interface(name, tuple(flags), tuple(addresses), mac, mtu))

    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            new = _IF_NEW_RE.match(line)
            old = _IF_OLD_RE.match(line)
            if new is None and old is None:
                raise ParseError(what, "expected an interface line", [line])
            flush()
            addresses, mac, mtu = [], None, None
            if new is not None:
                name, flags = new.group("name"), new.group("flags").split(",")
                rest = new.group("rest")
            else:
                assert old is not None
                name, flags = old.group("name"), []
                rest = old.group("rest")
            if m := re.search(r"\bmtu\s+(\d+)", rest):
                mtu = int(m.group(1))
            if m := re.search(r"HWaddr\s+(\S+)", rest):
                mac = m.group(1).lower()
            continue
        if name is None:
            raise ParseError(what, "an indented line before any interface", [line])
        words = line.split()
        if words[0] == "inet" and len(words) > 1 and words[1].startswith("addr:"):
            # Old Linux: inet addr:10.0.0.5  Bcast:10.0.0.255  Mask:255.255.255.0
            pairs = dict(w.split(":", 1) for w in words[1:] if ":" in w)
            netmask, prefix = _mask(pairs.get("Mask", "255.255.255.255"))
            addresses.append(InetAddress(pairs["addr"], prefix, netmask, pairs.get("Bcast")))
        elif words[0] == "inet":
            pairs = dict(zip(words[2::2], words[3::2], strict=False))
            netmask, prefix = _mask(pairs.get("netmask", "255.255.255.255"))
            addresses.append(InetAddress(words[1], prefix, netmask, pairs.get("broadcast")))
        elif words[0] == "inet6":
            # AIX: inet6 fe80::1%2/64   old Linux: inet6 addr: fe80::1/64 Scope:Link
            # new Linux: inet6 fe80::1  prefixlen 64  scopeid 0x20<link>
            rest = words[2:] if words[1] == "addr:" else words[1:]
            address, _, plen = rest[0].removeprefix("addr:").partition("/")
            pairs = dict(zip(rest[1::2], rest[2::2], strict=False))
            prefix = int(plen or pairs.get("prefixlen", "128"))
            addresses.append(InetAddress(address, prefix))
        elif words[0] == "ether":
            mac = words[1].lower()
        elif words[0].isupper() and "MTU:" in line:
            flags = [w for w in words if w.isupper() and ":" not in w]
            if m := re.search(r"MTU:(\d+)", line):
                mtu = int(m.group(1))
    flush()
    return tuple(result)


def addresses_of(text: str, interface: str) -> tuple[InetAddress, ...]:
    """The addresses ``ifconfig -a`` shows on ``interface``; ParseError when it is absent."""
    for found in parse_ifconfig(text):
        if found.name == interface:
            return found.addresses
    raise ParseError("ifconfig -a", f"no interface {interface!r}", content_lines(text))
