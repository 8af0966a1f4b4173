"""xcatd: the xCAT daemon, in the foreground (the node's service manager daemonises it).

Listens with TLS on xcatd's port (site.xcatdport, 3001; XCATSIM_PORT) with the server
certificate in /etc/xcat/cert, and accepts only clients whose certificate the CA in
/etc/xcat/ca signed (runbook 6.1). It holds one connection to the database of
/etc/xcat/cfgloc for as long as it runs (for DB2 an application that BACKUP must wait for,
runbook 5.1.1), runs each request's command and logs it to /var/log/xcat/commands.log.
Port 3002 (xcatiport) is opened too, as xCAT's install monitor. SIGTERM stops it.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import socket
import ssl
import sys
import threading
from types import FrameType

from simulators.xcatsim import commands, paths
from simulators.xcatsim.db import Database, DbError, open_database
from simulators.xcatsim.objects import Store
from simulators.xcatsim.protocol import REQUEST_END, Reply, Request

MAX_REQUEST = 64 * 1024 * 1024


class Daemon:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.db: Database | None = None
        self.listeners: list[socket.socket] = []
        self.stopping = threading.Event()
        self.ctx = self._ssl_context()

    @staticmethod
    def _ssl_context() -> ssl.SSLContext:
        cert = paths.etc_xcat() / "cert"
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # xCAT's default SSL_version: SSLv23:!SSLv2:!SSLv3:!TLSv1; 1.2 keeps client-cert
        # refusals inside the handshake, where xCAT's client reports them.
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_cert_chain(str(cert / "server-cred.pem"))
        ctx.load_verify_locations(cafile=str(cert / "ca.pem"))
        return ctx

    def log(self, text: str) -> None:
        stamp = datetime.datetime.now().strftime("%a %b %d %H:%M:%S %Y")
        line = f"[{stamp}] {text}"
        print(line, file=sys.stderr, flush=True)
        try:
            d = paths.log_dir()
            d.mkdir(parents=True, exist_ok=True)
            with (d / "commands.log").open("a") as f:
                f.write(line + "\n")
        except OSError:
            pass

    def database(self) -> Database:
        if self.db is None:
            self.db = open_database()
        return self.db

    def drop_database(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- serving -------------------------------------------------------------------------
    def listen(self, port: int) -> socket.socket:
        addr = os.environ.get("XCATSIM_LISTEN", "0.0.0.0")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(64)
        self.listeners.append(s)
        return s

    def accept_loop(self, s: socket.socket, tls: bool) -> None:
        while not self.stopping.is_set():
            try:
                conn, peer = s.accept()
            except OSError:
                return
            target = self.serve if tls else self.serve_plain
            threading.Thread(target=target, args=(conn, peer), daemon=True).start()

    def serve_plain(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        conn.close()

    def serve(self, raw: socket.socket, peer: tuple[str, int]) -> None:
        raw.settimeout(60)
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.log(f"xcatd: refused {peer[0]}: {getattr(exc, 'reason', None) or exc}")
            raw.close()
            return
        with conn:
            try:
                user = _peer_user(conn)
                buf = b""
                while REQUEST_END not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                    if len(buf) > MAX_REQUEST:
                        return
                raw_req = buf[: buf.index(REQUEST_END) + len(REQUEST_END)]
                try:
                    request = Request.decode(raw_req)
                except (ValueError, SyntaxError) as exc:
                    reply = Reply()
                    reply.error(f"Invalid request: {exc}")
                    conn.sendall(reply.encode())
                    return
                request.user = user
                words = ([request.noderange] if request.noderange else []) + request.args
                self.log(f"xcatd: {user}@{peer[0]}: {request.command} {' '.join(words)}")
                reply = self.run(request, peer[0])
                conn.sendall(reply.encode())
            except (ssl.SSLError, OSError) as exc:
                self.log(f"xcatd: connection from {peer[0]} failed: {exc}")

    def run(self, request: Request, peer: str) -> Reply:
        reply = Reply()
        fn = commands.handler(request.command)
        if fn is None:
            reply.error(f"{request.command} is not a supported xCAT command or plugin.")
            return reply
        with self.lock:
            try:
                db = self.database()
                fn(commands.Context(db, Store(db), request, peer), reply)
            except DbError as exc:
                reply.error(str(exc))
                self.drop_database()
            except Exception as exc:  # a plugin failure must not kill xcatd
                reply.error(f"{request.command}: internal error: {exc!r}")
                self.log(f"xcatd: {request.command} failed: {exc!r}")
        return reply

    def stop(self, signum: int = 0, frame: FrameType | None = None) -> None:
        self.stopping.set()
        for s in self.listeners:
            with contextlib.suppress(OSError):
                s.close()


def _peer_user(conn: ssl.SSLSocket) -> str:
    cert = conn.getpeercert() or {}
    subject: tuple[tuple[tuple[str, str], ...], ...] = cert.get("subject", ())  # type: ignore[assignment]
    for rdn in subject:
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    try:
        daemon = Daemon()
    except (OSError, ssl.SSLError) as exc:
        print(f"xcatd: cannot load the SSL credentials in {paths.etc_xcat() / 'cert'}: {exc}",
              file=sys.stderr)
        return 1
    try:
        daemon.database()
    except DbError as exc:
        print(f"Error: xcatd could not connect to the xCAT database: {exc}", file=sys.stderr)
        return 1
    try:
        main_sock = daemon.listen(paths.xcatd_port())
        iport = paths.xcatd_iport()
        extra = daemon.listen(iport) if iport else None
    except OSError as exc:
        print(f"xcatd: cannot listen: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, daemon.stop)
    signal.signal(signal.SIGINT, daemon.stop)
    if extra is not None:
        threading.Thread(target=daemon.accept_loop, args=(extra, False), daemon=True).start()
    port = main_sock.getsockname()[1]
    daemon.log(f"xcatd: listening on port {port} (database {daemon.database().engine})")
    t = threading.Thread(target=daemon.accept_loop, args=(main_sock, True), daemon=True)
    t.start()
    daemon.stopping.wait()
    with daemon.lock:
        daemon.drop_database()
    daemon.log("xcatd: stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
