"""Section 4 steps: one call into hamn.prereqs each; hamn raises with what differs."""

from __future__ import annotations

from pytest_bdd import parsers, then

from hamn import prereqs, requirements
from hamn.inventory import Cluster

PAIR = r"the (?P<a>primary|standby) "


@then(parsers.re(PAIR + r"resolves the (?P<b>primary|standby)'s hostname"))
def resolves(cluster: Cluster, a: str, b: str) -> None:
    assert prereqs.check_resolves(cluster.member(a), cluster.member(b)).address


@then(parsers.re(PAIR + r"reaches the (?P<b>primary|standby) by ssh without a password"))
def ssh_trust(cluster: Cluster, a: str, b: str) -> None:
    assert prereqs.check_ssh_trust(cluster.member(a), cluster.member(b))


@then("the clocks of the primary and the standby agree within the tolerance")
def clocks(cluster: Cluster) -> None:
    prereqs.check_clocks(cluster.primary, cluster.standby, cluster.settings.clock_tolerance)


@then(parsers.re(r"(?P<service>xcatd|DHCP) is stopped on the (?P<role>primary|standby)"))
def stopped(cluster: Cluster, service: str, role: str) -> None:
    prereqs.check_stopped(cluster.member(role), service.lower())


@then("the standby's database is the same product and level as the primary's")
def same_database(cluster: Cluster) -> None:
    assert requirements.compare(cluster, "database")
