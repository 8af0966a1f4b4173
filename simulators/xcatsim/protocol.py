"""xCAT's client/daemon messages: <xcatrequest> in, <xcatresponse> out, as xCAT's XML.

A client sends one request::

    <xcatrequest><clienttype>cli</clienttype><command>lsdef</command>
    <arg>-t</arg><arg>node</arg><noderange>cn1</noderange><cwd>/root</cwd></xcatrequest>

and reads responses until one carries ``<serverdone/>``. A response holds, in order, the
``<data>``, ``<info>``, ``<warning>`` and ``<error>`` lines to print, per-node errors as
``<node><error>cn1: Error: ...</error></node>``, and an ``<errorcode>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

REQUEST_END = b"</xcatrequest>"
RESPONSE_END = b"</xcatresponse>"
KINDS = ("data", "info", "warning", "error")


@dataclass
class Request:
    command: str
    args: list[str] = field(default_factory=list)
    noderange: str | None = None
    cwd: str = "/"
    stdin: str | None = None
    user: str = ""

    def encode(self) -> bytes:
        parts = ["<xcatrequest>", "<clienttype>cli</clienttype>",
                 f"<command>{escape(self.command)}</command>"]
        parts += [f"<arg>{escape(a)}</arg>" for a in self.args]
        if self.noderange is not None:
            parts.append(f"<noderange>{escape(self.noderange)}</noderange>")
        parts.append(f"<cwd>{escape(self.cwd)}</cwd>")
        if self.stdin is not None:
            parts.append(f"<stdin>{escape(self.stdin)}</stdin>")
        parts.append("</xcatrequest>")
        return "".join(parts).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Request:
        root = ET.fromstring(raw.decode())
        if root.tag != "xcatrequest":
            raise ValueError(f"not an xcatrequest: {root.tag}")
        nr = root.find("noderange")
        stdin = root.find("stdin")
        return cls(command=root.findtext("command", ""),
                   args=[a.text or "" for a in root.findall("arg")],
                   noderange=(nr.text or "") if nr is not None else None,
                   cwd=root.findtext("cwd", "/"),
                   stdin=(stdin.text or "") if stdin is not None else None)


@dataclass
class Reply:
    """What a command answers: ordered (kind, text) lines and an error code."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    errorcode: int = 0

    def data(self, text: str) -> None:
        self.lines.append(("data", text))

    def info(self, text: str) -> None:
        self.lines.append(("info", text))

    def warning(self, text: str) -> None:
        self.lines.append(("warning", text))

    def node_error(self, node: str, text: str, code: int = 1) -> None:
        """A per-node failure, printed by the client as ``NODE: Error: TEXT``."""
        self.lines.append(("nodeerror", f"{node}: Error: {text}"))
        self.errorcode = code or self.errorcode

    def error(self, text: str, code: int = 1) -> None:
        self.lines.append(("error", text))
        self.errorcode = code or self.errorcode

    def encode(self, done: bool = True) -> bytes:
        parts = ["<xcatresponse>"]
        for k, t in self.lines:
            if k == "nodeerror":
                parts.append(f"<node><error>{escape(t)}</error></node>")
            else:
                parts.append(f"<{k}>{escape(t)}</{k}>")
        if self.errorcode:
            parts.append(f"<errorcode>{self.errorcode}</errorcode>")
        if done:
            parts.append("<serverdone/>")
        parts.append("</xcatresponse>")
        return "".join(parts).encode()

    @classmethod
    def decode(cls, raw: bytes) -> tuple[Reply, bool]:
        root = ET.fromstring(raw.decode())
        reply = cls()
        done = False
        for el in root:
            if el.tag in KINDS:
                reply.lines.append((el.tag, el.text or ""))
            elif el.tag == "node":
                reply.lines.append(("nodeerror", el.findtext("error", "")))
            elif el.tag == "errorcode":
                reply.errorcode = int(el.text or "1")
            elif el.tag == "serverdone":
                done = True
        return reply, done
