"""DB2 simulator: commit latency and throughput on the primary per HADR sync mode, with the
standby in peer; and the time from a standby restart to PEER (issue 3).

Two instances on 127.0.0.1 / 127.0.0.2 (no containers), set up exactly as runbook 5.1
reads (tests/sim/db2sim/conftest.py). Usage: .venv/bin/python benchmarks/bench_db2_commit.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from simulators.db2sim import client
from tests.sim.db2sim.conftest import free_port, in_peer, make_instance, setup_pair, wait_for

COMMITS = 300


def connected(p: object, s: object, mode: str) -> bool:
    """PEER and connected; in SUPERASYNC a pair never enters peer (IBM documents it): the
    remote catch-up state, connected, is as far as it goes."""
    if mode != "SUPERASYNC":
        return in_peer(p, s)  # type: ignore[arg-type]
    a, b = p.hadr(), s.hadr()  # type: ignore[attr-defined]
    return all(x.get("HADR_CONNECT_STATUS") == "CONNECTED" and x.get("HADR_STATE", "").upper()
               .replace("_", "") == "REMOTECATCHUP" for x in (a, b))


def run_mode(mode: str) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        services = base / "services"
        services.write_text(f"DB2_HADR_1\t{free_port()}/tcp\nDB2_HADR_2\t{free_port()}/tcp\n")
        p = make_instance(base, "mn1", "mn1", services)
        s = make_instance(base, "mn2", "mn2", services)
        try:
            for node in (p, s):
                node.start()
                node.db2("CREATE DATABASE XCATDB")
            p.sh('db2 connect to xcatdb >/dev/null && db2 "create table nodelist (node '
                 'varchar(128) not null primary key, groups varchar(128))" && db2 terminate')
            setup_pair(p, s, syncmode=mode)
            assert wait_for(lambda: connected(p, s, mode), 30), f"{p.hadr()} {s.hadr()}"
            conn = client.connect("XCATDB", "xcatdb", "cluster", home=p.home)
            lat = []
            start = time.perf_counter()
            for i in range(COMMITS):
                t = time.perf_counter()
                conn.execute("INSERT INTO nodelist VALUES (?, ?)", (f"n{i}", "compute"))
                lat.append((time.perf_counter() - t) * 1000)
            rate = COMMITS / (time.perf_counter() - start)
            conn.close()
            s.kill()
            t = time.perf_counter()
            s.start()
            s.db2("START", "HADR", "ON", "DATABASE", "XCATDB", "AS", "STANDBY")
            assert wait_for(lambda: connected(p, s, mode), 60), "standby did not come back"
            to_peer = time.perf_counter() - t
            return statistics.median(lat), rate, to_peer
        finally:
            p.cleanup()
            s.cleanup()


def main() -> None:
    print("| sync mode | commits | median commit ms | commits/s | standby restart to PEER s |")
    print("|---|---:|---:|---:|---:|")
    for mode in ("SYNC", "NEARSYNC", "ASYNC", "SUPERASYNC"):
        med, rate, to_peer = run_mode(mode)
        print(f"| {mode} | {COMMITS} | {med:.2f} | {rate:.0f} | {to_peer:.1f} |")


if __name__ == "__main__":
    main()
