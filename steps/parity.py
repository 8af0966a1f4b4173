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


# A software update done on one MN only, on the simulated cluster: the AIX personality reads
# its level from /etc/hamn-sim/oslevel, the Linux one from /usr/lib/os-release.
_KEEP = "/var/lib/hamn-sim/parity.keep"
_UPDATE = (
    "if [ -e /usr/aix/bin/oslevel ] && grep -q '\"personality\": \"aix\"' "
    "/etc/hamn-sim/node.json; then f=/etc/hamn-sim/oslevel; new=7100-05-01-1731; "
    "else f=/usr/lib/os-release; new=; fi; "
    f"if [ -f $f ]; then cp -p $f {_KEEP}; else rm -f {_KEEP}; fi; echo $f > {_KEEP}.path; "
    "if [ -n \"$new\" ]; then echo $new > $f; "
    f"else sed 's/^VERSION_ID=.*/VERSION_ID=\"99\"/' {_KEEP} > $f; fi"
)
_RESTORE = (f"f=$(cat {_KEEP}.path); if [ -f {_KEEP} ]; then mv {_KEEP} $f; "
            f"else rm -f $f; fi; rm -f {_KEEP}.path")


@given(parsers.re(r"the standby's OS level differs from the primary's"))
def os_level_differs(sim: Any, cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: sim.exec(cluster.standby.name, _RESTORE))
    sim.exec(cluster.standby.name, _UPDATE)
