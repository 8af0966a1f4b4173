"""Section 5.1 steps: one call into hamn.db2 each; hamn raises naming what differs.

5.1.9's xcatd and testnode phrases are shared by every database method: steps/xcat.py.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from hamn.db2 import hadr
from hamn.db2.hadr import SetupReport
from hamn.inventory import Cluster

ROLE = r"(?P<role>primary|standby)"


# ------------------------------------------------------------------ 5.1.1 - 5.1.7 setup

@when("HADR is set up between the primary and the standby", target_fixture="setup_report")
def set_up(cluster: Cluster) -> SetupReport:
    report = hadr.setup_hadr(cluster)
    assert report.steps
    return report


@then("the setup reports that nothing changed")
def nothing_changed(setup_report: SetupReport) -> None:
    assert not setup_report.changed, f"setup changed things: {setup_report}"


@then(parsers.re(r"the (?P<role>primary)'s database keeps its logs for HADR"))
def log_archiving(cluster: Cluster, role: str) -> None:
    assert hadr.check_log_archiving(cluster.member(role), cluster.settings)


@then(parsers.re(r"the HADR services are registered in /etc/services on the " + ROLE))
def services_registered(cluster: Cluster, role: str) -> None:
    assert hadr.check_hadr_services(cluster.member(role), cluster.settings).present


@then(parsers.re(r"the " + ROLE + r"'s database configuration shows its HADR parameters"))
def hadr_parameters(cluster: Cluster, role: str) -> None:
    assert hadr.check_hadr_parameters(cluster, cluster.member(role))


# ------------------------------------------------------------------ 5.1.8 verification

@then(parsers.re(r"the " + ROLE + r" is HADR (?P<hadr_role>Primary|Standby) in Peer state and "
                 r"Connected according to (?P<source>db2pd|the snapshot)"))
def peer_connected(cluster: Cluster, role: str, hadr_role: str, source: str) -> None:
    source = "snapshot" if source == "the snapshot" else source
    status = hadr.verify_peer(cluster.member(role), cluster.settings, hadr_role, source)
    assert status.is_peer_connected


@given(parsers.re(r"HADR is in Peer state with the " + ROLE + " as Primary"))
@then(parsers.re(r"HADR is in Peer state with the " + ROLE + " as Primary"))
def pair_in_peer(cluster: Cluster, role: str) -> None:
    p, s = hadr.wait_for_peer(cluster, primary=cluster.member(role))
    assert p.is_peer_connected and s.is_peer_connected


@then(parsers.re(r"the " + ROLE + r"'s database is the HADR (?P<hadr_role>Primary|Standby)"))
def has_role(cluster: Cluster, role: str, hadr_role: str) -> None:
    assert hadr.check_role(cluster.member(role), cluster.settings, hadr_role)


# ------------------------------------------------------------------ 5.1.9 / 5.1.10 actions

@when(parsers.re(r"the " + ROLE + r" takes over the HADR primary role(?P<force> by force)?"))
def take_over(cluster: Cluster, role: str, force: str | None) -> None:
    res = hadr.takeover(cluster.member(role), cluster.settings, by_force=bool(force))
    assert not res.failed


@when(parsers.re(r"HADR is stopped on the " + ROLE))
def stop(cluster: Cluster, role: str) -> None:
    assert not hadr.stop_hadr(cluster.member(role), cluster.settings).failed


@then(parsers.re(r"activating the database on the " + ROLE + r" fails with (?P<msg>SQL\d+N)"))
def activation_refused(cluster: Cluster, role: str, msg: str) -> None:
    res = hadr.activate(cluster.member(role), cluster.settings, check=False)
    assert res.message_id == msg, f"ACTIVATE answered {res.message_id}: {res.output.strip()}"


@when(parsers.re(r"the " + ROLE + r"'s database is rolled forward to the end of logs and "
                 r"completed"))
def rollforward(cluster: Cluster, role: str) -> None:
    assert not hadr.rollforward_complete(cluster.member(role), cluster.settings).failed


@then(parsers.re(r"the " + ROLE + r"'s database is not roll-forward pending"))
def not_pending(cluster: Cluster, role: str) -> None:
    value = hadr.rollforward_pending(cluster.member(role), cluster.settings)
    assert value == "NO", f"Rollforward pending = {value}"


@when(parsers.re(r"the " + ROLE + r"'s DB2 instance is (?P<action>stopped|started)"))
def instance(cluster: Cluster, role: str, action: str) -> None:
    act = hadr.stop_instance if action == "stopped" else hadr.start_instance
    assert act(cluster.member(role), cluster.settings) is not None


@when(parsers.re(r"the " + ROLE + r" rejoins HADR as the standby"))
def rejoin(cluster: Cluster, role: str) -> None:
    assert not hadr.rejoin_as_standby(cluster.member(role), cluster.settings).failed
