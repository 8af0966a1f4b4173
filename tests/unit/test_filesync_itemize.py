"""rsync's itemized dry-run output, parsed and classified (runbook section 6 drift)."""

from __future__ import annotations

import pytest

from hamn.filesync import (
    Item,
    Kind,
    SyncPlan,
    classify,
    is_key_material,
    parse_itemize,
    parse_ls,
    runbook_entries,
)
from hamn.parsing import ParseError

# rsync 3.2.7, `rsync -n -i -a --delete --stats /install lnxmn2:/` on the simulated primary.
RECORDED = """\
.d..t...... install/
cL+++++++++ install/latest -> rhels6
*deleting   install/postscripts/stale
.d..t...... install/postscripts/
<f.stp..... install/postscripts/syncfiles
cd+++++++++ install/rhels6/
cd+++++++++ install/rhels6/x86_64/
<f+++++++++ install/rhels6/x86_64/new.rpm

Number of files: 7 (reg: 2, dir: 4, link: 1)
Number of created files: 4 (reg: 1, dir: 2, link: 1)
Number of deleted files: 1 (reg: 1)
Number of regular files transferred: 2
Total file size: 10 bytes
Total transferred file size: 4 bytes
Literal data: 0 bytes
Matched data: 0 bytes
File list size: 0
File list generation time: 0.001 seconds
File list transfer time: 0.000 seconds
Total bytes sent: 275
Total bytes received: 77

sent 275 bytes  received 77 bytes  704.00 bytes/sec
total size is 10  speedup is 0.03 (DRY RUN)
"""

# rsync 3.5.0 with --checksum, key material; a file name with a space; an owner change.
CHECKSUM = """\
<fc........ ca/private/ca-key.pem
<fc.t...... cert/server-cert.pem
.f...p..... cert/server-key.pem
.f....og... cert/server-cred.pem
<f+++++++++ cert/sp ace.pem
Number of files: 1,234 (reg: 1,200, dir: 34)
Total bytes sent: 12,345
Total bytes received: 1,001
"""

# rsync 2.6.9 (old AIX toolbox): nine-character codes, 'created directory' notice.
OLD = """\
created directory /etc/xcat
cd+++++++ ca/
>f+++++++ ca/ca-cert.pem
<f.st.... hosts
"""

ENTRIES = {e.tag: e for e in runbook_entries("/root", "/install")}


def test_recorded_items() -> None:
    parsed = parse_itemize(RECORDED)
    assert [i.path for i in parsed.items] == [
        "install/", "install/latest", "install/postscripts/stale", "install/postscripts/",
        "install/postscripts/syncfiles", "install/rhels6/", "install/rhels6/x86_64/",
        "install/rhels6/x86_64/new.rpm"]
    assert parsed.items[1].link == "rhels6"
    assert parsed.items[2].deleting
    assert parsed.bytes_sent == 275 and parsed.bytes_received == 77 and parsed.files == 7


def test_recorded_classification() -> None:
    entry = ENTRIES["6.2-install"]
    found = [classify(entry, i) for i in parse_itemize(RECORDED).items]
    got = [(d.kind, d.path) for d in found if d is not None]
    assert got == [
        (Kind.MISSING, "/install/latest"),
        (Kind.EXTRA, "/install/postscripts/stale"),
        (Kind.DIFFERING, "/install/postscripts/syncfiles"),
        (Kind.MISSING, "/install/rhels6"),
        (Kind.MISSING, "/install/rhels6/x86_64"),
        (Kind.MISSING, "/install/rhels6/x86_64/new.rpm"),
    ]
    differing = next(d for d in found if d is not None and d.kind is Kind.DIFFERING)
    assert differing.changes == ("size", "time", "permissions")


def test_checksum_and_attribute_drift_of_key_material() -> None:
    parsed = parse_itemize(CHECKSUM)
    entry = ENTRIES["6.1-credentials"]
    found = [classify(entry, i) for i in parsed.items]
    assert [(d.kind, d.path, d.changes) for d in found if d] == [
        (Kind.DIFFERING, "/etc/xcat/ca/private/ca-key.pem", ("content",)),
        (Kind.DIFFERING, "/etc/xcat/cert/server-cert.pem", ("content", "time")),
        (Kind.ATTRIBUTES, "/etc/xcat/cert/server-key.pem", ("permissions",)),
        (Kind.ATTRIBUTES, "/etc/xcat/cert/server-cred.pem", ("owner", "group")),
        (Kind.MISSING, "/etc/xcat/cert/sp ace.pem", ()),
    ]
    assert all(d and d.key_material for d in found)
    assert parsed.files == 1234 and parsed.bytes_sent == 12345


def test_old_rsync_layout() -> None:
    parsed = parse_itemize(OLD)
    assert [i.code for i in parsed.items] == ["cd+++++++", ">f+++++++", "<f.st...."]
    assert parsed.items[0].created and parsed.items[2].changes == ("size", "time")


def test_time_only_file_is_a_timestamp_suspect_and_dir_time_is_nothing() -> None:
    entry = ENTRIES["6.3-name-service"]
    assert classify(entry, Item("<f..t......", "hosts")).kind is Kind.TIMESTAMP  # type: ignore[union-attr]
    assert classify(entry, Item(".d..t......", "etc/")) is None


def test_unknown_lines_are_refused() -> None:
    with pytest.raises(ParseError, match="YXcstpoguax"):
        parse_itemize("rsync: connection unexpectedly closed\n")


def test_empty_output_means_no_drift() -> None:
    assert parse_itemize("").items == ()


def test_entry_maps_item_paths_back_to_both_ends() -> None:
    cred = ENTRIES["6.1-credentials"]
    assert cred.source_of("cert/server-key.pem") == "/etc/xcat/cert/server-key.pem"
    assert cred.dest_of("cert/server-key.pem") == "/etc/xcat/cert/server-key.pem"
    user = ENTRIES["6.1-user-xcat"]
    assert user.source_of(".xcat/client-key.pem") == "/root/.xcat/client-key.pem"
    assert user.dest_of(".xcat/client-key.pem") == "/root/.xcat/client-key.pem"
    assert ENTRIES["6.3-name-service"].source_of("resolv.conf") == "/etc/resolv.conf"


def test_runbook_entries_follow_installdir_and_aix_home() -> None:
    entries = {e.tag: e for e in runbook_entries("/", "/gpfs/install/")}
    assert entries["6.2-install"].sources == ("/gpfs/install",)
    assert entries["6.2-install"].dest == "/gpfs/"
    assert entries["6.1-user-xcat"].sources == ("/.xcat",)
    assert entries["6.1-user-xcat"].dest == "/"


LS = """\
-rw-------    1 root     system         1704 Nov 24 20:11 /etc/xcat/ca/private/ca-key.pem
-rw-r--r--    1 root     system         1159 Nov 24 20:11 /etc/xcat/cert/ca.pem
-rw-r--r--.   1 root     root           2924 Nov 24  2025 /etc/xcat/cert/server-cred.pem
-rw-------    1 root     system          411 Jan  3 09:00 /etc/xcat/hostkeys/ssh_host_rsa_key
-rw-r--r--    1 root     system           91 Jan  3 09:00 /etc/xcat/hostkeys/ssh_host_rsa_key.pub
"""


def test_ls_listing_and_key_material() -> None:
    files = parse_ls(LS, "aixmn1")
    keys = [f for f in files if is_key_material(f.path)]
    assert [k.path for k in keys] == ["/etc/xcat/ca/private/ca-key.pem",
                                      "/etc/xcat/cert/server-cred.pem",
                                      "/etc/xcat/hostkeys/ssh_host_rsa_key"]
    assert [k.private for k in keys] == [True, False, True]
    assert keys[0].owner == "root" and keys[0].group == "system"


def test_the_command_asks_for_errors_in_the_stream_only_where_rsync_knows_how() -> None:
    # rsync >= 3.2.4: the standby's "No space left on device" in the protocol stream, so it
    # cannot be lost with the ssh child (tests/sim/test_rsync_errors.py); older: as written.
    entry = runbook_entries()[2]
    new = SyncPlan("aixmn2", "/usr/bin/rsync", (entry,), errors_in_stream=True)
    old = SyncPlan("aixmn2", "/usr/bin/rsync", (entry,))
    assert new.command(entry) == "/usr/bin/rsync -az --stderr=client /install aixmn2:/"
    assert old.command(entry) == "/usr/bin/rsync -az /install aixmn2:/"
