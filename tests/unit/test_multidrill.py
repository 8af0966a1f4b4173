"""hamn.multidrill's live view: each site's progress lines, prefixed, whole lines only."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from hamn import multidrill


def test_follow_prints_each_sites_complete_lines(tmp_path: Path) -> None:
    a, b = tmp_path / "hamnlx.log", tmp_path / "hamnlab.log"
    a.write_bytes(b"  0.0s == pre-flight\n  1.0s passed [4] clocks\n")
    b.write_bytes(b"  0.0s == pre-flight\n  0.5s half a li")  # still being written
    out = io.StringIO()
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.8)"])
    multidrill.follow(proc, [("hamnlx", a), ("hamnlab", b), ("gone", tmp_path / "x.log")],
                      Console(file=out, width=200, soft_wrap=True))
    lines = out.getvalue().splitlines()
    assert "hamnlx    1.0s passed [4] clocks" in lines
    assert "hamnlab   0.0s == pre-flight" in lines
    assert not any("half a li" in line for line in lines)
    assert len(lines) == 3
