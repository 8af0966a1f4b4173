"""Several clusters (sites) drilled in one run, in parallel (issue 9, "Scale out").

The engine is pytest-xdist, not a scheduler of hamn's own: one pytest session over
hamn/site_drills.py, one test item per site (``-n <number of sites> --dist load``), each
item running hamn.drill.run for its cluster exactly as ``hamn drill`` does for one. So each
cluster gets its own report, DIR/<cluster>/drill-<timestamp>/, and this module writes the
summary across them, DIR/summary-<timestamp>/ (summary.json, summary.html; hamn.summary),
with the session's junit.xml, each site's progress log and the site list it ran.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from hamn import session, summary
from hamn.drill import ROOT, DrillOptions
from hamn.errors import HamnError, InventoryError
from hamn.sites import Site

ITEMS = Path(__file__).resolve().parent / "site_drills.py"
SPEC_ENV = "HAMN_SITES"  # the site list's path, for the xdist workers (they inherit it)


@dataclass
class MultiResult:
    verdict: str  # passed: every cluster's drill passed
    summary_dir: Path
    summary: dict[str, Any]


def options_to_json(opts: DrillOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(DrillOptions):
        v = getattr(opts, f.name)
        out[f.name] = str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v
    return out


def options_from_json(data: dict[str, Any]) -> DrillOptions:
    kw = dict(data)
    for name in ("report_dir", "features"):
        kw[name] = Path(kw[name])
    kw["exclude"] = tuple(kw["exclude"])
    return DrillOptions(**kw)


def site_options(base: DrillOptions, site: Site, out: Path, allow: Sequence[str]
                 ) -> DrillOptions:
    """The options of one site's drill: its own target and report directory."""
    return replace(base, hosts=None, preset=site.preset, inventory=site.inventory,
                   report_dir=base.report_dir / site.name,
                   allow_destructive=site.name if site.name in allow else None,
                   progress_log=str(out / f"{site.name}.log"))


def prepare(sites: Sequence[Site]) -> None:
    """Bring the simulated sites up one after the other before the parallel session, so two
    workers never build the same image at once (session.build does what a lone drill does)."""
    for site in sites:
        if site.preset:
            session.build(session.Target(preset=site.preset)).close()


def run(base: DrillOptions, sites: Sequence[Site], allow: Sequence[str] = ()) -> MultiResult:
    if not sites:
        raise InventoryError("no cluster to drill: give --preset or --inventory")
    if importlib.util.find_spec("xdist") is None:
        raise HamnError("pytest-xdist is not installed, and several clusters are drilled "
                        "through it: pip install pytest-xdist (in hamn's dev extra)")
    started = time.time()
    stamp = datetime.fromtimestamp(started).strftime("%Y%m%d-%H%M%S")
    out = Path(base.report_dir) / f"summary-{stamp}"
    console = Console(stderr=True, quiet=base.quiet, highlight=False, soft_wrap=True)
    prepare(sites)
    out.mkdir(parents=True, exist_ok=False)
    (out / "results").mkdir()
    spec: dict[str, list[dict[str, Any]]] = {"sites": [{"name": s.name, "source": s.source,
                       "result": str(out / "results" / f"{s.name}.json"),
                       "options": options_to_json(site_options(base, s, out, allow))}
                      for s in sites]}
    (out / "sites.json").write_text(json.dumps(spec, indent=1))
    workers = len(sites)
    engine = f"pytest-xdist -n {workers} --dist load"
    console.print(f"drill of {workers} clusters ({', '.join(s.name for s in sites)}) in "
                  f"parallel ({engine}): summary in {out}")
    argv = [sys.executable, "-m", "pytest", str(ITEMS), "-n", str(workers), "--dist", "load",
            "--noconftest", "-q", "--no-header",
            f"--junitxml={out / 'junit.xml'}", "-o", "junit_suite_name=hamn-sites",
            "--rootdir", str(ROOT)]
    with open(out / "pytest.log", "w") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, SPEC_ENV: str(out / "sites.json"),
                                     "PYTHONPATH": str(ROOT)})
        follow(proc, [(s.name, out / f"{s.name}.log") for s in sites], console)
    records = []
    for entry in spec["sites"]:
        path = Path(entry["result"])
        if path.exists():
            records.append(json.loads(path.read_text()))
        else:  # the item crashed before writing its record: the session log says why
            records.append(summary.record_of(
                entry["name"], entry["source"], None, None,
                error=f"the drill's test item did not report (pytest exit "
                      f"{proc.returncode}; see {out / 'pytest.log'})"))
    data = summary.build(records, started=started, finished=time.time(), out=out,
                         engine=engine)
    summary.write(out, data)
    return MultiResult(data["verdict"], out, data)


def follow(proc: subprocess.Popen[Any], logs: Sequence[tuple[str, Path]],
           console: Console) -> None:
    """Until PROC ends, print each site's new progress lines, prefixed with its name."""
    seen = {name: 0 for name, _ in logs}
    width = max(len(name) for name, _ in logs)
    while True:
        done = proc.poll() is not None
        for name, path in logs:
            if not path.exists():
                continue
            with open(path, "rb") as fh:
                fh.seek(seen[name])
                data = fh.read()
            complete = data[:data.rfind(b"\n") + 1]  # a half-written line waits
            seen[name] += len(complete)
            for line in complete.decode(errors="replace").splitlines():
                console.print(f"[bold]{escape(name):<{width}}[/bold] {escape(line)}")
        if done:
            return
        time.sleep(0.5)
