"""The drill report: report.json (schema_version), report.html, junit.xml, cucumber.json.

``assemble`` turns what a drill gathered into one JSON-ready dict; ``write`` renders it into
DIR with every text passed through hamn.secrets.mask (junit.xml and cucumber.json, written by
pytest, are masked on the way in too). The HTML has no external assets: inline CSS and SVG.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from calendar import timegm
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hamn import coverage, histories, secrets

SCHEMA_VERSION = 1
TEMPLATES = Path(__file__).resolve().parent / "templates"
SYNC_MODES_WITHOUT_LOSS = ("SYNC", "NEARSYNC")

_LEASE = re.compile(r"lease\s+([0-9.]+)\s*\{(.*?)\}", re.S)
_STARTS = re.compile(r"starts\s+(?:\d\s+(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d)|epoch\s+(\d+))")


def leases_since(text: str, since: float) -> list[str]:
    """Addresses of ISC dhcpd.leases entries that started at or after SINCE (UTC times)."""
    found = []
    for addr, body in _LEASE.findall(text):
        m = _STARTS.search(body)
        if not m:
            continue
        if m.group(2):
            t = float(m.group(2))
        else:
            t = float(timegm(time.strptime(m.group(1), "%Y/%m/%d %H:%M:%S")))
        if t >= since - 1 and addr not in found:
            found.append(addr)
    return found


# --------------------------------------------------------------------------- assembling


def all_steps(phases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [st for p in phases for sc in p["scenarios"] for st in sc["steps"]]


def verdict(phases: Sequence[dict[str, Any]], rto: dict[str, Any] | None,
            rpo: dict[str, Any] | None, violations: Sequence[dict[str, Any]]
            ) -> tuple[str, list[str]]:
    """passed | failed | aborted (stopped at pre-flight, nothing failed over), and why."""
    reasons: list[str] = []
    first = phases[0]
    if first["outcome"] != "passed":
        return "aborted", [f"pre-flight failed: {first['why']}"]
    for p in phases:
        if p["outcome"] == "failed":
            reasons.append(f"{p['name']} failed: {p['why'] or 'a step failed'}")
    if rto is None or rto.get("seconds") is None:
        reasons.append("RTO not measured: management was not restored")
    elif rto["seconds"] > rto["target"]:
        reasons.append(f"RTO {rto['seconds']:.1f}s is over the target {rto['target']:.0f}s")
    if rpo is None:
        reasons.append("RPO not measured")
    elif rpo["missing"] and rpo.get("sync_mode") in SYNC_MODES_WITHOUT_LOSS:
        reasons.append(f"{rpo['missing']} acknowledged writes lost in {rpo['sync_mode']}")
    for v in violations:
        reasons.append(f"state history: {v['message']}")
    return ("failed" if reasons else "passed"), reasons


def coverage_of(phases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each runbook section (2 to 9): exercised by this drill or not, by which scenarios."""
    used: dict[str, list[str]] = {}
    for p in phases:
        for sc in p["scenarios"]:
            if sc["outcome"] == "not run":
                continue
            secs = {sc.get("section") or ""} | {st.get("section", "") for st in sc["steps"]}
            for s in secs - {""}:
                used.setdefault(s, [])
                if sc["scenario"] not in used[s]:
                    used[s].append(sc["scenario"])
    rows = []
    for s, title in coverage.SECTIONS.items():
        hits = [n for k, v in used.items() if k == s or k.startswith(s + ".") for n in v]
        rows.append({"section": s, "title": title, "exercised": bool(hits),
                     "scenarios": sorted(set(hits))})
    return rows


def assemble(*, cluster: Any, simulated: bool, options: Any, started: float,
             phases: list[dict[str, Any]], facts: dict[str, Any],
             history: histories.History, features: Path) -> dict[str, Any]:
    violations = [v.as_dict() for v in histories.check(history)]
    rto, rpo = facts.get("rto"), facts.get("rpo")
    gap = log_gap_at(history, (facts.get("fault") or {}).get("at"), cluster.primary.name)
    if rpo is not None:
        rpo["log_gap_bytes_at_failure"] = gap
    result, reasons = verdict(phases, rto, rpo, violations)
    marks: list[tuple[float, str]] = []
    if facts.get("fault"):
        marks.append((facts["fault"]["at"], "declared failed"))
    if rto and rto.get("seconds") is not None:
        marks.append((rto["declared_failed"] + rto["seconds"], "restored"))
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "hamn drill",
        "cluster": {"name": cluster.name, "simulated": simulated, "db": cluster.settings.db,
                    "sync_mode": cluster.settings.sync_mode,
                    "primary": cluster.primary.name, "standby": cluster.standby.name},
        "started": started, "finished": time.time(),
        "options": {k: str(v) for k, v in vars(options).items()},
        "verdict": result, "verdict_reasons": reasons,
        "rto": rto, "rpo": rpo, "load": facts.get("load"), "fault": facts.get("fault"),
        "notes": facts.get("notes", []),
        "phases": phases,
        "coverage": coverage_of(phases),
        "history": {"samples": history.as_list(), "violations": violations},
        "timeline_svg": histories.timeline_svg(history, phases, marks),
        "drift": facts.get("drift"), "parity": facts.get("parity"),
    }


def log_gap_at(history: histories.History, at: float | None, primary: str) -> int | None:
    if at is None:
        return None
    before = [s for s in history.of(primary) if s.t <= at and s.reachable]
    return before[-1].log_gap if before else None


# --------------------------------------------------------------------------- writing


def render_html(data: dict[str, Any]) -> str:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True)
    env.filters["ts"] = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) \
        if t else "-"
    env.filters["secs"] = lambda s: "-" if s is None else f"{float(s):.1f}s"
    return env.get_template("report.html.j2").render(r=data, markup=_svg_markup(data))


def _svg_markup(data: dict[str, Any]) -> Any:
    from markupsafe import Markup
    return Markup(data["timeline_svg"])  # built from escaped parts by hamn.histories


def merge_junit(paths: Sequence[Path]) -> str:
    root = ET.Element("testsuites")
    for p in paths:
        tree = ET.parse(p).getroot()
        suites = [tree] if tree.tag == "testsuite" else list(tree)
        root.extend(suites)
    return ET.tostring(root, encoding="unicode")


def write(out: Path, data: dict[str, Any], work: Path | None = None,
          sessions: Sequence[str] = ()) -> None:
    """report.json, report.html, junit.xml, cucumber.json into OUT, all masked."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(secrets.mask(json.dumps(data, indent=1, default=str)))
    (out / "report.html").write_text(secrets.mask(render_html(data)))
    if work is None:
        return
    junits = [work / f"{s}.junit.xml" for s in sessions if (work / f"{s}.junit.xml").exists()]
    if junits:
        (out / "junit.xml").write_text(secrets.mask(merge_junit(junits)))
    features: list[Any] = []
    for s in sessions:
        path = work / f"{s}.cucumber.json"
        if path.exists() and path.read_text().strip():
            features += json.loads(path.read_text())
    (out / "cucumber.json").write_text(secrets.mask(json.dumps(features, indent=1)))
    shutil.rmtree(work, ignore_errors=True)
