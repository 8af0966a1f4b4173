"""Security: host keys are always checked, and the instance password never leaks.

- No code path in hamn turns host-key checking off (StrictHostKeyChecking=no,
  UserKnownHostsFile=/dev/null); the sim pins its own CA (simulators/cluster.py), and a
  changed key is an error naming the host (tests/sim/test_reaching_hosts.py).
- A marker password (the simulated cluster's instance password, given through
  HAMN_DB_PASSWORD) goes through a graceful TAKEOVER ... USER ... USING and back, and through
  a failing scenario that runs the same statement; it appears in no file written (junit,
  logs, reports, hamn's state), in nothing printed, and in no process command line on the
  controller or the MNs while they run.
- Synced credentials keep owners and modes: filesync.check_key_material
  (features/file_sync.feature "Key material stays private ...").
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from hamn.inventory import Cluster

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"StrictHostKeyChecking\s*=?\s*no|UserKnownHostsFile\s*=?\s*/dev/null",
                       re.IGNORECASE)
FAILING = """@db2
Feature: a scenario that fails after sending the password
  Scenario: the primary cannot take over from itself
    Given the management nodes are in their operating state
    When the primary takes over the HADR primary role
"""


def test_no_code_path_turns_host_key_checking_off() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
                 for top in ("hamn", "simulators", "steps", "scripts")
                 for p in sorted((ROOT / top).rglob("*")) if p.is_file()
                 and p.suffix in ("", ".py", ".sh", ".cfg", ".conf", ".txt")
                 for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
                 if FORBIDDEN.search(line)]
    assert not offenders, offenders


class CommandLines:
    """Every process command line on the controller and the MNs, sampled until stopped."""

    def __init__(self, sim: Any, hosts: list[str]) -> None:
        self.sim, self.hosts = sim, hosts
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
            self.seen.update(out.splitlines())
            for h in self.hosts:
                with contextlib.suppress(Exception):  # a node may be restarting
                    self.seen.update(self.sim.exec(h, "ps -eo args", check=False).splitlines())
            self._stop.wait(0.2)

    def __enter__(self) -> CommandLines:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def written_since(roots: list[Path], since: float, skip: set[Path]) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*")
            if p.is_file() and p.stat().st_mtime >= since and p not in skip]


@pytest.mark.sim
def test_the_password_appears_nowhere(sim: Any, cluster: Cluster, tmp_path: Path) -> None:
    if cluster.settings.db != "db2":
        pytest.skip("needs a DB2 cluster (TAKEOVER ... USER ... USING)")
    marker = sim.db_password()
    env = {**os.environ, "HAMN_DB_PASSWORD": marker}
    failing = ROOT / "tests" / ".tmp" / "failing_secret.feature"  # under the rootdir
    failing.parent.mkdir(exist_ok=True)
    failing.write_text(FAILING)
    since = time.time() - 1
    runs = [
        ["features/db2_hadr_admin.feature", "-k", "graceful"],
        [str(failing)],
    ]
    outputs = []
    with CommandLines(sim, [cluster.primary.name, cluster.standby.name]) as ps:
        for i, argv in enumerate(runs):
            done = subprocess.run(
                [sys.executable, "-m", "pytest", *argv, "-q", "-o", "log_level=DEBUG",
                 f"--preset={sim.preset.name}", f"--junitxml={tmp_path / f'junit{i}.xml'}",
                 f"--basetemp={tmp_path / f'base{i}'}"],
                cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
            outputs.append(done)
    failing.unlink()
    assert outputs[0].returncode == 0, outputs[0].stdout[-2000:]
    assert outputs[1].returncode == 1, outputs[1].stdout[-2000:]
    assert "USING ********" in outputs[1].stdout or "SQL1770N" in outputs[1].stdout
    for done in outputs:
        assert marker not in done.stdout + done.stderr
    leaks = [line for line in ps.seen if marker in line]
    assert not leaks, "password on a command line"
    state = Path(sim.state)
    own = {state / "secrets", state / "dbpassword"}  # where the sim keeps it, mode 0600
    files = written_since([tmp_path, ROOT / "reports", state.parent.parent], since, own)
    assert [p for p in files if p.suffix == ".xml"], "no junit written"
    leaked = [str(p) for p in files if marker.encode() in p.read_bytes()]
    assert not leaked, leaked
