"""``hamn report history DIR``: RTO and RPO across the drills under DIR.

Reads every DIR/**/drill-*/report.json, oldest first. A drill is flagged slow when its RTO
is more than 50% above the median RTO of the (up to) five measured drills of the same
cluster before it (a multi-site drill directory holds several clusters).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path
from typing import Any

SLOW_FACTOR = 1.5
WINDOW = 5


@dataclass
class Row:
    name: str
    started: float
    cluster: str
    verdict: str
    rto: float | None
    rpo: int | None
    baseline: float | None = None  # median RTO of the previous five
    slow: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def row_of(path: Path, data: dict[str, Any]) -> Row:
    rto = (data.get("rto") or {}).get("seconds")
    rpo = (data.get("rpo") or {}).get("missing")
    return Row(path.parent.name, float(data.get("started") or 0),
               (data.get("cluster") or {}).get("name", "?"), data.get("verdict", "?"),
               None if rto is None else float(rto), rpo)


def flag(rows: list[Row]) -> list[Row]:
    """Set baseline and slow on each row (rows oldest first), each cluster against its own
    earlier drills: sites drilled into one directory differ in what their RTO can be."""
    measured: dict[str, list[float]] = {}
    for r in rows:
        earlier = measured.setdefault(r.cluster, [])
        window = earlier[-WINDOW:]
        if window:
            r.baseline = statistics.median(window)
            r.slow = r.rto is not None and r.rto > SLOW_FACTOR * r.baseline
        if r.rto is not None:
            earlier.append(r.rto)
    return rows


def load(directory: Path) -> list[Row]:
    rows = []
    for path in sorted(directory.rglob("report.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if "schema_version" in data:
            rows.append(row_of(path, data))
    return flag(sorted(rows, key=lambda r: r.started))


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def text(rows: list[Row]) -> str:
    if not rows:
        return "no drill reports found"
    top = max((r.rto for r in rows if r.rto is not None), default=1.0) or 1.0
    lines = [f"{'drill':<24} {'when':<16} {'cluster':<10} {'verdict':<8} {'RTO':>8} "
             f"{'RPO':>4} {'median5':>8}  chart"]
    for r in rows:
        rto = "-" if r.rto is None else f"{r.rto:.1f}s"
        rpo = "-" if r.rpo is None else str(r.rpo)
        base = "-" if r.baseline is None else f"{r.baseline:.1f}s"
        bar = "#" * round(30 * (r.rto or 0) / top)
        flag_text = "  SLOW (>50% over the median of the last five)" if r.slow else ""
        lines.append(f"{r.name:<24} {_when(r.started):<16} {r.cluster:<10} {r.verdict:<8} "
                     f"{rto:>8} {rpo:>4} {base:>8}  {bar}{flag_text}")
    return "\n".join(lines)


def chart_svg(rows: list[Row], width: int = 720, height: int = 220) -> str:
    """RTO per drill as bars (red when slow) with the RPO written above each."""
    pts = [r for r in rows if r.rto is not None]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="11" role="img">']
    if not pts:
        parts.append('<text x="10" y="20">no measured RTO</text></svg>')
        return "".join(parts)
    top = max(r.rto or 0 for r in pts) or 1.0
    left, bottom = 40, height - 30
    bw = (width - left - 10) / len(pts)
    for i, r in enumerate(pts):
        h = (bottom - 20) * (r.rto or 0) / top
        x = left + i * bw
        colour = "#c62828" if r.slow else "#1976d2"
        parts.append(f'<rect x="{x + 2:.1f}" y="{bottom - h:.1f}" width="{bw - 4:.1f}" '
                     f'height="{h:.1f}" fill="{colour}"><title>{escape(r.name)}: RTO '
                     f'{r.rto:.1f}s, RPO {r.rpo}</title></rect>')
        parts.append(f'<text x="{x + 2:.1f}" y="{bottom - h - 3:.1f}">{r.rto:.0f}s'
                     f'{"" if r.rpo is None else f" / {r.rpo}"}</text>')
        parts.append(f'<text x="{x + 2:.1f}" y="{bottom + 14}">{i + 1}</text>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" '
                 'stroke="#333"/><text x="2" y="14">RTO (s) / RPO (writes)</text></svg>')
    return "".join(parts)


def html(rows: list[Row]) -> str:
    body = "".join(
        f"<tr{' class=slow' if r.slow else ''}><td>{escape(r.name)}</td>"
        f"<td>{_when(r.started)}</td><td>{escape(r.cluster)}</td><td>{escape(r.verdict)}</td>"
        f"<td>{'-' if r.rto is None else f'{r.rto:.1f}'}</td>"
        f"<td>{'-' if r.rpo is None else r.rpo}</td>"
        f"<td>{'-' if r.baseline is None else f'{r.baseline:.1f}'}</td>"
        f"<td>{'SLOW' if r.slow else ''}</td></tr>" for r in rows)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>hamn drill history"
            "</title><style>body{font-family:sans-serif}td,th{border:1px solid #ccc;"
            "padding:2px 6px}table{border-collapse:collapse}.slow{background:#ffebee}</style>"
            "</head><body><h1>Drill history</h1>" + chart_svg(rows) +
            "<table><tr><th>drill</th><th>when</th><th>cluster</th><th>verdict</th>"
            "<th>RTO (s)</th><th>RPO (writes)</th><th>median of previous 5</th><th></th></tr>"
            + body + "</table></body></html>")
