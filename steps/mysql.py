"""Section 5.3 steps (MariaDB): one call into hamn.mysql each; hamn raises with what differs.

The round trip of 5.1.9, the refusals and the database kind are shared phrases in
steps/pgsql.py.
"""

from __future__ import annotations

from dataclasses import replace

from pytest_bdd import given, parsers, then, when

from hamn import mysql
from hamn.errors import HamnError, attempt
from hamn.inventory import Cluster


@when("MariaDB replication is set up")
@given("MariaDB replication is set up")
def replication_set_up(cluster: Cluster) -> None:
    assert mysql.setup_replication(cluster).running


@when(parsers.parse('MariaDB replication is set up for the database "{db}"'),
      target_fixture="outcome")
def replication_for(cluster: Cluster, db: str) -> HamnError | None:
    other = replace(cluster, settings=replace(cluster.settings, db_name=db))
    return attempt(mysql.setup_replication, other)


@then("the standby replicates the primary with GTIDs")
def replicates(cluster: Cluster) -> None:
    assert mysql.check_replica(cluster).running


@then(parsers.parse("the standby is less than {seconds:d} seconds behind the primary"))
def behind(cluster: Cluster, seconds: int, record_property: object) -> None:
    st = mysql.check_replica(cluster)
    record_property("seconds_behind_master", st.seconds_behind)  # type: ignore[operator]
    assert st.seconds_behind is not None and st.seconds_behind < seconds, st


@then(parsers.re(r"the standby's MariaDB is (?P<mode>read-only|writable)"))
def standby_mode(cluster: Cluster, mode: str) -> None:
    assert mysql.read_only(cluster.standby) is (mode == "read-only")


@when("the standby has applied the primary's transactions")
@given("the standby has applied the primary's transactions")
def applied(cluster: Cluster) -> None:
    mysql.wait_replayed(cluster)


@then("the standby's MariaDB database has the primary's tables and row counts")
def same_contents(cluster: Cluster) -> None:
    assert mysql.check_same_contents(cluster)


@when("the MariaDB replica is promoted", target_fixture="outcome")
def promoted(cluster: Cluster) -> HamnError | None:
    return attempt(mysql.promote, cluster.standby)


@then("the standby is no longer a replica")
def not_replica(cluster: Cluster) -> None:
    assert mysql.replica_status(cluster.standby) is None
