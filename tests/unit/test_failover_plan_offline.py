"""Section 8 in plan mode, offline: the plan lists the runbook's commands in order, and no
command that changes anything reaches a host (a fake channel records what reaches it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hamn import failover, services
from hamn.channel import Raw
from hamn.inventory import Cluster, Member, Settings
from hamn.runner import Node, RunLog

MUTATING = re.compile(r"mktcpip|TAKEOVER|STOP HADR|db2stop|db2gcf -u|startsrc|stopsrc|"
                      r"shutdown|makedns|makedhcp|makeconservercf|nodeset|rpower|nim -Fo|"
                      r"m_mkspot|nim_master_setup|ip addr (add|flush)|pg_promote")

ANSWERS = [
    (r"^uname -s", "AIX\n"),
    (r"^hostname", "{host}\n"),
    (r"^lsattr -El en0", "netaddr {addr} Internet Address True\n"
                         "netmask 255.255.255.0 Subnet Mask True\n"),
    (r"lsdef -t osimage -l", "Object name: 61cosi\n    spot=61cosi\n    lpp_source="
                             "61cosi_lpp_source\n    installp_bundle=/install/nim/b1\n"),
    (r"^lsnim -t alternate_master", ""),
    (r"^lsnim", "master machines master\n"),
]


@dataclass
class FakeChannel:
    host: str
    addr: str
    seen: list[str] = field(default_factory=list)

    def run(self, script: str, stdin: str | None = None, timeout: float = 120.0) -> Raw:
        self.seen.append(script)
        for pattern, out in ANSWERS:
            if re.search(pattern, script):
                return Raw(0, out.format(host=self.host, addr=self.addr), "")
        return Raw(0, "", "")

    def close(self) -> None:
        pass


def fake_cluster(log: RunLog) -> tuple[Cluster, list[FakeChannel]]:
    chans = [FakeChannel("aixmn1", "9.114.47.103"), FakeChannel("aixmn2", "9.114.47.104"),
             FakeChannel("cn1", "9.114.47.120")]
    nodes = [Node(c.host, c, log, plan=True) for c in chans]  # type: ignore[arg-type]
    cluster = Cluster("prod", Member("primary", "aixmn1", nodes[0], "9.114.47.103", "aixmn1"),
                      Member("standby", "aixmn2", nodes[1], "9.114.47.104", "aixmn2"),
                      compute_nodes=[Member("compute", "cn1", nodes[2])],
                      settings=Settings(interface="en0", gateway="9.114.47.126"))
    return cluster, chans


def test_plan_mode_sends_no_change_to_any_host(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMN_HOME", str(tmp_path))
    monkeypatch.setenv("HAMN_DB_PASSWORD", "s3cret-pw")
    log = RunLog()
    cluster, chans = fake_cluster(log)
    for m in cluster.members():
        services.forget(m.node)
    fo = failover.run(cluster, plan=True)
    reached = [s for c in chans for s in c.seen]
    assert not [s for s in reached if MUTATING.search(s)], reached
    planned = [r.display for r in log.planned()]
    text = "\n".join(planned)
    order = ["TAKEOVER HADR ON DATABASE XCATDB", "shutdown -F", "STOP HADR", "mktcpip",
             "db2gcf -u", "startsrc -s xcatd", "makedns", "makeconservercf",
             "m_mkspot", "nodeset cn1 osimage", "rpower cn1 reset"]
    positions = [text.find(word) for word in order]
    assert -1 not in positions, (order, text)
    assert positions == sorted(positions), text
    assert "s3cret-pw" not in text and "s3cret-pw" not in "".join(reached)
    assert "-a 9.114.47.103" in text and "-h aixmn1" in text and "-i en0" in text
    assert [r.section for r in fo.records][:4] == ["8.1", "8.2", "8.3", "8.4"]
    assert not (tmp_path / "failover").exists()  # a plan leaves no journal
