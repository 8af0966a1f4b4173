"""Automated failover in the simulated cluster with many nodes defined (issue 8).

Per run: the pair is re-created and brought to section 8's starting point (HADR in peer),
N nodes are defined through xcatd on the primary, then the primary is powered off (a kill:
no warning) and "declared failed"; the clock starts and hamn.failover runs every step of
section 8. Reported: seconds from that moment to xcatd answering on the primary's address
(the end of step start-xcatd, whose postcondition runs ``lsxcatd -a`` on the machine
reached at that address), and to the end of the whole failover. Usage:
    .venv/bin/python benchmarks/bench_failover.py [--preset aix-db2-11.5] [--nodes 1000 10000]
        [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from hamn import failover, failover_prep, inventory
from hamn.runner import RUN_LOG
from simulators.cluster import Cluster as SimCluster


def one_run(preset: str, nodes: int, slow: bool = False) -> dict[str, float]:
    sim = SimCluster(preset)
    cluster = inventory.from_sim(sim)  # starting_point re-creates the nodes first
    try:
        failover_prep.starting_point(cluster, sync=False)
        t = time.monotonic()
        cluster.primary.node.check("mkdef", "-t", "node", "-o", f"bn[1-{nodes}]",
                                   "groups=bench,all", "mgt=ipmi", timeout=3600)
        define = time.monotonic() - t
        sim.kill(cluster.primary.name)
        declared = time.time()
        mark = len(RUN_LOG.results)
        fo = failover.run(cluster)
        if slow:
            for r in RUN_LOG.results[mark:]:
                if r.duration > 0.5:
                    print(f"    slow: {r.duration:6.2f}s {r.host}: {r.display[:110]}")
        xcatd = next(r for r in fo.records if r.name == "start-xcatd")
        last = fo.records[-1]
        out = {"define": define, "xcatd": xcatd.started + xcatd.duration - declared,
               "total": last.started + last.duration - declared}
        for r in fo.records:
            out[r.name] = out.get(r.name, 0.0) + r.duration
        return out
    finally:
        cluster.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="aix-db2-11.5")
    ap.add_argument("--nodes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--slow", action="store_true", help="list commands slower than 0.5 s")
    args = ap.parse_args()
    for n in args.nodes:
        runs = []
        for i in range(args.runs):
            got = one_run(args.preset, n, args.slow)
            runs.append(got)
            steps = "  ".join(f"{k}={v:.2f}" for k, v in got.items()
                              if k not in ("define", "xcatd", "total"))
            print(f"{n} nodes run {i + 1}: xcatd answering {got['xcatd']:.2f}s, "
                  f"failover {got['total']:.2f}s (defining took {got['define']:.1f}s)\n"
                  f"    {steps}", flush=True)
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"MEDIAN {n} nodes ({args.runs} runs): xcatd answering {med['xcatd']:.2f}s, "
              f"whole failover {med['total']:.2f}s; per step: "
              + ", ".join(f"{k} {v:.2f}s" for k, v in med.items()
                          if k not in ("define", "xcatd", "total")), flush=True)


if __name__ == "__main__":
    main()
