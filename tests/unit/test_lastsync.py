"""hamn.lastsync: when section 6's rsync last wrote to the standby (parsing, paths)."""

from __future__ import annotations

import pytest

from hamn import filesync, lastsync


def test_parse_the_newest_ctime_and_the_clock() -> None:
    assert lastsync.parse("1700000000 1700000100\n") == (1700000000.0, 1700000100.0)
    assert lastsync.parse("0 1700000100\n") == (None, 1700000100.0)  # nothing there
    with pytest.raises(ValueError, match="unexpected output"):
        lastsync.parse("Can't locate File/Find.pm\n")


def test_the_standby_paths_are_where_rsync_puts_the_sources() -> None:
    entries = {e.tag: e for e in filesync.runbook_entries("/root", "/install")}
    assert lastsync.standby_paths(entries["6.1-credentials"]) == (
        "/etc/xcat/ca", "/etc/xcat/cert", "/etc/xcat/hostkeys")
    assert lastsync.standby_paths(entries["6.1-user-xcat"]) == ("/root/.xcat",)
    assert lastsync.standby_paths(entries["6.2-install"]) == ("/install",)
    assert lastsync.standby_paths(entries["6.3-name-service"]) == ("/etc/hosts",
                                                                  "/etc/resolv.conf")


def test_the_last_sync_is_the_newest_entry() -> None:
    last = lastsync.LastSync(1000.0, {"a": 400.0, "b": None, "c": 900.0})
    assert (last.at, last.age) == (900.0, 100.0)
    assert lastsync.LastSync(1000.0, {"a": None}).age is None
