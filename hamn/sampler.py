"""Sample each MN's state in the background through a drill or a fault scenario.

One thread per MN, each over its own channel (hamn.runner.Node on a private RunLog), so the
samples neither interleave with the scenario's commands on its channels nor appear among a
step's commands. A reading: HADR role, state, connect status and log positions (db2pd -hadr,
runbook 5.1.8), xcatd and DHCP status (hamn.services). An MN that does not answer is
sampled as unreachable; its channel is reopened on the next tick.

``read_member`` is also what ``hamn status`` uses: one reading, the same library calls.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from hamn import services
from hamn.db2.parse import LogPosition
from hamn.errors import (
    AuthenticationFailed,
    CommandTimeout,
    HamnError,
    HostKeyMismatch,
    HostUnreachable,
)
from hamn.histories import History, Sample
from hamn.inventory import Cluster, Member, Settings, connect
from hamn.parsing import ParseError
from hamn.runner import Node, RunLog


def hadr_fields(node: Node, settings: Settings) -> dict[str, object]:
    """HADR role/state/connect status/log positions of SETTINGS.db_name on NODE (5.1.8),
    through hamn.db2.hadr.hadr_status (the @readonly 5.1.8 checks' call)."""
    from hamn.db2 import hadr
    try:
        report = hadr.hadr_status(Member("", node.name, node), settings)
    except (HostUnreachable, CommandTimeout, AuthenticationFailed, HostKeyMismatch):
        raise
    except (HamnError, ParseError, ValueError) as err:
        return {"hadr_role": None, "note": f"db2pd: {str(err).splitlines()[0][:160]}"}
    if not report.database_active or not report.hadr_active or not report.channels:
        role = None if not report.database_active else "STANDARD"
        return {"hadr_role": role, "note": report.note or ""}
    ch = report.principal

    def pos(p: LogPosition | None) -> str | None:
        if p is None:
            return None
        extra = p.pos if p.pos is not None else p.lsn
        return f"{p.file}/{p.page}/{extra}" if extra is not None else f"{p.file}/{p.page}"

    gap = ch.log_gap_bytes
    if gap is None and ch.primary_log and ch.standby_log and \
            ch.primary_log.pos is not None and ch.standby_log.pos is not None:
        gap = max(ch.primary_log.pos - ch.standby_log.pos, 0)
    return {
        "hadr_role": ch.role.value,
        "hadr_state": ch.state.value if ch.state else None,
        "connect_status": ch.connect_status.value if ch.connect_status else None,
        "primary_log": pos(ch.primary_log), "standby_log": pos(ch.standby_log),
        "log_gap": gap,
    }


def postgres_fields(node: Node) -> dict[str, object]:
    res = node.run("psql", "-Atc", "select pg_is_in_recovery()", user="postgres", timeout=30)
    if not res.succeeded:
        return {"hadr_role": None, "note": "postgresql not answering"}
    return {"hadr_role": "STANDBY" if res.stdout.strip() == "t" else "PRIMARY"}


def read_member(node: Node, role: str, settings: Settings) -> Sample:
    """One reading of one MN; unreachable when its channel fails."""
    t = time.time()
    try:
        fields: dict[str, object] = {}
        if settings.db == "db2":
            fields = hadr_fields(node, settings)
        elif settings.db == "postgres" and settings.pg_method == "streaming":
            fields = postgres_fields(node)
        fields["xcatd"] = services.status(node, "xcatd").active
        fields["dhcp"] = services.status(node, "dhcp").active
        return Sample(t=t, host=node.name, role=role, **fields)  # type: ignore[arg-type]
    except HamnError as err:
        node.close()
        services.forget(node)
        return Sample(t=t, host=node.name, role=role, reachable=False,
                      note=str(err).splitlines()[0][:160])


class Sampler:
    """``with Sampler(cluster) as s: ...``; ``s.history`` holds the samples."""

    def __init__(self, cluster: Cluster, interval: float = 1.0) -> None:
        self.cluster = cluster
        self.interval = interval
        self.history = History()
        self.log = RunLog()  # private: sampler commands are not any step's commands
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._nodes: list[Node] = []

    def _loop(self, name: str, role: str) -> None:
        node = connect(name, self.cluster.ssh_config, log=self.log)
        self._nodes.append(node)
        while not self._stop.is_set():
            started = time.monotonic()
            sample = read_member(node, role, self.cluster.settings)
            with self._lock:
                self.history.add(sample)
            self.log.results.clear()  # keep memory flat over long drills
            self._stop.wait(max(self.interval - (time.monotonic() - started), 0.05))

    def start(self) -> Sampler:
        for m in self.cluster.mns:
            th = threading.Thread(target=self._loop, args=(m.name, m.role),
                                  name=f"hamn-sampler-{m.name}", daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def stop(self) -> History:
        self._stop.set()
        for th in self._threads:
            th.join(timeout=60)
        for node in self._nodes:
            node.close()
        return self.history

    def __enter__(self) -> Sampler:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
