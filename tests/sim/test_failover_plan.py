"""Plan mode against the simulated cluster: every command that reaches a node is read-only,
and the MNs' identity and services are the same afterwards (issue 8: dry-run honoured by
every action, not only by the CLI)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hamn import failover, identity, inventory, services
from hamn.errors import HamnError
from hamn.runner import RunLog
from tests.unit.test_failover_plan_offline import MUTATING

PRESET = "aix-db2-11.5"


@pytest.fixture(scope="module")
def cluster() -> Any:
    from simulators.cluster import running_clusters
    sims = [s for s in running_clusters() if s.preset.name == PRESET]
    if not sims:
        pytest.skip(f"simulated cluster {PRESET} is not running (`hamn sim up --preset {PRESET}`)")
    c = inventory.from_sim(sims[0], plan=True)
    try:
        for m in c.mns:
            m.node.check("true")
    except HamnError as err:
        pytest.skip(f"simulated cluster {PRESET} does not answer: {err}")
    yield c
    c.close()


def test_no_mutating_command_reaches_a_host(cluster: Any, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Any) -> None:
    monkeypatch.setenv("HAMN_HOME", str(tmp_path))
    reached: list[str] = []
    for m in cluster.members():
        real = m.node.channel.run

        def spy(script: str, *a: Any, _real: Any = real, _host: str = m.name,
                **kw: Any) -> Any:
            reached.append(f"{_host}: {script}")
            return _real(script, *a, **kw)

        monkeypatch.setattr(m.node.channel, "run", spy)
        m.node.log = RunLog()
    before = [identity.current(m.node, cluster.settings.interface) for m in cluster.mns]
    xcatd = services.status(cluster.primary.node, "xcatd").active
    failover.run(cluster, plan=True)
    bad = [s for s in reached if MUTATING.search(s) and not re.search(r"lssrc|status", s)]
    assert not bad, bad
    assert [identity.current(m.node, cluster.settings.interface) for m in cluster.mns] == before
    assert services.status(cluster.primary.node, "xcatd").active == xcatd
