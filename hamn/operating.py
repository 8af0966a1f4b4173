"""The operating state the runbook leaves a pair in: the database replicating (section 5).

Read-only checks (5.1.8 and the like) need the pair set up. On a real cluster hamn never
sets it up behind the admin's back: it checks, and says which procedure to run when the
pair is not replicating. On the simulated cluster, which is hamn's own, it sets fresh MNs
up (each procedure is idempotent), so every feature runs alone and in any order; a pair
that is set up but broken is left broken, for the checks to find.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hamn import session
from hamn.errors import HamnError, PreconditionFailed
from hamn.inventory import Cluster

_PROCEDURE = {
    "db2": "features/db2_hadr.feature",
    "postgres": "features/postgres_replication.feature",
    "mysql": "features/mysql_replication.feature",
    "sqlite": "features/sqlite_replication.feature",
}


def database_module(cluster: Cluster) -> Any:
    """The hamn module of the cluster's replicated database (5.2/5.3), per its kind."""
    return importlib.import_module({"postgres": "hamn.pgsql", "mysql": "hamn.mysql",
                                    "sqlite": "hamn.sqlite"}[cluster.settings.db])


def _set_up(cluster: Cluster) -> None:
    db = cluster.settings.db
    if db == "db2":
        from hamn.db2 import hadr
        # Only fresh MNs are set up: a configured pair in a wrong state is what the 5.1.8
        # checks are for, so it is left for them to find.
        if not hadr.is_configured(cluster.primary, cluster.settings):
            hadr.setup_hadr(cluster)
    elif db == "postgres" and cluster.settings.pg_method == "streaming":
        from hamn import pgsql
        if not _healthy(lambda: pgsql.streaming_status(cluster)):  # a base backup is costly
            pgsql.setup_streaming(cluster)
    elif db == "postgres":
        from hamn import pgsql
        pgsql.install_chain(cluster)
    elif db == "mysql":
        from hamn import mysql
        if not _healthy(lambda: mysql.check_replica(cluster)):  # so is a fresh copy
            mysql.setup_replication(cluster)
    else:
        from hamn import sqlite
        sqlite.install_sync(cluster)


def _healthy(check: Callable[[], object]) -> bool:
    try:
        check()
    except HamnError:
        return False
    return True


def _check(cluster: Cluster) -> None:
    db = cluster.settings.db
    if db == "db2":
        # The primary configured is enough here: whether HADR is healthy on both MNs is
        # the scenarios' own check (5.1.8), which names what is wrong.
        from hamn.db2 import hadr
        if not hadr.is_configured(cluster.primary, cluster.settings):
            raise PreconditionFailed(f"HADR is not configured on {cluster.primary.name}")
    elif db == "postgres" and cluster.settings.pg_method == "streaming":
        from hamn import pgsql
        pgsql.check_in_recovery(cluster.standby)
    elif db == "postgres":
        from hamn import pgsql
        pgsql.verify_chain(cluster)
    elif db == "mysql":
        from hamn import mysql
        mysql.check_replica(cluster)
    else:
        from hamn import sqlite
        if sqlite.installed_sync(cluster) is None:
            raise PreconditionFailed("the SQLite synchronisation is not installed")


def ensure(cluster: Cluster) -> str:
    """Bring the sim into the operating state, or check a real cluster is in it."""
    if session.is_simulated(cluster):
        _set_up(cluster)
        _check(cluster)
        return "set up"
    try:
        _check(cluster)
    except HamnError as err:
        raise PreconditionFailed(
            f"{cluster.name} is not replicating its xCAT database ({err}); run "
            f"{_PROCEDURE[cluster.settings.db]} (destructive) first") from None
    return "checked"
