"""report.html opened in a real headless browser (Chromium from Debian's packages).

The screenshot is kept as a test artifact in reports/artifacts/. The report rendered is the
newest drill report under reports/ when there is one, else one built from recorded data.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.test_report import build

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "reports" / "artifacts"


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium is not installed (scripts/bootstrap.sh installs Debian's)")


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--disable-dev-shm-usage",
                           "--user-data-dir=/tmp/hamn-chromium", *args],
                          capture_output=True, text=True, timeout=120)


def report_html(tmp_path: Path) -> Path:
    drills = sorted((ROOT / "reports").glob("drill-*/report.html"))
    if drills:
        return drills[-1]
    build(tmp_path)
    return tmp_path / "report.html"


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    page = report_html(tmp_path)
    dom = headless("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="verdict"' in dom.stdout
    verdict = dom.stdout.split('id="verdict"', 1)[1].split(">", 1)[1].split("<", 1)[0]
    assert verdict.strip() in ("PASSED", "FAILED", "ABORTED")
    assert "<svg" in dom.stdout and 'class="timeline"' in dom.stdout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{page.parent.name}.png"
    res = headless(f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri())
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
