"""Section 6 (and 7.2): the files the standby needs to take over, kept in step with rsync.

The runbook's three cron entries, run on the primary towards the standby by its hostname:

- 6.1 SSL credentials and ssh keys: ``/etc/xcat/ca /etc/xcat/cert /etc/xcat/hostkeys`` to
  ``standby:/etc/xcat`` and ``$HOME/.xcat`` to ``standby:$HOME/``;
- 6.2 node deployment packages: the site table's ``installdir`` (default ``/install``) to
  ``standby:/``;
- 6.3 ``/etc/hosts /etc/resolv.conf`` to ``standby:/etc/``.

:func:`install_cron`, :func:`cron_listed` and :func:`remove_cron` manage those lines in root's
crontab (``hamn.cron``); :func:`sync_now` runs the same rsync commands at once (7.2: "manually
synchronise the files whenever they are modified"). :func:`drift` says what differs, per file,
from ``rsync -n -i -a --delete`` run on the primary: rsync's quick check compares size and
mtime from the file lists, so no unchanged file's content crosses the network and the cost
grows with the number of changed files. Files whose size matches but whose time differs are
then compared by ``cksum`` on both ends (only those). Only commands AIX has too are used.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hamn import cron, prereqs, services
from hamn.errors import CommandFailed, VerificationFailed
from hamn.inventory import Cluster, Member, Settings
from hamn.parsing import ParseError, content_lines
from hamn.runner import Node, Result
from hamn.xcat.parse import parse_tabdump

SECTIONS = ("6.1", "6.2", "6.3")


@dataclass(frozen=True)
class SyncEntry:
    """One runbook cron entry: SOURCES on the primary, copied into DEST on the standby."""

    tag: str  # the cron mark: hamn:<tag>
    section: str
    title: str
    sources: tuple[str, ...]
    dest: str
    schedule: str
    key_material: bool = False

    def source_of(self, item_path: str) -> str | None:
        """The primary's path of an rsync item path (relative to the transfer roots)."""
        head = item_path.split("/", 1)[0]
        for src in self.sources:
            if posixpath.basename(src.rstrip("/")) == head:
                return posixpath.join(posixpath.dirname(src.rstrip("/")), item_path)
        return None

    def dest_of(self, item_path: str) -> str:
        return posixpath.join(self.dest, item_path)


def runbook_entries(home: str = "/root", installdir: str = "/install") -> tuple[SyncEntry, ...]:
    """The entries of sections 6.1-6.3 with HOME (root's) and the site's INSTALLDIR."""
    home = home.rstrip("/") or "/"
    installdir = "/" + installdir.strip("/")
    return (
        SyncEntry("6.1-credentials", "6.1", "SSL credentials and ssh host keys",
                  ("/etc/xcat/ca", "/etc/xcat/cert", "/etc/xcat/hostkeys"), "/etc/xcat",
                  "0 1 * * *", key_material=True),
        SyncEntry("6.1-user-xcat", "6.1", "root's xCAT client credentials",
                  (posixpath.join(home, ".xcat"),), home.rstrip("/") + "/", "0 1 * * *",
                  key_material=True),
        SyncEntry("6.2-install", "6.2", "node deployment packages",
                  (installdir,), posixpath.dirname(installdir).rstrip("/") + "/",
                  "0 2 * * *"),
        SyncEntry("6.3-name-service", "6.3", "/etc/hosts and /etc/resolv.conf",
                  ("/etc/hosts", "/etc/resolv.conf"), "/etc/", "0 2 * * *"),
    )


@dataclass(frozen=True)
class SyncPlan:
    """The entries resolved for one cluster: the standby's hostname, rsync's path."""

    standby_host: str
    rsync: str
    entries: tuple[SyncEntry, ...]
    shared: tuple[str, ...] = ()  # paths on a twin-tailed disk: no rsync for them
    errors_in_stream: bool = False  # rsync >= 3.2.4: --stderr=client (see command)

    def select(self, sections: Iterable[str] | None = None) -> tuple[SyncEntry, ...]:
        wanted = set(sections) if sections is not None else None
        return tuple(e for e in self.entries
                     if (wanted is None or e.section in wanted or e.tag in wanted)
                     and not self.on_shared_disk(e))

    def on_shared_disk(self, entry: SyncEntry) -> bool:
        return all(any(s == d or s.startswith(d.rstrip("/") + "/") for d in self.shared)
                   for s in entry.sources)

    def target(self, entry: SyncEntry) -> str:
        return f"{self.standby_host}:{entry.dest}"

    def command(self, entry: SyncEntry) -> str:
        """The runbook's command: ``rsync -az SOURCES standby:DEST``.

        Key material gets ``-c`` as well: the quick check skips a file of equal size and
        mtime, which two MNs whose credentials were made in the same second both have
        (the certificates differ, their sizes do not). The directories are a few KB.

        rsync 3.2.4 and later get ``--stderr=client``: by default the standby's rsync
        writes its errors (``No space left on device``) to its own stderr, which reaches
        the primary only through the ssh child that the primary's rsync does not wait for
        once the standby's exit code arrived, so the message was lost in about 1 run of 4
        (``exited 11`` and nothing else, also through ``docker exec``). In the protocol
        stream the message arrives before the exit code. Older rsyncs send it that way
        already and do not know the option.
        """
        flags = ["-azc" if entry.key_material else "-az"]
        if self.errors_in_stream:
            flags.append("--stderr=client")
        return " ".join([self.rsync, *flags, *(shlex.quote(s) for s in entry.sources),
                         shlex.quote(self.target(entry))])

    def cron_entry(self, entry: SyncEntry) -> cron.CronEntry:
        return cron.CronEntry(entry.tag, entry.schedule, self.command(entry))


def installdir(primary: Member, settings: Settings) -> str:
    """The site table's installdir (``tabdump site`` while xcatd runs), else the setting."""
    res = primary.node.run("tabdump", "site")
    if res.succeeded:
        try:
            value = parse_tabdump(res.stdout).lookup("key", "installdir", "value")
        except ParseError:
            value = None
        if value:
            return value
    return settings.installdir


def home(node: Node) -> str:
    return node.check_sh('echo "$HOME"').stdout.strip() or "/"


def rsync_tool(node: Node) -> tuple[str, bool]:
    """rsync's absolute path on NODE (cron's PATH is short: the line names it in full), and
    whether it knows ``--stderr`` (3.2.4 and later); one round trip for both."""
    res = node.sh('p=$(command -v rsync) && echo "$p" && '
                  '{ "$p" --help 2>&1 | grep -e "--stderr=" >/dev/null && echo stderr-option;'
                  ' true; }')
    lines = res.stdout.split()
    if not res.succeeded or not lines or not lines[0].startswith("/"):
        raise VerificationFailed("rsync on the primary", "installed", "not found", node.name)
    return lines[0], "stderr-option" in lines[1:]


def check_skips_shared(cluster: Cluster) -> tuple[SyncEntry, ...]:
    """Entries on the twin-tailed disk get no cron line and no sync (section 2); returns
    the entries skipped."""
    sp = plan(cluster)
    skipped = tuple(e for e in sp.entries if sp.on_shared_disk(e))
    if not skipped:
        raise VerificationFailed("file synchronisation of the twin-tailed disk's paths",
                                 f"skipped ({', '.join(sp.shared) or 'no shared paths'})",
                                 "synchronised")
    return skipped


def plan(cluster: Cluster, shared: Sequence[str] | None = None) -> SyncPlan:
    """Resolve the runbook's entries for CLUSTER. SHARED: paths on a twin-tailed disk
    (default: the inventory's shared_paths)."""
    p = cluster.primary
    entries = runbook_entries(home(p.node), installdir(p, cluster.settings))
    if shared is None:
        shared = cluster.settings.shared_paths
    rsync, errors_in_stream = rsync_tool(p.node)
    return SyncPlan(prereqs.hostname(cluster.standby.node), rsync, entries, tuple(shared),
                    errors_in_stream)


# --------------------------------------------------------------------------- cron


def install_cron(cluster: Cluster, sections: Iterable[str] | None = None) -> bool:
    """Put the entries of SECTIONS (all) in root's crontab on the primary; True if changed."""
    sp = plan(cluster)
    entries = [sp.cron_entry(e) for e in sp.select(sections)]
    # The standby pushes nothing: entries left there by a failover (section 9) go.
    cron.remove(cluster.standby.node, [e.tag for e in entries])
    return cron.install(cluster.primary.node, entries)


def remove_cron(cluster: Cluster, sections: Iterable[str] | None = None) -> bool:
    """Remove hamn's entries of SECTIONS (all of section 6's) from the primary's crontab."""
    entries = runbook_entries()
    tags = [e.tag for e in entries if sections is None or e.section in set(sections)]
    return cron.remove(cluster.primary.node, tags)


def cron_listed(cluster: Cluster) -> tuple[cron.CronEntry, ...]:
    """Section 6's hamn entries in root's crontab on the primary."""
    tags = {e.tag for e in runbook_entries()}
    return tuple(e for e in cron.listed(cluster.primary.node) if e.tag in tags)


def check_cron(cluster: Cluster, sections: Iterable[str] | None = None) -> tuple[str, ...]:
    """The primary's crontab holds the entries of SECTIONS exactly as resolved now."""
    sp = plan(cluster)
    text = cron.read(cluster.primary.node)
    have = {e.tag: e for e in cron.entries(text)}
    counts = cron.tag_counts(text)
    for entry in sp.select(sections):
        want = sp.cron_entry(entry)
        got = have.get(entry.tag)
        if got is None or got.line != want.line:
            raise VerificationFailed(f"cron entry {entry.tag} (section {entry.section})",
                                     want.line, got.line if got else "no such line",
                                     cluster.primary.name)
        if counts[entry.tag] != 1:
            raise VerificationFailed(f"cron entry {entry.tag} (section {entry.section})",
                                     "one line", f"{counts[entry.tag]} lines",
                                     cluster.primary.name)
    return tuple(sorted(have))


# --------------------------------------------------------------------------- sync now


@dataclass(frozen=True)
class SyncResult:
    entry: SyncEntry
    command: str
    skipped: tuple[str, ...] = ()  # sources absent on the primary
    result: Result | None = None


def present(node: Node, paths: Sequence[str]) -> tuple[str, ...]:
    """Those of PATHS that exist on NODE (one round trip)."""
    if not paths:
        return ()
    script = "for p in " + " ".join(shlex.quote(p) for p in paths) + \
        '; do if [ -e "$p" ]; then echo "$p"; fi; done'
    found = set(node.check_sh(script).stdout.splitlines())
    return tuple(p for p in paths if p in found)


def sync_now(cluster: Cluster, sections: Iterable[str] | None = None,
             sync_plan: SyncPlan | None = None) -> tuple[SyncResult, ...]:
    """Run the cron entries' rsync commands now on the primary (runbook 7.2)."""
    sp = sync_plan or plan(cluster)
    node = cluster.primary.node
    done = []
    for entry in sp.select(sections):
        have = present(node, entry.sources)
        skipped = tuple(s for s in entry.sources if s not in have)
        if not have:
            done.append(SyncResult(entry, "", skipped))
            continue
        live = SyncEntry(entry.tag, entry.section, entry.title, have, entry.dest,
                         entry.schedule, entry.key_material)
        command = sp.command(live)
        res = node.sh(command, timeout=3600, changes=True)
        if not res.succeeded:
            raise CommandFailed(res, f"synchronising {entry.title} (section {entry.section})")
        done.append(SyncResult(entry, command, skipped, res))
    return tuple(done)


# --------------------------------------------------------------------------- rsync -i


_ATTRS = {2: "content", 3: "size", 4: "time", 5: "permissions", 6: "owner", 7: "group",
          9: "acl", 10: "xattr"}
_CODE_RE = re.compile(r"^[<>ch.][fdLDS][.+?a-zA-Z ]{7,9}$")


@dataclass(frozen=True)
class Item:
    """One line of rsync's ``--itemize-changes``: ``YXcstpoguax path`` or ``*deleting path``."""

    code: str
    path: str
    link: str | None = None  # ``-> target`` of a symlink, ``=> target`` of a hard link

    @property
    def deleting(self) -> bool:
        return self.code == "*deleting"

    @property
    def file_type(self) -> str:
        """f file, d directory, L symlink, D device, S special; '' for a message."""
        return "" if self.code.startswith("*") else self.code[1]

    @property
    def created(self) -> bool:
        return not self.code.startswith("*") and set(self.code[2:].strip()) == {"+"}

    @property
    def changes(self) -> tuple[str, ...]:
        """The attributes that differ: content, size, time, permissions, owner, group ..."""
        if self.code.startswith("*") or self.created:
            return ()
        return tuple(name for pos, name in _ATTRS.items()
                     if pos < len(self.code) and self.code[pos] not in ". ")


@dataclass(frozen=True)
class Itemized:
    items: tuple[Item, ...]
    bytes_sent: int | None = None
    bytes_received: int | None = None
    files: int | None = None


_STAT_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]+):\s+(?P<num>[\d,.]+)")
_SKIP_RE = re.compile(r"^(created directory |sending incremental file list|sent \d|"
                      r"total size is |building file list|done$)")


def parse_itemize(text: str) -> Itemized:
    """Parse ``rsync -n -i [--stats]`` output (rsync 2.6.9 to 3.x layouts)."""
    items: list[Item] = []
    stats: dict[str, int] = {}
    in_stats = False
    for line in content_lines(text):
        if line.startswith("Number of files:"):
            in_stats = True
        if in_stats:
            if match := _STAT_RE.match(line):
                num = match.group("num").replace(",", "").split(".")[0]
                stats[match.group("key").strip()] = int(num) if num.isdigit() else 0
            continue
        if _SKIP_RE.match(line):
            continue
        code, _, rest = line.partition(" ")
        if code.startswith("*"):
            items.append(Item(code, rest.lstrip(" ")))
            continue
        if not _CODE_RE.match(code) or not rest:
            raise ParseError("rsync --itemize-changes", "not 'YXcstpoguax path'", [line])
        path, link = rest, None
        arrow = " -> " if code[1] == "L" else " => " if code[0] == "h" else None
        if arrow and arrow in rest:
            path, _, link = rest.partition(arrow)
        items.append(Item(code, path, link))
    return Itemized(tuple(items), stats.get("Total bytes sent"),
                    stats.get("Total bytes received"), stats.get("Number of files"))


# --------------------------------------------------------------------------- drift


class Kind(StrEnum):
    MISSING = "missing"  # on the primary, not on the standby
    DIFFERING = "differing"  # content (or symlink target) differs
    EXTRA = "extra"  # on the standby only
    ATTRIBUTES = "attributes"  # same content, permissions/owner/group differ
    TIMESTAMP = "timestamp"  # same content (cksum), mtime differs: not drift


@dataclass(frozen=True)
class Drift:
    section: str
    tag: str
    kind: Kind
    path: str  # on the standby
    changes: tuple[str, ...] = ()
    key_material: bool = False

    def __str__(self) -> str:
        what = f" ({', '.join(self.changes)})" if self.changes else ""
        return f"{self.section} {self.kind}: {self.path}{what}"


@dataclass(frozen=True)
class DriftReport:
    drifts: tuple[Drift, ...] = ()
    absent: tuple[str, ...] = ()  # sources the primary lacks
    bytes_sent: int = 0
    bytes_received: int = 0
    files: int = 0
    checked: tuple[str, ...] = field(default=())  # tags compared

    @property
    def findings(self) -> tuple[Drift, ...]:
        """The drift that matters: everything but same-content timestamp differences."""
        return tuple(d for d in self.drifts if d.kind is not Kind.TIMESTAMP)

    @property
    def clean(self) -> bool:
        return not self.findings

    def of(self, path: str) -> tuple[Drift, ...]:
        return tuple(d for d in self.findings if d.path == path
                     or d.path.startswith(path.rstrip("/") + "/"))

    def summary(self) -> str:
        if self.clean:
            return f"no drift ({self.files} files compared)"
        shown = [str(d) for d in self.findings[:10]]
        more = len(self.findings) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def classify(entry: SyncEntry, item: Item) -> Drift | None:
    """What an itemized line means for the standby (None: nothing that matters)."""
    path = entry.dest_of(item.path.rstrip("/"))
    if item.deleting:
        return Drift(entry.section, entry.tag, Kind.EXTRA, path, (), entry.key_material)
    if item.created:
        return Drift(entry.section, entry.tag, Kind.MISSING, path, (), entry.key_material)
    changes = item.changes
    meta = tuple(c for c in changes if c in ("permissions", "owner", "group", "acl", "xattr"))
    if item.file_type in ("f", "L", "D", "S") and ("content" in changes or "size" in changes):
        return Drift(entry.section, entry.tag, Kind.DIFFERING, path, changes, entry.key_material)
    if item.file_type == "f" and "time" in changes:
        return Drift(entry.section, entry.tag, Kind.TIMESTAMP, path, changes, entry.key_material)
    if meta:
        return Drift(entry.section, entry.tag, Kind.ATTRIBUTES, path, changes,
                     entry.key_material)
    return None  # a directory's or symlink's time only


def _cksums(node: Node, paths: Sequence[str]) -> dict[str, str]:
    """``cksum`` (POSIX, AIX too) of PATHS on NODE: path -> 'crc size'."""
    out: dict[str, str] = {}
    for start in range(0, len(paths), 200):
        chunk = paths[start:start + 200]
        res = node.run("cksum", *chunk)
        for line in res.stdout.splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3:
                out[parts[2]] = f"{parts[0]} {parts[1]}"
    return out


def _confirm_timestamps(cluster: Cluster, entries: dict[str, SyncEntry],
                        drifts: list[Drift], items: dict[str, Item]) -> list[Drift]:
    """Same size, other mtime: cksum both ends (only these files); unequal -> DIFFERING."""
    suspects = [d for d in drifts if d.kind is Kind.TIMESTAMP]
    if not suspects:
        return drifts
    src = {d.path: entries[d.tag].source_of(items[d.path].path) or d.path for d in suspects}
    mine = _cksums(cluster.primary.node, sorted(set(src.values())))
    theirs = _cksums(cluster.standby.node, sorted(src))
    out = []
    for d in drifts:
        if d.kind is Kind.TIMESTAMP and mine.get(src[d.path]) != theirs.get(d.path):
            d = Drift(d.section, d.tag, Kind.DIFFERING, d.path, (*d.changes, "checksum"),
                      d.key_material)
        out.append(d)
    return out


def drift(cluster: Cluster, sections: Iterable[str] | None = None,
          sync_plan: SyncPlan | None = None) -> DriftReport:
    """What differs between the primary's and the standby's copies of SECTIONS (all)."""
    sp = sync_plan or plan(cluster)
    node = cluster.primary.node
    drifts: list[Drift] = []
    absent: list[str] = []
    by_tag: dict[str, SyncEntry] = {}
    by_path: dict[str, Item] = {}
    sent = received = files = 0
    selected = sp.select(sections)
    for entry in selected:
        have = present(node, entry.sources)
        absent += [s for s in entry.sources if s not in have]
        if not have:
            continue
        by_tag[entry.tag] = entry
        # Key material is small and may differ at equal size and mtime (two MNs set up in
        # the same second): compare its checksums; everything else by rsync's quick check.
        check = ["--checksum"] if entry.key_material else []
        argv = [sp.rsync, "-n", "-i", "-a", "--delete", "--stats", *check, *have,
                sp.target(entry)]
        res = node.run(*argv, timeout=3600)
        if res.exit_status not in (0, 24):  # 24: files vanished while listing
            raise CommandFailed(res, f"comparing {entry.title} (section {entry.section})")
        parsed = parse_itemize(res.stdout)
        sent += parsed.bytes_sent or 0
        received += parsed.bytes_received or 0
        files += parsed.files or 0
        for item in parsed.items:
            found = classify(entry, item)
            if found is not None:
                drifts.append(found)
                by_path[found.path] = item
    drifts = _confirm_timestamps(cluster, by_tag, drifts, by_path)
    return DriftReport(tuple(drifts), tuple(absent), sent, received, files,
                       tuple(e.tag for e in selected))


def check_in_step(cluster: Cluster, sections: Iterable[str] | None = None) -> DriftReport:
    """Raise VerificationFailed naming the first differing files when SECTIONS drift."""
    report = drift(cluster, sections)
    if not report.clean:
        where = ", ".join(sorted({d.section for d in report.findings}))
        raise VerificationFailed(f"files of section {where} on the standby",
                                 "the primary's copies", report.summary(),
                                 cluster.standby.name)
    return report


# --------------------------------------------------------------------------- key material


@dataclass(frozen=True)
class KeyFile:
    host: str
    path: str
    mode: str  # ls -l's mode string, e.g. -rw-------
    owner: str
    group: str

    @property
    def private(self) -> bool:
        """Owner access only (0600 or stricter)."""
        return self.mode[4:10] == "------"


_KEY_RE = re.compile(r"(key|cred)", re.IGNORECASE)


def is_key_material(path: str) -> bool:
    name = posixpath.basename(path)
    return bool(_KEY_RE.search(name)) and not name.endswith(".pub")


def parse_ls(text: str, host: str = "") -> tuple[KeyFile, ...]:
    """Parse ``ls -ld FILE...`` (POSIX long format; AIX and Linux)."""
    out = []
    for line in content_lines(text):
        parts = line.split(None, 8)
        if len(parts) < 9 or not re.match(r"^[-dlbcps][-rwxsStT]{9}", parts[0]):
            raise ParseError("ls -ld", "not a long listing line", [line])
        out.append(KeyFile(host, parts[8], parts[0][:10], parts[2], parts[3]))
    return tuple(out)


def key_files(member: Member, sp: SyncPlan) -> tuple[KeyFile, ...]:
    """The private keys and credentials under 6.1's paths on MEMBER."""
    roots = [s for e in sp.entries if e.key_material for s in e.sources]
    have = present(member.node, roots)
    if not have:
        return ()
    script = "find " + " ".join(shlex.quote(p) for p in have) + \
        " -type f -exec ls -ld {} \\;"
    res = member.node.check_sh(script)
    return tuple(k for k in parse_ls(res.stdout, member.name) if is_key_material(k.path))


def check_key_material(cluster: Cluster) -> tuple[KeyFile, ...]:
    """Private keys are owner-only on both MNs (0600) and owned alike (runbook 6.1)."""
    sp = plan(cluster)
    primary = key_files(cluster.primary, sp)
    standby = key_files(cluster.standby, sp)
    for k in (*primary, *standby):
        if not k.private:
            raise VerificationFailed(f"permissions of {k.path}", "-rw------- (0600)",
                                     k.mode, k.host)
    theirs = {k.path: k for k in standby}
    for k in primary:
        other = theirs.get(k.path)
        if other is not None and (other.owner, other.group) != (k.owner, k.group):
            raise VerificationFailed(f"owner of {k.path} on the standby",
                                     f"{k.owner}:{k.group}", f"{other.owner}:{other.group}",
                                     other.host)
    return (*primary, *standby)


# --------------------------------------------------------------------------- what 6.1 is for


@dataclass(frozen=True)
class Acceptance:
    client: str
    server: str
    accepted: bool
    output: str


def xcatd_accepts(client: Member, server: Member) -> Acceptance:
    """CLIENT's xCAT credentials are accepted by SERVER's xcatd (``lsxcatd -v`` over TLS).

    A standby that is not serving has xcatd stopped (section 4): it is started for the
    check and stopped again.
    """
    started = services.start(server.node, "xcatd")
    try:
        address = server.address or prereqs.hostname(server.node)
        res = client.node.sh(f"XCATHOST={shlex.quote(address)}:3001; export XCATHOST; "
                             "lsxcatd -v", timeout=60)
    finally:
        if started:
            services.stop(server.node, "xcatd")
    return Acceptance(client.name, server.name, res.succeeded,
                      (res.stdout + res.stderr).strip())


def check_standby_accepts(cluster: Cluster, client: Member) -> Acceptance:
    """The standby's xcatd accepts CLIENT; if not, say which credential file differs."""
    got = xcatd_accepts(client, cluster.standby)
    if not got.accepted:
        report = drift(cluster, ["6.1"])
        why = report.summary() if not report.clean else "credentials in step"
        raise VerificationFailed(f"xcatd on the standby accepting the {client.role} node",
                                 "accepted", f"refused ({why})", cluster.standby.name)
    return got


# --------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class Probe:
    """A file hamn put on the primary to see it travel (removed by :func:`remove_probe`)."""

    source: str  # on the primary
    copy: str  # where the sync puts it on the standby


def plant_probe(cluster: Cluster, section: str, name: str = "hamn-probe") -> Probe:
    """Create a small file inside SECTION's first synchronised directory on the primary."""
    sp = plan(cluster)
    entry = next(e for e in sp.entries if section in (e.section, e.tag))
    root = entry.sources[0]
    source = posixpath.join(root, f"{name}.txt")
    if sp.on_shared_disk(entry):  # a twin-tailed disk: the file travels with the disk
        cluster.primary.node.write_file(source, f"written by hamn on the shared {root}\n")
        return Probe(source, source)
    node = cluster.primary.node
    node.check("mkdir", "-p", root, changes=True)
    node.write_file(source, f"written by hamn to check section {section}\n")
    return Probe(source, entry.dest_of(posixpath.relpath(source, posixpath.dirname(root))))


def remove_probe(cluster: Cluster, probe: Probe) -> None:
    cluster.primary.node.check("rm", "-f", probe.source, changes=True)
    cluster.standby.node.check("rm", "-f", probe.copy, changes=True)


def undo_hosts_line(cluster: Cluster, line: str) -> None:
    """Take LINE out of the primary's /etc/hosts again and carry that to the standby (6.3)."""
    remove_hosts_line(cluster.primary.node, line)
    sync_now(cluster, ["6.3"])


def add_hosts_line(node: Node, line: str) -> None:
    """Append LINE to /etc/hosts in place (no ``sed -i``; the inode stays: it may be mounted)."""
    node.check_sh(f"echo {shlex.quote(line)} >> /etc/hosts", changes=True)


def remove_hosts_line(node: Node, line: str) -> None:
    """Remove LINE from /etc/hosts, rewriting the file in place."""
    text = node.read_file("/etc/hosts") or ""
    kept = "".join(f"{x}\n" for x in text.splitlines() if x.strip() != line.strip())
    if kept != text:
        node.check_sh("cat > /etc/hosts", stdin=kept, changes=True)
