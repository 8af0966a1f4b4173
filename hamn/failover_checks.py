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


LEASES = "/var/lib/dhcp/dhclient*.leases"


def lease_servers(node: Node) -> list[str]:
    """The DHCP servers of NODE's leases, oldest first (dhclient's lease files)."""
    res = node.sh(f"cat {LEASES} 2>/dev/null | grep dhcp-server-identifier")
    return [line.strip().rstrip(";").split()[-1] for line in res.stdout.splitlines()
            if line.strip()]


def compute_lease_from_new_mn(fo: Failover, timeout: float = 60.0) -> str:
    """Reset the compute node through the new MN (rpower), then wait for the new lease it
    asks for at boot: it must come from the primary's address, which only the new MN holds
    (the old primary is down, checked by :func:`old_primary_down`)."""
    from hamn.failover import wait_for
    if not fo.cluster.compute_nodes:
        raise VerificationFailed("a compute node", "named in the inventory", "none")
    cn = fo.cluster.compute_nodes[0]
    before = len(lease_servers(cn.node))
    fo.active.check("rpower", cn.name, "reset", changes=True,
                    why="rpower reset through the new MN")
    got: list[str] = []

    def new_lease() -> bool:
        got[:] = lease_servers(cn.node)
        return len(got) > before

    wait_for(new_lease, timeout, f"a new DHCP lease on {cn.name}", interval=0.5)
    if got[-1] != fo.target.address:
        raise VerificationFailed("DHCP server of the compute node's new lease",
                                 fo.target.address, got[-1], cn.name)
    return got[-1]


def compute_resolves_through_new_mn(fo: Failover) -> str:
    """The compute node resolves the new MN's hostname through the MN's name server."""
    for cn in fo.cluster.compute_nodes:
        name = fo.target.hostname
        res = cn.node.run("nslookup", name, fo.target.address)
        answer = ""
        lines = res.stdout.splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith("Name:") and i + 1 < len(lines):
                answer = lines[i + 1].split()[-1]
        if answer != fo.target.address:
            raise VerificationFailed(f"{name} resolved by {fo.target.address}",
                                     fo.target.address, answer or res.stdout.strip()[-120:],
                                     cn.name)
        return answer
    raise VerificationFailed("a compute node", "named in the inventory", "none")
