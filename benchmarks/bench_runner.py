"""Per-command overhead: hamn's persistent channel against testinfra's ssh backend.

Runs `true` on a node of a running simulated cluster (default preset aix-db2) through
each transport, in the same run, and prints medians and the ratio. Usage:
    .venv/bin/python benchmarks/bench_runner.py [--preset NAME] [--node NAME] [-n 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable

import testinfra

from hamn.inventory import connect
from simulators.cluster import Cluster


def measure(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm up: opens the channel / master connection
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="aix-db2")
    ap.add_argument("--node", default=None)
    ap.add_argument("-n", type=int, default=200)
    args = ap.parse_args()
    sim = Cluster(args.preset)
    if not sim.alive():
        raise SystemExit(f"cluster {sim.name} is not up: hamn sim up --preset {args.preset}")
    name = args.node or sim.node("standby").spec.name
    cfg = str(sim.ssh_config_path)
    node = connect(name, cfg)
    rows = {"hamn persistent channel": measure(lambda: node.run("true"), args.n)}
    plain = testinfra.get_host(f"ssh://{name}", ssh_config=cfg)
    rows["testinfra ssh backend"] = measure(lambda: plain.run("true"), max(10, args.n // 10))
    with tempfile.TemporaryDirectory() as tmp:
        muxed = testinfra.get_host(f"ssh://{name}", ssh_config=cfg,
                                   controlpath=f"{tmp}/cm-{name}")
        rows["testinfra ssh + ControlMaster"] = measure(lambda: muxed.run("true"),
                                                         max(10, args.n // 4))
    base = statistics.median(rows["hamn persistent channel"])
    print("| transport | runs | median ms | p90 ms | ratio to hamn |")
    print("|---|---:|---:|---:|---:|")
    for label, samples in rows.items():
        med = statistics.median(samples)
        p90 = statistics.quantiles(samples, n=10)[-1]
        print(f"| {label} | {len(samples)} | {med:.1f} | {p90:.1f} | {med / base:.0f}x |")
    node.close()


if __name__ == "__main__":
    main()
