"""Are the hosts given in the right order? The first must be the active (primary) MN.

A swapped --hosts would run the procedure backwards: set the live MN up as a standby, or
fail over onto the MN that is already serving. The active MN is the one running xcatd
(section 4 stops it on the standby); with DB2, the HADR roles decide when HADR is up.
"""

from __future__ import annotations

from hamn import services
from hamn.errors import UsageError
from hamn.inventory import Cluster


def check_order(cluster: Cluster) -> None:
    """Raise UsageError when the standby was given as the primary."""
    p, s = cluster.primary, cluster.standby
    p_serves = services.status(p.node, "xcatd").active
    s_serves = services.status(s.node, "xcatd").active
    if s_serves and not p_serves:
        raise UsageError(
            f"hosts are in the wrong order: {s.name} runs xcatd (the active MN) but was given "
            f"second; give the primary first: --hosts={s.name},{p.name}")
