"""Section 6 on the simulated cluster: drift the scenarios do not cover, and the figures.

The benchmark (10,000 files, 10 changed) prints time and bytes moved for docs/benchmarks.md:
rsync's quick check works from the file lists, so the bytes moved grow with the number of
files listed and changed, not with their contents.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from hamn import filesync, prereqs
from hamn.errors import VerificationFailed
from hamn.filesync import Kind, SyncEntry
from hamn.inventory import Cluster

BENCH = "/var/tmp/hamn-bench"
FILES = 10_000
SIZE = 4096


@pytest.fixture
def in_step(cluster: Cluster) -> Iterator[None]:
    """Section 6.1 synchronised before and after the test."""
    filesync.sync_now(cluster, ["6.1"])
    yield
    filesync.sync_now(cluster, ["6.1"])


@pytest.mark.usefixtures("in_step")
def test_loose_key_permissions_on_the_standby_are_named(sim: Any, cluster: Cluster) -> None:
    key = "/etc/xcat/cert/server-key.pem"
    sim.exec(cluster.standby.name, f"chmod 644 {key}")
    report = filesync.drift(cluster, ["6.1"])
    assert [(d.kind, d.changes) for d in report.of(key)] == [(Kind.ATTRIBUTES,
                                                              ("permissions",))]
    with pytest.raises(VerificationFailed, match=f"permissions of {key} on lnxmn2|"
                                                 f"permissions of {key} on {cluster.standby.name}"):
        filesync.check_key_material(cluster)
    filesync.sync_now(cluster, ["6.1"])
    assert filesync.drift(cluster, ["6.1"]).clean
    filesync.check_key_material(cluster)


@pytest.mark.usefixtures("in_step")
def test_a_file_only_the_standby_has_is_extra(sim: Any, cluster: Cluster) -> None:
    stray = "/etc/xcat/ca/stray.pem"
    sim.exec(cluster.standby.name, f"echo stray > {stray}")
    try:
        found = filesync.drift(cluster, ["6.1"]).of(stray)
        assert [d.kind for d in found] == [Kind.EXTRA]
    finally:
        sim.exec(cluster.standby.name, f"rm -f {stray}")


def test_same_content_with_another_mtime_is_no_drift(sim: Any, cluster: Cluster) -> None:
    filesync.sync_now(cluster, ["6.3"])
    sim.exec(cluster.standby.name, "touch -t 202001010000 /etc/resolv.conf")
    try:
        report = filesync.drift(cluster, ["6.3"])
        assert report.clean, report.summary()
        assert [d.kind for d in report.drifts] == [Kind.TIMESTAMP]
    finally:
        filesync.sync_now(cluster, ["6.3"])


def test_sync_plan_skips_paths_on_a_twin_tailed_disk(cluster: Cluster) -> None:
    sp = replace(filesync.plan(cluster), shared=("/install",))
    assert "6.2-install" not in {e.tag for e in sp.select()}


@pytest.fixture
def bench_tree(sim: Any, cluster: Cluster) -> Iterator[SyncEntry]:
    make = (f"rm -rf {BENCH} && mkdir -p {BENCH} && python3 -c \"import os\n"
            f"for d in range(100):\n"
            f"    os.makedirs('{BENCH}/d%03d' % d)\n"
            f"    for f in range({FILES // 100}):\n"
            f"        open('{BENCH}/d%03d/f%03d' % (d, f), 'wb').write(os.urandom({SIZE}))\"")
    sim.exec(cluster.primary.name, make)
    sim.exec(cluster.primary.name,
             f"rsync -a {BENCH} {prereqs.hostname(cluster.standby.node)}:/var/tmp/")
    yield SyncEntry("bench", "6.2", "benchmark tree", (BENCH,), "/var/tmp/", "0 2 * * *")
    for m in (cluster.primary, cluster.standby):
        sim.exec(m.name, f"rm -rf {BENCH}")


def test_drift_over_ten_thousand_files_moves_file_lists_not_contents(
        sim: Any, cluster: Cluster, bench_tree: SyncEntry) -> None:
    changed = [f"{BENCH}/d{d:03d}/f007" for d in range(0, 100, 10)]
    sim.exec(cluster.primary.name, "for f in " + " ".join(changed) +
             f"; do head -c {SIZE} /dev/urandom > $f; done")
    sp = replace(filesync.plan(cluster), entries=(bench_tree,))
    start = time.monotonic()
    report = filesync.drift(cluster, sync_plan=sp)
    elapsed = time.monotonic() - start
    moved = report.bytes_sent + report.bytes_received
    print(f"\ndrift over {report.files} files ({FILES * SIZE // 2**20} MiB), "
          f"{len(report.findings)} changed: {elapsed:.2f}s, {report.bytes_sent} bytes sent, "
          f"{report.bytes_received} received")
    assert sorted(d.path for d in report.findings) == sorted(changed)
    assert all(d.kind is Kind.DIFFERING for d in report.findings)
    assert moved < FILES * SIZE // 20, "more than 5% of the tree's size crossed the network"
