"""xCAT's command-line client (xCAT::Client): send one request to xcatd over TLS, print
what it answers, exit with its error code.

The daemon is the one named by XCATHOST (default ``localhost:3001``); the credentials are
the calling user's ~/.xcat (ca.pem, client-cred.pem), as for real xCAT clients. When
xcatd cannot be reached the client fails as xCAT's does::

    Unable to open socket connection to xcatd daemon on localhost:3001.
    Verify that the xcatd daemon is running and that your SSL setup is correct.
    Connection failure: IO::Socket::INET: connect: Connection refused at \
/opt/xcat/lib/perl/xCAT/Client.pm line 248.
"""

from __future__ import annotations

import os
import socket
import ssl
import sys
from typing import TextIO

from simulators.xcatsim import paths
from simulators.xcatsim.protocol import RESPONSE_END, Reply, Request

CLIENT_PM = "/opt/xcat/lib/perl/xCAT/Client.pm line 248"
# Commands whose first non-option argument is the noderange (xcatclient, not xcatclientnnr).
NODERANGE_FIRST = {"rpower", "rnetboot", "nodeset", "nodels"}


class ConnectError(Exception):
    pass


def xcathost() -> tuple[str, int]:
    value = os.environ.get("XCATHOST") or f"localhost:{paths.xcatd_port()}"
    host, _, port = value.rpartition(":")
    if not host:
        return value, paths.xcatd_port()
    return host, int(port)


def _context() -> ssl.SSLContext:
    d = paths.user_xcat()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # xCAT's client (IO::Socket::SSL with SSL_verify_mode unset) does not check xcatd's
    # certificate: it is xcatd that decides, by the CA that signed the client's.
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.load_verify_locations(cafile=str(d / "ca.pem"))
        ctx.load_cert_chain(str(d / "client-cred.pem"))
    except (OSError, ssl.SSLError) as exc:
        raise ConnectError(f"IO::Socket::SSL: SSL_cert_file {d / 'client-cred.pem'} "
                           f"can't be used: {getattr(exc, 'strerror', None) or exc}") from exc
    return ctx


OPENSSL_CODES = {"TLSV1_ALERT_UNKNOWN_CA": "0A000418", "CERTIFICATE_VERIFY_FAILED": "0A000086",
                 "SSLV3_ALERT_BAD_CERTIFICATE": "0A000412",
                 "TLSV13_ALERT_CERTIFICATE_REQUIRED": "0A00045C"}


def _ssl_text(exc: ssl.SSLError) -> str:
    """OpenSSL's error string, as IO::Socket::SSL reports it."""
    code = OPENSSL_CODES.get(exc.reason or "", "")
    reason = (exc.reason or str(exc)).lower().replace("_", " ")
    lib = (exc.library or "ssl").upper()
    return f"SSL connect attempt failed error:{code + ':' if code else ''}{lib} routines::{reason}"


def send(request: Request) -> Reply:
    """Run REQUEST on xcatd; the merged reply. ConnectError when xcatd is unreachable."""
    host, port = xcathost()
    ctx = _context()
    try:
        raw = socket.create_connection((host, port), timeout=15)
    except OSError as exc:
        text = exc.strerror or str(exc)
        if isinstance(exc, socket.gaierror):
            text = "Bad hostname"
        raise ConnectError(f"IO::Socket::INET: connect: {text}") from exc
    try:
        conn = ctx.wrap_socket(raw, server_hostname=host)
    except ssl.SSLError as exc:
        raw.close()
        raise ConnectError(_ssl_text(exc)) from exc
    except OSError as exc:
        raw.close()
        raise ConnectError(f"SSL connect attempt failed: {exc.strerror or exc}") from exc
    merged = Reply()
    with conn:
        conn.settimeout(None)
        try:
            conn.sendall(request.encode())
            buf = b""
            done = False
            while not done:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while RESPONSE_END in buf and not done:
                    one, _, buf = buf.partition(RESPONSE_END)
                    reply, done = Reply.decode(one + RESPONSE_END)
                    merged.lines += reply.lines
                    merged.errorcode = reply.errorcode or merged.errorcode
        except ssl.SSLError as exc:
            raise ConnectError(_ssl_text(exc)) from exc
        except OSError as exc:
            raise ConnectError(f"SSL read error: {exc.strerror or exc}") from exc
        if not done and not merged.lines:
            raise ConnectError("Server closed the connection")
    return merged


def show(reply: Reply, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print REPLY as xCAT's client does; the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    for kind, text in reply.lines:
        if kind == "error":
            err.write(f"Error: {text}\n")
        elif kind == "nodeerror":
            err.write(f"{text}\n")
        elif kind == "warning":
            out.write(f"Warning: {text}\n")
        else:
            out.write(f"{text}\n")
    out.flush()
    return reply.errorcode


def connection_failure(message: str) -> str:
    host, port = xcathost()
    return (f"Unable to open socket connection to xcatd daemon on {host}:{port}.\n"
            "Verify that the xcatd daemon is running and that your SSL setup is correct.\n"
            f"Connection failure: {message} at {CLIENT_PM}.\n")


def build_request(command: str, argv: list[str]) -> Request:
    args = list(argv)
    noderange = None
    if command in NODERANGE_FIRST:
        for i, a in enumerate(args):
            if not a.startswith("-"):
                noderange = args.pop(i)
                break
    stdin = None
    if command in ("mkdef", "chdef") and ("-z" in args or "--stanza" in args):
        stdin = sys.stdin.read()
    return Request(command=command, args=args, noderange=noderange, cwd=os.getcwd(),
                   stdin=stdin)


def main(command: str, argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    request = build_request(command, argv)
    try:
        reply = send(request)
    except ConnectError as exc:
        sys.stderr.write(connection_failure(str(exc)))
        return 1
    return show(reply)
