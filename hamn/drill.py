"""``hamn drill``: a disaster-recovery drill that ends in a report (issue 9).

Phases, in order; a phase that cannot run says why in the report:

1. pre-flight: every @readonly scenario (pytest-bdd, the same features and steps as
   ``pytest features/``, recorded by hamn.recorder) plus the replication gate of 5.1.8 (both
   MNs read by hamn.sampler: HADR peer and connected). Any failure stops the drill here,
   before anything changes: nothing is failed over.
2. load: node definitions written through xcatd on the primary at a steady rate (hamn.load).
3. fault: the simulated cluster's primary is killed or cut off (``--fault``); on real MNs
   the operator's typed consent is required and the primary is shut down by the failover's
   own step 2 (the planned shutdown of section 8).
4. failover: section 8 (hamn.failover, each step recorded with its commands), or
   features/failover.feature when ``--failover-via=feature``.
5. verify: xcatd answers on the primary's address, the acknowledged writes are all there,
   the state history breaks no invariant; plus any scenario tagged @verify.
6. failback (``--failback``): section 9, when hamn provides it.
The load stops and the sampler (HADR state of both MNs through the drill) stops at the end.

RTO: from the primary declared failed (the fault) to management restored: xcatd answering on
the primary's address and a compute node lease served after the fault (when DHCP is served).
RPO: acknowledged writes missing after failover; and the HADR log gap at the failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.markup import escape

from hamn import histories, load, report, secrets, session
from hamn.errors import HamnError, InventoryError
from hamn.inventory import Cluster, connect
from hamn.recorder import command_dict
from hamn.runner import RUN_LOG, Result, RunLog
from hamn.sampler import Sampler, read_member

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"
METHODS = ("db2", "postgres", "mysql", "sqlite")


@dataclass(frozen=True)
class DrillOptions:
    hosts: str | None = None
    inventory: str | None = None
    ssh_config: str | None = None
    preset: str | None = None
    report_dir: Path = Path("reports")
    method: str | None = None
    fault: str = "kill"  # kill | partition (simulated cluster)
    failback: bool = False
    allow_destructive: str | None = None
    failover_via: str = "library"  # library | feature
    load_rate: float = 2.0
    warmup: float = 4.0  # seconds of load before the fault
    rto_target: float = 600.0
    lease_wait: float = 60.0
    sample_interval: float = 1.0
    features: Path = FEATURES
    exclude: tuple[str, ...] = ()  # pre-flight scenarios left out (pytest -k words), reported
    quiet: bool = False
    # Progress to this file instead of stderr: a multi-site drill (hamn.multidrill) runs each
    # site in a pytest-xdist worker, whose stderr nobody sees; the parent shows the file.
    progress_log: str | None = None


@dataclass
class Phase:
    name: str
    status: str = "not run"  # passed | failed | not run | skipped
    why: str = ""
    start: float | None = None
    end: float | None = None
    scenarios: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "outcome": self.status, "why": self.why,
                "start": self.start, "end": self.end, "scenarios": self.scenarios}


@dataclass
class DrillResult:
    verdict: str
    report_dir: Path
    report: dict[str, Any]


# @readonly scenarios the pre-flight leaves out, each with the reason.
PREFLIGHT_DESELECT: dict[str, str] = {
    "failover.feature::test_the_failover_plan_lists_every_command_and_changes_nothing":
        "hamn.failover.run(plan=True) runs on nodes that are not in plan mode, so the "
        "TAKEOVER it plans is executed (seen on the sim: SQL1770N); not safe before a drill",
}

PHASES = ("pre-flight", "load", "fault", "failover", "verify", "failback")


class Progress:
    """Live progress on stderr (rich): phase, step, elapsed."""

    def __init__(self, quiet: bool, log: str | None = None) -> None:
        from rich.console import Console
        if log:
            self.console = Console(file=open(log, "a", buffering=1),  # noqa: SIM115
                                   quiet=quiet, highlight=False, soft_wrap=True)
        else:
            self.console = Console(stderr=True, quiet=quiet, highlight=False)
        self.t0 = time.monotonic()

    def say(self, text: str) -> None:
        self.console.print(f"[dim]{time.monotonic() - self.t0:7.1f}s[/dim] {text}")

    def phase(self, name: str) -> None:
        self.say(f"[bold]== {name}[/bold]")

    def command(self, r: Result) -> None:
        """What a long library step is doing now (each command as it returns)."""
        from rich.markup import escape
        self.say(f"[dim]      {escape(r.host)}: {escape(secrets.mask(r.display)[:90])} -> "
                 f"exit {r.exit_status} ({r.duration:.1f}s)[/dim]")

    def step(self, outcome: str, text: str, duration: float) -> None:
        from rich.markup import escape
        colour = {"passed": "green", "failed": "red"}.get(outcome, "yellow")
        self.say(f"   [{colour}]{outcome:<7}[/{colour}] {escape(text)} ({duration:.1f}s)")


# --------------------------------------------------------------------------- pytest sessions


def target_args(opts: DrillOptions) -> list[str]:
    args = []
    for flag, value in (("--hosts", opts.hosts), ("--inventory", opts.inventory),
                        ("--ssh-config", opts.ssh_config), ("--preset", opts.preset)):
        if value:
            args.append(f"{flag}={value}")
    return args


def run_features(opts: DrillOptions, name: str, paths: list[Path], marker: str | None,
                 work: Path, progress: Progress, extra: list[str] | None = None
                 ) -> dict[str, Any]:
    """One pytest-bdd session (a subprocess: its own plugins, channels and run log)."""
    record = work / f"{name}.record.json"
    argv = [sys.executable, "-m", "pytest", *map(str, paths), "-p", "hamn.recorder",
            f"--hamn-record={record}", f"--junitxml={work / f'{name}.junit.xml'}",
            f"--cucumberjson={work / f'{name}.cucumber.json'}", "-q", "--no-header",
            "-o", "junit_suite_name=" + name, "--rootdir", str(ROOT), *target_args(opts),
            *(extra or [])]
    if marker:
        argv += ["-m", marker]
    live = record.with_name(record.name + ".live")
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.stdout or []), daemon=True)
    reader.start()
    seen = 0
    while True:
        done = proc.poll() is not None
        if live.exists():
            lines = live.read_text().splitlines()
            for line in lines[seen:]:
                ev = json.loads(line)
                progress.step(ev["outcome"], f"[{ev['section']}] {ev['scenario']}: {ev['step']}",
                              ev["duration"])
            seen = len(lines)
        if done:
            break
        time.sleep(0.3)
    reader.join(timeout=10)
    data: dict[str, Any] = {"exit_status": proc.returncode, "scenarios": []}
    if record.exists():
        data = json.loads(record.read_text())
    data["output_tail"] = secrets.mask("".join(out))[-3000:]
    return data


# --------------------------------------------------------------------------- drill-native steps


def native_step(name: str, section: str, action: Callable[[], str]) -> dict[str, Any]:
    """A drill step that is not a scenario step (the gate, the fault, RTO/RPO probes)."""
    cmds: list[dict[str, Any]] = []

    def listen(r: Result) -> None:
        cmds.append(command_dict(r))

    RUN_LOG.listeners.append(listen)
    started, t0 = time.time(), time.monotonic()
    outcome, note = "passed", ""
    try:
        note = action()
    except (HamnError, AssertionError) as err:
        outcome, note = "failed", f"{type(err).__name__}: {str(err).splitlines()[0]}"
    finally:
        RUN_LOG.listeners.remove(listen)
    return {"keyword": "Then", "name": name, "section": section, "outcome": outcome,
            "started": round(started, 3), "duration": round(time.monotonic() - t0, 3),
            "error": secrets.mask(note) if outcome == "failed" else "",
            "note": secrets.mask(note) if outcome == "passed" else "", "commands": cmds}


def native_scenario(name: str, section: str, steps: list[dict[str, Any]],
                    feature: str = "drill") -> dict[str, Any]:
    failed = [s for s in steps if s["outcome"] == "failed"]
    return {"nodeid": f"drill::{name}", "feature": feature, "feature_file": "(hamn drill)",
            "scenario": name, "section": section, "tags": ["drill"],
            "outcome": "failed" if failed else "passed",
            "started": steps[0]["started"] if steps else time.time(),
            "duration": round(sum(s["duration"] for s in steps), 3),
            "error": failed[0]["error"] if failed else "", "steps": steps,
            "setup_commands": []}


def replication_gate(cluster: Cluster) -> str:
    """Both MNs answer; DB2: the primary PRIMARY and the standby STANDBY, in peer, connected."""
    s = cluster.settings
    notes, problems = [], []
    for m in cluster.mns:
        sample = read_member(m.node, m.role, s)
        if not sample.reachable:
            problems.append(f"the {m.role} {m.name} does not answer: {sample.note}")
        elif s.db == "db2":
            want = m.role.upper()
            if sample.hadr_role != want or sample.hadr_state != histories.PEER or \
                    sample.connect_status != "CONNECTED":
                problems.append(
                    f"the {m.role} {m.name} is {sample.label}"
                    f"{', ' + sample.connect_status if sample.connect_status else ''}"
                    f"{' (' + sample.note + ')' if sample.note else ''}, not {want} PEER "
                    "CONNECTED")
        notes.append(f"{m.name}: {sample.label}")
    if problems:
        raise AssertionError("; ".join(problems) + ": HADR must be in peer, connected, "
                             "before a drill (runbook 5.1.8)")
    return "; ".join(notes)


# --------------------------------------------------------------------------- the probes


@dataclass
class RtoProbe:
    """From the fault on: when xcatd answers on the primary's address; when a lease is served."""

    cluster: Cluster
    since: float
    xcatd_at: float | None = None
    lease_at: float | None = None
    lease_seen: str = ""

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self.log = RunLog()
        self._thread = threading.Thread(target=self._loop, name="hamn-rto", daemon=True)

    def start(self) -> RtoProbe:
        self._thread.start()
        return self

    def _loop(self) -> None:
        node = connect(self.cluster.primary.name, self.cluster.ssh_config, log=self.log)
        while not self._stop.is_set() and (self.xcatd_at is None or self.lease_at is None):
            try:
                if self.xcatd_at is None and node.run("lsxcatd", "-a", timeout=15).succeeded:
                    self.xcatd_at = time.time()
                if self.xcatd_at is not None and self.lease_at is None:
                    leases = node.run("cat", "/var/lib/dhcp/dhcpd.leases", timeout=15)
                    if leases.succeeded:
                        got = report.leases_since(leases.stdout, self.since)
                        if got:
                            self.lease_at, self.lease_seen = time.time(), got[0]
            except HamnError:
                node.close()
            self.log.results.clear()
            self._stop.wait(1.0)
        node.close()

    def wait(self, timeout: float) -> None:
        self._thread.join(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _sim_for(cluster: Cluster) -> Any:
    from simulators.cluster import running_clusters
    for sim in running_clusters():
        if sim.name == cluster.name:
            return sim
    raise HamnError(f"simulated cluster {cluster.name} is not running")


def inject_fault(cluster: Cluster, simulated: bool, how: str) -> str:
    p = cluster.primary
    if not simulated:
        return (f"primary {p.name} declared failed; the failover shuts it down (planned "
                "shutdown, runbook 8 step 2)")
    sim = _sim_for(cluster)
    if how == "partition":
        sim.cut_off(p.name)
        shown = f"(simulated network partition) cut {p.name} off from every node"
    else:
        sim.kill(p.name)
        shown = f"(simulated power loss) docker kill {sim.node(p.name).container_name}"
    RUN_LOG.record(Result(p.name, shown, 0, "", "", 0.0))
    return shown


# --------------------------------------------------------------------------- the drill


def _cluster(opts: DrillOptions) -> Cluster:
    if opts.method and opts.method not in METHODS:
        raise InventoryError(f"unknown --method {opts.method}; one of {', '.join(METHODS)}")
    if opts.fault not in ("kill", "partition"):
        raise InventoryError(f"unknown --fault {opts.fault}; kill or partition")
    cluster = session.build(session.Target(hosts=opts.hosts, inventory=opts.inventory,
                                           ssh_config=opts.ssh_config, preset=opts.preset))
    if opts.method and opts.method != cluster.settings.db:
        if cluster.simulated:
            raise InventoryError(f"cluster {cluster.name} runs {cluster.settings.db}, not "
                                 f"{opts.method}: choose the preset with --preset")
        cluster.settings = replace(cluster.settings, db=opts.method)
    return cluster


def run(opts: DrillOptions) -> DrillResult:
    started = time.time()
    stamp = datetime.fromtimestamp(started).strftime("%Y%m%d-%H%M%S")
    out = Path(opts.report_dir) / f"drill-{stamp}"
    cluster = _cluster(opts)
    with contextlib.suppress(HamnError):
        cluster.settings.password()  # registers the secret so every text is masked
    session.preflight(cluster)  # both MNs answer, the primary given first
    simulated = session.is_simulated(cluster)
    session.require_consent(cluster, opts.allow_destructive)
    out.mkdir(parents=True, exist_ok=False)
    progress = Progress(opts.quiet, opts.progress_log)
    progress.say(f"drill of cluster {escape(cluster.name)} ({cluster.settings.db}, "
                 f"{'simulated' if simulated else 'real hosts'}): report in {out}")
    phases = {n: Phase(n) for n in PHASES}
    facts: dict[str, Any] = {"fault": None, "rto": None, "rpo": None, "notes": []}
    work = Path(tempfile.mkdtemp(prefix="hamn-drill-"))
    sampler = Sampler(cluster, opts.sample_interval).start()
    loader: load.Load | None = None
    probe: RtoProbe | None = None
    sessions: list[str] = []
    try:
        # 1. pre-flight
        ph = phases["pre-flight"]
        progress.phase("pre-flight: @readonly scenarios and the replication gate")
        ph.start = time.time()
        skip = [f"--deselect={os.path.relpath(opts.features, ROOT)}/{k}"
                for k in PREFLIGHT_DESELECT if (opts.features / k.split("::")[0]).exists()]
        facts["notes"] += [f"pre-flight leaves out {k}: {why}"
                           for k, why in PREFLIGHT_DESELECT.items()]
        if opts.exclude:
            skip += ["-k", " and ".join(f"not {word}" for word in opts.exclude)]
            facts["notes"] += [f"pre-flight leaves out scenarios matching {word!r} "
                               "(--exclude-scenario)" for word in opts.exclude]
        data = run_features(opts, "preflight", [opts.features], "readonly", work, progress,
                            skip)
        sessions.append("preflight")
        gate = native_step("the pair is in peer and connected", "5.1.8",
                           lambda: replication_gate(cluster))
        progress.step(gate["outcome"], "[5.1.8] replication gate: " +
                      (gate["error"] or gate["note"]), gate["duration"])
        ph.scenarios = data["scenarios"] + [native_scenario("Replication is healthy",
                                                            "5.1.8", [gate])]
        ph.end = time.time()
        bad = [sc for sc in ph.scenarios if sc["outcome"] not in ("passed", "skipped")]
        if data["exit_status"] not in (0, 5) and not bad:
            ph.why = "the pytest session failed: " + data["output_tail"][-300:]
        if bad or ph.why:
            ph.status = "failed"
            ph.why = ph.why or "; ".join(
                f"{sc['scenario']} (section {sc['section'] or '?'}): "
                f"{sc['error'] or sc['outcome']}" for sc in bad)
            for name in PHASES[1:]:
                phases[name].why = "pre-flight failed: nothing was failed over"
            raise _Stop
        ph.status = "passed"
        extra = tables(cluster)
        facts["notes"] += extra.pop("notes", [])
        facts.update(extra)

        # 2. load
        ph = phases["load"]
        progress.phase(f"load: mkdef through xcatd at {opts.load_rate}/s")
        ph.start = time.time()
        loader = load.Load(cluster, rate=opts.load_rate).start()
        time.sleep(opts.warmup)

        # 3. fault
        fault = phases["fault"]
        progress.phase(f"fault: {opts.fault if simulated else 'planned shutdown'} of the "
                       f"primary {cluster.primary.name}")
        fault.start = time.time()
        step = native_step(f"the primary fails ({opts.fault})", "8",
                           lambda: inject_fault(cluster, simulated, opts.fault))
        fault.end = time.time()
        facts["fault"] = {"at": step["started"], "how": opts.fault if simulated else "planned",
                          "primary": cluster.primary.name}
        fault.scenarios = [native_scenario("The primary management node fails", "8", [step])]
        fault.status = step["outcome"]
        progress.step(step["outcome"], step["note"] or step["error"], step["duration"])
        if fault.status != "passed":
            fault.why = step["error"]
            raise _Stop
        probe = RtoProbe(cluster, step["started"]).start()

        # 4. failover
        ph = phases["failover"]
        progress.phase(f"failover: runbook section 8 via the {opts.failover_via}")
        ph.start = time.time()
        ph.scenarios, ph.why = failover_phase(cluster, opts, work, progress, sessions)
        ph.end = time.time()
        ph.status = "failed" if ph.why or any(sc["outcome"] == "failed"
                                              for sc in ph.scenarios) else "passed"
        if ph.status == "failed":
            raise _Stop

        # 5. verify
        ph = phases["verify"]
        progress.phase("verify: management restored, writes kept")
        ph.start = time.time()
        probe.wait(opts.lease_wait)
        probe.stop()
        loader.stop()
        phases["load"].end = time.time()
        phases["load"].status = "passed" if loader.acknowledged else "failed"
        if not loader.acknowledged:
            phases["load"].why = "no write was acknowledged"
        facts["rto"] = rto_facts(probe, opts)
        steps = [native_step("xcatd answers on the primary's address", "8",
                             lambda: _assert(probe.xcatd_at is not None,
                                             "xcatd did not answer on the primary's address",
                                             f"after {facts['rto']['xcatd']:.1f}s"
                                             if facts["rto"]["xcatd"] else ""))]
        rpo_box: dict[str, Any] = {}
        steps.append(native_step("every acknowledged write is there", "5.1.9",
                                 lambda: rpo_check(cluster, loader, rpo_box)))
        facts["rpo"] = rpo_box or None
        ph.scenarios = [native_scenario("Management is restored on the primary's address",
                                        "8", steps)]
        if list(opts.features.glob("*.feature")):
            vdata = run_features(opts, "verify", [opts.features], "verify", work, progress)
            if vdata["scenarios"]:
                sessions.append("verify")
                ph.scenarios += vdata["scenarios"]
        ph.end = time.time()
        ph.status = "failed" if any(sc["outcome"] == "failed" for sc in ph.scenarios) \
            else "passed"

        # 6. failback
        fb = phases["failback"]
        if not opts.failback:
            fb.why = "not asked for (--failback)"
        else:
            fb.why = failback_phase(cluster, fb, progress)
    except _Stop:
        pass
    except HamnError as err:
        current = next((p for p in reversed(phases.values())
                        if p.start and not p.end and p.name != "load"), None)
        if current is not None:
            current.status, current.end = "failed", time.time()
            current.why = secrets.mask(str(err).splitlines()[0])
        facts["notes"].append(secrets.mask(f"stopped: {err}"))
    finally:
        if probe is not None:
            probe.stop()
        if loader is not None:
            loader.stop()
            if phases["load"].end is None:
                phases["load"].end = time.time()
                phases["load"].status = "passed" if loader.acknowledged else "failed"
            facts["load"] = loader.summary()
        history = sampler.stop()
        cluster.close()
    for p in phases.values():
        if p.status == "not run" and not p.why:
            p.why = "an earlier phase failed"
    if facts["rto"] is None and probe is not None:
        facts["rto"] = rto_facts(probe, opts)
    data_out = report.assemble(
        cluster=cluster, simulated=simulated, options=opts, started=started,
        phases=[p.as_dict() for p in phases.values()], facts=facts, history=history,
        features=opts.features)
    report.write(out, data_out, work, sessions)
    progress.say(f"verdict: [bold]{data_out['verdict']}[/bold]"
                 + (f" (RTO {data_out['rto']['seconds']:.1f}s)"
                    if data_out.get("rto") and data_out["rto"].get("seconds") else ""))
    return DrillResult(data_out["verdict"], out, data_out)


def tables(cluster: Cluster) -> dict[str, Any]:
    """The drift (section 6) and parity (7.1) tables, read only; absent when not available."""
    out: dict[str, Any] = {}
    try:
        from hamn import filesync
        rep = filesync.drift(cluster)
        out["drift"] = [{"section": d.section, "kind": str(d.kind), "path": d.path,
                         "changes": ", ".join(d.changes)} for d in rep.findings] or \
            [{"section": "6", "kind": "none", "path": f"{rep.files} files compared",
              "changes": ""}]
    except (ImportError, AttributeError, HamnError) as err:
        out.setdefault("notes", []).append(secrets.mask(f"drift table: {err}"))
    try:
        from hamn import parity
        table = parity.compare(parity.facts(cluster.primary, cluster.settings),
                               parity.facts(cluster.standby, cluster.settings))
        out["parity"] = [{"item": r.item, "primary": r.primary, "standby": r.standby,
                          "same": "yes" if r.same else "NO"} for r in table.rows]
    except (ImportError, AttributeError, HamnError) as err:
        out.setdefault("notes", []).append(secrets.mask(f"parity table: {err}"))
    return out


class _Stop(Exception):
    """A phase failed: later phases do not run."""


def _assert(ok: bool, message: str, note: str = "") -> str:
    if not ok:
        raise AssertionError(message)
    return note


def rto_facts(probe: RtoProbe, opts: DrillOptions) -> dict[str, Any]:
    xc = probe.xcatd_at - probe.since if probe.xcatd_at else None
    lease = probe.lease_at - probe.since if probe.lease_at else None
    seconds = max(x for x in (xc, lease) if x is not None) if xc is not None else None
    return {"declared_failed": probe.since, "xcatd": xc, "lease": lease,
            "lease_seen": probe.lease_seen, "seconds": seconds, "target": opts.rto_target,
            "complete": xc is not None and lease is not None,
            "note": "" if lease is not None else
            "xcatd never answered on the primary's address" if xc is None else
            f"no compute node lease seen within {opts.lease_wait:.0f}s after xcatd answered: "
            "RTO counts xcatd only"}


def rpo_check(cluster: Cluster, loader: load.Load, box: dict[str, Any]) -> str:
    node = connect(cluster.primary.name, cluster.ssh_config)
    try:
        found = load.present(node, loader.prefix)
        acked = loader.acknowledged
        lost = load.missing(acked, found)
        box.update({"acknowledged": len(acked), "missing": len(lost),
                    "missing_names": [w.name for w in lost][:100],
                    "sync_mode": cluster.settings.sync_mode})
        load.cleanup(node, loader.prefix)
    finally:
        node.close()
    if lost:
        raise AssertionError(f"{len(lost)} of {len(acked)} acknowledged writes are missing "
                             f"after failover (first: {lost[0].name})")
    return f"{len(acked)} acknowledged writes, all present"


def failover_phase(cluster: Cluster, opts: DrillOptions, work: Path, progress: Progress,
                   sessions: list[str]) -> tuple[list[dict[str, Any]], str]:
    """Section 8 through the library (hamn.failover), or its feature file when asked."""
    if opts.failover_via == "feature":
        path = opts.features / "failover.feature"
        if not path.exists():
            return [], "features/failover.feature does not exist yet"
        data = run_features(opts, "failover", [path], None, work, progress,
                            ["--allow-destructive", opts.allow_destructive or cluster.name])
        sessions.append("failover")
        return data["scenarios"], "" if data["exit_status"] == 0 else \
            "the failover feature failed"
    try:
        from hamn import failover
    except ImportError:
        return [], "hamn.failover is not available"
    journal = failover.Journal.load(cluster, plan=False)
    if journal.data:  # the pre-flight found the pair healthy: a journal is a past drill's
        journal.clear()
    runs: list[Any] = []
    original = failover.Failover.__post_init__

    def keep(self: Any) -> None:  # the run's records survive an exception
        original(self)
        runs.append(self)

    def call() -> Any:
        failover.Failover.__post_init__ = keep  # type: ignore[method-assign]
        try:
            return failover.run(cluster)
        except HamnError as err:
            if runs and not hasattr(err, "records"):
                err.records = runs[-1].records  # type: ignore[attr-defined]
            raise
        finally:
            failover.Failover.__post_init__ = original  # type: ignore[method-assign]

    return records_phase(call, "Fail over to the standby management "
                         "node", "8", "failover (hamn.failover)", progress)


def records_phase(call: Callable[[], Any], title: str, section: str, feature: str,
                  progress: Progress) -> tuple[list[dict[str, Any]], str]:
    """Run a library procedure whose result has StepRecords (hamn.failover, hamn.failback);
    each record becomes a step with the commands run in its time window."""
    cmds: list[tuple[float, dict[str, Any]]] = []

    def listen(r: Result) -> None:
        now = time.time()
        cmds.append((now, command_dict(r, now)))
        progress.command(r)

    RUN_LOG.listeners.append(listen)
    why = ""
    result: Any = None
    try:
        result = call()
    except HamnError as err:
        why = secrets.mask(f"{type(err).__name__}: {str(err).splitlines()[0]}")
        result = err  # a procedure may attach the records done before it failed
    finally:
        RUN_LOG.listeners.remove(listen)
    records = list(getattr(result, "records", []) or [])
    steps: list[dict[str, Any]] = []
    for rec in records:
        window = [c for t, c in cmds if rec.started <= t <= rec.started + rec.duration + 0.5]
        steps.append({"keyword": "When", "name": rec.name, "section": rec.section,
                      "outcome": "skipped" if rec.skipped else "passed",
                      "started": round(rec.started, 3), "duration": round(rec.duration, 3),
                      "error": "", "note": secrets.mask(rec.note), "commands": window})
        progress.step(steps[-1]["outcome"], f"[{rec.section}] {rec.name}: {rec.note}",
                      rec.duration)
    if why:
        first = cmds[0][0] if cmds else time.time()
        last = float(steps[-1]["started"]) + float(steps[-1]["duration"]) if steps else first
        named = re.search(r"step ([\w-]+) \(runbook ([\d.]+)\)", why)
        steps.append({"keyword": "When", "name": named.group(1) if named else "the next step",
                      "section": named.group(2) if named else section,
                      "outcome": "failed", "started": round(last, 3),
                      "duration": round(time.time() - last, 3), "error": why, "note": "",
                      "commands": [c for t, c in cmds if t >= last]})
        progress.step("failed", why, 0.0)
    return [native_scenario(title, section, steps, feature=feature)], why


def failback_phase(cluster: Cluster, phase: Phase, progress: Progress) -> str:
    try:
        from hamn import failback
    except ImportError:
        return "hamn.failback (section 9) is not available"
    phase.start = time.time()
    progress.phase("failback: runbook section 9")
    phase.scenarios, why = records_phase(lambda: failback.run(cluster), "Fail back", "9",
                                         "failback (hamn.failback)", progress)
    phase.end = time.time()
    phase.status = "failed" if why else "passed"
    return why
