"""Section 7.1 steps: one call into hamn.parity each; hamn names the mismatch."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then

from hamn import parity
from hamn.errors import VerificationFailed
from hamn.inventory import Cluster

WHAT = r"(?P<what>OS level|xCAT version|database level)"


@then("the standby runs the primary's OS level, xCAT version, database level and packages")
def in_parity(cluster: Cluster) -> None:
    assert parity.check(cluster).rows


@then(parsers.re(r"the software parity check names the " + WHAT))
def parity_names(cluster: Cluster, what: str) -> None:
    with pytest.raises(VerificationFailed, match=f"software parity: {what}"):
        parity.check(cluster)


@given(parsers.re(r"the standby's OS level differs from the primary's"))
def os_level_differs(sim: Any, cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: sim.set_os_level(cluster.standby.name, None))
    sim.set_os_level(cluster.standby.name, "7100-05-01-1731")
