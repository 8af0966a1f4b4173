"""Steps shared by every feature: naming roles and preconditions on the whole cluster."""

from __future__ import annotations

from pytest_bdd import given, parsers

from hamn import operating
from hamn.inventory import Cluster, Member

ROLE = r"(?P<role>primary|standby)"


@given(parsers.re(r"the (?P<role>primary|standby) management node"), target_fixture="mn")
def role_member(cluster: Cluster, role: str) -> Member:
    return cluster.member(role)


@given("the management nodes are in their operating state")
def operating_state(cluster: Cluster) -> None:
    assert operating.ensure(cluster)
