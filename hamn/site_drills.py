"""The pytest module of a multi-site drill (issue 9, "Scale out"): one test per site.

Collected only by the session hamn.multidrill starts (pytest-xdist spreads the items over
its workers); the site list comes from the file named by $HAMN_SITES. Each item runs
hamn.drill.run for its cluster, writes the record the summary is built from, and fails
when that cluster's drill did not pass.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hamn import drill, secrets, summary
from hamn.errors import HamnError
from hamn.multidrill import SPEC_ENV, options_from_json


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site" in metafunc.fixturenames:
        spec = json.loads(Path(os.environ[SPEC_ENV]).read_text())
        metafunc.parametrize("site", spec["sites"], ids=[s["name"] for s in spec["sites"]])


def test_drill(site: dict[str, Any]) -> None:
    opts = options_from_json(site["options"])
    try:
        result = drill.run(opts)
        record = summary.record_of(site["name"], site["source"], result.report,
                                   result.report_dir)
    except HamnError as err:  # refused before any report (consent, unreachable MN ...)
        line = secrets.mask(str(err).splitlines()[0])
        if opts.progress_log:
            with open(opts.progress_log, "a") as log:
                log.write(f"hamn: {line}\n")
        record = summary.record_of(site["name"], site["source"], None, None, error=line)
    Path(site["result"]).write_text(json.dumps(record, default=str))
    assert record["verdict"] == "passed", \
        f"{site['name']}: {record['verdict']}: " + "; ".join(record["reasons"])
