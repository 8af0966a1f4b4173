"""Several clusters in one drill run (issue 9): the site list and its bad input, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hamn import inventory, sites
from hamn.errors import InventoryError

SITE = """
  - cluster: {name}
    primary: {{host: {p}, address: 10.0.0.3}}
    standby: {{host: {s}, address: 10.0.0.4}}
"""


def write(tmp_path: Path, text: str, name: str = "sites.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_presets_name_their_clusters(tmp_path: Path) -> None:
    got = sites.resolve(["linux-db2", "aix-lab"], [], tmp_path)
    assert [(s.name, s.preset) for s in got] == [("hamnlx", "linux-db2"), ("hamnlab", "aix-lab")]
    assert got[0].source == "preset linux-db2"


def test_a_multi_site_inventory_becomes_one_inventory_per_cluster(tmp_path: Path) -> None:
    path = write(tmp_path, "ssh_config: /etc/hamn/ssh_config\nsettings: {db: db2, "
                 "interface: en1}\nclusters:" + SITE.format(name="site1", p="a1", s="a2") +
                 SITE.format(name="site2", p="b1", s="b2") +
                 "    settings: {interface: en2}\n  - {preset: linux-db2}\n")
    work = tmp_path / "work"
    got = sites.resolve([], [path], work)
    assert [s.name for s in got] == ["site1", "site2", "hamnlx"]
    one = inventory.load_inventory(got[1].inventory or "")
    try:
        assert one.name == "site2" and one.primary.name == "b1"
        assert one.settings.interface == "en2" and one.settings.db == "db2"  # own, then shared
        assert one.ssh_config == "/etc/hamn/ssh_config"
    finally:
        one.close()
    assert got[0].hosts == ("a1", "a2")
    assert got[0].source == f"inventory {path} (site1)"  # the admin's file, not the copy
    assert yaml.safe_load(Path(got[0].inventory or "").read_text())["cluster"] == "site1"


def test_single_cluster_inventories_are_sites_too(tmp_path: Path) -> None:
    a = write(tmp_path, "cluster: east\nprimary: e1\nstandby: e2\n", "east.yaml")
    b = write(tmp_path, "cluster: west\nprimary: w1\nstandby: w2\n", "west.yaml")
    got = sites.resolve([], [a, b], tmp_path)
    assert [(s.name, s.inventory) for s in got] == [("east", a), ("west", b)]


@pytest.mark.parametrize(("presets", "text", "message"), [
    (["linux-db2", "nosuch"], None, "unknown preset 'nosuch'; choose one of: "),
    (["linux-db2", "linux-db2"], None, "preset linux-db2 is named twice"),
    (["linux-db2"], "clusters:\n  - {preset: linux-db2}\n", "cluster hamnlx is named twice"),
    ([], "clusters:" + SITE.format(name="x", p="a1", s="a2") +
     SITE.format(name="x", p="b1", s="b2"), "cluster x is named twice"),
    ([], "clusters:" + SITE.format(name="x", p="a1", s="a2") +
     SITE.format(name="y", p="a2", s="b2"), "host a2 is in cluster x and in cluster y"),
    ([], "clusters:\n  - {preset: nosuch}\n", "unknown preset 'nosuch'"),
    ([], "clusters:\n  - {preset: linux-db2, typo: 1}\n", "unknown key 'typo' beside 'preset'"),
    ([], "clusters:\n  - {primary: a, standby: b}\n", "missing field 'cluster'"),
    ([], "clusters:\n  - {cluster: x, primary: a, standbby: b}\n", "unknown key 'standbby'"),
    ([], "clusters:\n  - {cluster: x, primary: a}\n", r"sites\.yaml \(x\): missing field "
     "'standby'"),
    ([], "clusters:\n  - {cluster: x, primary: a, standby: b, settings: {sync_mod: 1}}\n",
     "unknown setting 'sync_mod'"),
    ([], "clusterz: []\nclusters: [{preset: linux-db2}]\n", "unknown key 'clusterz'"),
    ([], "settings: {sync_mod: 1}\nclusters: [{preset: linux-db2}]\n",
     "unknown setting 'sync_mod'"),
    ([], "clusters: []\n", "non-empty list"),
    ([], "clusters:\n  - {cluster: a/b, primary: a, standby: b}\n", "cannot name a report"),
])
def test_bad_site_lists_are_one_line_naming_the_value(
        tmp_path: Path, presets: list[str], text: str | None, message: str) -> None:
    inventories = [write(tmp_path, text)] if text is not None else []
    with pytest.raises(InventoryError, match=message) as err:
        sites.resolve(presets, inventories, tmp_path / "work")
    assert "\n" not in str(err.value)


def test_other_commands_refuse_a_multi_site_inventory(tmp_path: Path) -> None:
    path = write(tmp_path, "clusters:\n  - {preset: linux-db2}\n")
    assert inventory.is_multi_site(path)
    with pytest.raises(InventoryError, match="lists several clusters: `hamn drill"):
        inventory.load_inventory(path)
