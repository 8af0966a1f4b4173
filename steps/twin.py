"""Twin-tailed disk steps (sections 2, 6 and 8): one call into hamn each."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from hamn import filesync, twin
from hamn.inventory import Cluster


@then(parsers.re(r"the twin-tailed disk is attached to the (?P<role>primary|standby) only"))
def attached(cluster: Cluster, role: str) -> None:
    assert twin.check_attached_to(cluster, role).mounted


@then("the file synchronisation skips the paths on the twin-tailed disk")
def skipped(cluster: Cluster) -> None:
    assert filesync.check_skips_shared(cluster)


@when(parsers.re(r"the twin-tailed disk is moved to the (?P<role>primary|standby)"))
def moved(cluster: Cluster, role: str) -> None:
    assert twin.move(cluster, cluster.member(role)).mounted
