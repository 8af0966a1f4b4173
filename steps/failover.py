"""Sections 8 and 9 steps: one call into hamn.failover / failover_checks / failback each."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, then, when

from hamn import failback, failover, failover_checks, failover_prep, nim, services
from hamn.inventory import Cluster


@given("the pair is at the failover's starting point")
def starting_point(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: failover_prep.leave_as_found(cluster))
    assert failover_prep.starting_point(cluster)


@given("a testnode is written through xcatd on the primary")
def testnode(cluster: Cluster) -> None:
    assert failover_prep.write_testnode(cluster).name == failover_prep.TESTNODE


@given("xcatd on the primary has failed")
def primary_xcatd_failed(cluster: Cluster) -> None:
    assert services.stop(cluster.primary.node, "xcatd")


@given("the primary has failed")
def primary_failed(cluster: Cluster, sim: Any) -> None:
    sim.stop(cluster.primary.name)


@when("the cluster fails over to the standby", target_fixture="fo")
def fail_over(cluster: Cluster, request: pytest.FixtureRequest) -> failover.Failover:
    return failover.run(cluster, plan=bool(request.config.getoption("--plan")))


@when("the failover is planned", target_fixture="fo")
def plan_failover(cluster: Cluster) -> failover.Failover:
    return failover.run(cluster, plan=True)


@given("the cluster has failed over to the standby")
def has_failed_over(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: failover_prep.leave_as_found(cluster))
    assert failover_prep.failed_over(cluster).journal.data.get("completed")


@when("the previous primary is back as the new standby")
def previous_primary_back(cluster: Cluster) -> None:
    assert failback.rejoin(cluster)


@when("the cluster fails back to the previous primary", target_fixture="fo")
def fail_back(cluster: Cluster, request: pytest.FixtureRequest) -> failover.Failover:
    return failback.run(cluster, plan=bool(request.config.getoption("--plan")))


@then("the standby answers on the primary's address and hostname")
def answers_as_primary(fo: failover.Failover) -> None:
    assert failover_checks.standby_has_identity(fo) == fo.target


@then("the old primary is down")
def old_primary_down(fo: failover.Failover) -> None:
    failover_checks.old_primary_down(fo)


@then("DHCP runs on exactly one management node")
def one_dhcp(fo: failover.Failover) -> None:
    failover_checks.dhcp_on_one_mn(fo)


@then("the testnode written before failover is there")
def testnode_there(fo: failover.Failover) -> None:
    assert failover_checks.testnode_present(fo).name == "testnode"


@then("a node can be defined through xcatd on the new management node")
def xcatd_writes(fo: failover.Failover) -> None:
    assert failover_checks.xcatd_writes(fo).name


@then("the NIM resources of every AIX osimage are defined on the new management node")
def nim_recreated(fo: failover.Failover) -> None:
    assert nim.check_recreated(fo.active) is not None


@then("lsdef on the service node works through xcatd")
def sn_lsdef(fo: failover.Failover) -> None:
    assert failover_checks.service_node_lsdef(fo) >= 1


@then("the compute node gets its DHCP lease from the new management node")
def cn_lease(fo: failover.Failover) -> None:
    assert failover_checks.compute_lease_from_new_mn(fo) == fo.target.address


@then("the compute node meets the host key it trusts at the primary's hostname")
def cn_host_key(fo: failover.Failover) -> None:
    assert failover_checks.compute_meets_known_host_key(fo)


@then("the compute node resolves names through the new management node")
def cn_resolves(fo: failover.Failover) -> None:
    assert failover_checks.compute_resolves_through_new_mn(fo) == fo.target.address


@then("every failover step has a recorded timing")
def timings(fo: failover.Failover) -> None:
    names = [r.name for r in fo.records]
    assert names[:4] == ["database-failover", "old-primary-down", "stop-standby-db",
                         "identity"], names
    assert all(r.duration >= 0 and r.section.startswith("8.") for r in fo.records)


@then("the plan changed nothing on any host")
def plan_changed_nothing(fo: failover.Failover) -> None:
    assert failover.check_plan_changed_nothing(fo)
