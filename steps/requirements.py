"""Sections 2 and 3 steps: one call into hamn.requirements each."""

from __future__ import annotations

from pytest_bdd import parsers, then

from hamn import requirements
from hamn.inventory import Cluster

_WHAT = {"operating system level": "os", "xCAT version": "xcat", "database level": "database"}


@then(parsers.re(r"the primary and the standby run the same (?P<what>operating system level|"
                 r"xCAT version|database level)"))
def same(cluster: Cluster, what: str) -> None:
    assert requirements.compare(cluster, _WHAT[what])


@then("the primary and the standby are in one subnet")
def one_subnet(cluster: Cluster) -> None:
    assert requirements.check_one_subnet(cluster)


@then(parsers.re(r"the (?P<role>primary|standby) holds the xCAT database in DB2"))
def xcat_in_db2(cluster: Cluster, role: str) -> None:
    assert requirements.check_xcat_on_db2(cluster.member(role), cluster.settings)
