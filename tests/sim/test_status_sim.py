"""`hamn status` on a simulated PostgreSQL streaming pair (issue 9): replication lag and the
last file sync in --json, and a stale sync raising the exit code.

Runs on preset linux-postgres-streaming (cluster hamnpgs), through the real CLI. It sets
streaming up when the pair is fresh, runs section 6's sync once, and plants one probe file
in 6.1's credentials directory (removed afterwards, from both MNs).
Run: .venv/bin/pytest tests/sim/test_status_sim.py -q
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from hamn import filesync, inventory, operating
from hamn.inventory import Cluster

pytestmark = pytest.mark.sim
PRESET = "linux-postgres-streaming"


@pytest.fixture(scope="module")
def pgs() -> Iterator[Cluster]:
    from simulators.cluster import Cluster as SimCluster
    sim = SimCluster(PRESET)
    try:
        sim.client  # noqa: B018
    except Exception as err:  # no Docker
        pytest.skip(f"docker: {err}")
    if not sim.running():
        sim.up()
    cluster = inventory.from_sim(sim)
    operating.ensure(cluster)  # streaming replication set up (5.2), as the features do
    filesync.sync_now(cluster)  # section 6 in step: the only drift is the test's own
    yield cluster
    cluster.close()


def status(*args: str) -> tuple[int, dict[str, Any]]:
    res = subprocess.run([sys.executable, "-m", "hamn.cli", "status", "--preset", PRESET,
                          "--json", *args], capture_output=True, text=True, timeout=300)
    return res.returncode, json.loads(res.stdout)


def levels(data: dict[str, Any], text: str) -> list[str]:
    return [f["level"] for f in data["findings"] if text in f["message"]]


def test_lag_and_last_sync_in_json(pgs: Cluster) -> None:
    code, data = status()
    assert data["exit_code"] == code
    standby = next(m for m in data["mns"] if m["role"] == "standby")
    assert standby["replication"].startswith("streaming"), standby
    assert isinstance(standby["lag_seconds"], float) and standby["lag_seconds"] >= 0
    assert isinstance(standby["lag_bytes"], int) and standby["lag_bytes"] >= 0
    assert standby["replication_error"] == ""
    fs = data["filesync"]
    assert fs["drift"] == 0, fs["summary"]
    assert fs["last_sync"] > 0 and fs["last_sync_age"] >= 0
    assert set(fs["last_sync_by_entry"]) >= {"6.1-credentials", "6.3-name-service"}
    assert code == 0, data["findings"]
    # nothing drifts: an old last write is a quiet primary, not a stale sync
    code, data = status("--sync-warning", "0", "--sync-critical", "0")
    assert code == 0 and levels(data, "stale") == []


def test_a_stale_sync_raises_the_exit_code(pgs: Cluster) -> None:
    probe = filesync.plant_probe(pgs, "6.1-credentials", name="hamn-status-probe")
    try:
        time.sleep(2)  # the standby's last write is older than the thresholds below
        code, data = status()
        assert data["filesync"]["drift"] >= 1
        assert levels(data, "file drift") == ["WARNING"] and levels(data, "stale") == []
        assert code == 1, data["findings"]
        code, data = status("--sync-warning", "1", "--sync-critical", "1")
        assert levels(data, "file sync is stale") == ["CRITICAL"], data["findings"]
        assert code == 2
    finally:
        filesync.remove_probe(pgs, probe)
    code, data = status("--sync-warning", "1", "--sync-critical", "1")
    assert data["filesync"]["drift"] == 0 and code == 0, data["findings"]
