"""Section 5.2 steps (PostgreSQL): one call into hamn.pgsql each; hamn raises with what differs.

Also the phrases shared by the database features of 5.2 and 5.3: an attempt that hamn
refuses (``outcome``) and the crontabs left as they were.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytest_bdd import given, parsers, then, when

from hamn import cron, mysql, operating, pgsql, session
from hamn.errors import HamnError, attempt
from hamn.inventory import Cluster

ROLE = r"(?P<role>primary|standby)"



# --- shared by the database features ------------------------------------------------------


@given(parsers.re(r"the cluster's database is (?P<kind>PostgreSQL|MariaDB|SQLite)"
                  r"(?: replicated by (?P<method>dump|streaming))?"))
def database_kind(cluster: Cluster, kind: str, method: str | None) -> None:
    why = session.other_database(cluster, kind, method)
    if why:
        pytest.skip(why)


@given("the crontabs of the management nodes are recorded", target_fixture="crontabs")
def crontabs_recorded(cluster: Cluster) -> dict[tuple[str, str], str]:
    return cron.snapshot(cluster)


@then("the crontabs of the management nodes are unchanged")
def crontabs_unchanged(cluster: Cluster, crontabs: dict[tuple[str, str], str]) -> None:
    assert cron.snapshot(cluster) == crontabs


@given(parsers.re(r"root's crontab on the (?P<role>primary|standby) has a line of its own"),
       target_fixture="foreign_line")
def foreign_line(cluster: Cluster, role: str) -> str:
    line = "17 2 * * * /bin/true  # the site's own entry"
    cron.add_line(cluster.member(role).node, line)
    return line


@then(parsers.re(r"root's own crontab line on the (?P<role>primary|standby) is still there"))
def foreign_kept(cluster: Cluster, role: str, foreign_line: str) -> None:
    assert cron.has_line(cluster.member(role).node, foreign_line)


@when(parsers.re(r"(?P<what>PostgreSQL streaming|MariaDB) replication is set up without a "
                 r"password"), target_fixture="outcome")
def replication_without_password(cluster: Cluster, what: str) -> HamnError | None:
    bare = replace(cluster, settings=replace(cluster.settings, password_env="HAMN_NO_PASSWORD",
                                             password_file=""))
    setup = pgsql.setup_streaming if what == "PostgreSQL streaming" else mysql.setup_replication
    return attempt(setup, bare)


@then(parsers.parse('it is refused with "{text}"'))
def refused(outcome: HamnError | None, text: str) -> None:
    assert outcome is not None and text in str(outcome), f"outcome: {outcome!r}"


# --- 5.2 as documented: the dump chain ----------------------------------------------------


@when("the PostgreSQL dump chain is installed")
@given("the PostgreSQL dump chain is installed")
def chain_installed(cluster: Cluster) -> None:
    assert len(pgsql.install_chain(cluster)) == 3


@when(parsers.parse('the PostgreSQL dump chain is installed for the database "{db}"'),
      target_fixture="outcome")
def chain_installed_for(cluster: Cluster, db: str) -> HamnError | None:
    cfg = replace(pgsql.config(cluster), database=db)
    return attempt(pgsql.install_chain, cluster, cfg)


@given(parsers.parse('a database "{db}" whose owner on the primary is missing on the '
                      'standby'))
def orphan_database(cluster: Cluster, db: str) -> None:
    assert pgsql.create_database_pair(cluster, db, primary_owner=db) == db


@when("the PostgreSQL dump chain is removed")
def chain_removed(cluster: Cluster) -> None:
    assert pgsql.remove_chain(cluster) >= 0


@then("no PostgreSQL dump chain entry is left")
def chain_gone(cluster: Cluster) -> None:
    assert set(pgsql.installed_chain(cluster).values()) == {None}


@when("the PostgreSQL dump chain runs now")
@given("the PostgreSQL dump chain has run")
def chain_runs(cluster: Cluster) -> None:
    assert pgsql.run_chain(cluster).restore >= 0


@then("the PostgreSQL dump chain runs dump before copy before restore")
def chain_in_order(cluster: Cluster) -> None:
    assert set(pgsql.verify_chain(cluster)) == {"dump", "copy", "restore"}


@then(parsers.parse("the standby's dump is newer than {hours:g} hours"))
def dump_fresh(cluster: Cluster, hours: float) -> None:
    assert pgsql.check_fresh(cluster, hours) >= 0


@then("the recovery point of the dump method is reported")
def dump_rpo(cluster: Cluster, record_property: object) -> None:
    age = pgsql.rpo(cluster)
    record_property("rpo_seconds", age)  # type: ignore[operator]
    assert age >= 0


@then("a restore of the standby's dump has the primary's tables and row counts")
def restore_matches(cluster: Cluster) -> None:
    assert pgsql.check_restore(cluster)


@then("the standby's database has the primary's tables and row counts")
def same_contents(cluster: Cluster) -> None:
    assert pgsql.check_same_contents(cluster, pgsql.config(cluster))


# --- the 5.1.9 round trip, looked up in SQL (its xcatd phrases: steps/xcat.py) ------------


@then(parsers.re(r"the testnode is (?P<negate>not )?in the (?P<role>primary|standby)'s "
                 r"database"))
def testnode_present(cluster: Cluster, negate: str | None, role: str) -> None:
    found = operating.database_module(cluster).has_testnode(cluster, cluster.member(role))
    assert found is (negate is None)


# --- streaming replication ----------------------------------------------------------------


@when("PostgreSQL streaming replication is set up")
@given("PostgreSQL streaming replication is set up")
def streaming_set_up(cluster: Cluster) -> None:
    assert pgsql.setup_streaming(cluster)




@then("the standby streams from the primary")
def standby_streams(cluster: Cluster) -> None:
    assert pgsql.streaming_status(cluster).state == "streaming"


@then(parsers.re(r"the standby is (?P<negate>not |no longer )?in recovery"))
def standby_in_recovery(cluster: Cluster, negate: str | None) -> None:
    assert pgsql.in_recovery(cluster.standby.node) is (negate is None)


@when("the standby's recovery state is checked", target_fixture="outcome")
def recovery_checked(cluster: Cluster) -> HamnError | None:
    return attempt(pgsql.check_in_recovery, cluster.standby)


@then(parsers.parse("the replay lag is under {seconds:g} seconds"))
def replay_lag(cluster: Cluster, seconds: float, record_property: object) -> None:
    st = pgsql.streaming_status(cluster)
    record_property("replay_lag_seconds", st.replay_lag)  # type: ignore[operator]
    assert st.replay_lag < seconds, st


@when("the standby has replayed the primary's writes")
@given("the standby has replayed the primary's writes")
def replayed(cluster: Cluster) -> None:
    pgsql.wait_replayed(cluster)


@when("the PostgreSQL standby is promoted", target_fixture="outcome")
def promoted(cluster: Cluster) -> HamnError | None:
    return attempt(pgsql.promote, cluster.standby)


@then("the promotion succeeded")
def promotion_ok(outcome: HamnError | None) -> None:
    assert outcome is None, str(outcome)
