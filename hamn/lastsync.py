"""When section 6's rsync last wrote to the standby: the ``last file sync`` of ``hamn status``.

The runbook's cron lines (hamn.filesync) run ``rsync -az`` on the primary; ``-a`` keeps the
primary's mtimes, so a file's mtime on the standby says when it changed on the primary, not
when it was copied. What a sync does leave is the inode change time (ctime) of what it
wrote: rsync renames a fresh copy into place, or sets attributes, and either sets ctime to
the standby's clock at that moment. So the newest ctime under the synced paths on the
standby is when a sync last copied something there. A sync that finds nothing to copy
writes nothing, so a quiet primary shows an old time with nothing wrong: ``hamn status``
therefore calls a sync stale only while files drift (see hamn.status.assess).

Read only: one ``perl`` per entry on the standby (File::Find and stat: AIX has both).
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass

from hamn.errors import CommandFailed
from hamn.filesync import SyncEntry, SyncPlan
from hamn.inventory import Member

# The newest ctime under ARGV (lstat: a link is not followed) and the host's clock, "CTIME NOW";
# CTIME 0 when none of the paths exists.
_NEWEST_CTIME = (
    "perl -MFile::Find -e '$n = 0; @p = grep { -e $_ || -l $_ } @ARGV; "
    "find({no_chdir => 1, wanted => sub { @s = lstat($_); $n = $s[10] if @s && $s[10] > $n "
    "}}, @p) if @p; printf(\"%d %d\\n\", $n, time)'")


@dataclass(frozen=True)
class LastSync:
    """Per cron entry (tag) and overall: the epoch seconds of the last write (None: never)."""

    now: float  # the standby's clock when read
    entries: dict[str, float | None]

    @property
    def at(self) -> float | None:
        times = [t for t in self.entries.values() if t is not None]
        return max(times) if times else None

    @property
    def age(self) -> float | None:
        return None if self.at is None else max(self.now - self.at, 0.0)


def parse(text: str) -> tuple[float | None, float]:
    """``CTIME NOW`` as the script prints it -> (ctime or None when nothing exists, now)."""
    parts = text.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"unexpected output {text.strip()[:80]!r}")
    ctime, now = (float(p) for p in parts)
    return (ctime or None), now


def standby_paths(entry: SyncEntry) -> tuple[str, ...]:
    """Where ENTRY's sources land on the standby (rsync SRC DEST/ puts SRC's last part there)."""
    return tuple(entry.dest_of(posixpath.basename(s.rstrip("/"))) for s in entry.sources)


def read(standby: Member, sync_plan: SyncPlan) -> LastSync:
    entries: dict[str, float | None] = {}
    now = 0.0
    for entry in sync_plan.select():
        paths = " ".join(shlex.quote(p) for p in standby_paths(entry))
        res = standby.node.sh(f"{_NEWEST_CTIME} {paths}", timeout=600)
        if not res.succeeded:
            raise CommandFailed(res, f"reading when {entry.title} was last synchronised")
        try:
            entries[entry.tag], now = parse(res.stdout)
        except ValueError as err:
            raise CommandFailed(res, f"reading when {entry.title} was last synchronised: "
                                f"{err}") from None
    return LastSync(now, entries)
