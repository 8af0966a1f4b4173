"""pytest wiring: feature files collected as they are, roles from --hosts/--inventory/the sim.

``pytest features/failover.feature --hosts=aixmn1,aixmn2`` works as typed: .feature files
are collected here (pytest-bdd does not collect them itself), their scenarios bound to the
shared step modules in steps/. The first of --hosts is the primary MN, the second the
standby. With neither --hosts nor --inventory the suite targets the simulated cluster,
bringing it up once per session and reusing it when it already runs.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamn import session
from hamn.errors import HamnError
from hamn.inventory import Cluster, Member

# Every module in steps/ is loaded once: one phrase, one definition, shared by all features.
pytest_plugins = sorted(f"steps.{p.stem}" for p in (Path(__file__).parent / "steps").glob("*.py")
                        if p.stem != "__init__")


def pytest_addoption(parser: pytest.Parser) -> None:
    # --hosts (PRIMARY,STANDBY: first = primary) and --ssh-config are testinfra's options;
    # hamn reads them rather than defining look-alikes.
    group = parser.getgroup("hamn")
    group.addoption("--inventory", default=None, help="YAML inventory naming roles and settings")
    group.addoption("--preset", default=None,
                    help="simulated cluster preset when no hosts are given (default aix-db2)")
    group.addoption("--allow-destructive", default=None, metavar="CLUSTER",
                    help="typed consent: run @destructive scenarios on this (real) cluster")
    group.addoption("--plan", action="store_true",
                    help="print the commands each scenario would run; run none that change")
    group.addoption("--run-slow", action="store_true",
                    help="also run the @slow rows (each re-creates the simulated pair)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "section(number): the runbook section a scenario "
                            "implements (from @section-N.N tags)")


def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    """@section-5.1.9 becomes the marker section("5.1.9"); other tags are plain markers."""
    if tag.startswith("section-"):
        pytest.mark.section(tag.removeprefix("section-"))(function)
        return True
    if tag.startswith("known-gap-issue-"):
        issue = tag.removeprefix("known-gap-issue-")
        pytest.mark.xfail(strict=True, reason=f"known gap, open in issue {issue}: the "
                          "scenario is written but does not pass yet")(function)
        return True
    return None


class FeatureFile(pytest.Module):
    """A .feature file as a test module whose tests are its scenarios."""

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(f"feature_{self.path.stem}")
        module.__file__ = str(self.path)
        code = "from pytest_bdd import scenarios\nscenarios(FEATURE)\n"
        module.__dict__["FEATURE"] = str(self.path)
        exec(compile(code, str(self.path), "exec"), module.__dict__)
        return module


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Module | None:
    if file_path.suffix == ".feature":
        return FeatureFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse destructive scenarios on a real cluster without the typed confirmation."""
    destructive = [i for i in items if i.get_closest_marker("destructive")]
    if not destructive or config.getoption("--plan"):
        return
    if not (config.getoption("--hosts") or config.getoption("--inventory")):
        return  # the simulated cluster: no consent needed
    try:
        session.require_consent(session.cluster_for(config),
                                config.getoption("--allow-destructive"))
    except HamnError as err:
        raise pytest.UsageError(f"{err} (or select only read-only checks: -m readonly)") \
            from None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip, saying why, a scenario whose database or platform the target does not have."""
    tags = {m.name for m in item.iter_markers()}
    if "slow" in tags and not item.config.getoption("--run-slow"):
        pytest.skip("a @slow row: each re-creates the simulated pair and fails over (one to three "
                    "minutes); CI runs the representative rows; add --run-slow for all")
    if tags & {*session.DB_TAGS, *session.PLATFORM_TAGS, "twin", "rsync-install"}:
        why = session.inapplicable(session.cluster_for(item.config), tags)
        if why:
            pytest.skip(why)


@pytest.fixture(scope="session")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    try:
        c = session.cluster_for(request.config)
        session.preflight(c)
    except HamnError as err:
        pytest.exit(f"hamn: {err}", returncode=2)
    yield c
    c.close()


@pytest.fixture
def primary(cluster: Cluster) -> Member:
    return cluster.primary


@pytest.fixture
def standby(cluster: Cluster) -> Member:
    return cluster.standby


@pytest.fixture
def service_nodes(cluster: Cluster) -> list[Member]:
    return cluster.service_nodes


@pytest.fixture
def compute_nodes(cluster: Cluster) -> list[Member]:
    return cluster.compute_nodes


@pytest.fixture(scope="session")
def sim(cluster: Cluster) -> Any:
    """The simulated cluster behind ``cluster`` (fault primitives); skips on real hosts."""
    if not cluster.simulated:
        pytest.skip("needs the simulated cluster: fault injection is not done to real MNs")
    from simulators.cluster import running_clusters
    for candidate in running_clusters():
        if candidate.name == cluster.name:
            return candidate
    pytest.skip(f"simulated cluster {cluster.name} is not running")
