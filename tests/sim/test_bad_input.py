"""Bad input at the command line: one clear line, a non-zero exit, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamn.inventory import Cluster

ROOT = Path(__file__).resolve().parents[2]
HAMN = [sys.executable, "-m", "hamn.cli"]


def run(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode not in (0, None)
    assert "Traceback" not in done.stderr + done.stdout
    text = done.stderr + done.stdout
    for fragment in fragments:
        assert fragment in text, text[-1500:]


def test_unknown_preset() -> None:
    one_line_error(run([*HAMN, "sim", "up", "--preset", "nosuch"]),
                   "unknown preset 'nosuch'", "aix-db2")


def test_unknown_node(sim: Any) -> None:
    one_line_error(run([*HAMN, "sim", "shell", "--preset", sim.preset.name, "nosuchnode"]),
                   "no node 'nosuchnode'", sim.name)


def test_no_docker_engine() -> None:
    one_line_error(run([*HAMN, "sim", "status"], DOCKER_HOST="unix:///nonexistent.sock"),
                   "no Docker engine answers", "DOCKER_HOST")


def test_one_host_where_two_are_needed() -> None:
    done = run([sys.executable, "-m", "pytest", "features/standby_prerequisites.feature",
                "--hosts=aixmn1", "-q"])
    assert done.returncode == 2
    assert "two are needed: --hosts=PRIMARY,STANDBY" in done.stdout + done.stderr


@pytest.fixture
def scratch() -> Iterator[Path]:
    path = ROOT / "tests" / ".tmp"
    path.mkdir(exist_ok=True)
    yield path
    for f in path.iterdir():
        f.unlink()


def test_a_feature_naming_a_step_that_does_not_exist(scratch: Path, sim: Any) -> None:
    feature = scratch / "typo.feature"
    feature.write_text("Feature: typo\n  Scenario: a step nobody defined\n"
                       "    Then the standby levitates\n")
    done = run([sys.executable, "-m", "pytest", str(feature), "-q",
                f"--preset={sim.preset.name}"])
    assert done.returncode == 1
    assert 'Step definition is not found: Then "the standby levitates"' in done.stdout


def test_destructive_features_refuse_a_real_cluster_without_consent(
        scratch: Path, sim: Any, cluster: Cluster) -> None:
    inv = scratch / "inv.yaml"
    inv.write_text(f"cluster: prod\nprimary: {cluster.primary.name}\n"
                   f"standby: {cluster.standby.name}\nssh_config: {sim.ssh_config_path}\n")
    done = run([sys.executable, "-m", "pytest", "features/", "-q", f"--inventory={inv}"])
    assert done.returncode == 4, done.stdout[-1500:]
    assert "add --allow-destructive=prod" in done.stdout + done.stderr
    assert "-m readonly" in done.stdout + done.stderr
