"""Cluster presets: the runbook's own cluster, and Linux variants so both families run in CI.

Addresses keep the runbook's last octets (.103 primary, .104 standby) on a private Docker
network the project creates; each preset has its own subnet so presets can run side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NodeSpec:
    name: str
    role: str  # primary | standby | service | compute
    host: int  # last octet
    personality: str  # aix | linux


@dataclass(frozen=True)
class Preset:
    name: str
    cluster: str
    subnet_prefix: str  # first three octets
    db: str  # db2 | postgres | mysql | sqlite
    nodes: tuple[NodeSpec, ...]
    db2_level: str = "9.7"
    sync_mode: str = "NEARSYNC"
    pg_method: str = "dump"  # dump (section 5.2 as written) | streaming
    twin_tailed: tuple[str, ...] = ()  # paths kept on a disk both MNs can mount (section 2)
    domain: str = "cluster.sim"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def subnet(self) -> str:
        return f"{self.subnet_prefix}.0/24"

    @property
    def gateway(self) -> str:
        return f"{self.subnet_prefix}.1"

    def address(self, node: NodeSpec) -> str:
        return f"{self.subnet_prefix}.{node.host}"

    def node(self, role: str) -> NodeSpec:
        return next(n for n in self.nodes if n.role == role)


def _nodes(mn1: str, mn2: str, personality: str) -> tuple[NodeSpec, ...]:
    return (
        NodeSpec(mn1, "primary", 103, personality),
        NodeSpec(mn2, "standby", 104, personality),
        NodeSpec("sn1", "service", 110, "linux"),
        NodeSpec("cn1", "compute", 120, "linux"),
    )


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        # The runbook's cluster: AIX 6.1, DB2 9.7, NEARSYNC (section 2 and 5.1.6).
        Preset("aix-db2", "hamnsim", "172.30.47", "db2", _nodes("aixmn1", "aixmn2", "aix")),
        Preset("aix-db2-11.5", "hamnsim115", "172.30.51", "db2",
               _nodes("aixmn1", "aixmn2", "aix"), db2_level="11.5"),
        Preset("linux-postgres", "hamnpg", "172.30.48", "postgres",
               _nodes("lnxmn1", "lnxmn2", "linux")),
        Preset("linux-postgres-streaming", "hamnpgs", "172.30.52", "postgres",
               _nodes("lnxmn1", "lnxmn2", "linux"), pg_method="streaming"),
        Preset("linux-mysql", "hamnmy", "172.30.49", "mysql",
               _nodes("lnxmn1", "lnxmn2", "linux")),
        # A spare AIX/DB2 cluster for work beside the runbook's own (tests, experiments).
        Preset("aix-lab", "hamnlab", "172.30.54", "db2", _nodes("aixmn1", "aixmn2", "aix")),
        # Fault injection runs here, beside the clusters that features use.
        Preset("aix-faults", "hamnflt", "172.30.55", "db2", _nodes("aixmn1", "aixmn2", "aix")),
        Preset("linux-db2", "hamnlx", "172.30.53", "db2",
               _nodes("lnxmn1", "lnxmn2", "linux")),
        # Section 2's variant: /install on a twin-tailed disk, moved at failover.
        Preset("linux-twin", "hamntwin", "172.30.56", "sqlite",
               _nodes("lnxmn1", "lnxmn2", "linux"), twin_tailed=("/install",)),
        Preset("linux-sqlite", "hamnlite", "172.30.50", "sqlite",
               _nodes("lnxmn1", "lnxmn2", "linux")),
    )
}
DEFAULT_PRESET = "aix-db2"


def get(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}") from None
