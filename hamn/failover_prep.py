"""Section 8's starting point: the pair as sections 3 to 7 leave it, before the primary fails.

HADR (or the database's replication) in step, the files of section 6 synchronised, xcatd
running on the primary, nothing failed over yet. On a real cluster hamn checks this and
says what is missing; on the simulated cluster, which a destructive run leaves failed over,
hamn re-creates the nodes from the preset first (as ``hamn sim up --fresh``) and brings the
pair there, so the failover feature runs again and again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hamn import mysql, operating, pgsql, services, sqlite
from hamn.errors import PreconditionFailed
from hamn.inventory import Cluster
from hamn.xcat import parse as xparse

TESTNODE = "testnode"


def journal_path_for(name: str) -> Path:
    """Where hamn.failover keeps the journal of cluster NAME."""
    root = Path(os.environ.get("HAMN_HOME", Path.home() / ".hamn"))
    return root / "failover" / f"{name}.json"


def journal_state(name: str) -> str | None:
    """None (no failover of cluster NAME recorded), "unfinished" or "completed"."""
    try:
        data = json.loads(journal_path_for(name).read_text())
    except (OSError, ValueError):
        return None
    return "completed" if "completed" in data else "unfinished"


def journal_path(cluster: Cluster) -> Path:
    return journal_path_for(cluster.name)


def sim_of(cluster: Cluster) -> Any:
    """The simulated cluster behind CLUSTER (running or not); None on real hosts."""
    if not cluster.simulated:
        return None
    from simulators.cluster import Cluster as SimCluster
    from simulators.presets import PRESETS
    for preset in PRESETS.values():
        if preset.cluster == cluster.name:
            return SimCluster(preset)
    return None


def recreate_sim(cluster: Cluster) -> None:
    """Re-create the simulated nodes from the preset (``hamn sim up --fresh``); the open
    channels are closed, the next command reconnects; the failover journal is dropped."""
    sim = sim_of(cluster)
    if sim is None:
        raise PreconditionFailed(f"{cluster.name} is not a simulated cluster: hamn does not "
                                 "re-create real MNs; restore the pair by sections 3 to 7")
    for m in cluster.members():
        m.node.close()
        services.forget(m.node)
    sim.up(fresh=True)
    journal_path(cluster).unlink(missing_ok=True)


def restore_failed_over_sims(names: list[str] | None, preset: str | None) -> list[str]:
    """Re-create the simulated clusters a completed failover left behind (their journal is
    on the controller), among those PRESET or the host NAMES select (NAMES that fit several
    clusters select none); pytest sessions call this before reaching the hosts: starting a
    failed-over sim's stopped primary would put two nodes on one address. Returns the
    clusters re-created."""
    from simulators.cluster import Cluster as SimCluster
    from simulators.presets import DEFAULT_PRESET, PRESETS
    root = Path(os.environ.get("HAMN_HOME", Path.home() / ".hamn")) / "failover"
    if not root.is_dir():
        return []
    candidates = []
    for p in PRESETS.values():
        if preset is not None and p.name != preset:
            continue
        if preset is None and names is None and p.name != DEFAULT_PRESET:
            continue
        if names is not None and not {n.strip() for n in names} <= {n.name for n in p.nodes}:
            continue
        journal = root / f"{p.cluster}.json"
        # An unfinished failover is left alone: its re-run continues it (hamn.failover),
        # and it may be running right now in another session.
        if journal_state(p.cluster) != "completed":
            continue
        sim = SimCluster(p)
        if any(r["state"] != "absent" for r in sim.status()):
            candidates.append((sim, journal))
        elif preset is not None or names is None:
            journal.unlink(missing_ok=True)  # its nodes are gone: the journal describes none
    if preset is None and names is not None and len(candidates) > 1:
        return []  # the names fit several clusters: from_hosts says so; none is touched
    done = []
    for sim, journal in candidates:
        sim.up(fresh=True)
        done.append(sim.name)
        journal.unlink(missing_ok=True)
    return done


def leave_as_found(cluster: Cluster) -> None:
    """After a failover scenario on the sim, re-create the pair so the features after it
    meet the cluster as sections 3 and 4 leave it; real clusters stay as the run left them."""
    if cluster.simulated:
        recreate_sim(cluster)


def starting_point(cluster: Cluster, sync: bool = True) -> str:
    """Bring the simulated pair to section 8's starting point, or check a real one is there."""
    if cluster.simulated:
        recreate_sim(cluster)
        if cluster.settings.db == "db2":
            from hamn.db2 import hadr
            hadr.setup_hadr(cluster)  # 5.1.1-5.1.7, ends in Peer/Connected (5.1.8)
        else:
            operating.ensure(cluster)
            if cluster.settings.db == "postgres" and cluster.settings.pg_method == "dump":
                pgsql.run_chain(cluster)  # the nightly dump, copy and restore have run
        services.start(cluster.primary.node, "xcatd")  # 5.1.1 stopped it for the backup
        if sync:
            from hamn import filesync
            filesync.sync_now(cluster)
        return "re-created and set up"
    if journal_path(cluster).exists():
        raise PreconditionFailed(
            f"a failover of {cluster.name} is recorded ({journal_path(cluster)}): finish it "
            "(re-run the failover) or fail back (features/failback.feature) first")
    if cluster.settings.db == "db2":
        from hamn import failover
        failover.check_replicating(cluster)  # both MNs Peer/Connected
    else:
        operating.ensure(cluster)
    if not services.status(cluster.primary.node, "xcatd").active:
        raise PreconditionFailed(f"xcatd does not run on the primary {cluster.primary.name}:"
                                 " start it before the failover drill")
    return "checked"


def write_testnode(cluster: Cluster, name: str = TESTNODE) -> xparse.XcatObject:
    """Define NAME through xcatd on the primary (section 5.1.9's test object), read it back."""
    node = cluster.primary.node
    node.run("rmdef", "-t", "node", "-o", name, changes=True)
    node.check("mkdef", "-t", "node", "-o", name, "groups=all", "mgt=ipmi", changes=True,
               why=f"writing {name} through xcatd on the primary")
    res = node.check("lsdef", "-t", "node", "-l", name)
    objs = xparse.parse_lsdef(res.stdout)
    if not objs:
        raise PreconditionFailed(f"{name} written on the primary but lsdef does not show it")
    return objs[0]


def replicate_now(cluster: Cluster) -> str:
    """What each method of section 5 does on its schedule, done now: the standby then holds
    what the primary has (DB2 HADR in Peer needs nothing)."""
    s = cluster.settings
    if s.db == "postgres" and s.pg_method == "dump":
        pgsql.run_chain(cluster)
        return "5.2 dump chain run"
    if s.db == "postgres":
        pgsql.wait_replayed(cluster)
        return "5.2 streaming replayed"
    if s.db == "mysql":
        mysql.wait_replayed(cluster)
        return "5.3 replica applied"
    if s.db == "sqlite":
        sqlite.run_sync(cluster)
        return "5.3 SQLite copies synchronised"
    return "HADR keeps the standby in step"


def failed_over(cluster: Cluster) -> Any:
    """Section 9's starting point: a completed failover (on the sim: done here, from the
    section 8 starting point with a testnode; on a real cluster: the journal says so)."""
    from hamn import failover
    if cluster.simulated:
        starting_point(cluster)
        write_testnode(cluster)
        replicate_now(cluster)
        return failover.run(cluster)
    fo = failover.Failover(cluster)
    if not fo.journal.data.get("completed"):
        raise PreconditionFailed(f"no completed failover of {cluster.name} is recorded: run "
                                 "features/failover.feature first")
    return fo
