"""Which failed-over simulated clusters a pytest session re-creates (hamn.failover_prep).

Parallel sessions share the machine (the four lanes of scripts/test.sh): a session must
never re-create a cluster another session is failing over, nor one it only might mean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hamn import failover_prep


@pytest.fixture
def journals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HAMN_HOME", str(tmp_path))
    (tmp_path / "failover").mkdir()
    return tmp_path / "failover"


def test_an_unfinished_failover_is_left_for_its_rerun(sim: Any, journals: Path) -> None:
    journal = journals / f"{sim.name}.json"
    journal.write_text(json.dumps({"done": ["database-failover"]}))
    assert failover_prep.restore_failed_over_sims(None, sim.preset.name) == []
    assert journal.exists()
    assert sim.running()


def test_a_completed_failover_of_a_cluster_not_created_is_only_forgotten(
        journals: Path) -> None:
    # aix-db2-11.5 is not created here (tests/ creates it only for the plan test, and downs
    # it): nothing to re-create, the stale journal goes.
    from simulators.cluster import Cluster as SimCluster
    spare = SimCluster("aix-db2-11.5")
    if spare.running():
        pytest.skip("aix-db2-11.5 is up: this test needs a preset that is not created")
    journal = journals / f"{spare.name}.json"
    journal.write_text(json.dumps({"completed": 1.0}))
    assert failover_prep.restore_failed_over_sims(None, "aix-db2-11.5") == []
    assert not spare.running()
    assert not journal.exists()
