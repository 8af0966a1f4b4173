"""Section 9: fail back to the previous primary.

The runbook: set the previous primary up as the new standby (sections 4 to 6 with the roles
swapped), then fail over from the new primary (the machine that was the standby) to it.

Identities stay with names: after section 8 the primary's name and address belong to the
machine that was the standby. The previous primary comes back carrying the former
standby's name and address (never the active MN's: section 8, never two MNs on one
identity), so the cluster description is unchanged: its "primary" is the active MN, its
"standby" the previous primary. On a real cluster giving it that identity is the admin's
console work, which hamn checks; on the simulated cluster hamn powers it on so.

Then: section 4's trust, section 5 (DB2: hamn.db2.hadr.setup_hadr from the active MN),
section 6 (hamn.filesync.sync_now), and hamn.failover again: the previous primary ends up
with the primary's identity, and the machine that served meanwhile is shut down.
"""

from __future__ import annotations

import contextlib

from hamn import failover, failover_prep, identity, operating, pgsql, prereqs, services
from hamn.errors import HamnError, PreconditionFailed
from hamn.inventory import Cluster
from hamn.xcat import cfgloc


def rejoin(cluster: Cluster) -> str:
    """The previous primary answers as the standby, with the standby's identity."""
    fo = failover.Failover(cluster)
    if not fo.journal.data.get("completed"):
        raise PreconditionFailed(f"no completed failover of {cluster.name} is recorded: fail "
                                 "over first (features/failover.feature)")
    sim = failover_prep.sim_of(cluster)
    if sim is not None and not failover.reachable(cluster.standby.node):
        machine = sim.node("primary").spec.name  # the container that was the primary
        sim.start_as(machine, sim.node("standby").spec.name)
        cluster.standby.node.close()
        services.forget(cluster.standby.node)
        # Booted is not yet reachable: the bridge may still hold the moved address's old
        # MAC until the announcement lands.
        with contextlib.suppress(HamnError):
            failover.wait_for(lambda: failover.reachable(cluster.standby.node), 60,
                              f"{cluster.standby.name} to answer over SSH", interval=1.0)
    if not failover.reachable(cluster.standby.node):
        raise PreconditionFailed(
            f"the previous primary does not answer as {cluster.standby.name}: power it on "
            "isolated, give it the former standby's identity (mktcpip), then re-run")
    got = identity.current(cluster.standby.node, cluster.settings.interface)
    want = fo.journal.data.get("standby_address") or cluster.standby.address
    if want and got.address != want:
        raise PreconditionFailed(f"{cluster.standby.name} answers with {got.address}, not the "
                                 f"former standby's address {want}")
    if cluster.settings.db == "db2":  # db2nodes.cfg still names the primary's hostname
        s = cluster.settings
        cluster.standby.node.check("db2gcf", "-u", "-p", "0", "-i", s.instance,
                                   user=s.instance, changes=True,
                                   why="db2gcf -u on the previous primary")
    elif cluster.settings.db in ("postgres", "mysql"):
        # Its database and xCAT still name the primary's address, which it gave up (8.5
        # done the other way round).
        old = (fo.journal.data.get("primary") or {}).get("address") or cluster.primary.address
        if old and want and old != want:
            cfgloc.readdress(cluster.standby.node, old, want)
            if cluster.settings.db == "postgres":
                pgsql.readdress(cluster.standby, old, want)
    for svc in ("xcatd", "dhcp"):  # a standby runs neither (section 4)
        services.stop(cluster.standby.node, svc)
    return f"{got.hostname} {got.address}"


def set_up_new_standby(cluster: Cluster) -> str:
    """Sections 4 to 6 towards the previous primary: ssh trust, replication, files."""
    from hamn import filesync
    prereqs.check_ssh_trust(cluster.primary, cluster.standby)
    if cluster.settings.db == "db2":
        from hamn.db2 import hadr
        hadr.setup_hadr(cluster)  # 5.1.1-5.1.8, the active MN as the primary
    else:
        operating.ensure(cluster)
    services.start(cluster.primary.node, "xcatd")  # 5.1.1 stopped it for the backup
    filesync.sync_now(cluster)
    return "sections 4 to 6 done towards the previous primary"


def run(cluster: Cluster, plan: bool = False) -> failover.Failover:
    """Fail back: CLUSTER as section 8 left it (names and addresses unchanged)."""
    if plan:
        return failover.run(cluster, plan=True)
    rejoin(cluster)
    set_up_new_standby(cluster)
    failover.Failover(cluster).journal.clear()
    return failover.run(cluster)
