"""The summary of a multi-site drill (issue 9, "Scale out"): DIR/summary-<timestamp>/.

summary.json (schema_version 1) and summary.html: per cluster its verdict, RTO, RPO and a
link to its own report (DIR/<cluster>/drill-<timestamp>/report.html); the run passes only
when every cluster's drill passed. Pure: built from the per-site records the drills wrote
(hamn.site_drills), so it is tested offline. Texts are masked like the reports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from hamn import secrets

SCHEMA_VERSION = 1


def record_of(cluster: str, source: str, report: dict[str, Any] | None, report_dir: Path | None,
              error: str = "") -> dict[str, Any]:
    """One site's line, from its drill's report.json data (None: the drill did not run)."""
    if report is None:
        return {"cluster": cluster, "source": source, "verdict": "error",
                "reasons": [error or "the drill did not run"], "report_dir": None,
                "rto_seconds": None, "rto_target": None, "rpo_missing": None,
                "rpo_acknowledged": None, "log_gap_bytes": None, "sync_mode": None,
                "started": None, "finished": None}
    rto, rpo = report.get("rto") or {}, report.get("rpo") or {}
    return {"cluster": cluster, "source": source, "verdict": report.get("verdict", "?"),
            "reasons": list(report.get("verdict_reasons") or []),
            "report_dir": str(report_dir) if report_dir else None,
            "rto_seconds": rto.get("seconds"), "rto_target": rto.get("target"),
            "rpo_missing": rpo.get("missing"), "rpo_acknowledged": rpo.get("acknowledged"),
            "log_gap_bytes": rpo.get("log_gap_bytes_at_failure"),
            "sync_mode": (report.get("cluster") or {}).get("sync_mode"),
            "started": report.get("started"), "finished": report.get("finished")}


def build(records: Sequence[dict[str, Any]], *, started: float, finished: float,
          out: Path, engine: str) -> dict[str, Any]:
    """summary.json's content; each record gains ``report``: its report.html relative to OUT."""
    clusters = []
    for rec in records:
        rec = dict(rec)
        html = Path(rec["report_dir"]) / "report.html" if rec.get("report_dir") else None
        rec["report"] = os.path.relpath(html, out) if html is not None else None
        clusters.append(rec)
    failed = [c["cluster"] for c in clusters if c["verdict"] != "passed"]
    return {"schema_version": SCHEMA_VERSION, "tool": "hamn drill (several clusters)",
            "engine": engine, "started": started, "finished": finished,
            "wall_seconds": round(finished - started, 3),
            "verdict": "failed" if failed or not clusters else "passed",
            "failed_clusters": failed, "clusters": clusters}


def _seconds(v: Any) -> str:
    return "-" if v is None else f"{float(v):.1f}s"


def _rpo(c: dict[str, Any]) -> str:
    if c.get("rpo_missing") is None:
        return "-"
    return f"{c['rpo_missing']} lost of {c.get('rpo_acknowledged') or 0}"


def table(data: dict[str, Any]) -> str:
    """The summary as a text table (printed at the end of the run)."""
    rows = [("cluster", "verdict", "RTO", "RPO (writes)", "report")]
    for c in data["clusters"]:
        rows.append((c["cluster"], c["verdict"], _seconds(c.get("rto_seconds")), _rpo(c),
                     c.get("report") or (c["reasons"][0] if c["reasons"] else "-")))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r[:4], widths, strict=True)) +
             "  " + str(r[4]) for r in rows]
    lines.append(f"{len(data['clusters'])} clusters in {data['wall_seconds']:.1f}s "
                 f"({data['engine']}): {data['verdict']}")
    return "\n".join(lines)


_CSS = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}"
        ".passed{color:#17702b;font-weight:bold}.failed,.aborted,.error{color:#b3261e;"
        "font-weight:bold}")


def html(data: dict[str, Any]) -> str:
    rows = []
    for c in data["clusters"]:
        link = f'<a href="{escape(c["report"])}">report</a>' if c.get("report") else "-"
        why = "<br>".join(escape(r) for r in c["reasons"]) or ""
        rows.append(f'<tr><td>{escape(c["cluster"])}</td><td>{escape(c["source"])}</td>'
                    f'<td class="{escape(c["verdict"])}">{escape(c["verdict"].upper())}</td>'
                    f'<td>{_seconds(c.get("rto_seconds"))}</td><td>{escape(_rpo(c))}</td>'
                    f'<td>{"-" if c.get("log_gap_bytes") is None else c["log_gap_bytes"]}</td>'
                    f"<td>{link}</td><td>{why}</td></tr>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>hamn drill summary"
            f"</title><style>{_CSS}</style></head><body>"
            f"<h1>DR drill of {len(data['clusters'])} clusters: "
            f"<span class='{escape(data['verdict'])}'>{escape(data['verdict'].upper())}</span>"
            f"</h1><p>{data['wall_seconds']:.1f}s wall time; {escape(data['engine'])}</p>"
            "<table><tr><th>cluster</th><th>source</th><th>verdict</th><th>RTO</th>"
            "<th>RPO (acknowledged writes lost)</th><th>log gap at failure (bytes)</th>"
            "<th>report</th><th>why</th></tr>" + "".join(rows) + "</table></body></html>")


def write(out: Path, data: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(secrets.mask(json.dumps(data, indent=1, default=str)))
    (out / "summary.html").write_text(secrets.mask(html(data)))
