"""HADR: log shipping between a primary and a standby database over TCP (runbook 5.1.5-5.1.10).

As DB2 does it:
- Each side listens on HADR_LOCAL_HOST:HADR_LOCAL_SVC; the primary connects to
  HADR_REMOTE_HOST:HADR_REMOTE_SVC (service names resolved through the services file). A
  handshake checks the database (name and seed, i.e. restored from the primary's backup), the
  roles (two primaries never pair: split-brain protection), HADR_TIMEOUT/HADR_PEER_WINDOW
  equality, and the log chain (the standby's log must be a prefix of the primary's).
- Standby states LOCAL_CATCHUP -> REMOTE_CATCHUP_PENDING -> REMOTE_CATCHUP -> PEER; the primary
  is DISCONNECTED, REMOTE_CATCHUP, PEER or DISCONNECTED_PEER. SUPERASYNC never enters PEER.
- Heartbeats every min(HADR_TIMEOUT/4, HADR_PEER_WINDOW/4, 30) s; a side that hears nothing for
  HADR_TIMEOUT seconds drops the connection.
- In PEER a commit waits: SYNC until the standby wrote the log to disk, NEARSYNC until it is in
  the standby's memory, ASYNC until it was sent, SUPERASYNC not at all. After losing the
  standby in PEER with HADR_PEER_WINDOW > 0 the primary is DISCONNECTED_PEER and blocks commits
  until the peer window ends.
- TAKEOVER (graceful, PEER only) switches roles; TAKEOVER BY FORCE makes the standby primary at
  once and, when the old primary is reachable, disables it.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import rpc
from .instance import resolve_host, resolve_service
from .log import LogRecord
from .messages import fail

if TYPE_CHECKING:
    from .database import Database

PEER = "PEER"
DISCONNECTED = "DISCONNECTED"
DISCONNECTED_PEER = "DISCONNECTED_PEER"
REMOTE_CATCHUP = "REMOTE_CATCHUP"
REMOTE_CATCHUP_PENDING = "REMOTE_CATCHUP_PENDING"
LOCAL_CATCHUP = "LOCAL_CATCHUP"
_BATCH = 256


@dataclass(frozen=True)
class HadrConfig:
    """The HADR_* configuration as it was when HADR started (DB2 reads it at activation)."""

    local_host: str
    local_svc: str
    remote_host: str
    remote_svc: str
    remote_inst: str
    timeout: int
    syncmode: str
    peer_window: int
    instance: str

    @classmethod
    def from_params(cls, params: dict[str, str], instance: str) -> HadrConfig:
        return cls(
            params.get("HADR_LOCAL_HOST", ""), params.get("HADR_LOCAL_SVC", ""),
            params.get("HADR_REMOTE_HOST", ""), params.get("HADR_REMOTE_SVC", ""),
            params.get("HADR_REMOTE_INST", ""), int(params.get("HADR_TIMEOUT", "120")),
            params.get("HADR_SYNCMODE", "NEARSYNC"), int(params.get("HADR_PEER_WINDOW", "0")),
            instance,
        )

    def validate(self) -> tuple[str, int, str, int]:
        """Resolve addresses and ports or raise SQL1768N with DB2's reason code."""
        if not (self.local_host and self.local_svc and self.remote_host and self.remote_svc
                and self.remote_inst):
            raise fail("SQL1768N", 8)
        laddr = resolve_host(self.local_host)
        if laddr is None:
            raise fail("SQL1768N", 4)
        lport = resolve_service(self.local_svc)
        if lport is None:
            raise fail("SQL1768N", 5)
        rport = resolve_service(self.remote_svc)
        if rport is None:
            raise fail("SQL1768N", 6)
        raddr = resolve_host(self.remote_host) or self.remote_host
        return laddr, lport, raddr, rport

    @property
    def heartbeat(self) -> float:
        candidates = [self.timeout / 4.0, 30.0]
        if self.peer_window > 0:
            candidates.append(self.peer_window / 4.0)
        return max(0.25, min(candidates))


class Hadr:
    """The HADR side of one active database (role PRIMARY or STANDBY)."""

    def __init__(self, db: Database, conf: HadrConfig, role: str) -> None:
        self.db = db
        self.conf = conf
        self.role = role
        self.laddr, self.lport, self.raddr, self.rport = conf.validate()
        self.cond = threading.Condition()
        self.state = DISCONNECTED if role == "PRIMARY" else LOCAL_CATCHUP
        self.stop_ev = threading.Event()
        self.sock: socket.socket | None = None
        self.listener: socket.socket | None = None
        self.threads: list[threading.Thread] = []
        self.send_lock = threading.Lock()
        self.connect_status = "DISCONNECTED"
        self.connect_time = time.time()
        self.last_recv = 0.0
        self.peer_window_end = 0.0
        self.remote: dict[str, Any] = {}
        # positions (LSNs: byte offsets of the log stream)
        self.acked_mem = 0
        self.acked_disk = 0
        self.acked_replay = 0
        self.sent_lsn = 0
        self.primary_end = 0
        self.gap_avg = 0.0
        # commit wait statistics (LOG_HADR_WAIT_*)
        self.wait_count = 0
        self.wait_total = 0.0
        self.wait_recent = 0.0
        self.wait_started = 0.0
        # takeover
        self.takeover_ev = threading.Event()
        self.takeover_end = 0
        self.last_reject = ""
        self._reject_logged = 0.0

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            lst.bind((self.laddr, self.lport))
        except OSError as exc:
            lst.close()
            self.db.diag(f"HADR cannot listen on {self.laddr}:{self.lport}: {exc}")
            raise fail("SQL1768N", 4) from None
        lst.listen(4)
        lst.settimeout(0.5)
        self.listener = lst
        self._spawn(self._accept_loop, "hadr-listen")
        if self.role == "PRIMARY":
            self._spawn(self._connect_loop, "hadr-connect")
        else:
            self.db.recover()  # local catchup: replay what the local log already holds
            with self.cond:
                self.state = REMOTE_CATCHUP_PENDING
        self.db.diag(f"HADR {self.role.lower()} started, listening on {self.laddr}:{self.lport}")

    def _spawn(self, target: Any, name: str, *args: Any) -> threading.Thread:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads.append(t)
        t.start()
        return t

    def stop(self) -> None:
        self.stop_ev.set()
        with self.cond:
            sock, self.sock = self.sock, None
            self.cond.notify_all()
        for s in (sock, self.listener):
            if s is not None:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
        me = threading.current_thread()
        for t in self.threads:
            if t is not me:
                t.join(timeout=3)
        with self.cond:
            self.connect_status = "DISCONNECTED"

    @property
    def stopped(self) -> bool:
        return self.stop_ev.is_set()

    # -- state ----------------------------------------------------------------------------
    def current_state(self) -> str:
        with self.cond:
            return self._current_state()

    def _current_state(self) -> str:
        if self.state == DISCONNECTED_PEER and time.time() >= self.peer_window_end:
            self.state = DISCONNECTED if self.role == "PRIMARY" else REMOTE_CATCHUP_PENDING
            self.cond.notify_all()
        return self.state

    def wait_connected(self, timeout: float) -> bool:
        deadline = time.time() + timeout
        with self.cond:
            while self.sock is None and not self.stopped:
                left = deadline - time.time()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.5))
            return self.sock is not None

    def wait_state(self, states: tuple[str, ...], timeout: float) -> bool:
        deadline = time.time() + timeout
        with self.cond:
            while self._current_state() not in states:
                left = deadline - time.time()
                if left <= 0 or self.stopped:
                    return False
                self.cond.wait(min(left, 0.25))
            return True

    # -- handshake ------------------------------------------------------------------------
    def _hello(self) -> dict[str, Any]:
        log = self.db.log
        assert log is not None
        last = log.last
        return {
            "t": "hello", "role": self.role, "db": self.db.name, "seed": self.db.state.seed,
            "inst": self.conf.instance, "host": self.conf.local_host,
            "svc": self.conf.local_svc, "timeout": self.conf.timeout,
            "pw": self.conf.peer_window, "syncmode": self.conf.syncmode,
            "end": log.end_lsn, "crc": last.crc if last is not None and last.end == log.end_lsn
            else None,
        }

    def _check_hello(self, hello: dict[str, Any]) -> str:
        if hello.get("t") != "hello":
            return "protocol error"
        if str(hello.get("db", "")).upper() != self.db.name:
            return f"database name mismatch ({hello.get('db')})"
        if hello.get("role") == self.role:
            return f"role conflict: the remote database is also an HADR {self.role.lower()}"
        if hello.get("seed") != self.db.state.seed:
            return "the databases are not from the same backup image (database seed differs)"
        if hello.get("timeout") != self.conf.timeout or hello.get("pw") != self.conf.peer_window:
            return "HADR_TIMEOUT or HADR_PEER_WINDOW differ between primary and standby"
        return ""

    def _check_chain(self, standby: dict[str, Any]) -> str:
        """On the primary: can the standby's log continue from ours?"""
        log = self.db.log
        assert log is not None
        s_end = int(standby.get("end", 0))
        crc = standby.get("crc")
        if s_end > log.end_lsn:
            return "the standby's log is ahead of the primary's log; it cannot be reintegrated"
        if crc is None:
            if s_end == log.end_lsn or log.record_at(s_end) is not None:
                return ""
            return "the log the standby needs is not available on the primary"
        rec = log.record_ending_at(s_end)
        if rec is None and s_end == log.first_lsn:
            return ""  # our log begins where the standby's ends (we were restored there)
        if rec is None or rec.crc != crc:
            return "the standby's log does not match the primary's log (log chain differs)"
        return ""

    def _note_reject(self, reason: str) -> None:
        self.last_reject = reason
        now = time.time()
        if now - self._reject_logged > 10:
            self._reject_logged = now
            self.db.diag(f"HADR pairing refused: {reason}")

    def _accept_loop(self) -> None:
        lst = self.listener
        assert lst is not None
        while not self.stopped:
            try:
                conn, _ = lst.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._incoming, args=(conn,), daemon=True).start()

    def _incoming(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(max(2.0, self.conf.timeout))
            hello = rpc.recv(conn)
            reason = self._check_hello(hello)
            with self.cond:
                busy = self.sock is not None
            if not reason and busy:
                reason = "already connected"
            if reason:
                rpc.send(conn, {"t": "reject", "reason": reason, "role": self.role})
                conn.close()
                return
            rpc.send(conn, self._hello())
            if self.role == "PRIMARY":
                reason = self._check_chain(hello)
                rpc.send(conn, {"t": "reject", "reason": reason} if reason else {"t": "accept"})
                if reason:
                    self._note_reject(reason)
                    conn.close()
                    return
            else:
                decision = rpc.recv(conn)
                if decision.get("t") != "accept":
                    self._note_reject(str(decision.get("reason", "")))
                    conn.close()
                    return
            self._session(conn, hello)
        except (rpc.Closed, OSError, ValueError):
            conn.close()

    def _connect_loop(self) -> None:
        while not self.stopped:
            with self.cond:
                connected = self.sock is not None
            if not connected:
                self._try_connect()
            self.stop_ev.wait(0.5)

    def _try_connect(self) -> None:
        try:
            conn = socket.create_connection((self.raddr, self.rport), timeout=1.0)
        except OSError:
            return
        try:
            conn.settimeout(max(2.0, self.conf.timeout))
            rpc.send(conn, self._hello())
            reply = rpc.recv(conn)
            if reply.get("t") == "reject":
                self._note_reject(str(reply.get("reason", "")))
                conn.close()
                return
            reason = self._check_hello(reply)
            if not reason and self.role == "PRIMARY":
                reason = self._check_chain(reply)
            if reason:
                rpc.send(conn, {"t": "reject", "reason": reason})
                self._note_reject(reason)
                conn.close()
                return
            if self.role == "PRIMARY":
                rpc.send(conn, {"t": "accept"})
            self._session(conn, reply)
        except (rpc.Closed, OSError, ValueError):
            conn.close()

    # -- session --------------------------------------------------------------------------
    def _session(self, conn: socket.socket, remote: dict[str, Any]) -> None:
        log = self.db.log
        assert log is not None
        now = time.time()
        with self.cond:
            if self.stopped or self.sock is not None:
                conn.close()
                return
            self.sock = conn
            self.remote = remote
            self.connect_status = "CONNECTED"
            self.connect_time = now
            self.last_recv = now
            self.last_reject = ""
            if self.role == "PRIMARY":
                end = int(remote.get("end", 0))
                self.acked_mem = self.acked_disk = self.acked_replay = end
                self.sent_lsn = end
            else:
                self.primary_end = int(remote.get("end", 0))
            self.state = REMOTE_CATCHUP
            self.cond.notify_all()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.db.diag(f"HADR {self.role.lower()} connected to {remote.get('host')}")
        if self.role == "PRIMARY":
            self._spawn(self._sender, "hadr-send", conn)
        else:
            self._spawn(self._standby_heartbeat, "hadr-hb", conn)
        self._receive(conn)

    def _send(self, conn: socket.socket, msg: dict[str, Any]) -> bool:
        try:
            with self.send_lock:
                rpc.send(conn, msg)
            return True
        except OSError:
            self._drop(conn)
            return False

    def _receive(self, conn: socket.socket) -> None:
        conn.settimeout(self.conf.heartbeat)
        try:
            while not self.stopped:
                try:
                    msg = rpc.recv(conn)
                except TimeoutError:
                    if time.time() - self.last_recv > self.conf.timeout:
                        self.db.diag("HADR heartbeat timeout: no message for HADR_TIMEOUT seconds")
                        break
                    continue
                self.last_recv = time.time()
                if self.role == "PRIMARY":
                    self._primary_message(conn, msg)
                else:
                    self._standby_message(conn, msg)
        except (rpc.Closed, OSError, ValueError):
            pass
        finally:
            self._drop(conn)

    def _drop(self, conn: socket.socket) -> None:
        with self.cond:
            if self.sock is not conn:
                return
            self.sock = None
            self.connect_status = "DISCONNECTED"
            self.connect_time = time.time()
            if self.state == PEER and self.conf.peer_window > 0 and not self.stopped:
                self.state = DISCONNECTED_PEER
            else:
                self.state = DISCONNECTED if self.role == "PRIMARY" else REMOTE_CATCHUP_PENDING
            self.cond.notify_all()
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)
        conn.close()
        if not self.stopped:
            self.db.diag(f"HADR connection lost; state {self.state}")

    # -- primary side ---------------------------------------------------------------------
    def _sender(self, conn: socket.socket) -> None:
        log = self.db.log
        assert log is not None
        last_send = 0.0
        while not self.stopped:
            with self.cond:
                if self.sock is not conn:
                    return
                pos = self.sent_lsn
            recs: list[LogRecord] = []
            for rec in log.read_from(pos):
                recs.append(rec)
                if len(recs) >= _BATCH:
                    break
            now = time.time()
            if recs:
                msg = {
                    "t": "log", "recs": [[r.lsn, base64.b64encode(r.payload).decode()]
                                         for r in recs],
                    "pend": log.end_lsn, "state": self.state, "pwe": self.peer_window_end,
                }
                if not self._send(conn, msg):
                    return
                last_send = now
                with self.cond:
                    self.sent_lsn = recs[-1].end
                    self.cond.notify_all()
                continue
            with self.cond:
                if (self.state == REMOTE_CATCHUP and self.conf.syncmode != "SUPERASYNC"
                        and self.acked_mem >= log.end_lsn and self.sent_lsn >= log.end_lsn):
                    self.state = PEER
                    self.peer_window_end = now + self.conf.peer_window
                    self.db.diag("HADR entered PEER state")
                    self.cond.notify_all()
                    last_send = 0.0
            if now - last_send >= self.conf.heartbeat:
                if not self._send(conn, {"t": "hb", "pend": log.end_lsn, "state": self.state,
                                         "pwe": self.peer_window_end}):
                    return
                last_send = now
            with self.cond:
                if self.sent_lsn >= log.end_lsn and self.sock is conn:
                    self.cond.wait(min(self.conf.heartbeat, 0.5))

    def _primary_message(self, conn: socket.socket, msg: dict[str, Any]) -> None:
        kind = msg.get("t")
        if kind in ("ack", "hb"):
            log = self.db.log
            with self.cond:
                self.acked_mem = max(self.acked_mem, int(msg.get("mem", 0)))
                self.acked_disk = max(self.acked_disk, int(msg.get("disk", 0)))
                self.acked_replay = max(self.acked_replay, int(msg.get("replay", 0)))
                if self.state == PEER:
                    self.peer_window_end = time.time() + self.conf.peer_window
                if log is not None:
                    gap = max(0, log.end_lsn - self.acked_disk)
                    self.gap_avg = self.gap_avg * 0.9 + gap * 0.1
                self.cond.notify_all()
        elif kind == "takeover_req":
            threading.Thread(target=self._yield_primary, args=(conn,), daemon=True).start()
        elif kind == "disable":
            threading.Thread(target=self._disabled, daemon=True).start()

    def wait_commit(self, end: int) -> None:
        """Block a commit as the synchronization mode and peer window demand."""
        if self.role != "PRIMARY":
            return
        t0 = time.time()
        waited = False
        with self.cond:
            while not self.stopped:
                st = self._current_state()
                if st == PEER:
                    mode = self.conf.syncmode
                    if mode == "SUPERASYNC":
                        break
                    got = (self.acked_disk if mode == "SYNC" else
                           self.acked_mem if mode == "NEARSYNC" else self.sent_lsn)
                    if got >= end:
                        break
                elif st != DISCONNECTED_PEER:
                    break
                if not waited:
                    waited = True
                    self.wait_started = t0
                    self.cond.notify_all()
                self.cond.wait(0.5 if st == PEER else
                               min(0.5, max(0.01, self.peer_window_end - time.time())))
            dt = time.time() - t0
            self.wait_started = 0.0
            self.wait_count += 1
            self.wait_total += dt
            self.wait_recent = self.wait_recent * 0.9 + dt * 0.1 if self.wait_count > 1 else dt

    def _yield_primary(self, conn: socket.socket) -> None:
        """Graceful takeover, primary side: drain, hand over, become standby."""
        db = self.db
        log = db.log
        assert log is not None
        db.blocked = True
        for app in db.applications():
            db.engine.force(app)
        with db.store_lock():
            end = log.end_lsn
            deadline = time.time() + self.conf.timeout + 5
            with self.cond:
                while (self.acked_disk < end and self.sock is conn and not self.stopped
                       and time.time() < deadline):
                    self.cond.wait(0.2)
                ok = self.acked_disk >= end and self.sock is conn
            if ok:
                ok = self._send(conn, {"t": "takeover_ok", "end": end})
        if not ok:
            db.blocked = False
            return
        db.engine.switch_to_standby(db)

    def _disabled(self) -> None:
        self.db.diag("HADR: the standby took over BY FORCE; this old primary is shut down")
        self.db.engine.disable_old_primary(self.db)

    # -- standby side ---------------------------------------------------------------------
    def _standby_heartbeat(self, conn: socket.socket) -> None:
        while not self.stopped:
            with self.cond:
                if self.sock is not conn:
                    return
            if not self._send(conn, self._positions("hb")):
                return
            self.stop_ev.wait(self.conf.heartbeat)

    def _positions(self, kind: str) -> dict[str, Any]:
        log, store = self.db.log, self.db.store
        disk = log.end_lsn if log is not None else 0
        replay = store.applied_lsn if store is not None else 0
        return {"t": kind, "mem": max(disk, self.acked_mem), "disk": disk, "replay": replay}

    def _standby_message(self, conn: socket.socket, msg: dict[str, Any]) -> None:
        kind = msg.get("t")
        if kind == "log":
            log = self.db.log
            assert log is not None
            recs = [LogRecord(int(lsn), base64.b64decode(data)) for lsn, data in msg["recs"]]
            if recs and self.conf.syncmode == "NEARSYNC":
                self.acked_mem = recs[-1].end
                self._send(conn, {"t": "ack", "mem": recs[-1].end, "disk": log.end_lsn,
                                  "replay": log.end_lsn})
            sync = self.conf.syncmode == "SYNC"
            for rec in recs:
                if log.write_shipped(rec, sync=sync):
                    self.db.apply_record(rec.payload, rec.end)
            self.acked_mem = max(self.acked_mem, log.end_lsn)
            self._send(conn, self._positions("ack"))
        if kind in ("log", "hb"):
            with self.cond:
                self.primary_end = int(msg.get("pend", self.primary_end))
                state = str(msg.get("state", self.state))
                if state in (PEER, REMOTE_CATCHUP):
                    self.state = state
                self.peer_window_end = float(msg.get("pwe", self.peer_window_end))
                log = self.db.log
                if log is not None:
                    gap = max(0, self.primary_end - log.end_lsn)
                    self.gap_avg = self.gap_avg * 0.9 + gap * 0.1
                self.cond.notify_all()
        elif kind == "takeover_ok":
            self.takeover_end = int(msg.get("end", 0))
            self.takeover_ev.set()

    def takeover(self, *, force: bool, peer_window_only: bool) -> None:
        """TAKEOVER HADR on this standby; on success the caller makes the database primary."""
        if self.role != "STANDBY":
            raise fail("SQL1770N", 1)
        state = self.current_state()
        if force:
            if peer_window_only and (state not in (PEER, DISCONNECTED_PEER)
                    or time.time() >= self.peer_window_end
                    or self.conf.syncmode not in ("SYNC", "NEARSYNC")):
                raise fail("SQL1770N", 9)
            with self.cond:
                conn = self.sock
            if conn is not None:
                self._send(conn, {"t": "disable"})
            return
        if state != PEER:
            raise fail("SQL1770N", 2)
        with self.cond:
            conn = self.sock
        if conn is None or not self._send(conn, {"t": "takeover_req"}):
            raise fail("SQL1770N", 3)
        if not self.takeover_ev.wait(self.conf.timeout + 10):
            raise fail("SQL1770N", 3)
        deadline = time.time() + self.conf.timeout + 10
        store = self.db.store
        assert store is not None
        while store.applied_lsn < self.takeover_end:
            if time.time() > deadline:
                raise fail("SQL1770N", 3)
            time.sleep(0.02)

    # -- monitoring -----------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """Everything db2pd -hadr, GET SNAPSHOT and MON_GET_HADR report."""
        log, store = self.db.log, self.db.store
        with self.cond:
            state = self._current_state()
            now = time.time()
            if self.role == "PRIMARY":
                p_lsn = log.end_lsn if log is not None else 0
                s_lsn = self.acked_disk
                r_lsn = self.acked_replay
            else:
                s_lsn = log.end_lsn if log is not None else 0
                p_lsn = max(self.primary_end, s_lsn)
                r_lsn = store.applied_lsn if store is not None else s_lsn
            since = now - self.last_recv if self.last_recv else 0.0
            missed = int(since // self.conf.heartbeat) if self.sock is not None else 0
            remote = dict(self.remote)
            return {
                "role": self.role, "state": state, "syncmode": self.conf.syncmode,
                "connect_status": self.connect_status, "connect_time": self.connect_time,
                "heartbeat": self.conf.heartbeat, "missed": missed,
                "timeout": self.conf.timeout, "since_recv": since,
                "peer_window": self.conf.peer_window, "peer_window_end": self.peer_window_end,
                "local_host": self.conf.local_host, "local_svc": self.conf.local_svc,
                "remote_host": self.conf.remote_host, "remote_svc": self.conf.remote_svc,
                "remote_inst": self.conf.remote_inst,
                "remote_actual_host": remote.get("host", self.conf.remote_host),
                "primary_lsn": p_lsn, "standby_lsn": s_lsn, "replay_lsn": r_lsn,
                "gap_avg": int(self.gap_avg), "log_gap": max(0, p_lsn - s_lsn),
                "wait_cur": (now - self.wait_started) if self.wait_started else 0.0,
                "wait_avg": self.wait_recent, "wait_total": self.wait_total,
                "wait_count": self.wait_count, "last_reject": self.last_reject,
            }

    def mon_row(self) -> dict[str, Any]:
        """The MON_GET_HADR row (times in milliseconds, as the table function reports)."""
        i = self.info()
        log = self.db.log
        assert log is not None
        inst = self.conf.instance
        primary = i["role"] == "PRIMARY"
        pf, pp, _ = log.position(i["primary_lsn"])
        sf, sp, _ = log.position(i["standby_lsn"])
        rf, rp, _ = log.position(i["replay_lsn"])

        def ts(t: float) -> str | None:
            if not t:
                return None
            return time.strftime("%Y-%m-%d-%H.%M.%S", time.localtime(t)) + \
                f".{int((t % 1) * 1e6):06d}"

        return {
            "HADR_ROLE": i["role"], "REPLAY_TYPE": "PHYSICAL", "HADR_SYNCMODE": i["syncmode"],
            "STANDBY_ID": 1 if primary else 0, "LOG_STREAM_ID": 0, "HADR_STATE": i["state"],
            "HADR_FLAGS": "",
            "PRIMARY_MEMBER_HOST": i["local_host"] if primary else i["remote_host"],
            "PRIMARY_INSTANCE": inst if primary else i["remote_inst"], "PRIMARY_MEMBER": 0,
            "STANDBY_MEMBER_HOST": i["remote_host"] if primary else i["local_host"],
            "STANDBY_INSTANCE": i["remote_inst"] if primary else inst, "STANDBY_MEMBER": 0,
            "HADR_CONNECT_STATUS": i["connect_status"],
            "HADR_CONNECT_STATUS_TIME": ts(i["connect_time"]),
            "HEARTBEAT_INTERVAL": int(i["heartbeat"] * 1000),
            "HADR_TIMEOUT": i["timeout"] * 1000,
            "TIME_SINCE_LAST_RECV": int(i["since_recv"] * 1000), "PEER_WAIT_LIMIT": 0,
            "LOG_HADR_WAIT_CUR": int(i["wait_cur"] * 1000),
            "LOG_HADR_WAIT_RECENT_AVG": int(i["wait_avg"] * 1000),
            "LOG_HADR_WAIT_ACCUMULATED": int(i["wait_total"] * 1000),
            "LOG_HADR_WAIT_COUNT": i["wait_count"],
            "SOCK_SEND_BUF_REQUESTED": 0, "SOCK_SEND_BUF_ACTUAL": 16384,
            "SOCK_RECV_BUF_REQUESTED": 0, "SOCK_RECV_BUF_ACTUAL": 87380,
            "PRIMARY_LOG_FILE": pf, "PRIMARY_LOG_PAGE": pp, "PRIMARY_LOG_POS": i["primary_lsn"],
            "STANDBY_LOG_FILE": sf, "STANDBY_LOG_PAGE": sp, "STANDBY_LOG_POS": i["standby_lsn"],
            "HADR_LOG_GAP": i["log_gap"], "STANDBY_REPLAY_LOG_FILE": rf,
            "STANDBY_REPLAY_LOG_PAGE": rp, "STANDBY_REPLAY_LOG_POS": i["replay_lsn"],
            "STANDBY_RECV_REPLAY_GAP": max(0, i["standby_lsn"] - i["replay_lsn"]),
            "PRIMARY_LOG_TIME": ts(time.time()), "STANDBY_LOG_TIME": ts(time.time()),
            "STANDBY_REPLAY_LOG_TIME": ts(time.time()), "STANDBY_RECV_BUF_SIZE": 4298,
            "STANDBY_RECV_BUF_PERCENT": 0.0, "STANDBY_SPOOL_LIMIT": 0,
            "PEER_WINDOW": i["peer_window"] * 1000,
            "PEER_WINDOW_END": ts(i["peer_window_end"]) if i["peer_window"] else None,
            "READS_ON_STANDBY_ENABLED": "N", "STANDBY_REPLAY_ONLY_WINDOW_ACTIVE": "N",
        }


__all__ = ["Hadr", "HadrConfig"]
