"""Section 5.3 steps (SQLite): one call into hamn.sqlite each; hamn raises with what differs.

The round trip of 5.1.9, the refusals and the database kind are shared phrases in
steps/pgsql.py.
"""

from __future__ import annotations

from pytest_bdd import given, then, when

from hamn import sqlite
from hamn.inventory import Cluster


@when("the SQLite synchronisation is installed")
@given("the SQLite synchronisation is installed")
def sync_installed(cluster: Cluster) -> None:
    assert sqlite.install_sync(cluster).tag == sqlite.TAG


@then("the SQLite synchronisation entry is in root's crontab on the primary")
def sync_listed(cluster: Cluster) -> None:
    assert sqlite.installed_sync(cluster) is not None


@when("the SQLite synchronisation is removed")
def sync_removed(cluster: Cluster) -> None:
    sqlite.remove_sync(cluster)


@then("no SQLite synchronisation entry is left")
def sync_gone(cluster: Cluster) -> None:
    assert sqlite.installed_sync(cluster) is None


@when("the SQLite synchronisation runs now")
@given("the SQLite synchronisation has run")
def sync_runs(cluster: Cluster) -> None:
    assert sqlite.run_sync(cluster) >= 0


@then("the standby's SQLite copies open and match the primary's snapshots")
def copies_match(cluster: Cluster) -> None:
    assert sqlite.check_copy(cluster)
