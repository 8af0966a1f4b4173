"""hamn.report: verdicts, coverage, leases, and the written files (masked, no assets)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hamn import report, secrets
from hamn.histories import History, Sample
from hamn.inventory import Settings

SECRET = "Pl4nted-Secret-9"


def step(name: str, outcome: str = "passed", section: str = "", **kw: Any) -> dict[str, Any]:
    return {"keyword": "Then", "name": name, "section": section, "outcome": outcome,
            "started": 100.0, "duration": 0.5, "error": kw.get("error", ""),
            "note": kw.get("note", ""), "commands": kw.get("commands", [])}


def scenario(name: str, section: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    failed = any(s["outcome"] == "failed" for s in steps)
    return {"nodeid": name, "feature": "f", "scenario": name, "section": section,
            "tags": [], "outcome": "failed" if failed else "passed", "started": 100.0,
            "duration": 1.0, "error": "", "steps": steps, "setup_commands": []}


def phase(name: str, outcome: str, scenarios: list[dict[str, Any]] | None = None,
          start: float = 100.0, end: float = 110.0, why: str = "") -> dict[str, Any]:
    return {"name": name, "outcome": outcome, "why": why, "start": start, "end": end,
            "scenarios": scenarios or []}


def passed_phases() -> list[dict[str, Any]]:
    cmd = {"host": "aixmn1", "command": f"db2 connect to XCATDB user xcatdb using {SECRET}",
           "exit_code": 0, "duration": 0.2, "stdout": f"password {SECRET} ok", "stderr": "",
           "planned": False, "t": 101.0}
    return [
        phase("pre-flight", "passed", [scenario("Clocks agree", "4", [step("clocks")])]),
        phase("load", "passed", start=110, end=150),
        phase("fault", "passed", [scenario("fail", "8", [step("kill", section="8")])],
              110, 111),
        phase("failover", "passed", [scenario("Fail over", "8", [
            step("database-failover", section="8.1", commands=[cmd]),
            step("identity", section="8.4")])], 111, 140),
        phase("verify", "passed", [scenario("restored", "8", [step("xcatd")])], 140, 150),
        phase("failback", "not run", why="not asked for (--failback)", start=None, end=None),
    ]


def rto(seconds: float = 30.0) -> dict[str, Any]:
    return {"declared_failed": 110.5, "xcatd": seconds - 2, "lease": seconds,
            "lease_seen": "10.0.0.5", "seconds": seconds, "target": 600.0, "complete": True,
            "note": ""}


def rpo(missing: int = 0, mode: str = "NEARSYNC") -> dict[str, Any]:
    return {"acknowledged": 60, "missing": missing, "missing_names": [], "sync_mode": mode}


def test_verdict_passed() -> None:
    assert report.verdict(passed_phases(), rto(), rpo(), []) == ("passed", [])


def test_verdict_aborted_at_preflight() -> None:
    phases = passed_phases()
    phases[0] = phase("pre-flight", "failed", why="the standby is not in peer")
    result, reasons = report.verdict(phases, None, None, [])
    assert result == "aborted" and "not in peer" in reasons[0]


@pytest.mark.parametrize(("kw", "why"), [
    ({"rto": rto(700)}, "over the target"),
    ({"rto": None}, "RTO not measured"),
    ({"rpo": rpo(3)}, "3 acknowledged writes lost in NEARSYNC"),
    ({"violations": [{"message": "two HADR primaries"}]}, "two HADR primaries"),
])
def test_verdict_failed(kw: dict[str, Any], why: str) -> None:
    args = {"rto": rto(), "rpo": rpo(), "violations": []} | kw
    result, reasons = report.verdict(passed_phases(), args["rto"], args["rpo"],
                                     args["violations"])
    assert result == "failed" and any(why in r for r in reasons)


def test_lost_writes_in_async_mode_are_reported_not_failed() -> None:
    assert report.verdict(passed_phases(), rto(), rpo(2, "ASYNC"), [])[0] == "passed"


def test_coverage_marks_sections_and_subsections() -> None:
    rows = {r["section"]: r for r in report.coverage_of(passed_phases())}
    assert rows["4"]["exercised"] and rows["8"]["exercised"]
    assert rows["8"]["scenarios"] == ["Fail over", "fail", "restored"]
    assert not rows["9"]["exercised"] and not rows["5.1.3"]["exercised"]


def test_leases_since() -> None:
    text = ("lease 10.0.0.5 {\n  starts 2 2026/11/24 20:00:10;\n  ends 2 2026/11/24 21:00:10;\n}\n"
            "lease 10.0.0.6 {\n  starts 2 2026/11/24 19:00:00;\n}\n"
            "lease 10.0.0.7 {\n  starts epoch 1795550000; # Tue\n}\n")
    t = 1795550000.0  # 2026-11-24 19:53:20 UTC
    assert report.leases_since(text, t) == ["10.0.0.5", "10.0.0.7"]
    assert report.leases_since(text, t + 3600) == []


def build(tmp_path: Path) -> dict[str, Any]:
    secrets.register(SECRET)
    cluster = SimpleNamespace(name="hamnsim", settings=Settings(),
                              primary=SimpleNamespace(name="aixmn1"),
                              standby=SimpleNamespace(name="aixmn2"))
    history = History([
        Sample(100, "aixmn1", "primary", hadr_role="PRIMARY", hadr_state="PEER", log_gap=0,
               xcatd=True, dhcp=True),
        Sample(100.2, "aixmn2", "standby", hadr_role="STANDBY", hadr_state="PEER"),
        Sample(112, "aixmn1", "primary", reachable=False, note="no route"),
        Sample(130, "aixmn2", "standby", hadr_role="PRIMARY", hadr_state="DISCONNECTED",
               xcatd=True)])
    facts = {"rto": rto(), "rpo": rpo(), "fault": {"at": 110.5, "how": "kill"},
             "load": {"prefix": "hamnload1x", "rate": 2.0, "attempted": 61, "acknowledged": 60,
                      "refused": []},
             "notes": [f"note carrying {SECRET}"],
             "drift": [{"section": "6.1", "kind": "differing", "path": "/etc/xcat/ca/x",
                        "changes": "content"}],
             "parity": [{"item": "xCAT", "primary": "2.5.2", "standby": "2.5.2", "same": "yes"}]}
    data = report.assemble(cluster=cluster, simulated=True,
                           options=SimpleNamespace(preset="aix-db2", fault="kill"),
                           started=99.0, phases=passed_phases(), facts=facts, history=history,
                           features=Path("features"))
    report.write(tmp_path, data)
    return data


def test_report_json_has_schema_and_everything(tmp_path: Path) -> None:
    data = build(tmp_path)
    assert data["verdict"] == "passed"
    saved = json.loads((tmp_path / "report.json").read_text())
    assert saved["schema_version"] == report.SCHEMA_VERSION
    assert saved["rto"]["seconds"] == 30.0 and saved["rpo"]["missing"] == 0
    assert saved["rpo"]["log_gap_bytes_at_failure"] == 0
    assert len(saved["history"]["samples"]) == 4 and saved["history"]["violations"] == []
    assert {p["name"] for p in saved["phases"]} >= {"pre-flight", "failover", "failback"}


def test_html_shows_verdict_metrics_steps_and_tables(tmp_path: Path) -> None:
    build(tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert re.search(r'id="verdict"[^>]*>PASSED<', html)
    assert "30.0s" in html and "0 writes" in html
    for text in ("database-failover", "8.1", "aixmn1", "exit 0", "Runbook coverage",
                 'id="drift"', 'id="parity"', "aixmn2 HADR", "<svg"):
        assert text in html, text


def test_no_external_assets(tmp_path: Path) -> None:
    build(tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html)
    assert "<script" not in html


def test_secrets_are_masked_in_every_file(tmp_path: Path) -> None:
    build(tmp_path)
    for path in tmp_path.iterdir():
        assert SECRET not in path.read_text(), path.name
    assert secrets.MASK in (tmp_path / "report.html").read_text()


def test_junit_reports_merge(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    a.write_text('<testsuites><testsuite name="preflight" tests="1"/></testsuites>')
    b.write_text('<testsuite name="verify" tests="2"/>')
    merged = report.merge_junit([a, b])
    assert merged.count("<testsuite ") == 2 and merged.startswith("<testsuites>")
