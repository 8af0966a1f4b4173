"""After section 8: what the runbook promises, measured, not assumed.

The standby answers on the primary's address and hostname; the old primary is down (one
MAC answers ARP for the address, seen from a Linux service or compute node, and the
standby's former address is silent); DHCP runs on exactly one MN; the testnode written
before failover is there; lsdef on the service node works through xcatd; the compute node's
latest DHCP lease comes from the new MN.
"""

from __future__ import annotations

import re
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


_MAC = re.compile(r"\b([0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5})\b")


def parse_arping(text: str) -> set[str]:
    """Distinct MACs in arping's replies: iputils (``Unicast reply from IP [MAC]``) and
    Habets' arping (``42 bytes from MAC (IP)``)."""
    return {m.group(1).lower() for line in text.splitlines() if "from" in line.lower()
            for m in _MAC.finditer(line)}


def macs_answering(node: Node, address: str) -> set[str]:
    """Distinct MACs that answer ARP for ADDRESS, seen from Linux NODE (arping)."""
    res = node.sh(f"arping -c 3 -w 3 {shlex.quote(address)} 2>/dev/null", timeout=30)
    return parse_arping(res.stdout)


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


def xcatd_writes(fo: Failover, name: str = "hamn-after-failover") -> xparse.XcatObject:
    """A node defined through xcatd on the new MN reads back (the failed-over database is
    writable: promoted, not a read-only replica or a standby), then is removed again."""
    node = fo.active
    node.run("rmdef", "-t", "node", "-o", name, changes=True)
    res = node.run("mkdef", "-t", "node", "-o", name, "groups=all", "mgt=ipmi", changes=True)
    if not res.succeeded:
        raise VerificationFailed(f"mkdef {name} through xcatd", "defined",
                                 (res.stderr or res.stdout).strip(), node.name)
    try:
        got = xparse.parse_lsdef(node.check("lsdef", "-t", "node", "-l", name).stdout)
    finally:
        node.run("rmdef", "-t", "node", "-o", name, changes=True)
    if not got:
        raise VerificationFailed(f"lsdef {name}", "the node just defined", "nothing",
                                 node.name)
    return got[0]


def service_node_lsdef(fo: Failover) -> int:
    """lsdef on the service node, through xcatd at the MN's hostname (XCATHOST): the name
    now reaches the new MN, whose xcatd must accept the node's credentials (section 6.1)."""
    for sn in fo.cluster.service_nodes:
        host = shlex.quote(f"{fo.target.hostname}:3001")
        res = sn.node.sh(f"XCATHOST={host}; export XCATHOST; lsdef -t node", timeout=60)
        if not res.succeeded:
            raise VerificationFailed("lsdef on the service node through xcatd", "an answer",
                                     (res.stderr or res.stdout).strip()[-200:], sn.name)
        return len(xparse.parse_lsdef(res.stdout))
    raise VerificationFailed("a service node", "named in the inventory", "none")


LEASES = "/var/lib/dhcp/dhclient*.leases"


def parse_leases(text: str) -> list[dict[str, str]]:
    """dhclient's lease blocks, oldest first: {option or time name: value}."""
    leases: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip().rstrip(";")
        if line.startswith("lease {"):
            current = {}
        elif line == "}" and current is not None:
            leases.append(current)
            current = None
        elif current is not None and line:
            words = line.split()
            if words[0] == "option" and len(words) >= 3:
                current[words[1]] = words[-1]
            else:
                current[words[0]] = " ".join(words[1:])
    return leases


def latest_lease(node: Node) -> dict[str, str]:
    res = node.sh(f"cat {LEASES} 2>/dev/null")
    leases = parse_leases(res.stdout)
    return leases[-1] if leases else {}


def compute_lease_from_new_mn(fo: Failover, timeout: float = 60.0) -> str:
    """Reset the compute node through the new MN (rpower), then wait for the new lease it
    asks for at boot: it must come from the primary's address, which only the new MN holds
    (the old primary is down, checked by :func:`old_primary_down`)."""
    from hamn.failover import wait_for
    if not fo.cluster.compute_nodes:
        raise VerificationFailed("a compute node", "named in the inventory", "none")
    cn = fo.cluster.compute_nodes[0]
    before = latest_lease(cn.node)
    fo.active.check("rpower", cn.name, "reset", changes=True,
                    why="rpower reset through the new MN")
    got: dict[str, str] = {}

    def new_lease() -> bool:
        got.clear()
        got.update(latest_lease(cn.node))
        return bool(got) and got.get("expire") != before.get("expire")

    wait_for(new_lease, timeout, f"a new DHCP lease on {cn.name}", interval=0.5)
    server = got.get("dhcp-server-identifier", "")
    if server != fo.target.address:
        raise VerificationFailed("DHCP server of the compute node's new lease",
                                 fo.target.address, server or "none", cn.name)
    return server


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


_KEY_CHANGED = ("Host key verification failed", "IDENTIFICATION HAS CHANGED")


def compute_meets_known_host_key(fo: Failover) -> str:
    """Section 6.1: a compute node reaching the primary's hostname over ssh after failover
    meets a host key it already trusts (the MN's keys travel with /etc/xcat/hostkeys and the
    nodes' known hosts), not a changed one. The host key is checked before any login, so a
    refused login still proves the key; a changed key is the failure."""
    for cn in fo.cluster.compute_nodes:
        name = fo.target.hostname
        res = cn.node.run("ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                          "-o", "ConnectTimeout=5", name, "true")
        if any(marker in res.stderr for marker in _KEY_CHANGED):
            raise VerificationFailed(f"ssh host key of {name} seen from the compute node",
                                     "a key the node already trusts", "a changed host key",
                                     cn.name)
        if "Connection refused" in res.stderr or "timed out" in res.stderr:
            raise VerificationFailed(f"ssh to {name} from the compute node", "an answer",
                                     res.stderr.strip()[-120:], cn.name)
        return name
    raise VerificationFailed("a compute node", "named in the inventory", "none")
