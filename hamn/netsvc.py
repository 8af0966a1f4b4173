"""Section 8: network services and conserver on the new MN (makedns, makedhcp, makeconservercf).

The runbook: "1. DNS: run makedns 2. DHCP (Linux only): run makedhcp 3. conserver:
makeconservercf". ``makedhcp -n`` writes a new configuration and ``makedhcp -a`` adds every
node. On AIX the runbook leaves DHCP to NIM (nimnodeset); where the old primary served DHCP
(its nodes boot from it), section 6.3's advice holds: the configuration is regenerated with
makedhcp rather than copied, and the server started, so DHCP runs on exactly one MN.
"""

from __future__ import annotations

from hamn import services
from hamn.runner import Node


def xcat(node: Node, *argv: str, changes: bool = True, why: str = "") -> str:
    """An xCAT client command on NODE (root's login PATH has /opt/xcat/bin)."""
    return node.check(*argv, changes=changes, why=why or argv[0]).stdout


def makedns(node: Node) -> None:
    xcat(node, "makedns", "-n", why="makedns (runbook 8: DNS)")


def makedhcp(node: Node) -> None:
    xcat(node, "makedhcp", "-n", why="makedhcp -n (runbook 8: DHCP, Linux)")
    xcat(node, "makedhcp", "-a", why="makedhcp -a (runbook 8: DHCP, Linux)")


def makeconservercf(node: Node) -> None:
    xcat(node, "makeconservercf", why="makeconservercf (runbook 8: conserver)")


def regenerate(node: Node, dhcp: bool) -> list[str]:
    """Run the runbook's three regenerations on NODE; DHCP on Linux, or when DHCP was served."""
    done = ["makedns"]
    makedns(node)
    if dhcp or services.platform(node) == "linux":
        makedhcp(node)
        done.append("makedhcp")
    if dhcp:
        services.start(node, "dhcp")
        done.append("dhcp started")
    makeconservercf(node)
    done.append("makeconservercf")
    return done
