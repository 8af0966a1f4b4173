"""xCAT's own clients, as an administrator runs them on a MN: xcatd started and stopped, a
node defined, listed and removed through the local xcatd (runbook 5.1.9's testnode, used by
every database method of sections 5.1 to 5.3).
"""

from __future__ import annotations

import time

from hamn import services
from hamn.errors import PreconditionFailed, VerificationFailed
from hamn.inventory import Member
from hamn.xcat.parse import XcatError, XcatObject, parse_lsdef

TESTNODE = "testnode"
# What the testnode is defined with; lsdef must show the same on the other MN.
TESTNODE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("groups", "hamntest,all"),
    ("mgt", "ipmi"),
    ("arch", "ppc64"),
    ("ip", "10.254.0.99"),
)


def start_xcatd(member: Member, timeout: float = 30.0) -> bool:
    """Start xcatd on MEMBER and wait until the subsystem reports active."""
    started = services.start(member.node, "xcatd")
    if member.node.plan:
        return started
    deadline = time.monotonic() + timeout
    while not services.status(member.node, "xcatd").active:
        if time.monotonic() > deadline:
            raise PreconditionFailed(f"xcatd on {member.name} did not become active within "
                                     f"{timeout:g}s: see its log on {member.name}")
        time.sleep(0.5)
    return started


def stop_xcatd(member: Member) -> bool:
    return services.stop(member.node, "xcatd")


def add_node(member: Member, name: str = TESTNODE,
             attributes: tuple[tuple[str, str], ...] = TESTNODE_ATTRIBUTES) -> None:
    """``mkdef -t node -o NAME attr=value ...`` through MEMBER's xcatd."""
    argv = ["mkdef", "-t", "node", "-o", name, *(f"{k}={v}" for k, v in attributes)]
    member.node.check(*argv, changes=True, why=f"adding {name} on the {member.role}")


def find_node(member: Member, name: str = TESTNODE) -> XcatObject | None:
    """``lsdef -t node -l NAME``: the definition, or None when xCAT has no such node."""
    res = member.node.run("lsdef", "-t", "node", "-l", name)
    try:
        found = parse_lsdef(res.stdout + res.stderr)
    except XcatError as err:
        if any("Could not find" in e.message for e in err.errors):
            return None
        raise
    return next((o for o in found if o.name == name), None)


def check_node(member: Member, name: str = TESTNODE,
               attributes: tuple[tuple[str, str], ...] = TESTNODE_ATTRIBUTES) -> XcatObject:
    """NAME is in MEMBER's xCAT database with every attribute it was defined with."""
    found = find_node(member, name)
    if found is None:
        raise VerificationFailed(f"{name} in the xCAT database", "defined", "not found",
                                 member.name)
    for key, value in attributes:
        got = found.get(key)
        if key == "groups" and got is not None:
            same = sorted(got.split(",")) == sorted(value.split(","))
        else:
            same = got == value
        if not same:
            raise VerificationFailed(f"{name} attribute {key}", value, got, member.name)
    return found


def check_absent(member: Member, name: str = TESTNODE) -> None:
    if find_node(member, name) is not None:
        raise VerificationFailed(f"{name} in the xCAT database", "absent", "still defined",
                                 member.name)


def remove_node(member: Member, name: str = TESTNODE) -> None:
    """``rmdef -t node -o NAME`` through MEMBER's xcatd."""
    member.node.check("rmdef", "-t", "node", "-o", name, changes=True,
                      why=f"removing {name} on the {member.role}")
