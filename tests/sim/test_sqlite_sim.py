"""hamn.sqlite against the simulated SQLite cluster (hamnlite).

Run: .venv/bin/pytest tests/sim/test_sqlite_sim.py --preset linux-sqlite -q
"""

from __future__ import annotations

import pytest

from hamn import cron, sqlite
from hamn.errors import PreconditionFailed
from hamn.inventory import Cluster

pytestmark = pytest.mark.sim


@pytest.fixture
def lite(cluster: Cluster) -> Cluster:
    if cluster.settings.db != "sqlite":
        pytest.skip("needs an SQLite preset (linux-sqlite)")
    return cluster


def test_missing_sqlite3_is_named_and_nothing_changes(lite: Cluster) -> None:
    """AIX MNs often lack sqlite3: a clear error before anything is changed."""
    s = lite.standby.node
    path = s.check_sh("command -v sqlite3").stdout.strip()
    before = cron.read(lite.primary.node)
    s.check("mv", path, path + ".hamn-hidden")
    try:
        with pytest.raises(PreconditionFailed,
                           match=f"sqlite3 is not installed on the standby {s.name}: "
                                 "install the sqlite3 package"):
            sqlite.install_sync(lite)
    finally:
        s.check("mv", path + ".hamn-hidden", path)
    assert cron.read(lite.primary.node) == before
