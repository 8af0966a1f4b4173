"""hamn.recorder: a pytest-bdd session recorded step by step (run as a real pytest session)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FEATURE = """\
@section-4
Feature: Demo
  Scenario: Good
    Given a command runs on the primary
    Then it succeeded

  @section-5.1.8
  Scenario: Bad
    Given a command runs on the primary
    Then it failed
    And nothing else runs

  Scenario: Undefined
    Given a step nobody wrote
"""

STEPS = """\
from pytest_bdd import given, scenarios, then

from hamn import secrets
from hamn.runner import RUN_LOG, Result

scenarios("demo.feature")


@given("a command runs on the primary")
def command():
    secrets.register("S3cr3t-marker")
    RUN_LOG.record(Result("aixmn1", "db2 connect to XCATDB using S3cr3t-marker", 0,
                          "connected with S3cr3t-marker", "", 0.25))


@then("it succeeded")
def ok():
    pass


@then("it failed")
def bad():
    raise AssertionError("HADR is not in peer (S3cr3t-marker)")


@then("nothing else runs")
def never():
    pass
"""


def record(tmp_path: Path) -> dict:
    (tmp_path / "demo.feature").write_text(FEATURE)
    (tmp_path / "test_demo.py").write_text(STEPS)
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n"
        "def pytest_configure(config):\n"
        "    config.addinivalue_line('markers', 'section(n): runbook section')\n\n"
        "def pytest_bdd_apply_tag(tag, function):\n"
        "    if tag.startswith('section-'):\n"
        "        pytest.mark.section(tag.removeprefix('section-'))(function)\n"
        "        return True\n"
        "    return None\n")
    out = tmp_path / "rec.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "hamn.recorder", f"--hamn-record={out}",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-c", os.devnull,
         str(tmp_path / "test_demo.py")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return json.loads(out.read_text())


def test_steps_sections_outcomes_and_commands(tmp_path: Path) -> None:
    data = record(tmp_path)
    by = {sc["scenario"]: sc for sc in data["scenarios"]}
    assert set(by) == {"Good", "Bad", "Undefined"}
    good, bad, undefined = by["Good"], by["Bad"], by["Undefined"]
    assert good["outcome"] == "passed" and good["section"] == "4"
    assert good["feature"] == "Demo"
    assert [s["outcome"] for s in good["steps"]] == ["passed", "passed"]
    [cmd] = good["steps"][0]["commands"]
    assert cmd["host"] == "aixmn1" and cmd["exit_code"] == 0 and cmd["duration"] == 0.25
    assert bad["section"] == "5.1.8" and bad["outcome"] == "failed"
    assert [s["outcome"] for s in bad["steps"]] == ["passed", "failed", "not run"]
    assert "not in peer" in bad["steps"][1]["error"]
    assert undefined["outcome"] == "failed"
    assert undefined["steps"][0]["outcome"] == "undefined"


def test_secrets_masked_and_live_progress(tmp_path: Path) -> None:
    record(tmp_path)
    text = (tmp_path / "rec.json").read_text()
    assert "S3cr3t-marker" not in text and "********" in text
    live = (tmp_path / "rec.json.live").read_text().splitlines()
    assert len(live) == 5 and json.loads(live[0])["outcome"] == "passed"
