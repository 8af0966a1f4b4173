"""Wall time of a two-cluster drill (pytest-xdist, issue 9 "Scale out") against one cluster.

Per run: the presets are re-created fresh (original roles) and section 6.2 synchronised
(not timed), then ``hamn drill --preset linux-db2`` is timed alone; both are re-created
again, then ``hamn drill --preset linux-db2 --preset aix-lab`` (one pytest-xdist session,
-n 2) is timed; a drill that fails is discarded and tried again (see attempt()). Each is
the whole command, pre-flight to report, as an admin waits for it. Printed:
each run, then the medians and the ratio two/one (1.0 = parallel for free, 2.0 = no better
than one after the other). Usage:
    .venv/bin/python benchmarks/bench_multidrill.py [--runs 3] [--report-dir /tmp/hamn-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from hamn import failover_prep, filesync, inventory
from simulators.cluster import Cluster as SimCluster

ONE = ("linux-db2",)
TWO = ("linux-db2", "aix-lab")
# Pre-flight scenarios left out of every drill timed here (pytest -k words): the 6.2 drift
# check fails on a fresh AIX sim while the simulator's NIM tree is being reworked; the same
# for one and two clusters, so the ratio is fair. The reports list them.
EXCLUDE = ("install_directory_matches",)


def fresh(presets: tuple[str, ...]) -> None:
    """Original roles, and section 6.2's nightly sync run (/install in step), as the test."""
    for p in presets:
        sim = SimCluster(p)
        sim.up(fresh=True)
        # The last drill's failover journal is obsolete now; left, the drill's own pytest
        # session (failover_prep.restore_failed_over_sims) would re-create the cluster again,
        # undoing the sync below.
        failover_prep.journal_path_for(sim.name).unlink(missing_ok=True)
        cluster = inventory.from_sim(sim)
        try:
            filesync.sync_now(cluster, ["6.2"])
        finally:
            cluster.close()


def attempt(presets: tuple[str, ...], report_dir: Path, tries: int = 3
            ) -> tuple[float, list[float]]:
    """fresh() then a timed drill; again when the drill failed. Others' commits to
    simulators/ change the node image, and the next access re-creates a cluster whose
    /install was never synchronised (8.7 then fails): such a run measures nothing."""
    for i in range(1, tries + 1):
        fresh(presets)
        try:
            return timed_drill(presets, report_dir / f"try{i}")
        except RuntimeError as err:
            print(f"  (attempt {i} over {presets} discarded: {err})", flush=True)
    raise SystemExit(f"no passing drill over {presets} in {tries} attempts")


def timed_drill(presets: tuple[str, ...], report_dir: Path) -> tuple[float, list[float]]:
    """Wall seconds of one `hamn drill` over PRESETS, and the RTOs it reported."""
    args = [a for p in presets for a in ("--preset", p)]
    t = time.monotonic()
    skip = [a for w in EXCLUDE for a in ("--exclude-scenario", w)]
    res = subprocess.run([sys.executable, "-m", "hamn.cli", "drill", *args, *skip, "--quiet",
                          "--report-dir", str(report_dir)], capture_output=True, text=True)
    wall = time.monotonic() - t
    if res.returncode != 0:
        raise RuntimeError((res.stdout.strip() or res.stderr.strip()[-500:]).replace("\n", " | "))
    reports = sorted(report_dir.glob("*/drill-*/report.json")) or \
        sorted(report_dir.glob("drill-*/report.json"))
    rtos = [json.loads(p.read_text())["rto"]["seconds"] for p in reports]
    return wall, rtos


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--report-dir", type=Path, default=Path("/tmp/hamn-bench"))
    args = ap.parse_args()
    ones, twos = [], []
    for i in range(args.runs):
        base = args.report_dir / f"run{i + 1}-{int(time.time())}"
        load = os.getloadavg()[0]
        one, rto1 = attempt(ONE, base / "one")
        load2 = os.getloadavg()[0]
        two, rto2 = attempt(TWO, base / "two")
        ones.append(one)
        twos.append(two)
        print(f"run {i + 1}: one cluster {one:.1f}s (RTO {', '.join(f'{r:.1f}' for r in rto1)}"
              f"s; load {load:.1f}), two clusters {two:.1f}s (RTO "
              f"{', '.join(f'{r:.1f}' for r in rto2)}s; load {load2:.1f}), ratio "
              f"{two / one:.2f}", flush=True)
    m1, m2 = statistics.median(ones), statistics.median(twos)
    print(f"MEDIAN ({args.runs} runs): one cluster {m1:.1f}s, two clusters {m2:.1f}s, "
          f"ratio {m2 / m1:.2f}", flush=True)


if __name__ == "__main__":
    main()
