"""Framing for the simulator's sockets: length-prefixed JSON messages.

Used on the engine's Unix socket (the CLP back end, db2pd, the xcatd client) and on the
HADR TCP connection between primary and standby. A frame is a 4-byte big-endian length and a
UTF-8 JSON object; binary log data travels base64-encoded inside it.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

_LEN = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024


class Closed(Exception):
    """The peer closed the connection."""


def send(sock: socket.socket, obj: dict[str, Any]) -> None:
    data = json.dumps(obj, separators=(",", ":")).encode()
    sock.sendall(_LEN.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise Closed()
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket) -> dict[str, Any]:
    (length,) = _LEN.unpack(_recv_exact(sock, _LEN.size))
    if length > MAX_FRAME:
        raise Closed()
    obj = json.loads(_recv_exact(sock, length))
    if not isinstance(obj, dict):
        raise Closed()
    return obj


def call(path: str, request: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """One request/response exchange over a fresh Unix-socket connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        send(sock, request)
        return recv(sock)
