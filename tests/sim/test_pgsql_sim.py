"""hamn.pgsql and hamn.sqlite against the simulated PostgreSQL cluster (hamnpg / hamnpgs).

Run: .venv/bin/pytest tests/sim/test_pgsql_sim.py --preset linux-postgres -q
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hamn import cron, pgsql, sqlite
from hamn.errors import UsageError, VerificationFailed
from hamn.inventory import Cluster, from_sim
from hamn.runner import RUN_LOG

pytestmark = pytest.mark.sim

SCRATCH = "/tmp/hamn-sqlite-test"


@pytest.fixture
def pg(cluster: Cluster) -> Cluster:
    if cluster.settings.db != "postgres":
        pytest.skip("needs a PostgreSQL preset (linux-postgres, linux-postgres-streaming)")
    return cluster


def test_wrong_database_changes_nothing(pg: Cluster) -> None:
    before = cron.read(pg.primary.node, "postgres")
    cfg = pgsql.PgConfig(database="nosuchdb")
    with pytest.raises(UsageError, match="no PostgreSQL database 'nosuchdb'"):
        pgsql.install_chain(pg, cfg)
    assert cron.read(pg.primary.node, "postgres") == before


def test_out_of_order_times_are_refused(pg: Cluster) -> None:
    cfg = pgsql.PgConfig(dump_time="0 5 * * *", restore_time="0 3 * * *")
    with pytest.raises(UsageError, match="out of order"):
        pgsql.install_chain(pg, cfg)


def test_plan_mode_changes_nothing(sim: Any, pg: Cluster) -> None:
    planned = from_sim(sim, plan=True)
    try:
        before = cron.read(pg.primary.node, "postgres")
        start = len(RUN_LOG.results)
        pgsql.remove_chain(planned)
        pgsql.install_chain(planned)
        assert cron.read(pg.primary.node, "postgres") == before
        planned_cmds = [r.display for r in RUN_LOG.results[start:] if r.planned]
        assert any("crontab" in c for c in planned_cmds), planned_cmds
    finally:
        planned.close()


def test_promoting_a_server_that_is_no_standby_is_refused(pg: Cluster) -> None:
    if pgsql.in_recovery(pg.standby.node):
        pytest.skip("the standby is a streaming standby here")
    with pytest.raises(VerificationFailed, match="pg_is_in_recovery"):
        pgsql.promote(pg.standby)
    assert not pgsql.in_recovery(pg.standby.node)


def test_readdress_moves_listen_addresses_and_back(pg: Cluster) -> None:
    s = pg.standby
    own = s.address
    assert own in pgsql.listen_addresses(s.node)
    try:
        assert pgsql.readdress(s, own, "127.0.0.2")
        assert "127.0.0.2" in pgsql.listen_addresses(s.node)
        assert own not in pgsql.listen_addresses(s.node)
    finally:
        pgsql.readdress(s, "127.0.0.2", own)
    assert own in pgsql.listen_addresses(s.node)


@pytest.fixture
def sqlite_dir(pg: Cluster) -> Iterator[sqlite.SqliteConfig]:
    cfg = sqlite.SqliteConfig(directory=SCRATCH, stage=SCRATCH + ".stage")
    for m in pg.mns:
        m.node.check_sh(f"rm -rf {SCRATCH} {SCRATCH}.stage && mkdir -p {SCRATCH}")
    pg.primary.node.check("sqlite3", f"{SCRATCH}/nodelist.sqlite",
                          "CREATE TABLE nodelist (node TEXT PRIMARY KEY, groups TEXT);"
                          "INSERT INTO nodelist VALUES ('cn1', 'compute');")
    yield cfg
    for m in pg.mns:
        m.node.check_sh(f"rm -rf {SCRATCH} {SCRATCH}.stage")


def test_sqlite_files_synchronised_and_round_trip(pg: Cluster,
                                                  sqlite_dir: sqlite.SqliteConfig) -> None:
    cfg = sqlite_dir
    sqlite.add_testnode(pg, pg.primary, cfg=cfg)
    sqlite.run_sync(pg, cfg)
    assert sqlite.check_copy(pg, cfg) == ["nodelist.sqlite"]
    assert sqlite.has_testnode(pg, pg.standby, cfg=cfg)
    sqlite.delete_testnode(pg, pg.primary, cfg=cfg)
    sqlite.run_sync(pg, cfg)
    assert not sqlite.has_testnode(pg, pg.standby, cfg=cfg)


def test_sqlite_directory_without_files_is_refused(pg: Cluster,
                                                   sqlite_dir: sqlite.SqliteConfig) -> None:
    empty = sqlite.SqliteConfig(directory=SCRATCH + ".none")
    with pytest.raises(UsageError, match="no SQLite files"):
        sqlite.install_sync(pg, empty)


def test_sqlite_refused_where_xcat_uses_postgres(pg: Cluster) -> None:
    with pytest.raises(UsageError, match="cfgloc"):
        sqlite.install_sync(pg)
