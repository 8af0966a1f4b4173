"""Section 8: fail the cluster over to the standby MN, step by step, resumable.

The steps, in the runbook's order (issue 8's numbering):

1. fail the database over (DB2 TAKEOVER, BY FORCE only when the primary is not reachable;
   PostgreSQL: promote (streaming) or restore the latest dump (5.2); others per method)
2. make sure the old primary is down (shut it down if it answers; never proceed while its
   address still answers)
3. stop the database on the standby (DB2: STOP HADR, connect reset, force applications
   all, terminate, db2stop)
4. take the primary's address and hostname (hamn.identity)
5. point the database at the new name and address and start it (db2gcf -u; pg_hba and
   listen_addresses)
6. start xcatd, then makedns, makedhcp (Linux), makeconservercf (hamn.netsvc)
7. OS deployment: NIM resources on AIX (hamn.nim), then nodeset
8. management operations: rpower on the compute nodes

Each step checks its postcondition first (already done: skipped, and said so) and after.
Where a postcondition cannot be observed any more (the primary is gone, a later step has
changed the state), a journal on the controller ($HAMN_HOME/failover/<cluster>.json)
remembers what was done, so an interrupted failover re-run continues where it stopped.

Shutting the old primary down: hamn runs the platform's own halt (``shutdown -F`` on AIX,
``shutdown -h now`` on Linux), detached, then waits until the address stops answering (the
simulated nodes have a ``shutdown`` that powers the node off). Whether the primary answers
is decided once, by a ping of its address before any SSH attempt, so a dead primary costs
no SSH connect timeout. In plan mode every change is recorded, not run (hamn.runner): the
plan runs the same code on a view of the cluster whose nodes are in plan mode.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hamn import identity, mysql, netsvc, nim, pgsql, services
from hamn.errors import CommandFailed, HamnError, PreconditionFailed, VerificationFailed
from hamn.identity import Identity
from hamn.inventory import Cluster, Member, connect
from hamn.parsing import ParseError
from hamn.runner import RUN_LOG, Node, Result
from hamn.xcat import cfgloc


@dataclass(frozen=True)
class StepRecord:
    name: str
    section: str
    started: float  # wall clock (time.time())
    duration: float  # seconds
    skipped: bool
    note: str = ""


@dataclass
class Journal:
    """What a failover of one cluster has done so far, kept on the controller."""

    path: Path | None
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, cluster: Cluster, plan: bool) -> Journal:
        if plan:
            return cls(None)
        root = Path(os.environ.get("HAMN_HOME", Path.home() / ".hamn"))
        path = root / "failover" / f"{cluster.name}.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        return cls(path, data)

    def done(self, step: str) -> bool:
        return step in self.data.get("done", [])

    def mark(self, step: str) -> None:
        self.data.setdefault("done", [])
        if step not in self.data["done"]:
            self.data["done"].append(step)
        self.save()

    def save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.data, indent=1) + "\n")

    def clear(self) -> None:
        self.data = {}
        if self.path is not None:
            self.path.unlink(missing_ok=True)


# Listeners told where a failover run is: (section, step, "checking" | "doing" |
# "skipped (already done)" | "done Ns"). ``hamn failover`` prints them as it goes, so an
# operator (or the interrupted-failover scenario, hamn.interrupted) sees which step began.
PROGRESS: list[Callable[[str, str, str], None]] = []


@dataclass
class Failover:
    """One failover run: the cluster, the journal, what was learnt, the step records."""

    cluster: Cluster
    plan: bool = False
    wait: float = 120.0
    journal: Journal = field(init=False)
    records: list[StepRecord] = field(default_factory=list)
    _active: Node | None = None
    _primary_up: bool | None = None
    _taken: bool = False  # this run moved the identity (step 4)
    log_from: int = field(init=False)  # where this run's commands start in the run log

    def __post_init__(self) -> None:
        self.journal = Journal.load(self.cluster, self.plan)
        self.log_from = len(RUN_LOG.results)

    def commands(self) -> list[Result]:
        """The commands this run ran or planned, in order."""
        return RUN_LOG.results[self.log_from:]

    # --- who is who -----------------------------------------------------------------------

    @property
    def settings(self) -> Any:
        return self.cluster.settings

    @property
    def primary(self) -> Member:
        return self.cluster.primary

    @property
    def standby(self) -> Member:
        return self.cluster.standby

    @property
    def target(self) -> Identity:
        """The primary's identity the standby takes (learnt once, kept in the journal)."""
        saved = self.journal.data.get("primary")
        if saved:
            return Identity(saved["hostname"], saved["address"])
        ident = learn_primary_identity(self.cluster)
        self.journal.data["primary"] = {"hostname": ident.hostname, "address": ident.address}
        self.journal.save()
        return ident

    @property
    def standby_print(self) -> str:
        saved: str | None = self.journal.data.get("standby_fingerprint")
        if saved is None:
            saved = identity.fingerprint(self.standby.node)
            self.journal.data["standby_fingerprint"] = saved
            self.journal.save()
        return saved

    @property
    def primary_up(self) -> bool:
        """Whether the old primary answers now (decided once: its address, then SSH)."""
        if self._primary_up is None:
            if self.plan or self.journal.done("identity"):
                self._primary_up = not self.journal.done("identity")
            elif self.target.address and not identity.answers(self.active,
                                                               self.target.address):
                self._primary_up = False
            else:
                self._primary_up = reachable(self.primary.node)
        return self._primary_up

    def swapped(self) -> bool:
        """True when the primary's SSH name reaches the standby machine (step 4 done)."""
        if self.plan:
            return False
        try:
            probe = connect(self.primary.name, self.cluster.ssh_config)
            try:
                same = identity.fingerprint(probe) == self.standby_print
            finally:
                probe.close()
        except HamnError:
            return False
        return same and bool(self.standby_print)

    @property
    def active(self) -> Node:
        """The standby machine: by its own name before the swap, the primary's name after."""
        if self._active is not None:
            return self._active
        if self.plan:  # the plan names the machine: the standby (reached as the primary)
            return self.standby.node
        # Decided once per run (a probe of the primary's name costs a connect attempt while
        # nothing holds its address): the journal, else the standby still answering as itself.
        if self.journal.done("identity") or self._taken or (
                not reachable(self.standby.node) and self.swapped()):
            node = connect(self.primary.name, self.cluster.ssh_config, plan=self.plan)
            services.forget(node)
            self._active = node
            return node
        self._active = self.standby.node
        return self._active

    @property
    def active_member(self) -> Member:
        """The standby machine as a cluster member (for hamn.db2.hadr), reached as now."""
        return replace(self.standby, node=self.active)

    # --- running steps ---------------------------------------------------------------------

    def step(self, name: str, section: str, done: Callable[[], bool],
             action: Callable[[], str | None],
             after: Callable[[], bool] | None = None) -> StepRecord:
        """Run ACTION unless DONE (or the journal) says the step is done; then check AFTER
        (default DONE): a step whose state cannot be read before (a regeneration) passes
        ``done`` False and says in AFTER what must hold once it ran."""
        started, t0 = time.time(), time.monotonic()
        announce = functools.partial(self.announce, section, name)
        announce("checking")
        if not self.plan and (self.journal.done(name) or done()):
            self.journal.mark(name)
            rec = StepRecord(name, section, started, time.monotonic() - t0, True,
                             "already done")
            self.records.append(rec)
            announce("skipped (already done)")
            return rec
        announce("doing")
        note = action() or ""
        if not self.plan and not (after or done)():
            raise VerificationFailed(f"failover step {name} (runbook {section})",
                                     "its postcondition", "not reached")
        if not self.plan:
            self.journal.mark(name)
        rec = StepRecord(name, section, started, time.monotonic() - t0, False, note)
        self.records.append(rec)
        announce(f"done {rec.duration:.2f}s")
        return rec

    def announce(self, section: str, name: str, what: str) -> None:
        """Tell the PROGRESS listeners where this run is (a real run only, not a plan)."""
        if not self.plan:
            for listener in PROGRESS:
                listener(section, name, what)


def check_plan_changed_nothing(fo: Failover) -> int:
    """A plan ran no command that changes a host: every change was listed, none run
    (section 8 as a reviewed runbook). Returns the number of planned changes."""
    ran = fo.commands()
    planned = [r for r in ran if r.planned]
    if not fo.plan or not planned:
        raise VerificationFailed("failover plan", "planned changes", "none listed")
    leaked = [r for r in ran if not r.planned and "mktcpip" in r.command]
    if leaked or any(r.skipped for r in fo.records):
        raise VerificationFailed("failover plan", "no change run on any host",
                                 leaked[0].display if leaked else "a step skipped as done")
    return len(planned)


def plan_view(cluster: Cluster) -> Cluster:
    """CLUSTER with every node in plan mode (same channels): reads run, changes are listed."""
    def planned(m: Member) -> Member:
        n = m.node
        return m if n.plan else replace(m, node=Node(n.name, n.channel, n.log, plan=True))
    return replace(cluster, primary=planned(cluster.primary), standby=planned(cluster.standby),
                   service_nodes=[planned(m) for m in cluster.service_nodes],
                   compute_nodes=[planned(m) for m in cluster.compute_nodes])


def check_replicating(cluster: Cluster) -> str:
    """The standby holds a replica to fail over to (DB2: HADR Peer/Connected); else raise."""
    s = cluster.settings
    if s.db == "db2":
        from hamn.db2 import hadr
        try:
            _, st = hadr.pair_in_peer(cluster)
        except HamnError as err:
            raise PreconditionFailed(f"{s.db_name} is not replicating to the standby ({err}):"
                                     " set up HADR first (runbook 5.1)") from None
        return st.role_raw
    return s.db


def learn_primary_identity(cluster: Cluster) -> Identity:
    """The primary's hostname and cluster-facing address: the inventory, else the primary
    itself, else the standby's resolution of the primary's name (the primary may be dead)."""
    p = cluster.primary
    if p.address and p.hostname:
        return Identity(p.hostname.split(".")[0], p.address)
    try:
        if reachable(p.node):
            return identity.current(p.node, cluster.settings.interface)
    except HamnError:
        pass
    from hamn.prereqs import resolve
    res = resolve(cluster.standby.node, p.hostname or p.name)
    if res.address is None:
        raise PreconditionFailed(f"cannot learn the primary's address: {p.name} does not "
                                 "answer and the standby cannot resolve it; name address and "
                                 "hostname in the inventory")
    return Identity((p.hostname or p.name).split(".")[0], res.address)


def reachable(node: Node) -> bool:
    """True when NODE answers over SSH now."""
    try:
        return node.run("true", timeout=20).succeeded
    except HamnError:
        return False


# --- database -------------------------------------------------------------------------------


def db2_takeover(node: Node, s: Any, by_force: bool) -> Result:
    """5.1.10's TAKEOVER as the instance owner; the password goes in a 0600 file, not argv.

    hamn.db2.hadr.takeover feeds it on stdin too, but its plan line shows only ``db2 +p -t``;
    here the plan shows the statement itself, the password masked.
    """
    secret = s.password()
    statement = (f"TAKEOVER HADR ON DATABASE {s.db_name} USER {s.instance} USING {secret}"
                 + (" BY FORCE" if by_force else ""))
    shown = statement.replace(secret, "********")
    script = ('umask 077; f=/tmp/hamn-clp.$$; cat > "$f"; db2 -tf "$f"; rc=$?; '
              f'rm -f "$f"; exit $rc  # {shown}')
    return node.sh(script, user=s.instance, stdin=statement + ";\n", changes=True,
                   timeout=300)


def hadr_role(fo: Failover) -> str:
    """PRIMARY, STANDBY or STANDARD (db2pd, hamn.db2.hadr); '' when the instance is down."""
    from hamn.db2 import hadr
    try:
        report = hadr.hadr_status(fo.active_member, fo.settings)
    except VerificationFailed:
        return ""
    if report.role is not None:
        return report.role.value.upper()
    # db2pd shows no HADR section while the database is not active (a moment in a
    # restart): the configuration still says what the database is.
    try:
        role = hadr.get_db_cfg(fo.active_member, fo.settings)["HADR_DB_ROLE"].upper()
    except (HamnError, KeyError):
        return "STANDARD"
    return role or "STANDARD"


def db2_running(node: Node, s: Any) -> bool:
    res = node.run("db2gcf", "-s", "-p", "0", "-i", s.instance, user=s.instance)
    return res.succeeded and "Available" in res.stdout


def db2_nodes_host(node: Node, s: Any) -> str:
    res = node.sh("cat $HOME/sqllib/db2nodes.cfg", user=s.instance)
    parts = res.stdout.split()
    return parts[1].split(".")[0] if len(parts) > 1 else ""


def db2_connects(node: Node, s: Any) -> bool:
    from hamn.db2 import clp
    out = clp.session(node, s.instance, [f"CONNECT TO {s.db_name}", "CONNECT RESET"])
    return bool(out) and not out[0].failed


def db2_stop(fo: Failover) -> str:
    """Runbook 8: STOP HADR, connect reset, force applications all, terminate, db2stop.

    A database HADR activated stays active after STOP HADR, and db2stop then refuses
    (SQL1025N); so DEACTIVATE DATABASE runs before db2stop.
    """
    from hamn.db2 import clp, hadr
    s = fo.settings
    node = fo.active
    if fo.plan:
        try:
            hadr.stop_hadr(fo.active_member, s)
        except (VerificationFailed, ParseError):  # no status to read: plan the statement
            clp.command(node, s.instance, f"STOP HADR ON DATABASE {s.db_name}", changes=True)
    elif hadr_role(fo) in ("PRIMARY", "STANDBY"):
        hadr.stop_hadr(fo.active_member, s)
    for r in clp.session(node, s.instance, ["CONNECT RESET", "FORCE APPLICATIONS ALL",
                                            "TERMINATE", f"DEACTIVATE DATABASE {s.db_name}"],
                         changes=True):
        clp.check(r, allow=("SQL1032N", "SQL1024N", "SQL1496W"))
    res = node.run("db2stop", user=s.instance, changes=True)
    if not res.succeeded and "SQL1032N" not in res.stdout:
        raise CommandFailed(res, "db2stop on the standby (runbook 8)")
    return "STOP HADR; connect reset; force applications all; terminate; db2stop"


def pg_sql(node: Node, sql: str) -> Result:
    return node.run("psql", "-Atc", sql, user="postgres")


# --- the procedure ----------------------------------------------------------------------------


def run(cluster: Cluster, plan: bool = False, force: bool | None = None,
        wait: float = 120.0) -> Failover:
    """Fail CLUSTER over to its standby (runbook section 8). The records are on the result.

    FORCE: DB2 TAKEOVER BY FORCE; None decides by whether the primary answers. PLAN: list
    every command, change nothing (the same code, on a plan-mode view of the cluster).
    """
    if plan:
        cluster = plan_view(cluster)
    fo = Failover(cluster, plan=plan, wait=wait)
    s = cluster.settings
    kind = s.db
    if not plan:
        fo.target  # noqa: B018 - learn the primary's identity while it may still answer
        if not fo.journal.done("identity"):
            fo.standby_print  # noqa: B018
            fo.journal.data.setdefault("declared_failed", time.time())
            fo.journal.save()

    # 1. database failover
    def db_done() -> bool:
        if fo.journal.done("identity") or fo.journal.done("stop-standby-db"):
            return True
        if kind == "db2":
            role = hadr_role(fo)
            if role == "STANDARD":
                raise PreconditionFailed(
                    f"{s.db_name} on the standby is no HADR standby (role STANDARD): set "
                    "up HADR first (runbook 5.1); a failover now would lose the data")
            return role == "PRIMARY"
        if kind == "postgres" and s.pg_method == "streaming":
            return pg_sql(fo.active, "select pg_is_in_recovery()").stdout.strip() == "f"
        if kind == "mysql":
            return mysql.replica_status(fo.active_member) is None  # promoted: no replica
        return False

    def db_failover() -> str:
        node = fo.active
        if kind == "db2":
            by_force = force if force is not None else not fo.primary_up
            res = db2_takeover(node, s, by_force)
            if not res.succeeded:
                raise CommandFailed(res, "DB2 takeover (runbook 5.1.10)")
            if not plan:
                wait_for(lambda: hadr_role(fo) == "PRIMARY", fo.wait,
                         "the standby's database to be the HADR primary", interval=0.2)
            return "TAKEOVER BY FORCE" if by_force else "TAKEOVER"
        if kind == "postgres" and s.pg_method == "streaming":
            node.check("psql", "-Atc", "select pg_promote()", user="postgres", changes=True,
                       why="promoting the PostgreSQL standby")
            return "promoted"
        if kind == "postgres":
            # As the chain restores (one transaction: a failed restore changes nothing); the
            # primary is gone, so only the standby is asked for its tools.
            cfg = pgsql.config(fo.cluster)
            node.check(pgsql.tool(node, "pg_restore"), "-c", "--if-exists", "-1", "-d",
                       cfg.database, cfg.dump_file, user="postgres", changes=True,
                       why="restoring the latest dump (runbook 5.2)")
            return "latest dump restored"
        if kind == "mysql":
            mysql.promote(fo.active_member)
            return "replica promoted: replication stopped, read_only off"
        return f"{kind}: the copies synchronised by section 5.3 are the database"

    def db_after() -> bool:
        """What must hold once the database failed over, where DONE cannot say it before."""
        if kind == "postgres" and s.pg_method != "streaming":
            count = fo.active.run("psql", "-Atc", "select count(*) from site",
                                  s.db_name.lower(), user="postgres").stdout.strip()
            return count.isdigit() and int(count) > 0  # the restored xCAT tables are there
        return kind == "sqlite" or db_done()

    fo.step("database-failover", "8.1", db_done, db_failover, after=db_after)

    if not plan and "standby_address" not in fo.journal.data \
            and not fo.journal.done("identity"):
        fo.journal.data["standby_address"] = identity.interface_address(fo.standby.node,
                                                                        s.interface)
        if fo.primary_up:
            fo.journal.data["primary_dhcp"] = services.status(fo.primary.node, "dhcp").active
        fo.journal.save()

    # 2. the old primary is down
    def primary_down() -> bool:
        if fo.journal.done("identity"):
            return True
        # primary_up pinged the address moments ago; the swap pings it again (ensure_free)
        return not fo.primary_up

    fo.step("old-primary-down", "8.2", primary_down, lambda: power_off(fo))

    # 3. stop the database on the standby
    def db_stopped() -> bool:
        if fo.journal.done("database-config"):
            return True
        if kind == "db2":
            return not db2_running(fo.active, s)
        if kind in ("postgres", "mysql"):
            return not services.status(fo.active, "postgresql" if kind == "postgres"
                                       else "mysql").active
        return True

    def stop_db() -> str:
        if kind == "db2":
            return db2_stop(fo)
        if kind == "postgres" and not plan:
            # 8.5 edits these files while the server is down: ask the server where they are
            # while it still answers.
            fo.journal.data["pg_files"] = pgsql.config_files(fo.active)
            fo.journal.save()
        if kind in ("postgres", "mysql"):
            services.stop(fo.active, "postgresql" if kind == "postgres" else "mysql")
            return f"{kind} stopped"
        return "nothing to stop (sqlite)"

    fo.step("stop-standby-db", "8.3", db_stopped, stop_db)

    # 4. identity
    def identity_done() -> bool:
        if not plan and not fo._taken and fo.journal.data.get("identity_sent"):
            # A run killed after sending the change (detached: it carries on without hamn)
            # left this mark: wait for that change; probing once could miss it still on
            # its way, and sending another would move the identity twice.
            fo.standby.node.close()
            fo._taken = True
            wait_taken(time.monotonic() - 5)  # the change's log is there to read at once
            fo._active = None
        if not fo._taken and fo.active is fo.standby.node:
            return False  # the standby still answers by its own name: not taken yet
        if not fo.swapped():
            return False
        return identity.current(fo.active, s.interface) == fo.target

    def take_identity() -> str:
        node = fo.standby.node
        identity.swap(node, fo.target, s)
        if plan:
            return "planned"
        fo.journal.data["identity_sent"] = time.time()  # for a re-run: see identity_done
        fo.journal.save()
        node.close()
        fo._taken = True
        time.sleep(1.2)  # the change starts a second after the command returns
        wait_taken(time.monotonic())
        fo._active = None
        return f"{fo.target.hostname} {fo.target.address}"

    def wait_taken(began: float) -> None:
        """Wait until the primary's name reaches the standby machine (the change sent at
        BEGAN, monotonic); CommandFailed with the change's output when it failed."""
        node = fo.standby.node

        def taken() -> bool:
            if fo.swapped():
                return True
            # Not yet: after a few seconds, see whether the change failed (the standby
            # still answers by its own name then, with the change's output in its log).
            failed = identity.swap_failed(node) if time.monotonic() - began > 5 else ""
            if failed:
                raise CommandFailed(Result(node.name, identity.swap_command(node, fo.target, s),
                                           1, "", failed, 0.0), "taking the primary's identity")
            return False

        wait_for(taken, fo.wait, f"the standby answering as {fo.target.hostname}",
                 interval=0.3)

    fo.step("identity", "8.4", identity_done, take_identity)

    # 5. database configuration for the new name and address, started
    def db_config_done() -> bool:
        node = fo.active
        if kind == "db2":
            return db2_nodes_host(node, s) == fo.target.hostname and db2_connects(node, s)
        if kind == "postgres":
            return services.status(node, "postgresql").active and \
                bool({fo.target.address, "*"} & set(pgsql.listen_addresses(node)))
        if kind == "mysql":
            # 8.3 stopped it: running again means 8.5 started it
            return fo.journal.done("stop-standby-db") and services.status(node, "mysql").active
        return True

    def db_config() -> str:
        node = fo.active
        if kind == "db2":
            node.check("db2gcf", "-u", "-p", "0", "-i", s.instance, user=s.instance,
                       changes=True, why="db2gcf -u: db2nodes.cfg and start (runbook 8)")
            if not plan and not db2_connects(node, s):
                from hamn.db2 import hadr
                hadr.rollforward_complete(fo.active_member, s)
            return "db2nodes.cfg updated, instance started"
        old = fo.journal.data.get("standby_address") or fo.standby.address
        if not old:
            raise PreconditionFailed("the standby's former address is unknown: name it in "
                                     "the inventory (standby: address)")
        cfgloc.readdress(node, old, fo.target.address)
        if kind == "postgres":
            files = fo.journal.data.get("pg_files") or pgsql.config_files(node)
            pgsql.rewrite_addresses(node, files, old, fo.target.address)
            services.start(node, "postgresql")
            return "listen_addresses, pg_hba.conf and cfgloc updated, PostgreSQL started"
        if kind == "mysql":
            services.start(node, "mysql")
        return f"{kind}: started"

    fo.step("database-config", "8.5", db_config_done, db_config)

    # 6. xcatd and network services
    def xcatd_done() -> bool:
        return services.status(fo.active, "xcatd").active and \
            fo.active.run("lsxcatd", "-a").succeeded

    fo.step("start-xcatd", "8.6", xcatd_done, lambda: str(services.start(fo.active, "xcatd")))

    def regenerate() -> str:
        served = bool(fo.journal.data.get("primary_dhcp", True))
        return ", ".join(netsvc.regenerate(fo.active, dhcp=served))

    def regenerated() -> bool:
        served = bool(fo.journal.data.get("primary_dhcp", True))
        return services.status(fo.active, "dns").active and \
            (not served or services.status(fo.active, "dhcp").active)

    fo.step("network-services", "8.6", lambda: False, regenerate, regenerated)

    # 7. OS deployment
    computes = [m.name for m in cluster.compute_nodes]

    def deploy() -> str:
        node = fo.active
        notes = []
        if services.platform(node) == "aix":
            got = nim.recreate(node)
            notes.append("HANIM keeps NIM" if got.hanim else
                         f"NIM defined {len(got.defined)}, present {len(got.present)}")
        images = nim.osimages(node)
        if computes and images:
            node.check("nodeset", ",".join(computes), "osimage", changes=True, why="nodeset")
            notes.append("nodeset " + ",".join(computes))
        else:
            notes.append("no osimage or compute node: nodeset not needed")
        return "; ".join(notes)

    fo.step("os-deployment", "8.7", lambda: False, deploy, lambda: True)

    # 8. management operations
    def manage() -> str:
        if not computes:
            return "no compute node named: give compute_nodes in the inventory"
        fo.active.check("rpower", ",".join(computes), "reset", changes=True,
                        why="rpower reset (runbook 8: management operations)")
        return "rpower reset " + ",".join(computes)

    fo.step("management-operations", "8.8", lambda: False, manage, lambda: True)
    if not plan:
        fo.journal.data["completed"] = time.time()
        fo.journal.save()
    return fo


def power_off(fo: Failover) -> str:
    """Shut the old primary down if it answers; then wait until its address is silent."""
    p = fo.primary
    if fo.plan:
        halt = "shutdown -F" if services.platform(p.node) == "aix" else "shutdown -h now"
        p.node.sh(halt, changes=True)
        return "planned"
    if fo.primary_up:
        halt = "shutdown -F" if services.platform(p.node) == "aix" else "shutdown -h now"
        p.node.sh(f"nohup {halt} > /dev/null 2>&1 < /dev/null &", changes=True)
        services.forget(p.node)
        p.node.close()
        how = halt
    elif identity.answers(fo.active, fo.target.address):
        raise PreconditionFailed(
            f"{fo.target.address} answers but the primary {p.name} cannot be reached to shut "
            "it down: power it off (HMC/BMC) and re-run the failover; it continues here")
    else:
        return "already down"
    wait_for(lambda: not identity.answers(fo.active, fo.target.address), fo.wait,
             f"{fo.target.address} to stop answering")
    fo._primary_up = False
    return how


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             interval: float = 1.0) -> None:
    """Poll CONDITION until true or TIMEOUT seconds pass (hamn's one wait policy here)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() >= deadline:
            raise VerificationFailed(f"waiting for {what}", f"within {timeout:.0f}s",
                                     "timed out")
        time.sleep(interval)
