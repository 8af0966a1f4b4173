"""`hamn drill` against the simulated cluster: a short drill, and a broken pair.

Destructive for the cluster it runs on (HAMN_DRILL_PRESET, default aix-db2): the drill kills
the primary. Before each drill the fixture gives the pair its original roles back (the
cluster is recreated when a previous drill failed it over) and sets HADR up (runbook 5.1)
when it is not in peer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamn import drill, inventory, secrets, services, session
from hamn.db2 import hadr
from hamn.errors import HamnError
from hamn.inventory import Cluster

pytestmark = pytest.mark.sim
PRESET = os.environ.get("HAMN_DRILL_PRESET", "aix-db2")
RTO_TARGET = 300.0  # seconds: the benchmark target of a simulated failover
# Pre-flight scenarios to leave out (pytest -k words, comma-separated), e.g. a check known
# to fail on the sim for reasons unrelated to drills; the report lists them.
EXCLUDE = tuple(w for w in os.environ.get("HAMN_DRILL_EXCLUDE", "").split(",")
                if w)


def sim() -> Any:
    from simulators.cluster import Cluster as SimCluster
    cluster = SimCluster(PRESET)
    try:
        cluster.client  # noqa: B018
    except Exception as err:  # no Docker: nothing to drill
        pytest.skip(f"docker: {err}")
    return cluster


def pair(fresh_if_failed_over: bool = True) -> Cluster:
    """The simulated pair with its original roles, HADR in peer."""
    s = sim()
    if not s.running():
        s.up()
    cluster = inventory.from_sim(s)
    try:
        session.preflight(cluster)
    except HamnError:
        if not fresh_if_failed_over:
            raise
        cluster.close()
        s.up(fresh=True)
        cluster = inventory.from_sim(s)
        session.preflight(cluster)
    hadr.setup_hadr(cluster)
    hadr.wait_for_peer(cluster)
    services.start(cluster.primary.node, "xcatd")  # 5.1.1 stopped it for the setup
    return cluster


def files_text(directory: Path) -> Iterator[tuple[Path, str]]:
    for path in directory.rglob("*"):
        if path.is_file():
            yield path, path.read_text(errors="replace")


def test_broken_pair_stops_at_preflight(tmp_path: Path) -> None:
    cluster = pair()
    standby = cluster.standby
    hadr.stop_hadr(standby, cluster.settings)  # the standby leaves peer
    try:
        result = drill.run(drill.DrillOptions(preset=PRESET, report_dir=tmp_path, quiet=True,
                                              exclude=EXCLUDE))
        rep = result.report
        assert result.verdict == "aborted"
        pre = rep["phases"][0]
        assert pre["name"] == "pre-flight" and pre["outcome"] == "failed"
        assert f"the standby {standby.name} is" in pre["why"], pre["why"]
        assert all(p["outcome"] == "not run" for p in rep["phases"][1:])
        assert all("nothing was failed over" in p["why"] for p in rep["phases"][1:])
        html = (result.report_dir / "report.html").read_text()
        assert "ABORTED" in html and "nothing was failed over" in html
        # nothing failed over: the primary is still the HADR primary and runs xcatd
        status = hadr.hadr_status(cluster.primary, cluster.settings)
        assert status.role.value == "PRIMARY"
        assert cluster.primary.node.run("lsxcatd", "-a").succeeded
        assert not services.status(standby.node, "xcatd").active
    finally:
        cluster.close()
        pair()  # HADR set up again (5.1.7) for the next test


@pytest.fixture
def restored_afterwards(request: pytest.FixtureRequest) -> Iterator[None]:
    """A drill leaves the pair failed over: re-create it for the tests after this one, and
    drop the session's channels to the replaced nodes."""
    yield
    sim().up(fresh=True)
    cached: Cluster | None = getattr(request.config, "_hamn_cluster", None)
    for m in cached.members() if cached is not None else []:
        m.node.close()
        services.forget(m.node)


@pytest.mark.usefixtures("restored_afterwards")
def test_short_drill_report(tmp_path: Path) -> None:
    cluster = pair()
    password = cluster.settings.password()
    cluster.close()
    result = drill.run(drill.DrillOptions(preset=PRESET, report_dir=tmp_path, quiet=True,
                                          rto_target=RTO_TARGET, load_rate=2.0, warmup=4.0,
                                          exclude=EXCLUDE))
    rep = json.loads((result.report_dir / "report.json").read_text())
    assert rep["schema_version"] == 1
    reasons = "; ".join(rep["verdict_reasons"])
    assert rep["verdict"] == "passed", reasons
    assert 0 < rep["rto"]["seconds"] < RTO_TARGET
    assert rep["cluster"]["sync_mode"] == "NEARSYNC"
    assert rep["rpo"]["missing"] == 0 and rep["rpo"]["acknowledged"] > 0
    # every step present: each phase's scenarios, each failover step of section 8
    names = {p["name"]: p for p in rep["phases"]}
    assert [names[n]["outcome"] for n in ("pre-flight", "load", "fault", "failover",
                                          "verify")] == ["passed"] * 5
    steps = [st for p in rep["phases"] for sc in p["scenarios"] for st in sc["steps"]]
    assert all(st["outcome"] in ("passed", "skipped") for st in steps)
    fo = [st["name"] for sc in names["failover"]["scenarios"] for st in sc["steps"]]
    for name in ("database-failover", "old-primary-down", "identity", "start-xcatd"):
        assert name in fo
    assert any(st["commands"] for st in steps)
    assert rep["history"]["samples"] and rep["history"]["violations"] == []
    for name in ("report.json", "report.html", "junit.xml", "cucumber.json"):
        assert (result.report_dir / name).exists(), name
    # the secret (the instance password TAKEOVER uses) appears in no file written
    assert len(password) >= 3
    for path, text in files_text(result.report_dir):
        assert password not in text, path
    assert secrets.MASK in (result.report_dir / "report.json").read_text()
