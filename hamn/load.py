"""A write load through xcatd: node definitions created at a steady rate on the primary MN.

Each ``mkdef -t node`` goes through xcatd into the xCAT database (DB2 on a HADR pair); a zero
exit is an acknowledged write and is recorded with its time. The load reaches the primary by
its SSH name, over its own channel (a private RunLog), so after a failover, when that name
reaches the new primary (runbook section 8 moves the address), the load carries on there.
A refused or unanswered write is recorded too; the channel is reopened on the next tick.

RPO, as the drill reports it: the acknowledged writes that are not there after failover
(:func:`missing`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from hamn.errors import HamnError
from hamn.inventory import Cluster, connect
from hamn.runner import Node, RunLog
from hamn.xcat.parse import parse_nodels

PREFIX = "hamnload"


@dataclass(frozen=True)
class Write:
    name: str
    t: float  # wall clock when the write was answered
    acknowledged: bool
    latency: float
    error: str = ""


@dataclass
class Load:
    cluster: Cluster
    rate: float = 2.0  # writes per second
    prefix: str = field(default_factory=lambda: f"{PREFIX}{int(time.time()) % 100000}x")
    writes: list[Write] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log = RunLog()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._node: Node | None = None

    def _write(self, node: Node, name: str) -> Write:
        t0 = time.monotonic()
        try:
            res = node.run("mkdef", "-t", "node", "-o", name, "groups=hamnload",
                           "mgt=ipmi", timeout=20, changes=True)
        except HamnError as err:
            node.close()
            return Write(name, time.time(), False, time.monotonic() - t0,
                         str(err).splitlines()[0][:160])
        err_text = (res.stderr.strip() or res.stdout.strip()).splitlines()
        return Write(name, time.time(), res.succeeded, time.monotonic() - t0,
                     "" if res.succeeded else (err_text[-1] if err_text else "refused")[:160])

    def _loop(self) -> None:
        node = self._node = connect(self.cluster.primary.name, self.cluster.ssh_config,
                                    log=self.log)
        i = 0
        period = 1.0 / self.rate
        while not self._stop.is_set():
            started = time.monotonic()
            i += 1
            self.writes.append(self._write(node, f"{self.prefix}{i:05d}"))
            self.log.results.clear()
            self._stop.wait(max(period - (time.monotonic() - started), 0.0))

    def start(self) -> Load:
        self._thread = threading.Thread(target=self._loop, name="hamn-load", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self._node is not None:
            self._node.close()

    @property
    def acknowledged(self) -> list[Write]:
        return [w for w in self.writes if w.acknowledged]

    def summary(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "rate": self.rate, "attempted": len(self.writes),
                "acknowledged": len(self.acknowledged),
                "refused": [asdict(w) for w in self.writes if not w.acknowledged][:50]}


def present(node: Node, prefix: str) -> set[str]:
    """The node definitions starting with PREFIX that the xCAT database holds (via xcatd)."""
    res = node.check("nodels", why="listing node definitions to count acknowledged writes")
    return {n for n in parse_nodels(res.stdout) if n.startswith(prefix)}


def missing(acknowledged: list[Write], found: set[str]) -> list[Write]:
    """Acknowledged writes not found after failover: the measured RPO, in writes."""
    return [w for w in acknowledged if w.name not in found]


def cleanup(node: Node, prefix: str) -> None:
    """Remove the load's node definitions, best effort."""
    names = sorted(present(node, prefix))
    if names:
        node.run("rmdef", "-t", "node", "-o", ",".join(names), changes=True, timeout=300)
