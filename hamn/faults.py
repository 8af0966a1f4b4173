"""Fault scenarios: what hamn does and measures around an injected fault (issue 10).

The faults themselves (a killed MN, a cut link, a skewed clock) are the simulated cluster's
primitives (``simulators.cluster.Cluster``); they are never done to real MNs. This module
holds hamn's side: a cluster with short HADR windows so a fault plays out in seconds, a
:class:`FaultRun` that carries the write load (hamn.load), the state sampler
(hamn.sampler) and the times of injected events, waits for HADR state sequences, and the
figures a fault scenario reports: acknowledged writes missing on the standby, the longest
commit stall, time to recover.

A verification that must *detect* a fault is run through :func:`failing_check`, which
returns the error the check raised (and raises when the check passed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hamn import filesync, histories, load, prereqs, services
from hamn.db2 import hadr, sync_test
from hamn.db2.parse import HadrRole
from hamn.errors import HamnError, PreconditionFailed, UsageError, VerificationFailed
from hamn.inventory import Cluster, Member
from hamn.parsing import ParseError
from hamn.sampler import Sampler

# Slack on top of the peer window for one acknowledged write: the mkdef round trip through
# xcatd, and the heartbeat that notices the lost standby (HADR_TIMEOUT).
WRITE_SLACK = 5.0


def with_hadr(cluster: Cluster, *, sync_mode: str | None = None,
              peer_window: int | None = None, hadr_timeout: int | None = None) -> Cluster:
    """CLUSTER with other HADR settings (the same hosts and channels)."""
    changes: dict[str, Any] = {}
    if sync_mode is not None:
        changes["sync_mode"] = sync_mode.upper()
    if peer_window is not None:
        changes["peer_window"] = peer_window
    if hadr_timeout is not None:
        changes["hadr_timeout"] = hadr_timeout
    return replace(cluster, settings=replace(cluster.settings, **changes))


def prepare(cluster: Cluster, timeout: float = 90.0) -> tuple[Any, Any]:
    """HADR in Peer with CLUSTER's settings (5.1 re-run when they differ), xcatd serving on
    the primary only. Returns both MNs' HADR status."""
    _primary_back(cluster)
    hadr.setup_hadr(cluster)
    sync_test.stop_xcatd(cluster.standby)
    sync_test.start_xcatd(cluster.primary)
    return hadr.wait_for_peer(cluster, timeout)


def failover_started(cluster: Cluster) -> bool:
    """True when a section 8 failover of CLUSTER began (its journal exists): the MNs'
    identities may have moved, so only rebuilding the simulated cluster undoes it."""
    from hamn.failover import Journal
    return bool(Journal.load(cluster, plan=False).data)


def restore(cluster: Cluster) -> None:
    """Back to the operating state after a fault: channels reopened, HADR as CLUSTER says
    (the inventory's primary as Primary), xcatd on the primary only, stale failover
    journal gone."""
    from hamn.failover import Journal
    for m in cluster.members():
        m.node.close()
        services.forget(m.node)
    Journal.load(cluster, plan=False).clear()
    prepare(cluster)


def _primary_back(cluster: Cluster) -> None:
    """Make the inventory's primary hold the database again when a fault left it the HADR
    standby (graceful takeover while in Peer; else STOP HADR and complete roll-forward)."""
    p, s = cluster.primary, cluster.settings
    role = hadr.hadr_status(p, s).role
    if role is HadrRole.STANDBY:
        try:
            hadr.wait_for_peer(cluster, 20, primary=cluster.standby)
            sync_test.stop_xcatd(cluster.standby)
            hadr.takeover(p, s)
            return
        except HamnError:
            hadr.stop_hadr(p, s)
    if hadr.rollforward_pending(p, s) != "NO":
        hadr.rollforward_complete(p, s)


@dataclass
class FaultRun:
    """One fault scenario in progress: its cluster, load, sampler and marked events."""

    cluster: Cluster
    load: load.Load | None = None
    sampler: Sampler | None = None
    marks: list[tuple[float, str]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def at(self, label: str) -> float:
        for t, name in self.marks:
            if name == label:
                return t
        raise UsageError(f"no event {label!r} was marked in this fault run; marked: "
                         f"{', '.join(n for _, n in self.marks) or 'none'}")

    def stop(self) -> None:
        if self.load is not None:
            self.load.stop()
        if self.sampler is not None:
            self.sampler.stop()


def inject(run: FaultRun, label: str, action: Callable[[], Any]) -> float:
    """Do ACTION (a fault primitive) and mark its time under LABEL; returns the time."""
    t = time.time()
    action()
    run.marks.append((t, label))
    for m in run.cluster.members():
        services.forget(m.node)
    return t


def start_load(run: FaultRun, rate: float = 4.0) -> load.Load:
    """Acknowledged writes through xcatd on the primary, recorded (hamn.load)."""
    run.load = load.Load(run.cluster, rate=rate).start()
    return run.load


def start_sampler(run: FaultRun, interval: float = 0.5) -> Sampler:
    run.sampler = Sampler(run.cluster, interval=interval).start()
    return run.sampler


def wait_for_writes(run: FaultRun, count: int, timeout: float = 60.0) -> int:
    """Wait until the load has COUNT acknowledged writes; returns how many it has."""
    ld = _load(run)
    deadline = time.monotonic() + timeout
    while len(ld.acknowledged) < count:
        if time.monotonic() > deadline:
            raise VerificationFailed("acknowledged writes through xcatd",
                                     f"{count} within {timeout:g}s", len(ld.acknowledged),
                                     run.cluster.primary.name)
        time.sleep(0.2)
    return len(ld.acknowledged)


def _load(run: FaultRun) -> load.Load:
    if run.load is None:
        raise UsageError("this fault scenario has no write load: start one first")
    return run.load


def hadr_state(member: Member, cluster: Cluster) -> str | None:
    """MEMBER's HADR state now (None: database inactive or HADR not running)."""
    try:
        report = hadr.hadr_status(member, cluster.settings)
    except (HamnError, ParseError):
        return None
    if not report.channels or report.principal.state is None:
        return None
    return report.principal.state.value


def wait_for_states(member: Member, cluster: Cluster, states: list[str],
                    timeout: float = 60.0, interval: float = 0.3) -> list[str]:
    """Wait until MEMBER's HADR state has passed through STATES in that order.

    Returns the distinct states seen, in order; VerificationFailed names what was seen when
    the sequence was not completed within TIMEOUT seconds.
    """
    seen: list[str] = []
    todo = list(states)
    deadline = time.monotonic() + timeout
    while todo:
        state = hadr_state(member, cluster)
        if state is not None and (not seen or seen[-1] != state):
            seen.append(state)
        if state == todo[0]:
            todo.pop(0)
            continue
        if time.monotonic() > deadline:
            raise VerificationFailed(f"HADR states of the {member.role}",
                                     " -> ".join(states), " -> ".join(seen) or "none",
                                     member.name)
        time.sleep(interval)
    return seen


def writes_after(run: FaultRun, label: str, delay: float, timeout: float = 60.0) -> int:
    """Acknowledged writes later than DELAY seconds after event LABEL (waits for one)."""
    since = run.at(label) + delay
    ld = _load(run)
    deadline = time.monotonic() + timeout
    while True:
        late = [w for w in ld.acknowledged if w.t > since]
        if late:
            return len(late)
        if time.monotonic() > deadline:
            raise VerificationFailed(f"commits on the primary {delay:g}s after {label}",
                                     "at least one acknowledged write", "none",
                                     run.cluster.primary.name)
        time.sleep(0.3)


def longest_stall(run: FaultRun) -> float:
    """The longest time one acknowledged write took (seconds)."""
    return max((w.latency for w in _load(run).acknowledged), default=0.0)


def check_no_block_beyond_window(run: FaultRun) -> float:
    """No acknowledged write waited longer than HADR_PEER_WINDOW (plus WRITE_SLACK)."""
    limit = run.cluster.settings.peer_window + run.cluster.settings.hadr_timeout + WRITE_SLACK
    stall = longest_stall(run)
    run.figures["longest_stall_s"] = round(stall, 2)
    if stall > limit:
        raise VerificationFailed("longest commit wait on the primary",
                                 f"at most {limit:g}s (peer window "
                                 f"{run.cluster.settings.peer_window}s)", f"{stall:.1f}s",
                                 run.cluster.primary.name)
    return stall


def time_to_peer(run: FaultRun, label: str, bound: float) -> float:
    """Seconds from event LABEL until both MNs are in Peer; VerificationFailed past BOUND."""
    since = run.at(label)
    try:
        hadr.wait_for_peer(run.cluster, timeout=max(bound - (time.time() - since), 1.0))
    except PreconditionFailed:
        raise VerificationFailed("HADR back in Peer", f"within {bound:g}s of {label}",
                                 f"not after {time.time() - since:.1f}s") from None
    elapsed = time.time() - since
    run.figures["time_to_recover_s"] = round(elapsed, 1)
    return elapsed


def _count_missing(run: FaultRun, member: Member) -> list[load.Write]:
    ld = _load(run)
    ld.stop()
    found = load.present(member.node, ld.prefix)
    lost = load.missing(ld.acknowledged, found)
    run.figures.update({"acknowledged": len(ld.acknowledged), "missing": len(lost)})
    return lost


def missing_after_takeover(run: FaultRun) -> list[load.Write]:
    """After a takeover by the standby: the load stopped, xcatd started on the new primary,
    the acknowledged writes its database does not hold."""
    st = run.cluster.standby
    killed = [t for t, name in run.marks if name == "primary killed"]
    if killed:
        run.figures.setdefault("time_to_recover_s", round(time.time() - killed[0], 1))
    if hadr.hadr_status(st, run.cluster.settings).role is not HadrRole.PRIMARY:
        raise PreconditionFailed(f"{st.name} is not the HADR primary: take over first")
    sync_test.start_xcatd(st)
    return _count_missing(run, st)


def missing_on_standby(run: FaultRun, timeout: float = 60.0) -> list[load.Write]:
    """With the pair back in Peer: the load stopped, the standby takes over gracefully (so
    its own database answers through its own xcatd), and the acknowledged writes it lacks
    are counted. The pair is left with the roles swapped; :func:`restore` swaps them back."""
    c = run.cluster
    _load(run).stop()
    hadr.wait_for_peer(c, timeout)
    sync_test.stop_xcatd(c.primary)
    hadr.takeover(c.standby, c.settings)
    return missing_after_takeover(run)


def check_history(run: FaultRun) -> histories.History:
    """The sampled history obeys HADR's transitions and the invariants (at most one HADR
    primary, DHCP on at most one MN, at every sampled instant); raises naming the first."""
    if run.sampler is None:
        raise UsageError("this fault scenario has no sampler: start one first")
    history = run.sampler.stop()
    if not history.samples:
        raise VerificationFailed("state history", "samples", "none")
    found = histories.check(history, max_age=2.0)
    run.figures["samples"] = len(history.samples)
    if found:
        raise VerificationFailed("state history", "no violation",
                                 "; ".join(v.message for v in found[:3]))
    return history


def states_sampled(run: FaultRun, member: Member) -> list[str]:
    """The distinct HADR states the sampler saw on MEMBER, in order."""
    if run.sampler is None:
        raise UsageError("this fault scenario has no sampler: start one first")
    out: list[str] = []
    for s in run.sampler.history.of(member.name):
        if s.hadr_state and (not out or out[-1] != s.hadr_state):
            out.append(s.hadr_state)
    return out


# --------------------------------------------------------------------------- detection

def check_cron_running(cluster: Cluster) -> str:
    """Section 6's entries only run when cron runs on the primary."""
    st = services.status(cluster.primary.node, "cron")
    if not st.active:
        raise VerificationFailed("cron (runs the section 6 file synchronisation) on the "
                                 "primary", "running", "stopped", cluster.primary.name)
    return "running"


CHECKS: dict[str, Callable[[Cluster], object]] = {
    "the clock check": lambda c: prereqs.check_clocks(c.primary, c.standby,
                                                      c.settings.clock_tolerance),
    "the cron check": check_cron_running,
    "the synchronisation of section 6.2": lambda c: filesync.sync_now(c, ["6.2"]),
    "the drift check of section 6.1": lambda c: filesync.check_in_step(c, ["6.1"]),
}


def failing_check(cluster: Cluster, name: str) -> HamnError:
    """Run verification NAME (one of CHECKS) and return the error it raised.

    VerificationFailed when it passed: the fault it should detect went unnoticed.
    """
    try:
        check = CHECKS[name]
    except KeyError:
        raise UsageError(f"no verification {name!r}; known: {', '.join(CHECKS)}") from None
    try:
        check(cluster)
    except HamnError as err:
        return err
    raise VerificationFailed(name, "a failure naming the fault", "it passed")


def plant_large_file(cluster: Cluster, size_kb: int = 2048) -> str:
    """A SIZE_KB file under the install directory on the primary (for 6.2 to carry)."""
    root = filesync.installdir(cluster.primary, cluster.settings)
    path = f"{root.rstrip('/')}/hamn-fault-large"
    node = cluster.primary.node
    node.check("mkdir", "-p", root, changes=True)
    node.check("dd", "if=/dev/zero", f"of={path}", "bs=1024", f"count={size_kb}",
               changes=True)
    return path


def remove_file(cluster: Cluster, path: str) -> None:
    """PATH removed from both MNs (a planted file and the copy a sync made of it)."""
    for m in cluster.mns:
        m.node.run("rm", "-f", path, changes=True)


def check_swap_after_silence(fo: Any) -> str:
    """In failover FO (hamn.failover.Failover) the old primary, which answered, was shut
    down, and the identity swap began after that step ended (its postcondition: the
    address silent). Returns how the old primary was brought down."""
    recs = {r.name: r for r in fo.records}
    down, ident = recs.get("old-primary-down"), recs.get("identity")
    if down is None or ident is None:
        raise VerificationFailed("failover steps", "old-primary-down, then identity",
                                 ", ".join(recs) or "none")
    if down.skipped or down.note == "already down":
        raise VerificationFailed("the old primary before the identity swap", "answering, "
                                 "then shut down by hamn", down.note or "skipped")
    if ident.started < down.started + down.duration:
        early = down.started + down.duration - ident.started
        raise VerificationFailed("identity swap start", "after the old primary's address "
                                 "fell silent", f"{early:.1f}s before")
    return str(down.note)


def relogin(member: Member, action: Callable[[], Any]) -> None:
    """Do ACTION (a change that applies to new login sessions, such as a skewed clock set
    through pam_env), then close MEMBER's channel so hamn's next command logs in anew."""
    action()
    member.node.close()
    services.forget(member.node)


def recover(sim: Any, cluster: Cluster, fault: FaultRun) -> dict[str, object]:
    """Undo a fault scenario on the sim: load and sampler stopped, links healed, every node
    running (the cluster rebuilt after a failover), the pair back in Peer with the
    inventory's roles. Returns the scenario's figures (for the junit report)."""
    fault.stop()
    if failover_started(cluster):
        sim.up(fresh=True)
    for row in sim.status():
        if row["state"] != "running":
            sim.start(row["node"])
    sim.heal()
    restore(cluster)
    return dict(fault.figures)
