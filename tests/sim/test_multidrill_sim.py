"""Several clusters drilled in one run (issue 9, "Scale out"), through the real CLI.

Destructive for presets linux-db2 (cluster hamnlx) and aix-lab (cluster hamnlab): both are
re-created fresh first, then pytest-xdist drills them in parallel, which fails both over;
they are left failed over (the next run re-creates them). The bad-input cases touch no
cluster.
Run: .venv/bin/pytest tests/sim/test_multidrill_sim.py -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hamn import failover_prep, filesync, inventory

pytestmark = pytest.mark.sim
PRESETS = ("linux-db2", "aix-lab")
CLUSTERS = {"linux-db2": "hamnlx", "aix-lab": "hamnlab"}
RTO_TARGET = 300.0  # seconds, as tests/sim/test_drill.py
# Pre-flight scenarios to leave out (pytest -k words, comma-separated), as test_drill.py:
# a check failing on the sim for reasons unrelated to drills; the reports list them.
EXCLUDE = tuple(w for w in os.environ.get("HAMN_DRILL_EXCLUDE", "").split(",") if w)


def hamn(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hamn.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_two_presets_two_reports_and_a_summary(tmp_path: Path) -> None:
    from simulators.cluster import Cluster as SimCluster
    try:
        sims = [SimCluster(p) for p in PRESETS]
        sims[0].client  # noqa: B018
    except Exception as err:  # no Docker
        pytest.skip(f"docker: {err}")
    for sim in sims:  # original roles: a previous drill left them failed over
        sim.up(fresh=True)
        # The last drill's failover journal is obsolete now; left, the drill's own pytest
        # session (failover_prep.restore_failed_over_sims) would re-create the cluster again,
        # undoing the sync below.
        failover_prep.journal_path_for(sim.name).unlink(missing_ok=True)
        cluster = inventory.from_sim(sim)
        try:  # the operating state: section 6.2's nightly sync has run (/install in step)
            filesync.sync_now(cluster, ["6.2"])
        finally:
            cluster.close()
    res = hamn("drill", *(a for p in PRESETS for a in ("--preset", p)), "--report-dir",
               str(tmp_path), "--rto-target", str(RTO_TARGET), "--quiet",
               *(a for w in EXCLUDE for a in ("--exclude-scenario", w)), timeout=1800)
    assert res.returncode == 0, res.stdout + res.stderr[-3000:]
    (summary_dir,) = tmp_path.glob("summary-*")
    data = json.loads((summary_dir / "summary.json").read_text())
    assert data["schema_version"] == 1 and data["verdict"] == "passed"
    assert data["engine"] == "pytest-xdist -n 2 --dist load"
    by_name = {c["cluster"]: c for c in data["clusters"]}
    assert set(by_name) == set(CLUSTERS.values())
    html = (summary_dir / "summary.html").read_text()
    for preset, name in CLUSTERS.items():
        c = by_name[name]
        assert c["source"] == f"preset {preset}" and c["verdict"] == "passed", c["reasons"]
        assert 0 < c["rto_seconds"] < RTO_TARGET
        assert c["rpo_missing"] == 0 and c["rpo_acknowledged"] > 0
        (report_dir,) = (tmp_path / name).glob("drill-*")  # its own report, as a lone drill
        report = json.loads((report_dir / "report.json").read_text())
        assert report["cluster"]["name"] == name and report["verdict"] == "passed"
        assert (summary_dir / c["report"]).resolve() == (report_dir / "report.html").resolve()
        assert name in html and c["report"] in html
        assert name in res.stdout  # the table
    # the two drills ran at the same time, not one after the other
    a, b = (by_name[n] for n in CLUSTERS.values())
    assert a["started"] < b["finished"] and b["started"] < a["finished"]


@pytest.mark.parametrize(("args", "message"), [
    (("--preset", "linux-db2", "--preset", "nosuch"), "unknown preset 'nosuch'"),
    (("--preset", "linux-db2", "--preset", "linux-db2"), "preset linux-db2 is named twice"),
    (("--preset", "linux-db2", "--preset", "aix-lab", "--hosts", "a,b"),
     "--hosts names one cluster"),
])
def test_bad_cluster_lists_are_one_line(tmp_path: Path, args: tuple[str, ...],
                                        message: str) -> None:
    res = hamn("drill", *args, "--report-dir", str(tmp_path / "reports"))
    assert res.returncode != 0
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("hamn: "), res.stderr
    assert message in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "reports").exists()  # nothing ran, nothing written


def test_a_cluster_named_twice_across_an_inventory_is_one_line(tmp_path: Path) -> None:
    inv = tmp_path / "sites.yaml"
    inv.write_text("clusters:\n  - {preset: aix-lab}\n  - {preset: linux-db2}\n")
    res = hamn("drill", "--preset", "linux-db2", "--inventory", str(inv), "--report-dir",
               str(tmp_path / "reports"))
    assert res.returncode != 0 and res.stderr.count("\n") == 1
    assert "cluster hamnlx is named twice (preset linux-db2 and preset linux-db2)" \
        in res.stderr
    inv.write_text("clusters:\n  - {preset: aix-lab}\n  - {cluster: b, primary: x}\n")
    res = hamn("drill", "--inventory", str(inv), "--report-dir", str(tmp_path / "reports"))
    assert res.returncode != 0 and res.stderr.count("\n") == 1
    assert f"{inv} (b): missing field 'standby'" in res.stderr
