"""Fault scenarios (issue 10): one fault primitive of the sim, or one call into hamn, each.

The faults are the simulated cluster's primitives (the ``sim`` fixture: kill, start, cut a
link, heal, skew a clock, run a command as its operator); what hamn does and measures
around them is hamn.faults. Steps that change the cluster register their undo, so the next
scenario finds the pair in its operating state.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from hamn import failover, faults, filesync, services
from hamn.inventory import Cluster

ROLE = r"(?P<role>primary|standby)"
# A regenerated host key: "credentials changed on the primary" (section 6.1's material).
NEW_HOSTKEY = ("rm -f /etc/xcat/hostkeys/ssh_host_ed25519_key* && ssh-keygen -q -t ed25519 "
               "-N '' -C hamn-fault -f /etc/xcat/hostkeys/ssh_host_ed25519_key")
SMALL_DISK = "mkdir -p /install && mount -t tmpfs -o size=256k hamn-small-disk /install"


def _recover(sim: Any, cluster: Cluster, fault: faults.FaultRun,
             request: pytest.FixtureRequest) -> None:
    """Undo a fault scenario: load and sampler stopped, links healed, every node running
    (the cluster rebuilt after a failover), the pair back in Peer with the inventory's
    roles. The scenario's figures go to the junit report as properties."""
    request.node.user_properties.extend(sorted(faults.recover(sim, cluster, fault).items()))


@given(parsers.re(r"HADR is in Peer in (?P<mode>SYNC|NEARSYNC|ASYNC) mode with a "
                  r"(?P<window>\d+) second peer window"), target_fixture="fault")
def short_window(cluster: Cluster, sim: Any, request: pytest.FixtureRequest, mode: str,
                 window: str) -> faults.FaultRun:
    run = faults.FaultRun(faults.with_hadr(cluster, sync_mode=mode, peer_window=int(window),
                                           hadr_timeout=3))
    request.addfinalizer(lambda: _recover(sim, cluster, run, request))
    primary, _ = faults.prepare(run.cluster)
    assert primary.peer_window == int(window), primary
    return run


@given("a write load through xcatd on the primary")
def write_load(fault: faults.FaultRun) -> None:
    assert faults.start_load(fault).rate > 0


@given("the states of both management nodes are sampled")
def sampled(fault: faults.FaultRun) -> None:
    assert faults.start_sampler(fault).interval > 0


@given(parsers.re(r"the load has (?P<count>\d+) acknowledged writes"))
def acknowledged(fault: faults.FaultRun, count: str) -> None:
    assert faults.wait_for_writes(fault, int(count)) >= int(count)


@when("the link between the primary and the standby is cut")
def cut(fault: faults.FaultRun, sim: Any) -> None:
    c = fault.cluster
    assert faults.inject(fault, "link cut", lambda: sim.cut_link(c.primary.name,
                                                                 c.standby.name))


@when("the link is healed")
def healed(fault: faults.FaultRun, sim: Any) -> None:
    assert faults.inject(fault, "link healed", sim.heal)


@when(parsers.re(r"the " + ROLE + r" is killed"))
def killed(fault: faults.FaultRun, sim: Any, role: str) -> None:
    name = fault.cluster.member(role).name
    assert faults.inject(fault, f"{role} killed", lambda: sim.kill(name))


@when(parsers.re(r"the " + ROLE + r" is started again"))
def started(fault: faults.FaultRun, sim: Any, role: str) -> None:
    name = fault.cluster.member(role).name
    assert faults.inject(fault, f"{role} started", lambda: sim.start(name))


@then(parsers.re(r"the " + ROLE + r"'s HADR state passes through (?P<states>[A-Z_]+(?:, "
                 r"[A-Z_]+)*)"))
def passes_through(fault: faults.FaultRun, role: str, states: str) -> None:
    wanted = states.split(", ")
    seen = faults.wait_for_states(fault.cluster.member(role), fault.cluster, wanted)
    assert seen[-1] == wanted[-1], seen


@then("the primary keeps committing after the peer window")
def commits_after_window(fault: faults.FaultRun) -> None:
    label = fault.marks[-1][1]
    assert faults.writes_after(fault, label, fault.cluster.settings.peer_window) >= 1


@then(parsers.re(r"HADR is back in Peer within (?P<bound>\d+) seconds of the "
                 r"(?P<event>.+)"))
def back_in_peer(fault: faults.FaultRun, bound: str, event: str) -> None:
    assert faults.time_to_peer(fault, event, float(bound)) <= float(bound)


@then("no acknowledged write is missing on the standby")
def none_missing_on_standby(fault: faults.FaultRun) -> None:
    lost = faults.missing_on_standby(fault)
    assert not lost, f"{len(lost)} acknowledged writes missing: {[w.name for w in lost][:10]}"


@then(parsers.re(r"acknowledged writes missing on the new primary are "
                 r"(?P<expect>none|counted)"))
def missing_after_takeover(fault: faults.FaultRun, expect: str,
                           record_property: Any) -> None:
    lost = faults.missing_after_takeover(fault)
    record_property("acknowledged_writes_missing", len(lost))
    assert expect == "counted" or not lost, \
        f"{len(lost)} acknowledged writes missing: {[w.name for w in lost][:10]}"


@then("no commit on the primary waited beyond the peer window")
def no_block(fault: faults.FaultRun) -> None:
    assert faults.check_no_block_beyond_window(fault) >= 0


@then("the state history obeys HADR's transitions, one primary and one DHCP server at a time")
def history_ok(fault: faults.FaultRun) -> None:
    assert faults.check_history(fault).samples


@then("the identity swap began only after the old primary's address fell silent")
def swap_after_silence(fo: failover.Failover) -> None:
    assert faults.check_swap_after_silence(fo) != "already down"


# ------------------------------------------------------------------ detection


@given(parsers.re(r"the standby's clock is (?P<seconds>\d+) seconds ahead"))
def skewed(cluster: Cluster, sim: Any, request: pytest.FixtureRequest, seconds: str) -> None:
    st = cluster.standby
    request.addfinalizer(lambda: faults.relogin(st, lambda: sim.skew_clock(st.name, 0)))
    faults.relogin(st, lambda: sim.skew_clock(st.name, int(seconds)))


@given("cron is stopped on the primary")
def cron_stopped(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: services.start(cluster.primary.node, "cron"))
    assert services.stop(cluster.primary.node, "cron") in (True, False)


@given("a large file under the install directory on the primary")
def large_file(cluster: Cluster, request: pytest.FixtureRequest) -> None:
    path = faults.plant_large_file(cluster)
    request.addfinalizer(lambda: faults.remove_file(cluster, path))


@given("the standby's install directory is on a small disk")
def small_disk(cluster: Cluster, sim: Any, request: pytest.FixtureRequest) -> None:
    name = cluster.standby.name
    request.addfinalizer(lambda: sim.exec(name, "umount /install", check=False))
    sim.exec(name, SMALL_DISK)


@given("the primary's xCAT host keys are regenerated and not synchronised")
def new_hostkeys(cluster: Cluster, sim: Any, request: pytest.FixtureRequest) -> None:
    request.addfinalizer(lambda: filesync.sync_now(cluster, ["6.1"]))
    sim.exec(cluster.primary.name, NEW_HOSTKEY)


@then(parsers.re(r"(?P<check>" + "|".join(faults.CHECKS) + r") fails naming (?P<name>.+)"))
def detected(cluster: Cluster, check: str, name: str) -> None:
    err = faults.failing_check(cluster, check)
    assert name in str(err), f"{check} failed without naming {name!r}: {err}"
