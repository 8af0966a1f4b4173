"""The summary of a multi-site drill (issue 9) and the option round trip to its workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hamn import multidrill, secrets, summary
from hamn.drill import DrillOptions
from hamn.sites import Site


def report(verdict: str, rto: float | None, missing: int | None) -> dict[str, Any]:
    return {"verdict": verdict, "verdict_reasons": [] if verdict == "passed" else ["slow"],
            "rto": {"seconds": rto, "target": 600.0},
            "rpo": None if missing is None else {"missing": missing, "acknowledged": 12,
                                                 "log_gap_bytes_at_failure": 0},
            "cluster": {"sync_mode": "NEARSYNC"}, "started": 1.0, "finished": 2.0}


def records(tmp_path: Path) -> list[dict[str, Any]]:
    return [
        summary.record_of("hamnlx", "preset linux-db2", report("passed", 21.5, 0),
                          tmp_path / "hamnlx" / "drill-20260101-000000"),
        summary.record_of("hamnlab", "preset aix-lab", report("failed", 700.0, 0),
                          tmp_path / "hamnlab" / "drill-20260101-000001"),
        summary.record_of("prod1", "inventory site.yaml", None, None,
                          error="refusing a destructive procedure on cluster prod1"),
    ]


def test_summary_names_every_cluster_with_rto_rpo_and_a_relative_link(tmp_path: Path) -> None:
    out = tmp_path / "summary-20260101-000000"
    data = summary.build(records(tmp_path), started=10.0, finished=70.0, out=out,
                         engine="pytest-xdist -n 3 --dist load")
    assert data["schema_version"] == 1 and data["wall_seconds"] == 60.0
    assert data["verdict"] == "failed" and data["failed_clusters"] == ["hamnlab", "prod1"]
    lx = data["clusters"][0]
    assert (lx["rto_seconds"], lx["rpo_missing"], lx["rpo_acknowledged"]) == (21.5, 0, 12)
    assert lx["report"] == "../hamnlx/drill-20260101-000000/report.html"
    assert data["clusters"][2]["verdict"] == "error" and data["clusters"][2]["report"] is None
    text = summary.table(data)
    assert "hamnlx   passed   21.5s   0 lost of 12" in text
    assert "refusing a destructive procedure" in text
    assert text.splitlines()[-1] == "3 clusters in 60.0s (pytest-xdist -n 3 --dist load): failed"
    summary.write(out, data)
    assert json.loads((out / "summary.json").read_text())["clusters"][1]["cluster"] == "hamnlab"
    html = (out / "summary.html").read_text()
    assert 'href="../hamnlx/drill-20260101-000000/report.html"' in html
    assert "FAILED" in html and "prod1" in html


def test_every_drill_passed_is_a_passed_run(tmp_path: Path) -> None:
    recs = records(tmp_path)[:1]
    data = summary.build(recs, started=0.0, finished=1.0, out=tmp_path, engine="x")
    assert data["verdict"] == "passed" and data["failed_clusters"] == []
    assert summary.build([], started=0.0, finished=1.0, out=tmp_path,
                         engine="x")["verdict"] == "failed"


def test_secrets_are_masked_in_the_summary(tmp_path: Path) -> None:
    secrets.register("s3cr3t-summary")
    recs = [summary.record_of("c", "preset p", None, None, error="password s3cr3t-summary")]
    summary.write(tmp_path, summary.build(recs, started=0, finished=1, out=tmp_path,
                                          engine="x"))
    for name in ("summary.json", "summary.html"):
        assert "s3cr3t-summary" not in (tmp_path / name).read_text()


def test_site_options_round_trip_to_the_workers(tmp_path: Path) -> None:
    base = DrillOptions(report_dir=tmp_path, exclude=("slow",), failback=True, preset="x")
    site = Site("hamnlab", preset="aix-lab")
    opts = multidrill.site_options(base, site, tmp_path / "summary", allow=["prod1"])
    assert opts.report_dir == tmp_path / "hamnlab" and opts.preset == "aix-lab"
    assert opts.allow_destructive is None and opts.progress_log == \
        str(tmp_path / "summary" / "hamnlab.log")
    again = multidrill.options_from_json(json.loads(json.dumps(
        multidrill.options_to_json(opts))))
    assert again == opts
    real = multidrill.site_options(base, Site("prod1", inventory="p.yaml"), tmp_path, ["prod1"])
    assert (real.inventory, real.preset, real.allow_destructive) == ("p.yaml", None, "prod1")
