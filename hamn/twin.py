"""Section 2's twin-tailed disks: paths both MNs can mount, one at a time.

Paths on such a disk need no rsync (section 6 is skipped for them); at failover the disk is
detached from the old primary, if it still answers, and attached to the standby. The attach
and detach commands are the site's (the inventory's twin_attach / twin_detach).
"""

from __future__ import annotations

from dataclasses import dataclass

from hamn.errors import PreconditionFailed, UsageError, VerificationFailed
from hamn.inventory import Cluster, Member, Settings


@dataclass(frozen=True)
class Attachment:
    host: str
    mounted: tuple[str, ...]  # the shared paths mounted there


def _require(settings: Settings) -> None:
    if not settings.shared_paths:
        raise UsageError("this cluster has no twin-tailed disk: name shared_paths, "
                         "twin_attach and twin_detach in the inventory settings")


def mounted_paths(member: Member, settings: Settings) -> Attachment:
    """Which shared paths are mount points on MEMBER (``mount``: AIX and Linux both list
    the mounted-over directory as a token of its line)."""
    _require(settings)
    lines = member.node.check("mount").stdout.splitlines()
    tokens = [set(line.split()) for line in lines]
    found = tuple(p for p in settings.shared_paths if any(p in t for t in tokens))
    return Attachment(member.name, found)


def check_attached_to(cluster: Cluster, role: str) -> Attachment:
    """The disk is mounted on the ROLE MN, with every shared path, and on no other MN."""
    owner = cluster.member(role)
    other = cluster.standby if owner is cluster.primary else cluster.primary
    mine = mounted_paths(owner, cluster.settings)
    if set(mine.mounted) != set(cluster.settings.shared_paths):
        raise VerificationFailed(f"twin-tailed disk on the {role}", "mounted",
                                 f"mounted: {', '.join(mine.mounted) or 'nothing'}",
                                 owner.name)
    theirs = mounted_paths(other, cluster.settings)
    if theirs.mounted:
        raise VerificationFailed(f"twin-tailed disk on the {other.role}", "not mounted",
                                 f"mounted: {', '.join(theirs.mounted)}", other.name)
    return mine


def move(cluster: Cluster, to: Member, source_alive: bool = True) -> Attachment:
    """Detach from the other MN (when it answers), then attach to TO (section 8)."""
    s = cluster.settings
    _require(s)
    other = cluster.standby if to is cluster.primary else cluster.primary
    if source_alive and mounted_paths(other, s).mounted:
        other.node.check_sh(s.twin_detach, why="detaching the twin-tailed disk",
                            changes=True)
    if mounted_paths(other, s).mounted:
        raise PreconditionFailed(f"the twin-tailed disk is still mounted on {other.name}: "
                                 "detach it there first (two MNs must never mount it)")
    if set(mounted_paths(to, s).mounted) != set(s.shared_paths):
        to.node.check_sh(s.twin_attach, why="attaching the twin-tailed disk", changes=True)
    return mounted_paths(to, s)
