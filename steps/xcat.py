"""xCAT's own clients on a MN, shared by every database method (the 5.1.9 round trip of
sections 5.1 to 5.3): xcatd started or stopped, the testnode added, deleted and looked up
through xcatd with mkdef, rmdef and lsdef."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hamn.inventory import Cluster
from hamn.xcat import commands

ROLE = r"(?P<role>primary|standby)"


@when(parsers.re(r"the " + ROLE + r"'s xcatd is (?P<action>started|stopped)"))
def xcatd(cluster: Cluster, role: str, action: str) -> None:
    act = commands.start_xcatd if action == "started" else commands.stop_xcatd
    assert act(cluster.member(role)) in (True, False)


@when(parsers.re(r"the testnode is (?P<action>added|deleted) on the " + ROLE))
def testnode_change(cluster: Cluster, role: str, action: str) -> None:
    act = commands.add_node if action == "added" else commands.remove_node
    assert act(cluster.member(role)) is None


@then(parsers.re(r"the testnode is defined on the " + ROLE + " with its attributes"))
def testnode_there(cluster: Cluster, role: str) -> None:
    assert commands.check_node(cluster.member(role)).name == commands.TESTNODE


@then(parsers.re(r"the testnode is not defined on the " + ROLE))
def testnode_gone(cluster: Cluster, role: str) -> None:
    assert commands.find_node(cluster.member(role)) is None
