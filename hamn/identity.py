"""Section 8: the standby takes the primary's identity (address and hostname).

AIX changes both with ``mktcpip`` (the runbook's command, ``-s`` starts TCP/IP now); Linux
with ``ip addr``/``hostname``, then announces the address with a gratuitous ARP (mktcpip
does that on AIX) so neighbours learn the new MAC at once. Before taking the address the
standby makes sure nothing else answers on it: never two MNs on one identity.

Changing the address cuts the SSH session that issued the change, so the change runs
detached on the host; the caller then reaches the host through the primary's SSH name.
"""

from __future__ import annotations

import ipaddress
import shlex
from dataclasses import dataclass

from hamn import services
from hamn.aix import parse as aixparse
from hamn.errors import HamnError, PreconditionFailed
from hamn.inventory import Settings
from hamn.runner import Node


@dataclass(frozen=True)
class Identity:
    hostname: str  # short name
    address: str


def fingerprint(node: Node) -> str:
    """Which machine answers behind NODE's name: a checksum of its SSH host keys."""
    res = node.sh("cat /etc/ssh/ssh_host_*key.pub 2>/dev/null | cksum")
    return res.stdout.split()[0] if res.succeeded and res.stdout.strip() else ""


def current(node: Node, interface: str) -> Identity:
    """NODE's hostname and the first address of its cluster-facing INTERFACE."""
    host = node.check("hostname").stdout.strip().split(".")[0]
    return Identity(host, interface_address(node, interface))


def interface_address(node: Node, interface: str) -> str:
    if services.platform(node) == "aix":
        res = node.run("lsattr", "-El", interface)
        return aixparse.lsattr_values(res.stdout).get("netaddr", "") if res.succeeded else ""
    res = node.run("ip", "-o", "-4", "addr", "show", "dev", interface)
    for line in res.stdout.splitlines():
        parts = line.split()
        if "inet" in parts:
            return parts[parts.index("inet") + 1].split("/")[0]
    return ""


def answers(node: Node, address: str) -> bool:
    """True when something answers on ADDRESS, seen from NODE (ping; ARP where there is one).

    ARP also catches a host that drops ICMP but still holds the address on the segment. Both
    probes run at once and a ping reply ends the wait: a live address answers in
    milliseconds, a silent one costs a second.
    """
    q = shlex.quote(address)
    script = (f"a=; if command -v arping >/dev/null 2>&1; then arping -c 1 -w 1 {q} "
              f">/dev/null 2>&1 & a=$!; fi; if ping -c 1 -w 1 {q} >/dev/null 2>&1; then "
              "[ -n \"$a\" ] && kill $a 2>/dev/null; exit 0; fi; "
              "[ -n \"$a\" ] && wait $a && exit 0; exit 1")
    return node.sh(script, timeout=30).succeeded


def ensure_free(node: Node, address: str) -> None:
    """Refuse to take ADDRESS while another host answers on it (the old primary is up)."""
    if node.plan:
        node.sh(f"! ping -c 2 -w 2 {shlex.quote(address)}  # must not answer", changes=True)
        return
    if answers(node, address):
        raise PreconditionFailed(
            f"{address} still answers: the old primary holds it; shut it down (or power it "
            "off) before the standby takes its identity, then re-run; never two MNs on one "
            "identity")


def swap_command(node: Node, target: Identity, settings: Settings) -> str:
    """The command that gives NODE TARGET's identity on the cluster-facing interface."""
    if services.platform(node) == "aix":
        argv = ["mktcpip", "-h", target.hostname, "-a", target.address,
                "-m", settings.netmask, "-i", settings.interface]
        if settings.gateway:
            argv += ["-g", settings.gateway]
        argv += ["-A", "no", "-t", "N/A", "-s"]
        return " ".join(shlex.quote(a) for a in argv)
    prefix = ipaddress.IPv4Network(f"0.0.0.0/{settings.netmask}").prefixlen
    dev = shlex.quote(settings.interface)
    addr = shlex.quote(target.address)
    name = shlex.quote(target.hostname)
    cmd = (f"ip addr flush dev {dev} scope global && "
           f"ip addr add {addr}/{prefix} dev {dev} && ")
    if settings.gateway:
        cmd += f"ip route replace default via {shlex.quote(settings.gateway)} dev {dev}; "
    cmd += (f"hostname {name} && echo {name} > /etc/hostname && "
            f"arping -U -c 2 -w 2 -I {dev} {addr}")
    return cmd


LOG = "/tmp/hamn-identity.log"
FAILED = "hamn-identity-change-failed"


def swap_failed(node: Node) -> str:
    """The detached change's output when it failed on NODE (reached by its old name), else ''.
    """
    try:
        text = node.read_file(LOG) or ""
    except HamnError:
        return ""
    return text.strip() if FAILED in text else ""


def swap(node: Node, target: Identity, settings: Settings) -> None:
    """Start the identity change on NODE, detached (it cuts this very SSH session).

    The caller must close NODE's channel and reach the host by the primary's name.
    """
    ensure_free(node, target.address)
    cmd = swap_command(node, target, settings)
    body = f"sleep 1; ( {cmd} ) || echo {FAILED}"
    detached = (f"nohup sh -c {shlex.quote(body)} > {LOG} 2>&1 < /dev/null &")
    node.check_sh(detached, why="taking the primary's identity", changes=True)
    services.forget(node)
