"""The engine daemon behind db2start: a Unix-socket server in ``<home>/sqllib/tmp``.

Requests (framed JSON, see rpc.py): ``ping``; ``clp`` (one CLP command for the session of
the calling shell); ``db2pd``; ``stop`` (db2stop [force]); ``connect`` followed by ``execute``
and ``close`` on the same socket (the xcatd client: one socket is one application, so a
FORCE APPLICATION closes it). Run: ``python3 -m simulators.db2sim.server --home DIR``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from . import formats, rpc
from .clp import Clp
from .engine import Application, Engine
from .instance import Instance
from .messages import Db2Error, fail, msg


def _error(exc: Db2Error) -> dict[str, Any]:
    return {"error": {"sqlcode": exc.sqlcode, "message_id": exc.message_id,
                      "sqlstate": exc.sqlstate, "text": exc.text}}


class Server:
    """Accepts requests for one engine until db2stop."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.engine = Engine(inst)
        self.sock: socket.socket | None = None

    def db2pd(self, name: str) -> str:
        level = self.inst.level_tuple
        try:
            db = self.engine.database(name)
        except Db2Error:
            return formats.db2pd_not_active(name.upper(), level)
        if not db.active:
            return formats.db2pd_not_active(db.name, level)
        status = "Active"
        if db.role == "STANDBY" and level >= (10, 1):
            status = "Standby"
        out = formats.db2pd_header(db.name, level, status, db.activated_at)
        hadr, log = db.hadr, db.log
        if hadr is None or log is None:
            return out
        info = hadr.info()
        if level >= (10, 1):
            return out + formats.db2pd_hadr_101(info, log.position, self.inst.name, level)
        return out + formats.db2pd_hadr_97(info, log.position)

    def handle(self, conn: socket.socket) -> None:
        try:
            req = rpc.recv(conn)
            op = req.get("op")
            if op == "ping":
                rpc.send(conn, {"ok": True, "pid": os.getpid()})
            elif op == "clp":
                session = self.engine.session(int(req["ppid"]), str(req.get("pstart", "")))
                result = Clp(self.engine, session).run(
                    str(req["text"]), headings=bool(req.get("headings", True)),
                    answer=req.get("answer"))
                rpc.send(conn, {"out": result.out, "rc": result.rc, "prompt": result.prompt})
            elif op == "db2pd":
                rpc.send(conn, {"out": self.db2pd(str(req.get("db", ""))), "rc": 0})
            elif op == "stop":
                self.stop(conn, bool(req.get("force")))
            elif op == "connect":
                self.client(conn, req)
            else:
                rpc.send(conn, {"out": "", "rc": 8})
        except (rpc.Closed, OSError, ValueError, KeyError):
            pass
        finally:
            conn.close()

    def stop(self, conn: socket.socket, force: bool) -> None:
        if not force and (self.engine.active_databases() or self.engine.apps):
            rpc.send(conn, {"ok": False, "message": msg("SQL1025N").line()})
            return
        self.engine.shutdown()
        rpc.send(conn, {"ok": True})
        self.close()

    def client(self, conn: socket.socket, req: dict[str, Any]) -> None:
        try:
            app = self.engine.connect(str(req["db"]), req.get("user"), req.get("password"),
                                      str(req.get("appname") or "xcatd"), "client")
        except Db2Error as exc:
            rpc.send(conn, _error(exc))
            return

        def closer() -> None:
            conn.shutdown(socket.SHUT_RDWR)

        app.closer = closer
        rpc.send(conn, {"ok": True, "handle": app.handle})
        try:
            while True:
                req = rpc.recv(conn)
                if req.get("op") == "close":
                    break
                rpc.send(conn, self.execute(app, str(req.get("sql", "")),
                                            list(req.get("params") or [])))
        except (rpc.Closed, OSError, ValueError):
            pass
        finally:
            if not app.forced:
                self.engine.disconnect(app)

    def execute(self, app: Application, sql: str, params: list[Any]) -> dict[str, Any]:
        try:
            if app.forced:
                raise fail("SQL1224N")
            result, count = app.db.run_sql(sql, params)
        except Db2Error as exc:
            return _error(exc)
        if result is None:
            return {"rows": [], "rowcount": count}
        return {"rows": [list(r) for r in result.rows], "columns": result.columns,
                "rowcount": len(result.rows)}

    def housekeeping(self) -> None:
        while not self.engine.stopping.wait(1.0):
            try:
                self.engine.reap_sessions()
            except Exception as exc:  # keep the engine alive; record the fault
                self.engine.diag(f"housekeeping: {exc!r}")

    def close(self) -> None:
        self.engine.stopping.set()
        sock, self.sock = self.sock, None
        if sock is not None:
            sock.close()
        self.inst.socket_path.unlink(missing_ok=True)
        self.inst.pid_path.unlink(missing_ok=True)

    def serve(self) -> None:
        path = self.inst.socket_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        path.chmod(0o777)
        sock.listen(64)
        sock.settimeout(0.5)
        self.sock = sock
        self.inst.pid_path.write_text(f"{os.getpid()}\n")
        self.engine.diag("DB2START: engine started")
        threading.Thread(target=self.housekeeping, daemon=True).start()
        while not self.engine.stopping.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()
        self.engine.diag("DB2STOP: engine stopped")
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="db2sysc")
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args(argv)
    server = Server(Instance(args.home))

    def on_term(signum: int, frame: object) -> None:
        server.engine.shutdown()
        server.close()

    signal.signal(signal.SIGTERM, on_term)
    server.serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
