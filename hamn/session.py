"""The target of a run: real hosts (--hosts / --inventory) or the simulated cluster.

Shared by the pytest plugin (conftest.py) and the CLI, so both pick hosts, the sim and the
destructive-run consent the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hamn import inventory
from hamn.errors import (
    ConsentRequired,
    HamnError,
    HostUnreachable,
    InventoryError,
    PreconditionFailed,
)
from hamn.inventory import Cluster

SIM_MARK = "/etc/hamn-sim/cluster"


@dataclass(frozen=True)
class Target:
    hosts: str | None = None
    inventory: str | None = None
    ssh_config: str | None = None
    preset: str | None = None
    plan: bool = False


def build(target: Target) -> Cluster:
    if target.hosts and target.inventory:
        raise InventoryError("give --hosts or --inventory, not both")
    if target.inventory:
        return inventory.load_inventory(target.inventory, target.ssh_config, target.plan)
    if target.hosts:
        return inventory.from_hosts(target.hosts, target.ssh_config, target.plan,
                                    target.preset)
    from simulators.cluster import Cluster as SimCluster
    from simulators.presets import DEFAULT_PRESET
    sim = SimCluster(target.preset or DEFAULT_PRESET)
    if not sim.running():
        from hamn import failover_prep
        state = failover_prep.journal_state(sim.name)
        if state == "unfinished":
            # A failover interrupted after it shut the old primary down: the re-run
            # continues it (hamn.failover's journal) on the cluster as it is; powering the
            # old primary on here would put two nodes on one address.
            return inventory.from_sim(sim, ssh_config=target.ssh_config, plan=target.plan)
        if state == "completed":
            # Powering the old primary on again would put two nodes on one address.
            raise PreconditionFailed(
                f"simulated cluster {sim.name} was failed over (its old primary is off): "
                f"re-create it with `hamn sim up --preset {sim.preset.name} --fresh`")
        sim.up()
    return inventory.from_sim(sim, ssh_config=target.ssh_config, plan=target.plan)


def cluster_for(config: Any) -> Cluster:
    """The session's cluster for a pytest config, built once."""
    cached: Cluster | None = getattr(config, "_hamn_cluster", None)
    if cached is None:
        if not config.getoption("--inventory") and not config.getoption("--plan"):
            # A simulated cluster a failover left behind (issue 8): fresh nodes, no clash.
            from hamn import failover_prep
            hosts = config.getoption("--hosts")
            names = [h for h in hosts.split(",") if h.strip()] if hosts else None
            if names is None or len(names) >= 2:  # else build() names the mistake
                failover_prep.restore_failed_over_sims(names, config.getoption("--preset"))
        cached = build(Target(
            hosts=config.getoption("--hosts"), inventory=config.getoption("--inventory"),
            ssh_config=config.getoption("--ssh-config"), preset=config.getoption("--preset"),
            plan=config.getoption("--plan")))
        config._hamn_cluster = cached
    return cached


def preflight(cluster: Cluster) -> None:
    """Reach both MNs now (an unreachable host stops the run with one message) and check
    that the primary was given first."""
    from hamn import roles
    for member in cluster.mns:
        member.node.check("true")
    roles.check_order(cluster)


def is_simulated(cluster: Cluster) -> bool:
    """True when the primary carries the simulated cluster's mark with this cluster's name;
    the standby is asked when the primary does not answer (a failover re-run after the old
    primary was shut down: every MN of a simulated cluster carries the mark)."""
    if not cluster.simulated:
        return False
    for member in (cluster.primary, cluster.standby):
        try:
            mark = member.node.read_file(SIM_MARK)
        except HostUnreachable:
            continue
        return mark is not None and mark.strip() == cluster.name
    return False


def require_consent(cluster: Cluster, allow: str | None) -> None:
    """Destructive procedures need ``--allow-destructive=<cluster name>`` on real clusters."""
    if is_simulated(cluster):
        return
    if allow == cluster.name:
        return
    if allow:
        raise ConsentRequired(f"--allow-destructive={allow} does not name this cluster "
                              f"({cluster.name}); nothing was changed")
    raise ConsentRequired(f"refusing a destructive procedure on cluster {cluster.name} "
                          f"without consent: add --allow-destructive={cluster.name}")


DB_TAGS = ("db2", "postgres", "mysql", "sqlite")
PLATFORM_TAGS = ("aix", "linux")


def inapplicable(cluster: Cluster, tags: set[str]) -> str | None:
    """Why a scenario with TAGS cannot run on CLUSTER (None: it can)."""
    wanted = [t for t in DB_TAGS if t in tags]
    if wanted and cluster.settings.db not in wanted:
        return (f"needs a {'/'.join(wanted)} cluster; {cluster.name} keeps the xCAT database "
                f"in {cluster.settings.db}")
    if "rsync-install" in tags and cluster.settings.installdir in cluster.settings.shared_paths:
        return (f"{cluster.settings.installdir} of {cluster.name} is on a twin-tailed disk: "
                "section 6.2's rsync does not apply to it (section 2)")
    if "twin" in tags and not cluster.settings.shared_paths:
        return (f"needs a twin-tailed disk; {cluster.name} keeps every path on each MN "
                "(name shared_paths in the inventory, or use preset linux-twin)")
    platforms = [t for t in PLATFORM_TAGS if t in tags]
    if platforms:
        from hamn import services
        have = services.platform(cluster.primary.node)
        if have not in platforms:
            return f"an {'/'.join(platforms)} procedure; the MNs of {cluster.name} run {have}"
    return None


_KINDS = {"PostgreSQL": "postgres", "MariaDB": "mysql", "SQLite": "sqlite", "DB2": "db2"}


def other_database(cluster: Cluster, kind: str, method: str | None = None) -> str | None:
    """Why CLUSTER is not a KIND cluster replicated by METHOD (None: it is)."""
    want = _KINDS[kind]
    if cluster.settings.db != want:
        return f"the cluster's database is {cluster.settings.db}, not {want}"
    if method and cluster.settings.pg_method != method:
        return f"the cluster replicates PostgreSQL by {cluster.settings.pg_method}"
    return None


def describe(err: HamnError) -> str:
    return f"hamn: {err}"
