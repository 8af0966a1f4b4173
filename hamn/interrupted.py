"""Section 8 interrupted (issue 10): ``hamn failover`` killed while at one step, re-run.

The failover runs as an operator runs it, ``hamn failover`` in its own process; when its
progress output (stderr, ``hamn.failover.PROGRESS``) says step N's action began, the
process is killed with SIGKILL a moment later (:data:`KILL_DELAY`): no clean-up, no journal
write after that instant, commands already sent to a host carry on there. What the killed
run left is then read on the hosts themselves (through the simulated cluster's control
channel, which reaches a node whatever its identity): how many DB2 takeovers the standby's
instance logged and which hostname the standby machine carries. The re-run is ``hamn
failover`` again; it must complete, skip every step the killed run finished (its journal,
``$HAMN_HOME/failover/<cluster>.json``) or whose effect is already there, and never take
over a second time or move the identity twice.

Injecting the kill needs the simulated cluster: as every fault, it is never done to real
MNs.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from hamn import failover_prep, services
from hamn.errors import PreconditionFailed, UsageError, VerificationFailed
from hamn.failover import Failover
from hamn.inventory import Cluster

# Section 8's steps, in order, as hamn.failover names them.
STEPS: tuple[tuple[str, str], ...] = (
    ("8.1", "database-failover"), ("8.2", "old-primary-down"), ("8.3", "stop-standby-db"),
    ("8.4", "identity"), ("8.5", "database-config"), ("8.6", "start-xcatd"),
    ("8.6", "network-services"), ("8.7", "os-deployment"),
    ("8.8", "management-operations"))

# After "doing": long enough for the step's first change to reach its host, short enough
# to land inside the step (its shortest action, the TAKEOVER, takes under a second).
KILL_DELAY = 0.3
# Steps whose change comes after a check: 8.4 first makes sure the primary's address is
# silent (a silent ping costs a second), then sends the identity change, which starts a
# second later: killed at 1.6 s, the change is on its way and the run has not seen it.
KILL_DELAYS = {"identity": 1.6}
# After the kill: a command already on a host finishes (the identity change starts 1 s
# after it was sent, hamn.identity.swap); then the state the killed run left is read.
SETTLE = 4.0
# The DB2 simulator's db2diag.log line for a standby that became primary (one TAKEOVER).
TOOK_OVER = "now HADR primary"


@dataclass(frozen=True)
class StepLine:
    """One line of ``hamn failover``'s summary: a step run or skipped as already done."""

    section: str
    name: str
    skipped: bool
    note: str


@dataclass(frozen=True)
class Rerun:
    exit_status: int
    lines: tuple[StepLine, ...]
    stdout: str
    stderr: str
    duration: float

    def skipped(self) -> list[str]:
        return [ln.name for ln in self.lines if ln.skipped]


@dataclass
class Interruption:
    """A failover killed while at STEP, what it left, and the re-run (once it ran)."""

    cluster: Cluster
    step: str
    progress: list[str] = field(default_factory=list)  # the killed run's progress lines
    done_at_kill: tuple[str, ...] = ()  # the journal's finished steps when it was killed
    takeovers_at_kill: int = 0  # TAKEOVERs the standby's instance logged, settled
    hostname_at_kill: str = ""  # the standby machine's hostname, settled
    primary_hostname: str = ""
    killed_after: float = 0.0  # seconds from start to the kill
    rerun: Rerun | None = None


def section_of(step: str) -> str:
    for section, name in STEPS:
        if name == step:
            return section
    raise UsageError(f"no failover step {step!r}; steps: {', '.join(n for _, n in STEPS)}")


def _sim(cluster: Cluster) -> Any:
    sim = failover_prep.sim_of(cluster)
    if sim is None:
        raise PreconditionFailed(f"{cluster.name} is not a simulated cluster: a failover is "
                                 "killed on purpose only there")
    return sim


def failover_argv(cluster: Cluster) -> list[str]:
    """``hamn failover`` for CLUSTER (the simulated cluster's preset), as an operator types
    it, run by this interpreter (the same venv)."""
    return [sys.executable, "-m", "hamn.cli", "failover", "--preset", _sim(cluster).preset.name]


def _journal(cluster: Cluster) -> dict[str, Any]:
    path = failover_prep.journal_path(cluster)
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data


def _lines(stream: Any, into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def kill_at(cluster: Cluster, step: str, timeout: float = 600.0) -> Interruption:
    """Run ``hamn failover``; SIGKILL it KILL_DELAY(S) after STEP's action began (its progress
    line "doing"); read what it left. VerificationFailed when the run ended first or
    finished STEP before the kill landed (the kill was then not at STEP)."""
    section = section_of(step)
    intr = Interruption(cluster, step)
    for m in cluster.members():  # the failover moves identities: no channel outlives it
        m.node.close()
        services.forget(m.node)
    t0 = time.monotonic()
    # stdout holds only the summary printed at the end, which a killed run never reaches
    proc = subprocess.Popen(failover_argv(cluster), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(proc.stderr, lines), daemon=True)
    reader.start()
    try:
        while True:
            try:
                line = lines.get(timeout=max(timeout - (time.monotonic() - t0), 0.1))
            except queue.Empty:
                raise VerificationFailed(f"failover step {step} ({section})", "begun within "
                                         f"{timeout:g}s", "not begun") from None
            if line is None:
                proc.wait()
                raise VerificationFailed(f"failover killed at step {step} ({section})",
                                         "the run reaching that step's action",
                                         f"the run ended (exit {proc.returncode}) first: "
                                         + " | ".join(intr.progress[-3:]))
            intr.progress.append(line)
            words = line.split(None, 2)
            if len(words) == 3 and words[1] == step and words[2] == "doing":
                break
        time.sleep(KILL_DELAYS.get(step, KILL_DELAY))
        proc.kill()  # SIGKILL
        intr.killed_after = time.monotonic() - t0
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=5)
    journal = _journal(cluster)
    intr.done_at_kill = tuple(journal.get("done", []))
    intr.primary_hostname = str(journal.get("primary", {}).get("hostname", ""))
    if step in intr.done_at_kill:
        raise VerificationFailed(f"failover killed at step {step} ({section})",
                                 f"killed before {step} was finished", "it was finished "
                                 f"{KILL_DELAYS.get(step, KILL_DELAY):g}s after it began")
    time.sleep(SETTLE)
    intr.takeovers_at_kill, intr.hostname_at_kill = standby_state(cluster)
    return intr


def standby_state(cluster: Cluster) -> tuple[int, str]:
    """On the standby machine, through the sim's control channel (whatever name and address
    it has now): the TAKEOVERs its DB2 instance logged, and its hostname."""
    sim = _sim(cluster)
    s = cluster.settings
    name = cluster.standby.name
    diag = sim.exec(name, f"su - {s.instance} -c 'cat $HOME/sqllib/db2dump/db2diag.log'",
                    check=False)
    host = sim.exec(name, "hostname").strip().split(".")[0]
    return diag.count(TOOK_OVER), host


def parse_summary(text: str) -> tuple[StepLine, ...]:
    """``hamn failover``'s summary lines: ``SECTION NAME (skipped (already done)|Ns) NOTE``."""
    names = {n for _, n in STEPS}
    out = []
    for line in text.splitlines():
        words = line.split(None, 2)
        if len(words) < 3 or words[1] not in names:
            continue
        rest = words[2]
        skipped = rest.startswith("skipped (already done)")
        note = rest.removeprefix("skipped (already done)") if skipped else \
            rest.split(None, 1)[1] if " " in rest else ""
        out.append(StepLine(words[0], words[1], skipped, note.strip()))
    return tuple(out)


def run_again(intr: Interruption, timeout: float = 900.0) -> Failover:
    """Re-run ``hamn failover`` after the kill; the result on INTR, the completed failover
    (read from its journal, as hamn.failover_checks needs it) returned."""
    cluster = intr.cluster
    t0 = time.monotonic()
    res = subprocess.run(failover_argv(cluster), capture_output=True, text=True,
                         timeout=timeout, env=os.environ.copy())
    intr.rerun = Rerun(res.returncode, parse_summary(res.stdout), res.stdout, res.stderr,
                       time.monotonic() - t0)
    if res.returncode != 0:
        tail = (res.stderr.strip() or res.stdout.strip()).splitlines()[-2:]
        raise VerificationFailed("the failover re-run after the kill", "exit 0",
                                 f"exit {res.returncode}: {' | '.join(tail)}")
    for m in cluster.members():
        m.node.close()
        services.forget(m.node)
    fo = Failover(cluster)
    if not fo.journal.data.get("completed"):
        raise VerificationFailed("the failover re-run", "its journal marked completed",
                                 "not completed")
    return fo


def _rerun(intr: Interruption) -> Rerun:
    if intr.rerun is None:
        raise UsageError("the failover was not re-run yet: re-run it first")
    return intr.rerun


def figures(intr: Interruption) -> dict[str, object]:
    """What the run measured, for the junit report (benchmarks/reliability.py): time to
    recover is the re-run's, from its start to the failover completed."""
    rerun = _rerun(intr)
    return {"time_to_recover_s": round(rerun.duration, 1),
            "killed_after_s": round(intr.killed_after, 1),
            "done_at_kill": ",".join(intr.done_at_kill) or "-",
            "took_over_before_rerun": intr.takeovers_at_kill,
            "identity_moved_before_rerun": intr.hostname_at_kill == intr.primary_hostname,
            "rerun_skipped": ",".join(rerun.skipped()) or "-"}


def check_resumed(intr: Interruption) -> list[str]:
    """The re-run went through every step in order and skipped, saying so, each step the
    killed run had finished. Returns the steps it skipped."""
    rerun = _rerun(intr)
    got = [ln.name for ln in rerun.lines]
    want = [n for _, n in STEPS]
    if got != want:
        raise VerificationFailed("the re-run's steps", ", ".join(want), ", ".join(got))
    redone = [n for n in intr.done_at_kill if n not in rerun.skipped()]
    if redone:
        raise VerificationFailed("steps the killed run had finished", "skipped by the "
                                 "re-run as already done", f"run again: {', '.join(redone)}")
    return rerun.skipped()


def check_nothing_twice(intr: Interruption) -> int:
    """No second TAKEOVER (one in all, logged by the standby's instance), and none by the
    re-run once the standby was primary; no second identity change once the standby
    machine carried the primary's hostname. Returns the TAKEOVERs counted."""
    rerun = _rerun(intr)
    skipped = rerun.skipped()
    takeovers, host = standby_state(intr.cluster)
    if takeovers != 1:
        raise VerificationFailed("DB2 TAKEOVERs on the standby (db2diag.log)", 1, takeovers,
                                 intr.cluster.standby.name)
    if intr.takeovers_at_kill and "database-failover" not in skipped:
        raise VerificationFailed("database-failover after the killed run took over",
                                 "skipped as already done", "run again")
    if intr.primary_hostname and intr.hostname_at_kill == intr.primary_hostname \
            and "identity" not in skipped:
        raise VerificationFailed("identity after the killed run moved it",
                                 "skipped as already done", "run again")
    if host != intr.primary_hostname:
        raise VerificationFailed("the standby machine's hostname", intr.primary_hostname, host,
                                 intr.cluster.standby.name)
    return takeovers
