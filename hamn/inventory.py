"""Who is who: --hosts, --inventory FILE, or the simulated cluster -> a Cluster of roles.

The first of --hosts is the primary MN, the second the standby (runbook section 2's
aixmn1/aixmn2); further hosts need an inventory to say what they are. An inventory (YAML)
names roles, addresses, the cluster-facing interface, the database and where secrets come
from; unknown keys are refused by name, so a typo cannot silently fall back to a default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from hamn import secrets
from hamn.channel import Channel
from hamn.errors import InventoryError
from hamn.runner import RUN_LOG, Node, RunLog


@dataclass(frozen=True)
class Settings:
    """The cluster description of sections 2, 5 and 8 (defaults: the runbook's values)."""

    db: str = "db2"  # db2 | postgres | mysql | sqlite
    db_name: str = "XCATDB"
    instance: str = "xcatdb"
    sync_mode: str = "NEARSYNC"
    hadr_timeout: int = 3
    peer_window: int = 120
    alternate_port: int = 60000
    hadr_service_primary: str = "DB2_HADR_1"
    hadr_port_primary: int = 55001
    hadr_service_standby: str = "DB2_HADR_2"
    hadr_port_standby: int = 55002
    pg_method: str = "dump"  # dump (5.2 as written) | streaming
    interface: str = "en0"
    netmask: str = "255.255.255.0"
    gateway: str = ""
    domain: str = ""
    clock_tolerance: float = 5.0
    password_env: str = "HAMN_DB_PASSWORD"
    password_file: str = ""
    installdir: str = "/install"
    # Paths on twin-tailed disks (section 2): re-mounted at failover, so never rsynced.
    shared_paths: tuple[str, ...] = ()
    # Shell commands (as root on an MN) that attach / detach that disk, e.g. on AIX
    # "varyonvg xcatvg && mount /install" and "umount /install && varyoffvg xcatvg".
    twin_attach: str = ""
    twin_detach: str = ""

    def password(self) -> str:
        return secrets.load("database instance password", self.password_env,
                            self.password_file or None)


@dataclass
class Member:
    role: str  # primary | standby | service | compute
    name: str  # how SSH reaches it
    node: Node
    address: str = ""  # cluster-facing address (the identity section 8 moves)
    hostname: str = ""

    def __str__(self) -> str:
        return f"{self.role} {self.name}"


@dataclass
class Cluster:
    name: str
    primary: Member
    standby: Member
    service_nodes: list[Member] = field(default_factory=list)
    compute_nodes: list[Member] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    simulated: bool = False
    ssh_config: str | None = None

    @property
    def mns(self) -> tuple[Member, Member]:
        return self.primary, self.standby

    def members(self) -> list[Member]:
        return [self.primary, self.standby, *self.service_nodes, *self.compute_nodes]

    def member(self, role: str) -> Member:
        for m in self.members():
            if role in (m.role, m.name):
                return m
        raise InventoryError(f"no {role!r} in cluster {self.name}: name it in the inventory")

    def swapped(self) -> Cluster:
        """The same cluster with the MN roles exchanged (section 9, failback)."""
        p = replace(self.standby, role="primary")
        s = replace(self.primary, role="standby")
        return replace(self, primary=p, standby=s)

    def close(self) -> None:
        for m in self.members():
            m.node.close()


def ssh_argv(host: str, ssh_config: str | None) -> list[str]:
    """OpenSSH client command: BatchMode so it never prompts (host keys included)."""
    argv = ["ssh", "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]
    if ssh_config:
        argv += ["-F", ssh_config]
    return [*argv, host]


def connect(host: str, ssh_config: str | None, log: RunLog = RUN_LOG,
            plan: bool = False) -> Node:
    if not host or any(c.isspace() for c in host) or host.startswith("-"):
        raise InventoryError(f"invalid host name {host!r}: give SSH names like aixmn1")
    return Node(host, Channel(host, ssh_argv(host, ssh_config)), log, plan)


_SETTING_KEYS = {f.name for f in fields(Settings)}
_TOP_KEYS = {"cluster", "primary", "standby", "service_nodes", "compute_nodes", "settings",
             "ssh_config"}
_MEMBER_KEYS = {"host", "address", "hostname"}


def _member_spec(role: str, raw: Any, where: str) -> dict[str, str]:
    if isinstance(raw, str):
        return {"host": raw}
    if not isinstance(raw, dict):
        raise InventoryError(f"{where}: {role} must be a host name or a mapping with "
                             f"{', '.join(sorted(_MEMBER_KEYS))}")
    unknown = set(raw) - _MEMBER_KEYS
    if unknown:
        raise InventoryError(f"{where}: unknown key {sorted(unknown)[0]!r} under {role}; "
                             f"allowed: {', '.join(sorted(_MEMBER_KEYS))}")
    if "host" not in raw:
        raise InventoryError(f"{where}: {role} has no 'host' (the SSH name to reach it)")
    return {k: str(v) for k, v in raw.items()}


def read_yaml(path: str | Path) -> Any:
    """The inventory file at PATH, parsed; unreadable or invalid YAML is one clear error."""
    try:
        return yaml.safe_load(Path(path).read_text())
    except OSError as err:
        raise InventoryError(f"cannot read inventory {path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise InventoryError(f"inventory {path} is not valid YAML: {err}") from None


def load_inventory(path: str | Path, ssh_config: str | None = None,
                   plan: bool = False) -> Cluster:
    where = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InventoryError(f"inventory {where} must be a mapping with primary and standby")
    if "clusters" in data:
        raise InventoryError(f"{where} lists several clusters: `hamn drill --inventory "
                             f"{where}` drills them all; other commands need one cluster's "
                             "inventory")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InventoryError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed: "
                             f"{', '.join(sorted(_TOP_KEYS))}")
    for role in ("primary", "standby"):
        if role not in data:
            raise InventoryError(f"{where}: missing field {role!r} (the {role} MN)")
    raw_settings = data.get("settings") or {}
    bad = set(raw_settings) - _SETTING_KEYS
    if bad:
        raise InventoryError(f"{where}: unknown setting {sorted(bad)[0]!r}; allowed: "
                             f"{', '.join(sorted(_SETTING_KEYS))}")
    try:
        settings = Settings(**raw_settings)
    except TypeError as err:
        raise InventoryError(f"{where}: bad settings: {err}") from None
    cfg = ssh_config or data.get("ssh_config")
    cfg = os.path.expanduser(cfg) if cfg else None

    def member(role: str, raw: Any) -> Member:
        spec = _member_spec(role, raw, where)
        return Member(role, spec["host"], connect(spec["host"], cfg, plan=plan),
                      spec.get("address", ""), spec.get("hostname", spec["host"]))

    cluster = Cluster(
        name=str(data.get("cluster", "cluster")),
        primary=member("primary", data["primary"]),
        standby=member("standby", data["standby"]),
        service_nodes=[member("service", s) for s in data.get("service_nodes") or []],
        compute_nodes=[member("compute", c) for c in data.get("compute_nodes") or []],
        settings=settings, ssh_config=cfg,
    )
    _check_distinct(cluster)
    return cluster


def _check_distinct(cluster: Cluster) -> None:
    names = [m.name for m in cluster.members()]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise InventoryError(f"host {sorted(dup)[0]} is named twice: primary and standby "
                             "must be two different MNs")


def from_hosts(hosts: str, ssh_config: str | None = None, plan: bool = False,
               preset: str | None = None) -> Cluster:
    """``--hosts=PRIMARY,STANDBY``; a running simulated cluster supplies the rest."""
    names = [h.strip() for h in hosts.split(",") if h.strip()]
    if len(names) < 2:
        raise InventoryError(f"--hosts={hosts} names {len(names)} host; two are needed: "
                             "--hosts=PRIMARY,STANDBY (primary MN first)")
    sim = None if ssh_config else _sim_for(names, preset)
    if sim is not None:
        return from_sim(sim, names, ssh_config, plan)
    if len(names) > 2:
        raise InventoryError(f"--hosts names {len(names)} hosts; say what {names[2]} is in an "
                             "inventory file (--inventory) with service_nodes/compute_nodes")
    cluster = Cluster(
        name=f"{names[0]}+{names[1]}",
        primary=Member("primary", names[0], connect(names[0], ssh_config, plan=plan)),
        standby=Member("standby", names[1], connect(names[1], ssh_config, plan=plan)),
        ssh_config=ssh_config,
    )
    _check_distinct(cluster)
    return cluster


def _sim_for(names: list[str], preset: str | None = None) -> Any:
    """The running simulated cluster whose nodes these names are, if any (one, or an error)."""
    try:
        from simulators.cluster import running_clusters
    except ImportError:  # hamn installed without the simulators
        return None
    found = [sim for sim in running_clusters()
             if set(names) <= {n.spec.name for n in sim.nodes}
             and (preset is None or sim.preset.name == preset)]
    if len(found) > 1:
        raise InventoryError(
            f"{','.join(names)} are nodes of several running simulated clusters "
            f"({', '.join(s.preset.name for s in found)}): add --preset NAME to choose one")
    return found[0] if found else None


def from_sim(sim: Any, names: list[str] | None = None, ssh_config: str | None = None,
             plan: bool = False) -> Cluster:
    """The simulated cluster as a Cluster, roles in the order NAMES gives (default: preset)."""
    cfg = ssh_config or str(sim.ssh_config_path)
    preset = sim.preset
    by_role = {n.spec.role: n for n in sim.nodes}
    order = names or [by_role["primary"].spec.name, by_role["standby"].spec.name]

    def member(role: str, name: str) -> Member:
        n = sim.node(name)
        return Member(role, name, connect(name, cfg, plan=plan), n.address, name)

    personality = by_role["primary"].spec.personality
    twin = tuple(preset.twin_tailed)
    attach, detach = sim.twin_commands(twin) if twin else ("", "")
    settings = Settings(
        shared_paths=twin, twin_attach=attach, twin_detach=detach,
        db=preset.db, sync_mode=preset.sync_mode, pg_method=preset.pg_method,
        interface="en0" if personality == "aix" else "eth0", netmask="255.255.255.0",
        gateway=preset.gateway, domain=preset.domain,
        password_env="HAMN_DB_PASSWORD", password_file=str(sim.state / "dbpassword"),
    )
    _ensure_password_file(sim)
    cluster = Cluster(
        name=sim.name,
        primary=member("primary", order[0]),
        standby=member("standby", order[1]),
        service_nodes=[member("service", n.spec.name) for n in sim.nodes
                       if n.spec.role == "service"],
        compute_nodes=[member("compute", n.spec.name) for n in sim.nodes
                       if n.spec.role == "compute"],
        settings=settings, simulated=True, ssh_config=cfg,
    )
    _check_distinct(cluster)
    return cluster


def _ensure_password_file(sim: Any) -> None:
    path = Path(sim.state) / "dbpassword"
    if not path.exists():
        path.write_text(sim.db_password() + "\n")
        path.chmod(0o600)


# --------------------------------------------------------------------------- several sites

# An inventory of several clusters (issue 9, "Scale out": several sites drilled in one run):
#   ssh_config: ~/.ssh/config          # default for every cluster
#   settings: {db: db2}                # defaults for every cluster, overridden per key
#   clusters:
#     - {cluster: site1, primary: ..., standby: ..., settings: {interface: en1}}
#     - {preset: linux-db2}            # a simulated cluster, by its preset
_SITES_TOP_KEYS = {"clusters", "ssh_config", "settings"}


def is_multi_site(path: str | Path) -> bool:
    """True when the inventory at PATH lists several clusters (a ``clusters:`` key)."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError):
        return False  # load_inventory reports it
    return isinstance(data, dict) and "clusters" in data


def load_sites(path: str | Path) -> list[dict[str, Any]]:
    """The clusters of a multi-site inventory, each a single-cluster inventory mapping (the
    top-level ssh_config and settings merged in) or ``{"preset": NAME}``; keys are checked
    as strictly as load_inventory checks one cluster's, and no host is contacted."""
    where = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or "clusters" not in data:
        raise InventoryError(f"{where}: not a multi-site inventory (no 'clusters' list)")
    unknown = set(data) - _SITES_TOP_KEYS
    if unknown:
        raise InventoryError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed beside "
                             f"'clusters': {', '.join(sorted(_SITES_TOP_KEYS - {'clusters'}))}")
    raw = data["clusters"]
    if not isinstance(raw, list) or not raw:
        raise InventoryError(f"{where}: 'clusters' must be a non-empty list of clusters")
    defaults = data.get("settings") or {}
    if not isinstance(defaults, dict):
        raise InventoryError(f"{where}: 'settings' must be a mapping")
    bad = set(defaults) - _SETTING_KEYS
    if bad:
        raise InventoryError(f"{where}: unknown setting {sorted(bad)[0]!r}; allowed: "
                             f"{', '.join(sorted(_SETTING_KEYS))}")
    sites: list[dict[str, Any]] = []
    for i, entry in enumerate(raw, 1):
        here = f"{where}: clusters[{i}]"
        if not isinstance(entry, dict):
            raise InventoryError(f"{here} must be a mapping (cluster, primary, standby, ...) "
                                 "or {preset: NAME}")
        if "preset" in entry:
            if set(entry) != {"preset"}:
                extra = sorted(set(entry) - {"preset"})[0]
                raise InventoryError(f"{here}: unknown key {extra!r} beside 'preset' (a "
                                     "simulated cluster takes its settings from its preset)")
            sites.append({"preset": str(entry["preset"])})
            continue
        unknown = set(entry) - _TOP_KEYS
        if unknown:
            raise InventoryError(f"{here}: unknown key {sorted(unknown)[0]!r}; allowed: "
                                 f"{', '.join(sorted(_TOP_KEYS))}")
        if "cluster" not in entry:
            raise InventoryError(f"{here}: missing field 'cluster' (its name names its "
                                 "report directory)")
        merged = dict(entry)
        if data.get("ssh_config") and "ssh_config" not in merged:
            merged["ssh_config"] = data["ssh_config"]
        own = entry.get("settings") or {}
        if not isinstance(own, dict):
            raise InventoryError(f"{here}: 'settings' must be a mapping")
        if defaults or own:
            merged["settings"] = {**defaults, **own}
        sites.append(merged)
    return sites
