"""Pure parsers of xCAT client command output.

- ``lsdef -t node -l testnode`` stanzas ``Object name: testnode`` + ``    key=value`` (5.1.9,
  section 8), the ``-z`` stanza form ``testnode:`` + ``    objtype=node`` and the short
  ``testnode  (node)`` listing;
- ``nodels`` (5.1.9);
- ``tabdump TABLE``: CSV under a ``#col,...`` header (sections 6 and 8: site, networks ...);
- ``lsxcatd -a``: the ``Version ...`` line and ``key=value`` lines (sections 2 and 3:
  same xCAT version and database on both MNs);
- ``Error: ...`` lines that any xCAT command prints.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from hamn.parsing import ParseError, content_lines, require_text


@dataclass(frozen=True)
class XcatErrorLine:
    """One ``Error: [host]: message`` line (the ``[host]:`` part is in newer xCAT only)."""

    message: str
    host: str | None = None


class XcatError(ParseError):
    """The command answered with ``Error:`` lines instead of the expected output."""

    def __init__(self, what: str, errors: Sequence[XcatErrorLine]) -> None:
        self.errors = tuple(errors)
        super().__init__(what, "xCAT answered " + "; ".join(e.message for e in self.errors))


_ERROR_RE = re.compile(r"^\s*Error:\s*(?:\[(?P<host>[^\]]+)\]:\s*)?(?P<msg>.*?)\s*$")


def parse_xcat_errors(text: str) -> tuple[XcatErrorLine, ...]:
    """Every ``Error:`` line of an xCAT command's output, in order."""
    found = []
    for line in text.splitlines():
        match = _ERROR_RE.match(line)
        if match:
            found.append(XcatErrorLine(match.group("msg"), match.group("host")))
    return tuple(found)


def _raise_errors(what: str, text: str) -> None:
    errors = parse_xcat_errors(text)
    if errors:
        raise XcatError(what, errors)


# --------------------------------------------------------------------------- lsdef


@dataclass(frozen=True)
class XcatObject:
    """One object definition: name, type when printed, attributes in printed order."""

    name: str
    type: str | None
    attributes: tuple[tuple[str, str], ...]

    def get(self, attribute: str, default: str | None = None) -> str | None:
        return next((v for k, v in self.attributes if k == attribute), default)

    def __getitem__(self, attribute: str) -> str:
        value = self.get(attribute)
        if value is None:
            raise KeyError(attribute)
        return value

    @property
    def as_dict(self) -> Mapping[str, str]:
        return MappingProxyType(dict(self.attributes))


_LSDEF = "lsdef"
_OBJECT_RE = re.compile(r"^Object name:\s*(?P<name>\S+)\s*$")
_STANZA_RE = re.compile(r"^(?P<name>[^\s#:=][^\s:=]*):\s*$")
_SHORT_RE = re.compile(r"^(?P<name>\S+)\s+\((?P<type>[\w-]+)\)\s*$")
_ATTR_RE = re.compile(r"^\s+(?P<key>[A-Za-z][\w.-]*)=(?P<value>.*)$")
_NOTHING = (
    "Could not find any object definitions to display.",
    "No responses",
)


def parse_lsdef(text: str) -> tuple[XcatObject, ...]:
    """Objects printed by ``lsdef`` (runbook 5.1.9: the testnode and its attributes).

    ``-l`` and ``-z`` stanzas and the short ``name  (type)`` listing are read. An ``Error:``
    line (e.g. "Could not find an object named 'testnode' of type 'node'.") raises
    :class:`XcatError`; "Could not find any object definitions to display." gives ``()``.
    """
    _raise_errors(_LSDEF, text)
    objects: list[XcatObject] = []
    name: str | None = None
    attrs: list[tuple[str, str]] = []

    def flush() -> None:
        if name is not None:
            kind = next((v for k, v in attrs if k == "objtype"), None)
            objects.append(XcatObject(name, kind, tuple(attrs)))

    for line in content_lines(text):
        if line.strip() in _NOTHING or line.lstrip().startswith("#"):
            continue
        attr = _ATTR_RE.match(line)
        if attr and name is not None:
            attrs.append((attr.group("key"), attr.group("value")))
            continue
        header = _OBJECT_RE.match(line) or _STANZA_RE.match(line)
        if header:
            flush()
            name, attrs = header.group("name"), []
            continue
        short = _SHORT_RE.match(line)
        if short:
            flush()
            name = None
            objects.append(XcatObject(short.group("name"), short.group("type"), ()))
            continue
        raise ParseError(_LSDEF, "expected 'Object name: x' and indented 'key=value'", [line])
    flush()
    return tuple(objects)


# --------------------------------------------------------------------------- nodels


def parse_nodels(text: str) -> tuple[str, ...]:
    """Node names of ``nodels [noderange]``, one a line (runbook 5.1.9)."""
    _raise_errors("nodels", text)
    names = []
    for line in content_lines(text):
        if not re.fullmatch(r"\s*[\w.-]+\s*", line):
            raise ParseError("nodels", "expected one node name a line", [line])
        names.append(line.strip())
    return tuple(names)


def parse_nodels_attributes(
    text: str, attributes: Sequence[str]
) -> Mapping[str, Mapping[str, str]]:
    """``nodels noderange attr [attr ...]``: node -> attribute -> value.

    With one attribute xCAT prints ``node: value``; with several, ``node: table.attr: value``.
    """
    what = "nodels"
    _raise_errors(what, text)
    if not attributes:
        raise ValueError("name the attributes asked of nodels")
    result: dict[str, dict[str, str]] = {}
    for line in content_lines(text):
        node, sep, rest = line.partition(": ")
        if not sep and line.endswith(":"):
            node, sep, rest = line[:-1], ":", ""
        if not sep:
            raise ParseError(what, "expected 'node: value'", [line])
        if len(attributes) == 1:
            result.setdefault(node.strip(), {})[attributes[0]] = rest.strip()
            continue
        attr, sep2, value = rest.partition(":")
        if not sep2:
            raise ParseError(what, "expected 'node: table.attr: value'", [line])
        result.setdefault(node.strip(), {})[attr.strip()] = value.strip()
    return MappingProxyType({k: MappingProxyType(v) for k, v in result.items()})


# --------------------------------------------------------------------------- tabdump


@dataclass(frozen=True)
class XcatTable:
    """``tabdump TABLE``: the columns of the ``#`` header and the rows (None for empty)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]

    def records(self) -> tuple[Mapping[str, str | None], ...]:
        return tuple(
            MappingProxyType(dict(zip(self.columns, row, strict=True))) for row in self.rows
        )

    def lookup(self, key_column: str, key: str, column: str) -> str | None:
        """The ``column`` of the first row whose ``key_column`` is ``key`` (site: key/value)."""
        for record in self.records():
            if record.get(key_column) == key:
                return record.get(column)
        return None


def parse_tabdump(text: str) -> XcatTable:
    """Parse ``tabdump TABLE`` (e.g. ``tabdump site``: ``#key,value,comments,disable``)."""
    what = "tabdump"
    require_text(what, text)
    _raise_errors(what, text)
    lines = content_lines(text)
    if not lines[0].startswith("#"):
        raise ParseError(what, "no '#column,...' header", lines)
    columns = tuple(next(csv.reader([lines[0][1:]])))
    rows: list[tuple[str | None, ...]] = []
    for number, fields in enumerate(csv.reader(lines[1:]), start=1):
        if len(fields) != len(columns):
            raise ParseError(
                what, f"{len(fields)} fields under {len(columns)} columns", [lines[number]]
            )
        rows.append(tuple(field if field != "" else None for field in fields))
    return XcatTable(columns, tuple(rows))


# --------------------------------------------------------------------------- lsxcatd


@dataclass(frozen=True)
class XcatdInfo:
    """``lsxcatd -a`` (or ``-v``/``-d``): version, node kind and database settings."""

    version: str | None
    build: str | None
    node_kind: str | None
    settings: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.settings if k == key), None)

    @property
    def dbengine(self) -> str | None:
        """``DB2``, ``Pg``, ``mysql`` or ``SQLite``."""
        return self.get("dbengine")


_VERSION_RE = re.compile(r"^Version\s+(?P<version>\S+)(?:\s+\((?P<build>.*)\))?\s*$")
_KIND_RE = re.compile(r"^This is an? (?P<kind>.+?)\s*$")
_SETTING_RE = re.compile(r"^(?P<key>[A-Za-z][\w]*)=(?P<value>.*)$")


def parse_lsxcatd(text: str) -> XcatdInfo:
    """Parse ``lsxcatd -a`` (sections 2-3: both MNs run the same xCAT version and database)."""
    what = "lsxcatd"
    require_text(what, text)
    _raise_errors(what, text)
    version = build = kind = None
    settings: list[tuple[str, str]] = []
    for line in content_lines(text):
        stripped = line.strip()
        if match := _VERSION_RE.match(stripped):
            version, build = match.group("version"), match.group("build")
        elif match := _KIND_RE.match(stripped):
            kind = match.group("kind")
        elif match := _SETTING_RE.match(stripped):
            settings.append((match.group("key"), match.group("value")))
        else:
            raise ParseError(what, "expected 'Version ...' or 'key=value'", [line])
    return XcatdInfo(version, build, kind, tuple(settings))
