"""Section 6 steps: one call into hamn.filesync (or hamn.cron) each; hamn says what differs.

Steps that change a host register their undo with the scenario (``request.addfinalizer``),
so a failing scenario leaves the cluster as it found it.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from hamn import cron, filesync
from hamn.inventory import Cluster

SECTIONS = r"(?:section (?P<section>6\.\d)|every section)"
# A job of the admin's own, which hamn must leave alone.
ADMIN_JOB = "30 4 * * 0 /usr/bin/true admin's weekly job"
# A node the admin adds during maintenance (documentation address range, never routed).
NEW_HOSTS_LINE = "192.0.2.77\thamn-new-node.cluster.sim hamn-new-node"


def _sections(section: str | None) -> list[str] | None:
    return [section] if section else None


@given("root's crontab on the primary holds a job of the admin's")
def admin_job(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: cron.remove_line(cluster.primary.node, ADMIN_JOB))
    cron.add_line(cluster.primary.node, ADMIN_JOB)


@when(parsers.re(r"the file synchronisation entries are installed on the primary(?: again)?"))
def install_entries(cluster: Cluster) -> None:
    filesync.install_cron(cluster)


@when("the file synchronisation entries are removed from the primary")
def remove_entries(cluster: Cluster) -> None:
    filesync.remove_cron(cluster)


@then("root's crontab on the primary holds each file synchronisation entry once")
def entries_once(cluster: Cluster) -> None:
    assert filesync.check_cron(cluster)


@then("root's crontab on the primary holds no file synchronisation entry")
def no_entries(cluster: Cluster) -> None:
    assert filesync.cron_listed(cluster) == ()


@then("the job of the admin's is still in root's crontab on the primary")
def admin_job_kept(cluster: Cluster) -> None:
    assert cron.has_line(cluster.primary.node, ADMIN_JOB)


@when(parsers.re(r"the files of " + SECTIONS + r" are synchronised now"))
def sync_now(cluster: Cluster, section: str | None) -> None:
    filesync.sync_now(cluster, _sections(section))


@then(parsers.re(r"the drift check of " + SECTIONS + r" is empty"))
def no_drift(cluster: Cluster, section: str | None) -> None:
    report = filesync.drift(cluster, _sections(section))
    assert report.clean, report.summary()


@then(parsers.re(r"the drift check of section (?P<section>6\.\d) names (?P<path>/\S+)"))
def drift_names(cluster: Cluster, section: str, path: str) -> None:
    report = filesync.drift(cluster, [section])
    assert report.of(path), f"{path} not named: {report.summary()}"


@given("a probe file under the install directory on the primary", target_fixture="probe")
def probe_file(cluster: Cluster, request: pytest.FixtureRequest) -> filesync.Probe:
    probe = filesync.plant_probe(cluster, "6.2")
    request.addfinalizer(lambda: filesync.remove_probe(cluster, probe))
    return probe


@then(parsers.re(r"the drift check of section (?P<section>6\.\d) reports the probe file "
                 r"(?P<kind>missing|differing|extra) on the standby"))
def probe_drift(cluster: Cluster, probe: filesync.Probe, section: str, kind: str) -> None:
    found = filesync.drift(cluster, [section]).of(probe.copy)
    assert [d.kind for d in found] == [filesync.Kind(kind)], found


@then("the probe file is on the standby")
def probe_arrived(cluster: Cluster, probe: filesync.Probe) -> None:
    assert filesync.present(cluster.standby.node, [probe.copy]) == (probe.copy,)


@given("a node is added to /etc/hosts on the primary")
def hosts_line(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: filesync.undo_hosts_line(cluster, NEW_HOSTS_LINE))
    filesync.add_hosts_line(cluster.primary.node, NEW_HOSTS_LINE)


@then("the key material is readable by its owner only on both management nodes")
def key_material(cluster: Cluster) -> None:
    assert filesync.check_key_material(cluster)


@then(parsers.re(r"the (?P<role>service|compute) node is accepted by the standby's xcatd"))
def accepted(cluster: Cluster, role: str) -> None:
    assert filesync.check_standby_accepts(cluster, cluster.member(role)).accepted


@then(parsers.re(r"the (?P<role>service|compute) node is refused by the standby's xcatd"))
def refused(cluster: Cluster, role: str) -> None:
    got = filesync.xcatd_accepts(cluster.member(role), cluster.standby)
    assert not got.accepted, got.output


@given("the standby's copy of the CA certificate xcatd trusts is out of step")
def ca_out_of_step(sim: Any, cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: filesync.sync_now(cluster, ["6.1"]))
    sim.estrange_ca(cluster.standby.name)
