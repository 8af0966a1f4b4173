"""Each 5.1 verification, and section 2's database level check, fails on the broken state
it guards against, naming the attribute and both values; the state is repaired after."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamn import requirements
from hamn.db2 import clp, hadr
from hamn.errors import VerificationFailed
from hamn.inventory import Cluster

ROOT = Path(__file__).resolve().parents[2]
DB2PD = "db2_hadr.feature::test_hadr_is_operating_according_to_db2pd"
SNAPSHOT = "db2_hadr.feature::test_hadr_is_operating_according_to_the_database_snapshot"


def run_scenario(sim: Any, cluster: Cluster, test: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", f"features/{test}", "-q",
         f"--hosts={cluster.primary.name},{cluster.standby.name}",
         f"--preset={sim.preset.name}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def in_peer(sim: Any, cluster: Cluster) -> Cluster:
    hadr.setup_hadr(cluster)
    return cluster


@pytest.fixture
def standby_down(in_peer: Cluster) -> Iterator[None]:
    c, s = in_peer, in_peer.settings
    hadr.stop_instance(c.standby, s)
    yield
    hadr.start_instance(c.standby, s)
    hadr.rejoin_as_standby(c.standby, s)
    hadr.wait_for_peer(c)


@pytest.mark.parametrize("test", [DB2PD, SNAPSHOT])
def test_the_verification_passes_on_the_intact_pair(sim: Any, in_peer: Cluster,
                                                    test: str) -> None:
    done = run_scenario(sim, in_peer, test)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.usefixtures("standby_down")
@pytest.mark.parametrize(("test", "source"), [(DB2PD, "db2pd"), (SNAPSHOT, "snapshot")])
def test_a_stopped_standby_fails_the_verification_naming_the_attribute(
        sim: Any, in_peer: Cluster, test: str, source: str) -> None:
    with pytest.raises(VerificationFailed) as err:
        hadr.verify_peer(in_peer.primary, in_peer.settings, source=source)
    assert err.value.check in (f"HADR State ({source})", f"HADR ConnectStatus ({source})")
    assert err.value.expected in ("Peer", "Connected") and err.value.actual
    done = run_scenario(sim, in_peer, test)
    assert done.returncode == 1
    assert f"({source}) on {in_peer.primary.name}: expected" in done.stdout


def test_a_changed_hadr_parameter_is_named(in_peer: Cluster) -> None:
    c, s = in_peer, in_peer.settings
    stmt = f"UPDATE DB CFG FOR {s.db_name} USING HADR_TIMEOUT 7"
    clp.check(clp.command(c.standby.node, s.instance, stmt, changes=True),
              allow=("SQL1363W",))
    try:
        with pytest.raises(VerificationFailed, match=r"database configuration HADR_TIMEOUT on "
                           r".*: expected 3, found 7"):
            hadr.check_hadr_parameters(c, c.standby)
    finally:
        clp.command(c.standby.node, s.instance, stmt.replace(" 7", " 3"), changes=True)
    hadr.check_hadr_parameters(c, c.standby)


def test_a_missing_service_line_is_named(in_peer: Cluster) -> None:
    node = in_peer.standby.node
    saved = node.read_file("/etc/services") or ""
    node.write_file("/etc/services", "".join(
        line + "\n" for line in saved.splitlines() if not line.startswith("DB2_HADR_2")))
    try:
        with pytest.raises(VerificationFailed, match=r"/etc/services entry DB2_HADR_2 on .*: "
                           r"expected 55002/tcp, found missing"):
            hadr.check_hadr_services(in_peer.standby, in_peer.settings)
    finally:
        node.write_file("/etc/services", saved)


def test_a_different_database_level_is_named(in_peer: Cluster) -> None:
    node = in_peer.standby.node
    level_file = "/var/lib/db2/sqllib/cfg/simlevel"
    saved = node.read_file(level_file) or "9.7\n"
    node.write_file(level_file, "10.5\n")
    try:
        with pytest.raises(VerificationFailed, match=r"database level of the standby .*: expected "
                           r"9\.7.*, found 10\.5"):
            requirements.compare(in_peer, "database")
    finally:
        node.write_file(level_file, saved)
