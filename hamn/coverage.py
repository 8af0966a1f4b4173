"""Runbook coverage: which sections (2 to 9) have scenarios, read from @section-N tags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SECTIONS: dict[str, str] = {
    "2": "Configuration requirements",
    "3": "Setup primary management node",
    "4": "Setup standby management node",
    "4.3": "Time synchronised between the management nodes (4, step 3)",
    "5.1": "DB2 HADR setup (5.1.1 to 5.1.7 as one procedure)",
    "5.1.1": "Disconnect all the DB2 clients",
    "5.1.2": "Configuration parameters for xcatdb",
    "5.1.3": "Backup xcatdb on the primary",
    "5.1.4": "Restore xcatdb on the standby",
    "5.1.5": "HADR service ports",
    "5.1.6": "HADR parameters",
    "5.1.7": "Start HADR",
    "5.1.8": "Verify HADR status",
    "5.1.9": "Test database synchronisation",
    "5.1.10": "Useful HADR commands",
    "5.2": "PostgreSQL replication",
    "5.3": "Other database systems (MySQL, SQLite)",
    "6": "Files synchronisation (the cron entries of 6.1 to 6.3)",
    "6.1": "SSL credentials and SSH keys",
    "6.2": "Node deployment packages",
    "6.3": "Network services configuration files",
    "7": "Cluster maintenance",
    "8": "Failover",
    "9": "Failback",
}

# Sections with no scenario of their own, and why that is acceptable.
REASONS: dict[str, str] = {}

_TAG = re.compile(r"@section-([0-9.]+)")


@dataclass(frozen=True)
class Row:
    section: str
    title: str
    scenarios: int
    features: tuple[str, ...]
    reason: str = ""


def most_specific(sections: list[str]) -> str:
    """The deepest of a scenario's sections (its own @section-5.1.8 over its feature's
    @section-5.1): pytest-bdd hands a scenario's and its feature's tags over as one set."""
    if not sections:
        return ""
    return max(sections, key=lambda s: (s.count("."), [int(p) for p in s.split(".") if
                                                        p.isdigit()]))


def scenario_sections(text: str) -> list[set[str]]:
    """The sections of each scenario: its own tags plus the feature's."""
    feature_tags: set[str] = set()
    pending: set[str] = set()
    found: list[set[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("@"):
            pending |= set(_TAG.findall(stripped))
        elif stripped.startswith("Feature:"):
            feature_tags, pending = pending, set()
        elif stripped.startswith(("Scenario:", "Scenario Outline:")):
            found.append(feature_tags | pending)
            pending = set()
    return found


def table(features: Path) -> list[Row]:
    counts: dict[str, int] = dict.fromkeys(SECTIONS, 0)
    where: dict[str, set[str]] = {s: set() for s in SECTIONS}
    for path in sorted(features.glob("*.feature")):
        for sections in scenario_sections(path.read_text()):
            for s in sections:
                counts[s] = counts.get(s, 0) + 1
                where.setdefault(s, set()).add(path.name)
    return [Row(s, SECTIONS.get(s, "?"), counts[s], tuple(sorted(where[s])),
                "" if counts[s] else REASONS.get(s, "")) for s in counts]
