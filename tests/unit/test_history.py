"""hamn.history: RTO/RPO across drills, slow drills flagged against the last five."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hamn.cli import main
from hamn.history import Row, chart_svg, flag, load, text


def row(i: int, rto: float | None, rpo: int | None = 0) -> Row:
    return Row(f"drill-{i}", float(i), "c", "passed", rto, rpo)


def test_slower_than_half_again_the_median_of_the_last_five() -> None:
    rows = flag([row(1, 10), row(2, 12), row(3, 100), row(4, 11), row(5, 9), row(6, 10),
                 row(7, 16.5), row(8, 16.4)])
    by = {r.name: r for r in rows}
    assert not by["drill-1"].slow and by["drill-1"].baseline is None
    assert by["drill-3"].slow  # median(10, 12) = 11
    assert by["drill-7"].baseline == 11  # median of 12, 100, 11, 9, 10
    assert by["drill-7"].slow is False  # 16.5 == 1.5 * 11: not more than 50%
    assert by["drill-8"].baseline == 11 and not by["drill-8"].slow


def test_each_cluster_is_compared_with_its_own_drills() -> None:
    # A site whose failover takes 60 s is not slow beside one that takes 10 s.
    rows = flag([Row("a1", 1.0, "siteA", "passed", 10, 0), Row("b1", 2.0, "siteB", "passed", 60, 0),
                 Row("a2", 3.0, "siteA", "passed", 11, 0), Row("b2", 4.0, "siteB", "passed", 62, 0),
                 Row("a3", 5.0, "siteA", "passed", 30, 0)])
    by = {r.name: r for r in rows}
    assert by["b1"].baseline is None and not by["b1"].slow
    assert by["b2"].baseline == 60 and not by["b2"].slow
    assert by["a3"].baseline == 10.5 and by["a3"].slow


def test_unmeasured_drills_are_skipped_in_the_median() -> None:
    rows = flag([row(1, 10), row(2, None), row(3, 20)])
    assert rows[2].baseline == 10 and rows[2].slow
    assert not rows[1].slow


def write(base: Path, name: str, started: float, rto: float | None, missing: int) -> None:
    d = base / name
    d.mkdir(parents=True)
    (d / "report.json").write_text(json.dumps({
        "schema_version": 1, "started": started, "cluster": {"name": "hamnsim"},
        "verdict": "passed", "rto": {"seconds": rto} if rto is not None else None,
        "rpo": {"missing": missing}}))


def test_load_orders_by_start_and_reads_rto_rpo(tmp_path: Path) -> None:
    write(tmp_path, "drill-b", 200, 40.0, 0)
    write(tmp_path, "drill-a", 100, 20.0, 1)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "report.json").write_text("{}")
    rows = load(tmp_path)
    assert [(r.name, r.rto, r.rpo) for r in rows] == [("drill-a", 20.0, 1), ("drill-b", 40.0, 0)]
    assert rows[1].slow
    out = text(rows)
    assert "drill-a" in out and "SLOW" in out
    assert "<svg" in chart_svg(rows) and "#c62828" in chart_svg(rows)


def test_cli_history_table_chart_and_exit(tmp_path: Path) -> None:
    write(tmp_path, "drill-a", 100, 20.0, 0)
    write(tmp_path, "drill-b", 200, 21.0, 0)
    res = CliRunner().invoke(main, ["report", "history", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "drill-b" in res.output and (tmp_path / "history.html").exists()
    write(tmp_path, "drill-c", 300, 90.0, 0)
    res = CliRunner().invoke(main, ["report", "history", str(tmp_path), "--json"])
    assert res.exit_code == 1
    assert json.loads(res.output)[-1]["slow"] is True
