"""After section 8: what the runbook promises, measured, not assumed.

The standby answers on the primary's address and hostname; the old primary is down (one
MAC answers ARP for the address, seen from a Linux service or compute node, and the
standby's former address is silent); DHCP runs on exactly one MN; the testnode written
before failover is there; lsdef on the service node works through xcatd; the compute node's
latest DHCP lease comes from the new MN.
"""

from __future__ import annotations

import shlex

from hamn import identity, services
from hamn.errors import VerificationFailed
from hamn.failover import Failover
from hamn.runner import Node
from hamn.xcat import parse as xparse


def standby_has_identity(fo: Failover) -> identity.Identity:
    node = fo.active
    got = identity.current(node, fo.settings.interface)
    if got != fo.target:
        raise VerificationFailed("the standby's identity", fo.target, got, node.name)
    if identity.fingerprint(node) != fo.standby_print:
        raise VerificationFailed(f"the machine behind {node.name}", "the standby",
                                 "another machine", node.name)
    return got


def macs_answering(node: Node, address: str) -> set[str]:
    """Distinct MACs that answer ARP for ADDRESS, seen from Linux NODE (arping)."""
    res = node.sh(f"arping -c 3 -w 3 {shlex.quote(address)} 2>/dev/null", timeout=30)
    return {w.strip("[]").lower() for line in res.stdout.splitlines()
            if "reply from" in line.lower() for w in line.split() if w.count(":") == 5
            or (w.startswith("[") and w.count(":") == 5)}


def old_primary_down(fo: Failover) -> None:
    witnesses = [m.node for m in (*fo.cluster.service_nodes, *fo.cluster.compute_nodes)]
    old_standby = fo.journal.data.get("standby_address") or fo.standby.address
    for node in witnesses:
        if services.platform(node) != "linux":
            continue
        macs = macs_answering(node, fo.target.address)
        if len(macs) != 1:
            raise VerificationFailed(f"hosts answering ARP for {fo.target.address}", 1,
                                     len(macs), node.name)
        if old_standby and identity.answers(node, old_standby):
            raise VerificationFailed(f"{old_standby} (the standby's former address)",
                                     "silent", "answering", node.name)
        return
    if identity.answers(fo.active, old_standby):
        raise VerificationFailed(f"{old_standby}", "silent", "answering", fo.active.name)


def dhcp_on_one_mn(fo: Failover) -> None:
    """DHCP runs on the new MN; the old primary is down (checked above): exactly one."""
    old_primary_down(fo)
    if not services.status(fo.active, "dhcp").active:
        raise VerificationFailed("DHCP on the new MN", "running", "stopped", fo.active.name)


def testnode_present(fo: Failover, name: str = "testnode") -> xparse.XcatObject:
    res = fo.active.run("lsdef", "-t", "node", "-l", name)
    objs = xparse.parse_lsdef(res.stdout + res.stderr)
    if not objs:
        raise VerificationFailed(f"lsdef {name}", "the node written before failover",
                                 "nothing", fo.active.name)
    return objs[0]


def service_node_lsdef(fo: Failover) -> int:
    for sn in fo.cluster.service_nodes:
        res = sn.node.run("lsdef", "-t", "node")
        if not res.succeeded:
            raise VerificationFailed("lsdef on the service node through xcatd", "an answer",
                                     (res.stderr or res.stdout).strip()[-200:], sn.name)
        return len(xparse.parse_lsdef(res.stdout))
    raise VerificationFailed("a service node", "named in the inventory", "none")


def compute_lease_from_new_mn(fo: Failover) -> str:
    for cn in fo.cluster.compute_nodes:
        script = ("f=$(ls -t /var/lib/dhcp/dhclient*.leases 2>/dev/null | head -1); "
                  "[ -n \"$f\" ] && grep dhcp-server-identifier \"$f\" | tail -1")
        got = cn.node.sh(script).stdout.strip().rstrip(";").split()
        server = got[-1] if got else ""
        if server != fo.target.address:
            raise VerificationFailed("DHCP server of the compute node's lease",
                                     fo.target.address, server or "no lease", cn.name)
        return server
    raise VerificationFailed("a compute node", "named in the inventory", "none")
