"""Section 9: fail back to the previous primary.

The runbook: set the previous primary up as the new standby (sections 4 to 6 with the roles
swapped), then fail over from the new primary (the machine that was the standby) to it.
Here: the cluster seen with swapped roles (Cluster.swapped), the replication and file
synchronisation set up from the active MN towards the old primary by the modules that own
sections 5 and 6, then hamn.failover on the swapped cluster.

Before it rejoins, the old primary must not carry the identity the active MN now holds:
it is brought up isolated and given the former standby's identity first (runbook section 8:
never two MNs on one identity). On a real cluster that is the admin's console work; hamn
checks it and refuses otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from hamn import failover
from hamn.errors import PreconditionFailed
from hamn.inventory import Cluster

Setup = Callable[[Cluster], object]


def new_standby_setup() -> list[tuple[str, Setup]]:
    """Sections 4 to 6 as (section, action) pairs, from the modules that own them."""
    steps: list[tuple[str, Setup]] = []
    try:
        from hamn import prereqs
        steps.append(("4", lambda c: prereqs.check_ssh_trust(c.primary, c.standby)))
    except ImportError:
        pass
    steps.append(("5.1", _hadr_setup))
    try:
        from hamn import filesync  # type: ignore[attr-defined]
        steps.append(("6", filesync.sync_now))
    except ImportError:
        steps.append(("6", _missing("hamn.filesync.sync_now (section 6)")))
    return steps


def _hadr_setup(c: Cluster) -> object:
    """Sections 5.1.1 to 5.1.7 with hamn.db2.hadr, primary = the active MN."""
    if c.settings.db != "db2":
        raise PreconditionFailed(f"failback of a {c.settings.db} cluster: set up section 5 "
                                 "from the active MN first, then run the failover")
    from hamn.db2 import hadr
    hadr.disconnect_clients(c)
    for m in c.mns:
        hadr.configure_log_archiving(m, c.settings)
    copy = hadr.copy_backup(c, hadr.backup(c))
    hadr.restore(c.standby, c.settings, copy)
    for m in c.mns:
        hadr.register_hadr_services(m, c.settings)
    hadr.configure_hadr(c)
    return hadr.start_hadr(c)


def _missing(what: str) -> Setup:
    def fail(cluster: Cluster) -> object:
        raise PreconditionFailed(f"failback needs {what}, which this hamn lacks")
    return fail


def run(after_failover: Cluster, plan: bool = False) -> failover.Failover:
    """Fail back: AFTER_FAILOVER is the cluster as section 8 left it (roles still original).

    The swapped cluster's primary is the active MN (reached by the original primary's name
    after failover), its standby the previous primary (reached by the standby's name once it
    carries the former standby identity).
    """
    back = after_failover.swapped()
    if not plan and not failover.reachable(back.standby.node):
        raise PreconditionFailed(
            f"the previous primary does not answer as {back.standby.name}: bring it up "
            "isolated, give it the former standby's identity (mktcpip), then re-run")
    for section, action in new_standby_setup():
        del section
        action(back)
    return failover.run(back, plan=plan)
