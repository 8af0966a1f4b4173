"""Sections 5.2/5.3 timed: the documented PostgreSQL dump chain (dump, copy, restore) and
streaming replay lag, with 1,000 and 10,000 nodes defined in xCAT's database.

Nodes are defined in bulk by SQL on the primary (nodelist, hosts, nodehm, nodetype, mac:
the rows ``mkdef -t node`` writes for a typical node), then:
- dump method (preset linux-postgres): ``hamn.pgsql.run_chain`` runs the three cron
  commands as cron would; each step timed; median of --runs runs;
- streaming (preset linux-postgres-streaming): the nodes are written in one transaction on
  the primary and the time until the standby has replayed that commit is measured (median
  of --runs runs), with pg_stat_replication's replay_lag sampled afterwards.
The benchmark nodes are removed afterwards. Usage:
    .venv/bin/python benchmarks/bench_replication.py [--sizes 1000,10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from hamn import operating, pgsql
from hamn.inventory import Cluster, from_sim
from simulators.cluster import Cluster as SimCluster

PREFIX = "bench"
_TABLES = ("nodelist", "hosts", "nodehm", "nodetype", "mac")


def define_sql(n: int) -> str:
    """SQL defining N nodes bench00001... as mkdef would (one transaction)."""
    g = f"generate_series(1, {n}) AS i"
    name = f"'{PREFIX}' || lpad(i::text, 5, '0')"
    return (
        "BEGIN;\n"
        f"INSERT INTO nodelist (node, groups) SELECT {name}, 'bench,compute,all' FROM {g};\n"
        f"INSERT INTO hosts (node, ip) SELECT {name}, "
        f"'10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256) FROM {g};\n"
        f"INSERT INTO nodehm (node, mgt) SELECT {name}, 'ipmi' FROM {g};\n"
        f"INSERT INTO nodetype (node, os, arch, profile) SELECT {name}, 'rhels6', 'x86_64', "
        f"'compute' FROM {g};\n"
        f"INSERT INTO mac (node, interface, mac) SELECT {name}, 'eth0', "
        f"'42:00:' || lpad(to_hex(i / 65536), 2, '0') || ':' || "
        f"lpad(to_hex(i / 256 % 256), 2, '0') || ':' || lpad(to_hex(i % 256), 2, '0') || "
        f"':01' FROM {g};\n"
        "COMMIT;\n")


def undefine_sql() -> str:
    return "".join(f"DELETE FROM {t} WHERE node LIKE '{PREFIX}%';\n" for t in _TABLES)


def nodes(cluster: Cluster) -> int:
    return int(pgsql.value(cluster.primary.node, "SELECT count(*) FROM nodelist", "xcatdb"))


def bench_dump(cluster: Cluster, n: int, runs: int) -> dict[str, float]:
    db = pgsql.config(cluster).database
    p = cluster.primary.node
    pgsql.psql(p, undefine_sql() + define_sql(n), db, changes=True)
    pgsql.install_chain(cluster)
    took: dict[str, list[float]] = {"dump": [], "copy": [], "restore": []}
    try:
        for _ in range(runs):
            r = pgsql.run_chain(cluster)
            took["dump"].append(r.dump)
            took["copy"].append(r.copy)
            took["restore"].append(r.restore)
        pgsql.check_same_contents(cluster, pgsql.config(cluster))
        size = int(p.check_sh(f"wc -c < {pgsql.PgConfig().dump_file}").stdout.strip())
    finally:
        pgsql.psql(p, undefine_sql(), db, changes=True)
    out = {k: statistics.median(v) for k, v in took.items()}
    out["size_kib"] = size / 1024
    return out


def _watch(cluster: Cluster, node: str, out: list[float]) -> None:
    """On the standby: poll (1 ms) until NODE is visible, then note the clock there."""
    sql = ("DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM nodelist WHERE node = "
           f"{pgsql.literal(node)}) LOOP PERFORM pg_sleep(0.001); END LOOP; END $$;\n"
           "SELECT extract(epoch FROM clock_timestamp());\n")
    db = pgsql.config(cluster).database
    out.append(float(pgsql.psql(cluster.standby.node, sql, db).stdout.split()[-1]))


def bench_streaming(cluster: Cluster, n: int, runs: int) -> dict[str, float]:
    """Replay lag of one transaction defining N nodes: the primary's clock right after its
    COMMIT against the standby's clock when a hot-standby query first sees the last node
    (the sim's containers share one kernel clock, so the two clocks agree)."""
    db = pgsql.config(cluster).database
    p = cluster.primary.node
    last = f"{PREFIX}{n:05d}"
    lags: list[float] = []
    stat_lags: list[float] = []
    commits: list[float] = []
    try:
        for _ in range(runs):
            pgsql.psql(p, undefine_sql(), db, changes=True)
            pgsql.wait_replayed(cluster)
            seen: list[float] = []
            watcher = threading.Thread(target=_watch, args=(cluster, last, seen))
            watcher.start()
            time.sleep(0.5)  # the standby's loop is running
            t0 = time.perf_counter()
            res = pgsql.psql(p, define_sql(n) + "SELECT extract(epoch FROM clock_timestamp());\n",
                             db, changes=True)
            commits.append(time.perf_counter() - t0)
            committed = float(res.stdout.split()[-1])
            watcher.join(120)
            if not seen:
                raise SystemExit(f"the standby never showed {last}")
            lags.append(seen[0] - committed)
            stat_lags.append(pgsql.streaming_status(cluster).replay_lag)
    finally:
        pgsql.psql(p, undefine_sql(), db, changes=True)
    return {"commit": statistics.median(commits), "replayed_after": statistics.median(lags),
            "replay_lag": statistics.median(stat_lags)}


def cluster_of(preset: str) -> Cluster:
    sim = SimCluster(preset)
    if not sim.running():
        raise SystemExit(f"cluster {sim.name} is not up: hamn sim up --preset {preset}")
    c = from_sim(sim)
    operating.ensure(c)
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    dump = cluster_of("linux-postgres")
    base = nodes(dump)
    print(f"dump method (linux-postgres), {base} nodes already defined, median of "
          f"{args.runs} runs")
    print("| nodes defined | pg_dump -F t | scp to standby | pg_restore -c -1 | chain total "
          "| dump size |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = bench_dump(dump, n, args.runs)
        total = r["dump"] + r["copy"] + r["restore"]
        print(f"| {n:,} | {r['dump']:.2f} s | {r['copy']:.2f} s | {r['restore']:.2f} s | "
              f"{total:.2f} s | {r['size_kib']:,.0f} KiB |", flush=True)
    dump.close()
    stream = cluster_of("linux-postgres-streaming")
    print(f"\nstreaming (linux-postgres-streaming), median of {args.runs} runs")
    print("| nodes written in one transaction | psql run on the primary | visible on the "
          "standby after COMMIT | pg_stat_replication replay_lag |")
    print("|---:|---:|---:|---:|")
    for n in sizes:
        r = bench_streaming(stream, n, args.runs)
        print(f"| {n:,} | {r['commit'] * 1000:.0f} ms | {r['replayed_after'] * 1000:.1f} ms | "
              f"{r['replay_lag'] * 1000:.1f} ms |", flush=True)
    stream.close()


if __name__ == "__main__":
    main()
