"""Section 4's checks fail, naming the check, on the broken state each guards against."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamn import prereqs, services
from hamn.errors import VerificationFailed
from hamn.inventory import Cluster

ROOT = Path(__file__).resolve().parents[2]


def run_feature(sim: Any, cluster: Cluster) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "features/standby_prerequisites.feature", "-q",
         f"--hosts={cluster.primary.name},{cluster.standby.name}",
         f"--preset={sim.preset.name}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def skewed_standby(sim: Any, cluster: Cluster) -> Iterator[None]:
    sim.skew_clock(cluster.standby.name, 300)
    yield
    sim.skew_clock(cluster.standby.name, 0)


def test_feature_passes_on_the_intact_cluster(sim: Any, cluster: Cluster) -> None:
    done = run_feature(sim, cluster)
    assert done.returncode == 0, done.stdout[-2000:]


@pytest.mark.usefixtures("skewed_standby")
def test_a_skewed_standby_clock_fails_the_feature_naming_the_check(sim: Any,
                                                                  cluster: Cluster) -> None:
    done = run_feature(sim, cluster)
    assert done.returncode == 1
    assert "clock offset" in done.stdout and "-300" in done.stdout


def test_a_running_standby_xcatd_is_named(sim: Any, cluster: Cluster) -> None:
    if not services.start(cluster.standby.node, "xcatd"):
        pytest.fail("xcatd was already running on the standby: the sim's state is wrong")
    try:
        with pytest.raises(VerificationFailed,
                           match=r"xcatd on the standby on .*: expected stopped, found running"):
            prereqs.check_stopped(cluster.standby, "xcatd")
    finally:
        services.stop(cluster.standby.node, "xcatd")
    prereqs.check_stopped(cluster.standby, "xcatd")


def test_an_unresolvable_primary_name_is_named(sim: Any, cluster: Cluster) -> None:
    # Neither /etc/hosts nor a name server (loopback: none listens there) knows the primary.
    name, on = cluster.primary.name, cluster.standby.name
    sim.exec(on, "cp /etc/hosts /etc/hosts.keep && cp /etc/resolv.conf /etc/resolv.keep && "
             f"grep -v '{name}' /etc/hosts.keep > /etc/hosts && "
             "echo nameserver 127.0.0.1 > /etc/resolv.conf")
    try:
        with pytest.raises(VerificationFailed, match=f"name resolution of {name}"):
            prereqs.check_resolves(cluster.standby, cluster.primary)
    finally:
        sim.exec(on, "cat /etc/hosts.keep > /etc/hosts && cat /etc/resolv.keep > "
                 "/etc/resolv.conf")
