"""A pytest plugin that records a pytest-bdd session step by step, for drill reports.

``pytest -p hamn.recorder --hamn-record=FILE features/...`` writes FILE (JSON) at the end of
the session: per scenario its feature, runbook section (the ``section`` marker from
@section-N tags), outcome and duration; per step its name, keyword, duration, outcome, error
and the commands run during it (hamn.runner.RUN_LOG: host, command, exit code, duration,
output), every text masked by hamn.secrets. FILE.live gets one JSON line per finished step
as it happens, so a caller can show progress.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from hamn import secrets
from hamn.coverage import most_specific
from hamn.runner import RUN_LOG, Result

OUTPUT_LIMIT = 4000  # characters of stdout/stderr kept per command (the tail)


def _tail(text: str) -> str:
    text = secrets.mask(text)
    return text if len(text) <= OUTPUT_LIMIT else "[...]\n" + text[-OUTPUT_LIMIT:]


def command_dict(r: Result, t: float | None = None) -> dict[str, Any]:
    return {"host": r.host, "command": r.display, "exit_code": r.exit_status,
            "duration": round(r.duration, 3), "stdout": _tail(r.stdout),
            "stderr": _tail(r.stderr), "planned": r.planned,
            "t": round(t if t is not None else time.time(), 3)}


class Recorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.live = path.with_name(path.name + ".live")
        self.scenarios: dict[str, dict[str, Any]] = {}
        self.step: dict[str, Any] | None = None
        self.current: dict[str, Any] | None = None
        self.loose: list[dict[str, Any]] = []  # commands outside any step (fixtures)
        RUN_LOG.listeners.append(self._on_command)

    # --- commands ---------------------------------------------------------------------------

    def _on_command(self, result: Result) -> None:
        cmd = command_dict(result)
        if self.step is not None:
            self.step["commands"].append(cmd)
        elif self.current is not None:
            self.current["setup_commands"].append(cmd)
        else:
            self.loose.append(cmd)

    # --- scenarios --------------------------------------------------------------------------

    def _scenario(self, item: pytest.Item | Any) -> dict[str, Any]:
        nodeid = item.nodeid
        if nodeid not in self.scenarios:
            sections = [str(m.args[0]) for m in item.iter_markers("section") if m.args]
            self.scenarios[nodeid] = {
                "nodeid": nodeid, "feature": "", "scenario": item.name,
                "section": most_specific(sections),
                "tags": sorted(m.name for m in item.iter_markers()
                               if m.name not in ("section", "usefixtures")),
                "outcome": "not run", "started": None, "duration": 0.0, "error": "",
                "steps": [], "setup_commands": []}
        return self.scenarios[nodeid]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        sc = self._scenario(item)
        sc["started"] = round(time.time(), 3)
        self.current = sc

    def pytest_bdd_before_scenario(self, request: Any, feature: Any, scenario: Any) -> None:
        sc = self._scenario(request.node)
        sc["feature"] = feature.name
        sc["feature_file"] = Path(feature.filename).name
        sc["scenario"] = scenario.name
        sc["steps"] = [{"keyword": s.keyword, "name": s.name, "outcome": "not run",
                        "started": None, "duration": 0.0, "error": "", "commands": []}
                       for s in scenario.steps]

    def _step_entry(self, request: Any, step: Any) -> dict[str, Any]:
        sc = self._scenario(request.node)
        entry: dict[str, Any]
        for entry in sc["steps"]:
            if entry["name"] == step.name and entry["outcome"] in ("not run", "running"):
                return entry
        entry = {"keyword": step.keyword, "name": step.name, "outcome": "not run",
                 "started": None, "duration": 0.0, "error": "", "commands": []}
        sc["steps"].append(entry)
        return entry

    def pytest_bdd_before_step(self, request: Any, feature: Any, scenario: Any, step: Any,
                               step_func: Any) -> None:
        entry = self._step_entry(request, step)
        entry.update(outcome="running", started=round(time.time(), 3), _t0=time.monotonic())
        self.step = entry

    def _finish(self, request: Any, step: Any, outcome: str, error: str = "") -> None:
        entry = self.step if self.step is not None and self.step["name"] == step.name \
            else self._step_entry(request, step)
        t0 = entry.pop("_t0", None)
        entry["duration"] = round(time.monotonic() - t0, 3) if t0 is not None else 0.0
        entry["outcome"] = outcome
        entry["error"] = secrets.mask(error)
        if entry["started"] is None:
            entry["started"] = round(time.time(), 3)
        self.step = None
        sc = self._scenario(request.node)
        with self.live.open("a") as fh:
            fh.write(json.dumps({"scenario": sc["scenario"], "section": sc["section"],
                                 "step": f"{entry['keyword']} {entry['name']}",
                                 "outcome": outcome, "duration": entry["duration"]}) + "\n")

    def pytest_bdd_after_step(self, request: Any, feature: Any, scenario: Any, step: Any,
                              step_func: Any, step_func_args: Any) -> None:
        self._finish(request, step, "passed")

    def pytest_bdd_step_error(self, request: Any, feature: Any, scenario: Any, step: Any,
                              step_func: Any, step_func_args: Any,
                              exception: BaseException) -> None:
        self._finish(request, step, "failed", _one_line(exception))

    def pytest_bdd_step_func_lookup_error(self, request: Any, feature: Any, scenario: Any,
                                          step: Any, exception: BaseException) -> None:
        self._finish(request, step, "undefined", _one_line(exception))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        sc = self.scenarios.get(report.nodeid)
        if sc is None:
            return
        sc["duration"] = round(sc["duration"] + report.duration, 3)
        if report.when == "call" or report.outcome != "passed":
            if report.outcome == "failed" or sc["outcome"] in ("not run", "passed"):
                sc["outcome"] = report.outcome
            if report.outcome != "passed" and not sc["error"]:
                sc["error"] = secrets.mask(_report_line(report))
        if report.when == "teardown":
            self.current = None

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self._on_command in RUN_LOG.listeners:
            RUN_LOG.listeners.remove(self._on_command)
        for sc in self.scenarios.values():
            for st in sc["steps"]:
                st.pop("_t0", None)
                if st["outcome"] == "running":
                    st["outcome"] = "failed"
        data = {"exit_status": int(exitstatus), "scenarios": list(self.scenarios.values()),
                "loose_commands": self.loose}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(secrets.mask(json.dumps(data, indent=1)))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0][:500]}"


def _report_line(report: pytest.TestReport) -> str:
    if report.outcome == "skipped" and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message).splitlines()[0][:500]
    return str(report.longrepr).strip().splitlines()[-1][:500] if report.longrepr else ""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("hamn").addoption("--hamn-record", default=None, metavar="FILE",
                                      help="write a step-by-step record (JSON) for reports")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--hamn-record")
    if path:
        config.pluginmanager.register(Recorder(Path(path)), "hamn-recorder")
