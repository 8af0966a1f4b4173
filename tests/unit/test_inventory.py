"""Inventory and --hosts: bad input is refused by name, before any host is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamn import inventory
from hamn.errors import InventoryError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(text)
    return path


def test_a_full_inventory_gives_roles_and_settings(tmp_path: Path) -> None:
    path = write(tmp_path, """
cluster: prod
primary: {host: aixmn1, address: 9.114.47.103}
standby: {host: aixmn2, address: 9.114.47.104}
service_nodes: [sn1]
compute_nodes: [cn1]
settings: {interface: en1, netmask: 255.255.255.192, gateway: 9.114.47.126, sync_mode: SYNC}
""")
    c = inventory.load_inventory(path)
    assert (c.name, c.primary.name, c.standby.address) == ("prod", "aixmn1", "9.114.47.104")
    assert [m.name for m in c.service_nodes] == ["sn1"]
    assert c.settings.sync_mode == "SYNC" and c.settings.db_name == "XCATDB"
    swapped = c.swapped()
    assert (swapped.primary.name, swapped.standby.name) == ("aixmn2", "aixmn1")


@pytest.mark.parametrize(("text", "message"), [
    ("primary: aixmn1\nstandby: aixmn2\nstandbby: x\n", "unknown key 'standbby'"),
    ("primary: aixmn1\n", "missing field 'standby'"),
    ("primary: aixmn1\nstandby: aixmn2\nsettings: {sync_mod: SYNC}\n",
     "unknown setting 'sync_mod'"),
    ("primary: {address: 1.2.3.4}\nstandby: aixmn2\n", "primary has no 'host'"),
    ("primary: aixmn1\nstandby: aixmn1\n", "named twice"),
    ("- a\n- b\n", "must be a mapping"),
    ("primary: [\n", "not valid YAML"),
])
def test_bad_inventories_are_refused_by_name(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        inventory.load_inventory(write(tmp_path, text))


def test_a_missing_inventory_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match=r"cannot read inventory .*nope\.yaml"):
        inventory.load_inventory(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("hosts", "message"), [
    ("aixmn1", "two are needed"),
    ("aixmn1,", "two are needed"),
    ("aixmn1,aixmn1", "named twice"),
    ("aixmn1,-oProxyCommand=x", "invalid host name"),
])
def test_bad_hosts_values(hosts: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inventory, "_sim_for", lambda names, preset=None: None)
    with pytest.raises(InventoryError, match=message):
        inventory.from_hosts(hosts)


def test_the_first_host_is_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inventory, "_sim_for", lambda names, preset=None: None)
    c = inventory.from_hosts("aixmn2,aixmn1")
    assert (c.primary.name, c.standby.name) == ("aixmn2", "aixmn1")
