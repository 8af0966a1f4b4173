"""Reaching hosts: the sim's pinned host keys, and each way SSH can fail, named."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from hamn import session
from hamn.errors import AuthenticationFailed, ConsentRequired, HostKeyMismatch, HostUnreachable
from hamn.inventory import Cluster, connect, load_inventory


def _config(sim: Any, tmp_path: Path, **override: str) -> str:
    """A copy of the sim's ssh_config with some options replaced for every host."""
    lines = []
    for line in sim.ssh_config_path.read_text().splitlines():
        key = line.strip().split(" ", 1)[0]
        lines.append(f"    {key} {override[key]}" if key in override else line)
    path = tmp_path / "ssh_config"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_printed_ssh_config_reaches_the_standby(sim: Any, cluster: Cluster) -> None:
    name = cluster.standby.name
    out = subprocess.run(["ssh", "-F", str(sim.ssh_config_path), name, "hostname"],
                         capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip() == name


def test_the_sim_carries_its_mark(cluster: Cluster) -> None:
    assert session.is_simulated(cluster)


def test_a_refused_user_is_named(sim: Any, cluster: Cluster, tmp_path: Path) -> None:
    node = connect(cluster.standby.name, _config(sim, tmp_path, User="nosuchuser"))
    with pytest.raises(AuthenticationFailed, match=f"{cluster.standby.name}: SSH key refused"):
        node.run("true")


def test_a_changed_host_key_is_an_error_not_a_prompt(sim: Any, cluster: Cluster,
                                                     tmp_path: Path) -> None:
    wrong = tmp_path / "known_hosts"
    key = tmp_path / "other"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    wrong.write_text(f"{cluster.standby.name},{cluster.standby.address} "
                     f"{(tmp_path / 'other.pub').read_text()}")
    node = connect(cluster.standby.name, _config(sim, tmp_path, UserKnownHostsFile=str(wrong)))
    with pytest.raises(HostKeyMismatch, match=cluster.standby.name):
        node.run("true")


def test_an_unreachable_host_is_named(sim: Any, cluster: Cluster, tmp_path: Path) -> None:
    # Loopback port 1: nothing listens there, so the connection is refused at once.
    cfg = _config(sim, tmp_path, HostName="127.0.0.1")
    Path(cfg).write_text(Path(cfg).read_text().replace("    User root", "    User root\n"
                                                       "    Port 1"))
    node = connect(cluster.standby.name, cfg)
    with pytest.raises(HostUnreachable, match=f"{cluster.standby.name}: unreachable"):
        node.run("true")


def test_a_real_cluster_needs_typed_consent(sim: Any, cluster: Cluster, tmp_path: Path) -> None:
    inv = tmp_path / "inv.yaml"
    inv.write_text(f"cluster: prod\nprimary: {cluster.primary.name}\n"
                   f"standby: {cluster.standby.name}\nssh_config: {sim.ssh_config_path}\n")
    real = load_inventory(inv)
    with pytest.raises(ConsentRequired, match="--allow-destructive=prod"):
        session.require_consent(real, None)
    with pytest.raises(ConsentRequired, match="does not name this cluster"):
        session.require_consent(real, "hamnsim")
    session.require_consent(real, "prod")
    session.require_consent(cluster, None)  # the sim needs none
