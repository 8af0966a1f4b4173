"""Bad input that only a DB2 cluster can refuse: a one-line error naming the value, and
nothing changed (the pair stays Primary/Standby in Peer, roles as they were).

Other bad-input cases are covered where their code is: tests/unit/test_inventory.py,
tests/unit/test_channel.py, tests/sim/test_bad_input.py, tests/sim/test_reaching_hosts.py;
docs/bad-input.md lists them all.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hamn.db2 import clp, hadr
from hamn.errors import HamnError, UsageError
from hamn.inventory import Cluster

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.sim, pytest.mark.db2]


@pytest.fixture
def in_peer(cluster: Cluster) -> Cluster:
    if cluster.settings.db != "db2":
        pytest.skip(f"needs a DB2 cluster; {cluster.name} runs {cluster.settings.db}")
    from hamn import operating
    operating.ensure(cluster)
    return cluster


def one_line(err: BaseException) -> str:
    text = str(err)
    assert "\n" not in text and "Traceback" not in text, text
    return text


def unchanged(cluster: Cluster) -> None:
    p, s = hadr.pair_in_peer(cluster)
    assert (p.role.value, s.role.value) == ("PRIMARY", "STANDBY")


def test_a_wrong_database_name_is_named(in_peer: Cluster) -> None:
    settings = replace(in_peer.settings, db_name="XCATDBX")
    with pytest.raises(clp.DatabaseNotFound) as got:
        hadr.setup_hadr(replace(in_peer, settings=settings))
    assert "database 'XCATDBX' is not catalogued" in one_line(got.value)
    unchanged(in_peer)


def test_a_password_db2_rejects_is_named_and_masked(in_peer: Cluster,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMN_TEST_WRONG_PW", "wrong-marker-pw-1234")
    settings = replace(in_peer.settings, password_env="HAMN_TEST_WRONG_PW")
    with pytest.raises(clp.PasswordRejected) as got:
        hadr.takeover(in_peer.standby, settings)
    text = one_line(got.value)
    assert "refused the instance user's credentials (SQL30082N" in text
    assert "wrong-marker-pw-1234" not in text
    unchanged(in_peer)


def test_a_wrong_instance_user_is_named(in_peer: Cluster) -> None:
    settings = replace(in_peer.settings, instance="db2inst9")
    with pytest.raises(UsageError) as got:
        hadr.setup_hadr(replace(in_peer, settings=settings))
    assert "db2inst9" in one_line(got.value)
    unchanged(in_peer)


def test_hosts_given_standby_first_are_refused(sim: Any, in_peer: Cluster) -> None:
    from hamn.db2 import sync_test
    sync_test.start_xcatd(in_peer.primary)  # the active MN runs xcatd (section 4)
    p, s = in_peer.primary.name, in_peer.standby.name
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "features/standby_prerequisites.feature", "-q",
         f"--hosts={s},{p}", f"--preset={sim.preset.name}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout[-1500:]
    assert f"hosts are in the wrong order: {p} runs xcatd" in done.stdout + done.stderr
    assert f"--hosts={p},{s}" in done.stdout + done.stderr
    unchanged(in_peer)


def test_an_unknown_verification_is_refused_by_name(in_peer: Cluster) -> None:
    from hamn import faults
    with pytest.raises(HamnError, match="no verification 'the moon check'; known: "):
        faults.failing_check(in_peer, "the moon check")
