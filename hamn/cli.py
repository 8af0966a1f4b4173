"""The ``hamn`` command: the simulated cluster, drills, status, plans.

Expected failures (HamnError) print one line and exit non-zero, without a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from hamn.errors import HamnError

F = TypeVar("F", bound=Callable[..., Any])


def friendly(func: F) -> F:
    """Turn HamnError into `hamn: message` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HamnError as err:
            click.echo(f"hamn: {err}", err=True)
            sys.exit(err.exit_code)
        except KeyError as err:  # unknown preset and the like
            click.echo(f"hamn: {err.args[0]}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group()
def main() -> None:
    """hamn: the xCAT HA management-node runbook, executable."""


# --- the simulated cluster --------------------------------------------------------------------

preset_option = click.option("--preset", default=None,
                             help="cluster preset (default aix-db2); see `hamn sim presets`")


def _sim(preset: str | None) -> Any:
    from simulators.cluster import Cluster
    from simulators.presets import DEFAULT_PRESET
    return Cluster(preset or DEFAULT_PRESET)


@main.group()
def sim() -> None:
    """The simulated cluster in Docker: primary MN, standby MN, service node, compute node."""


@sim.command("presets")
def sim_presets() -> None:
    """List the presets."""
    from simulators.presets import PRESETS
    for p in PRESETS.values():
        names = ",".join(n.name for n in p.nodes)
        click.echo(f"{p.name:<26} db={p.db:<9} {p.nodes[0].personality:<6} {p.subnet:<16} "
                   f"{names}")


@sim.command("up")
@preset_option
@click.option("--fresh", is_flag=True, help="recreate the nodes even if they match")
@friendly
def sim_up(preset: str | None, fresh: bool) -> None:
    """Build images if needed and start the cluster (reused when its hashes match)."""
    cluster = _sim(preset)
    log = cluster.state / "build.log"
    cluster.state.mkdir(parents=True, exist_ok=True)
    built = cluster.up(log=log, fresh=fresh)
    if built:  # new nodes: a failover journal of the old ones describes nothing that exists
        from hamn import failover_prep
        failover_prep.journal_path_for(cluster.name).unlink(missing_ok=True)
    click.echo(f"cluster {cluster.name} ({cluster.preset.name}) "
               f"{'started' if built else 'already running, reused'}")
    click.echo(f"--hosts={cluster.hosts_option}")
    click.echo(f"ssh_config: {cluster.ssh_config_path}")
    mn2 = cluster.node("standby").spec.name
    click.echo(f"try: ssh -F {cluster.ssh_config_path} {mn2} hostname")


@sim.command("down")
@preset_option
@friendly
def sim_down(preset: str | None) -> None:
    """Remove the cluster's containers and network (and the failover journal of them)."""
    from hamn import failover_prep
    cluster = _sim(preset)
    cluster.down()
    failover_prep.journal_path_for(cluster.name).unlink(missing_ok=True)


@sim.command("status")
@preset_option
@friendly
def sim_status(preset: str | None) -> None:
    """Show each node's role, address and state."""
    for row in _sim(preset).status():
        click.echo(f"{row['node']:<8} {row['role']:<8} {row['personality']:<6} "
                   f"{row['address']:<16} {row['state']}")


@sim.command("ssh-config")
@preset_option
@friendly
def sim_ssh_config(preset: str | None) -> None:
    """Print an ssh_config for reaching the nodes (add it to ~/.ssh/config with Include)."""
    cluster = _sim(preset)
    if not cluster.ssh_config_path.exists():
        raise HamnError(f"cluster {cluster.name} is not up: run `hamn sim up`")
    click.echo(cluster.ssh_config_path.read_text(), nl=False)


@sim.command("shell")
@preset_option
@click.argument("node")
@friendly
def sim_shell(preset: str | None, node: str) -> None:
    """Open a root shell on NODE over SSH."""
    cluster = _sim(preset)
    cluster.node(node)
    os.execvp("ssh", ["ssh", "-F", str(cluster.ssh_config_path), node])


@sim.command("fault")
@preset_option
@click.argument("action", type=click.Choice(["stop", "start", "kill", "pause", "unpause",
                                             "cut-off", "heal", "skew"]))
@click.argument("node", required=False)
@click.option("--seconds", type=int, default=0, help="clock skew for `skew`")
@friendly
def sim_fault(preset: str | None, action: str, node: str | None, seconds: int) -> None:
    """Inject a fault into the simulated cluster."""
    cluster = _sim(preset)
    if action == "heal":
        cluster.heal()
        return
    if node is None:
        raise HamnError(f"`hamn sim fault {action}` needs a NODE")
    ops: dict[str, Callable[[], None]] = {
        "stop": lambda: cluster.stop(node), "start": lambda: cluster.start(node),
        "kill": lambda: cluster.kill(node), "pause": lambda: cluster.pause(node),
        "unpause": lambda: cluster.unpause(node), "cut-off": lambda: cluster.cut_off(node),
        "skew": lambda: cluster.skew_clock(node, seconds),
    }
    ops[action]()


# --- drills and checks ------------------------------------------------------------------------

target_options = [
    click.option("--hosts", default=None, help="PRIMARY,STANDBY (first = primary)"),
    click.option("--inventory", default=None, type=click.Path(), help="YAML inventory"),
    click.option("--ssh-config", default=None, type=click.Path(), help="ssh_config file"),
    preset_option,
]


def with_target(func: F) -> F:
    for option in reversed(target_options):
        func = option(func)
    return func


@main.command()
@click.option("--hosts", default=None, help="PRIMARY,STANDBY (first = primary)")
@click.option("--inventory", "inventories", multiple=True, type=click.Path(),
              help="YAML inventory; several, or one with a clusters: list, drill several "
                   "clusters in parallel")
@click.option("--ssh-config", default=None, type=click.Path(), help="ssh_config file")
@click.option("--preset", "presets", multiple=True,
              help="simulated cluster preset (default aix-db2); several drill several "
                   "clusters in parallel")
@click.option("--report-dir", default="reports", type=click.Path(file_okay=False),
              help="where drill-<timestamp>/ is written")
@click.option("--method", default=None, help="database method (db2, postgres, mysql, sqlite)")
@click.option("--fault", type=click.Choice(["kill", "partition"]), default="kill",
              help="how the simulated primary fails (real hosts: planned shutdown)")
@click.option("--failback", is_flag=True, help="fail back afterwards (section 9)")
@click.option("--failover-via", type=click.Choice(["library", "feature"]), default="library",
              help="run section 8 through hamn.failover or features/failover.feature")
@click.option("--allow-destructive", default=None, metavar="CLUSTER[,CLUSTER]",
              help="typed consent: drill this (real) cluster (several: comma-separated)")
@click.option("--load-rate", default=2.0, show_default=True, help="writes per second")
@click.option("--rto-target", default=600.0, show_default=True, help="seconds")
@click.option("--exclude-scenario", "exclude", multiple=True, metavar="WORD",
              help="leave pre-flight scenarios matching WORD out (pytest -k); reported")
@click.option("--quiet", is_flag=True, help="no live progress")
@friendly
def drill(hosts: str | None, inventories: tuple[str, ...], ssh_config: str | None,
          presets: tuple[str, ...], report_dir: str, method: str | None, fault: str,
          failback: bool, failover_via: str, allow_destructive: str | None,
          load_rate: float, rto_target: float, exclude: tuple[str, ...], quiet: bool) -> None:
    """Run a disaster-recovery drill and write its report (exit 0: passed).

    Several clusters (several --preset or --inventory, or an inventory with a clusters:
    list) are drilled in parallel by pytest-xdist, each with its own report, and a summary
    across them in REPORT_DIR/summary-<timestamp>/ (exit 0: every drill passed)."""
    from hamn import drill as drill_mod
    from hamn import inventory as inventory_mod
    several = len(presets) > 1 or len(inventories) > 1 or \
        any(inventory_mod.is_multi_site(p) for p in inventories)
    base = drill_mod.DrillOptions(
        hosts=hosts, inventory=inventories[0] if inventories else None,
        ssh_config=ssh_config, preset=presets[0] if presets else None,
        report_dir=Path(report_dir), method=method, fault=fault, failback=failback,
        failover_via=failover_via, allow_destructive=allow_destructive,
        load_rate=load_rate, rto_target=rto_target, exclude=exclude, quiet=quiet)
    if several:
        _drill_sites(base, presets, inventories, allow_destructive)
        return
    result = drill_mod.run(base)
    click.echo(f"drill {result.verdict}: report in {result.report_dir}")
    for why in result.report.get("verdict_reasons", []):
        click.echo(f"  {why}")
    sys.exit(0 if result.verdict == "passed" else 1)


def _drill_sites(base: Any, presets: tuple[str, ...], inventories: tuple[str, ...],
                 allow_destructive: str | None) -> None:
    """Several clusters: checked first (one line on bad input), then hamn.multidrill."""
    import tempfile

    from hamn import multidrill, sites
    from hamn import summary as summary_mod
    from hamn.errors import InventoryError
    if base.hosts:
        raise InventoryError("--hosts names one cluster; drill several with --preset or "
                             "--inventory (one file per cluster, or one with a clusters: list)")
    allow = [a for a in (allow_destructive or "").split(",") if a]
    with tempfile.TemporaryDirectory(prefix="hamn-sites-") as work:
        chosen = sites.resolve(presets, inventories, Path(work))
        result = multidrill.run(base, chosen, allow)
    click.echo(summary_mod.table(result.summary))
    click.echo(f"summary in {result.summary_dir / 'summary.html'}")
    sys.exit(0 if result.verdict == "passed" else 1)


@main.command()
@with_target
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--lag-warning", type=float, default=None, metavar="SECONDS",
              help="replication lag warning (default 60)")
@click.option("--lag-critical", type=float, default=None, metavar="SECONDS",
              help="replication lag critical (default 600)")
@click.option("--sync-warning", type=float, default=None, metavar="SECONDS",
              help="files drift and section 6's rsync last wrote longer ago: warning "
                   "(default 93600, a day and two hours)")
@click.option("--sync-critical", type=float, default=None, metavar="SECONDS",
              help="the same, critical (default 180000)")
def status(hosts: str | None, inventory: str | None, ssh_config: str | None,
           preset: str | None, as_json: bool, lag_warning: float | None,
           lag_critical: float | None, sync_warning: float | None,
           sync_critical: float | None) -> None:
    """The pair's health on one screen; exit 0 ok, 1 warning, 2 critical, 3 unknown."""
    from hamn import session
    from hamn import status as status_mod
    d = status_mod.Thresholds()
    limits = status_mod.Thresholds(
        lag_warning=d.lag_warning if lag_warning is None else lag_warning,
        lag_critical=d.lag_critical if lag_critical is None else lag_critical,
        sync_warning=d.sync_warning if sync_warning is None else sync_warning,
        sync_critical=d.sync_critical if sync_critical is None else sync_critical)
    try:
        cluster = session.build(session.Target(hosts=hosts, inventory=inventory,
                                               ssh_config=ssh_config, preset=preset))
    except HamnError as err:
        click.echo(f"UNKNOWN: hamn: {err}", err=not as_json)
        sys.exit(3)
    try:
        result = status_mod.collect(cluster, limits)
    finally:
        cluster.close()
    click.echo(json.dumps(result.as_dict(), indent=1) if as_json else result.text())
    sys.exit(result.code)


@main.group()
def report() -> None:
    """Drill reports."""


@report.command("history")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--html", "html_out", default=None, type=click.Path(dir_okay=False),
              help="also write the table and chart as HTML (default DIR/history.html)")
@friendly
def report_history(directory: str, as_json: bool, html_out: str | None) -> None:
    """RTO/RPO across the drills under DIRECTORY; flags a drill slower than the median of
    the five before it by more than 50% (exit 1 when the last drill is flagged)."""
    from hamn import history
    rows = history.load(Path(directory))
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=1))
    else:
        click.echo(history.text(rows))
    target = Path(html_out) if html_out else Path(directory) / "history.html"
    target.write_text(history.html(rows))
    if not as_json:
        click.echo(f"chart: {target}")
    sys.exit(1 if rows and rows[-1].slow else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def coverage(as_json: bool) -> None:
    """Which runbook sections (2 to 9) the features cover."""
    from hamn import coverage as cov
    table = cov.table(Path(__file__).resolve().parent.parent / "features")
    if as_json:
        click.echo(json.dumps([row.__dict__ for row in table], indent=1))
        return
    for row in table:
        where = f"  ({', '.join(row.features)})" if row.features else ""
        why = f"  -- none: {row.reason}" if row.reason else ""
        click.echo(f"{row.section:<8} {row.scenarios:>3} scenarios  {row.title}{where}{why}")
    missing = [r.section for r in table if r.scenarios == 0 and not r.reason]
    if missing:
        click.echo(f"sections without a scenario or a stated reason: {', '.join(missing)}")
        sys.exit(1)


@main.command()
@with_target
@click.option("--plan", is_flag=True, help="print every command, per host, in order; run none "
              "that changes anything")
@click.option("--force/--no-force", default=None,
              help="DB2 TAKEOVER BY FORCE (default: only when the primary does not answer)")
@click.option("--allow-destructive", default=None, metavar="CLUSTER",
              help="typed consent: fail this (real) cluster over")
@friendly
def failover(hosts: str | None, inventory: str | None, ssh_config: str | None,
             preset: str | None, plan: bool, force: bool | None,
             allow_destructive: str | None) -> None:
    """Fail the cluster over to the standby MN (runbook section 8), or print the plan."""
    from hamn import failover as failover_mod
    from hamn import session
    from hamn.runner import RUN_LOG
    cluster = session.build(session.Target(hosts=hosts, inventory=inventory,
                                           ssh_config=ssh_config, preset=preset, plan=plan))

    def progress(section: str, step: str, what: str) -> None:
        # stderr, flushed at once: a failover takes minutes; which step began is what an
        # operator needs when it stops (the re-run continues there, see `failover.Journal`)
        click.echo(f"{section:<4} {step:<22} {what}", err=True)
        sys.stderr.flush()

    failover_mod.PROGRESS.append(progress)
    try:
        if not plan:
            session.require_consent(cluster, allow_destructive)
        fo = failover_mod.run(cluster, plan=plan, force=force)
    finally:
        failover_mod.PROGRESS.remove(progress)
        cluster.close()
    if plan:
        click.echo(f"# failover plan for {cluster.name} (runbook section 8); nothing was run")
        for r in RUN_LOG.planned():
            click.echo(f"{r.host}: {r.display}")
        return
    for rec in fo.records:
        state = "skipped (already done)" if rec.skipped else f"{rec.duration:.2f}s"
        click.echo(f"{rec.section:<4} {rec.name:<22} {state:<24} {rec.note}")


if __name__ == "__main__":
    main()
