"""Which clusters (sites) a multi-site drill covers (issue 9, "Scale out").

Sources: several ``--preset`` values (simulated clusters), several ``--inventory`` files
(each one cluster, or a multi-site inventory with a ``clusters:`` list, see
hamn.inventory.load_sites). Every site is checked before anything runs: an unknown preset,
a bad inventory, a cluster named twice or a host in two clusters is one line naming it.
A multi-site inventory's clusters are written out as single-cluster inventories, so each
site's drill (and the pytest sessions inside it) reads an ordinary ``--inventory FILE``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from hamn import inventory
from hamn.errors import InventoryError

# A site's name names its report directory DIR/<name>/: no path separators, no surprises.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


@dataclass(frozen=True)
class Site:
    name: str  # the cluster's name
    preset: str | None = None  # a simulated cluster
    inventory: str | None = None  # a single-cluster inventory file
    hosts: tuple[str, ...] = ()  # SSH names of its members (to refuse a host in two sites)
    ssh_config: str | None = None  # the same name through another ssh_config is another host
    origin: str = ""  # the file the admin wrote, when INVENTORY was derived from it

    @property
    def source(self) -> str:
        if self.preset:
            return f"preset {self.preset}"
        return f"inventory {self.origin or self.inventory}"


def preset_site(name: str) -> Site:
    from simulators.presets import get
    try:
        preset = get(name)
    except KeyError as err:
        raise InventoryError(str(err.args[0])) from None
    return Site(preset.cluster, preset=preset.name)


def inventory_site(path: str) -> Site:
    """A single-cluster inventory, loaded (no host contacted) to learn its name and hosts."""
    cluster = inventory.load_inventory(path)
    try:
        return Site(cluster.name, inventory=str(path),
                    hosts=tuple(m.name for m in cluster.members()),
                    ssh_config=cluster.ssh_config)
    finally:
        cluster.close()


def expand(path: str, work: Path) -> list[Site]:
    """The sites of one --inventory FILE: itself, or each cluster of its ``clusters:``."""
    if not inventory.is_multi_site(path):
        return [inventory_site(path)]
    sites = []
    for entry in inventory.load_sites(path):
        if "preset" in entry:
            sites.append(preset_site(entry["preset"]))
            continue
        name = str(entry["cluster"])
        _check_name(name, f"{path}: cluster")
        single = work / "inventories" / f"{name}.yaml"
        single.parent.mkdir(parents=True, exist_ok=True)
        single.write_text(yaml.safe_dump(entry, sort_keys=False))
        try:
            site = inventory_site(str(single))
        except InventoryError as err:  # name the file the admin wrote, not the copy
            raise InventoryError(str(err).replace(str(single), f"{path} ({name})")) from None
        sites.append(replace(site, origin=f"{path} ({name})"))
    return sites


def resolve(presets: Sequence[str], inventories: Sequence[str], work: Path) -> list[Site]:
    """The sites named by PRESETS and INVENTORIES, checked; WORK holds derived inventories."""
    sites: list[Site] = []
    seen_presets: set[str] = set()
    for name in presets:
        if name in seen_presets:
            raise InventoryError(f"preset {name} is named twice: each cluster is drilled "
                                 "once per run")
        seen_presets.add(name)
        sites.append(preset_site(name))
    for path in inventories:
        sites += expand(path, work)
    check(sites)
    return sites


def check(sites: Sequence[Site]) -> None:
    """No cluster twice, no host in two clusters (two drills would fail the same MN)."""
    names: dict[str, Site] = {}
    hosts: dict[tuple[str | None, str], Site] = {}
    for site in sites:
        _check_name(site.name, f"{site.source}: cluster")
        if site.name in names:
            raise InventoryError(f"cluster {site.name} is named twice ({names[site.name].source}"
                                 f" and {site.source}): each cluster is drilled once per run")
        names[site.name] = site
        for host in site.hosts:
            key = (site.ssh_config, host)
            if key in hosts:
                raise InventoryError(f"host {host} is in cluster {hosts[key].name} and in "
                                     f"cluster {site.name}: a host belongs to one cluster")
            hosts[key] = site


def _check_name(name: str, what: str) -> None:
    if not _NAME.match(name):
        raise InventoryError(f"{what} name {name!r} cannot name a report directory: use "
                             "letters, digits, '.', '_' and '-'")
