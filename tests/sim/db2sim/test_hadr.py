"""HADR between two simulated instances on 127.0.0.1/127.0.0.2 (runbook 5.1.2-5.1.10, 8)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from simulators.db2sim import client
from simulators.db2sim.messages import Db2Error

from .conftest import Inst, in_peer, setup_pair, wait_for


@pytest.fixture
def pair(pair_nodes: tuple[Inst, Inst]) -> Iterator[tuple[Inst, Inst]]:
    p, s = pair_nodes
    setup_pair(p, s)
    assert wait_for(lambda: in_peer(p, s), 10)
    yield p, s


def rows(node: Inst, sql: str) -> list[tuple[object, ...]]:
    with client.connect("XCATDB", "xcatdb", "cluster", home=node.home) as conn:
        return conn.execute(sql)


def test_runbook_setup_reaches_primary_standby_peer_connected(pair: tuple[Inst, Inst]) -> None:
    p, s = pair
    snap = p.db2("GET", "SNAPSHOT", "FOR", "DB", "ON", "XCATDB").out
    assert "HADR Status" in snap
    assert "Role                   = Primary" in snap
    assert "State                  = Peer" in snap
    assert "Connection status      = Connected," in snap
    assert "Synchronization mode   = Nearsync" in snap
    out = s.cmd("db2pd", "-d", "xcatdb", "-hadr").out
    assert "HADR Information:" in out
    assert out.split("\n")[1].startswith("Database Partition 0 -- Database XCATDB -- Active")
    assert s.hadr()["HADR_ROLE"] == "STANDBY"
    assert s.hadr()["HADR_CONNECT_STATUS"] == "CONNECTED"


def test_standby_follows_primary_and_refuses_connections(pair: tuple[Inst, Inst]) -> None:
    p, s = pair
    with client.connect("XCATDB", "xcatdb", "cluster", home=p.home) as conn:
        conn.execute("INSERT INTO site VALUES (?, ?)", ("testnode", "1.2.3.4"))
    with pytest.raises(Db2Error) as err:
        client.connect("XCATDB", "xcatdb", "cluster", home=s.home)
    assert err.value.message_id == "SQL1776N"
    r = s.db2("CONNECT", "TO", "XCATDB")
    assert r.rc == 4 and 'SQL1776N' in r.flat and 'Reason code = "1"' in r.flat
    # graceful takeover (5.1.9) then the standby has the row
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster")
    assert "DB20000I  The TAKEOVER HADR ON DATABASE command completed successfully." in r.out
    assert ("testnode", "1.2.3.4") in rows(s, "SELECT key, value FROM site")
    assert wait_for(lambda: in_peer(s, p), 10)
    assert s.hadr()["HADR_ROLE"] == "PRIMARY" and p.hadr()["HADR_ROLE"] == "STANDBY"
    with client.connect("XCATDB", "xcatdb", "cluster", home=s.home) as conn:
        conn.execute("DELETE FROM site WHERE key = ?", ("testnode",))
    # and back: takeover on the old primary
    r = p.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster")
    assert r.rc == 0, r.out
    assert wait_for(lambda: in_peer(p, s), 10)
    assert ("testnode",) not in rows(p, "SELECT key FROM site")


def test_takeover_errors(pair: tuple[Inst, Inst]) -> None:
    p, s = pair
    r = p.clp("TAKEOVER HADR ON DATABASE XCATDB")
    assert 'SQL1770N  Takeover HADR cannot complete. Reason code = "1".' in r.out
    assert r.rc == 4
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING wrong")
    assert "SQL30082N" in r.flat and r.rc == 4
    r = s.clp("STOP HADR ON DATABASE XCATDB")
    assert 'SQL1769N  Stop HADR cannot complete. Reason code = "2".' in r.flat
    r = s.clp("START HADR ON DATABASE XCATDB AS STANDBY")
    assert "SQL1777N" in r.flat
    p.kill()
    assert wait_for(lambda: s.hadr().get("HADR_CONNECT_STATUS") == "DISCONNECTED", 10)
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB")
    assert "SQL1770N" in r.flat and r.rc == 4


def test_standby_killed_disconnected_peer_then_peer_again(
    pair_nodes: tuple[Inst, Inst],
) -> None:
    p, s = pair_nodes
    setup_pair(p, s, peer_window=4)
    assert wait_for(lambda: in_peer(p, s), 10)
    s.kill()
    assert wait_for(lambda: p.hadr().get("HADR_STATE") == "DisconnectedPeer", 5)
    t0 = time.time()
    with client.connect("XCATDB", "xcatdb", "cluster", home=p.home) as conn:
        conn.execute("INSERT INTO site VALUES ('blocked', 'x')")
    blocked = time.time() - t0
    assert 1.0 < blocked < 8, blocked  # the commit waited for the peer window to end
    assert p.hadr()["HADR_STATE"] == "Disconnected"
    with client.connect("XCATDB", "xcatdb", "cluster", home=p.home) as conn:
        t0 = time.time()
        conn.execute("INSERT INTO site VALUES ('free', 'y')")
        assert time.time() - t0 < 1.0
    s.start()
    r = s.db2("ACTIVATE", "DATABASE", "XCATDB")
    assert r.rc == 0, r.out
    assert wait_for(lambda: in_peer(p, s), 10)
    s.db2("DEACTIVATE", "DATABASE", "XCATDB")
    s.db2("STOP", "HADR", "ON", "DATABASE", "XCATDB")
    r = s.clp("ROLLFORWARD DATABASE XCATDB TO END OF LOGS AND COMPLETE")
    assert r.rc == 0, r.out
    got = {k for (k,) in rows(s, "SELECT key FROM site")}
    assert {"master", "blocked", "free"} <= got


def test_forced_takeover_split_brain_protection_and_reintegration(
    pair: tuple[Inst, Inst],
) -> None:
    p, s = pair
    p.kill()
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster BY FORCE")
    assert r.rc == 0, r.out
    assert s.hadr()["HADR_ROLE"] == "PRIMARY"
    with client.connect("XCATDB", "xcatdb", "cluster", home=s.home) as conn:
        conn.execute("INSERT INTO site VALUES ('after', 'takeover')")
    # the old primary comes back: it must not serve as a second primary
    p.start()
    r = p.db2("ACTIVATE", "DATABASE", "XCATDB")
    assert 'SQL1768N  Unable to start HADR. Reason code = "7".' in r.flat, r.out
    with pytest.raises(Db2Error) as err:
        client.connect("XCATDB", "xcatdb", "cluster", home=p.home)
    assert err.value.message_id == "SQL1768N"
    # reintegration as the new standby
    r = p.db2("START", "HADR", "ON", "DATABASE", "XCATDB", "AS", "STANDBY")
    assert r.rc == 0, r.out
    assert wait_for(lambda: in_peer(s, p), 10)
    r = p.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster")
    assert r.rc == 0, r.out
    assert ("after",) in rows(p, "SELECT key FROM site WHERE value = 'takeover'")


def test_forced_takeover_disables_reachable_old_primary(pair: tuple[Inst, Inst]) -> None:
    p, s = pair
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB BY FORCE PEER WINDOW ONLY")
    assert r.rc == 0, r.out
    assert wait_for(lambda: "not activated" in p.cmd("db2pd", "-d", "xcatdb", "-hadr").out, 5)


def test_stop_hadr_on_standby_leaves_rollforward_pending(pair: tuple[Inst, Inst]) -> None:
    p, s = pair
    assert s.db2("DEACTIVATE", "DATABASE", "XCATDB").rc == 0
    r = s.clp("STOP HADR ON DATABASE XCATDB")
    assert "DB20000I  The STOP HADR ON DATABASE command completed successfully." in r.out
    r = s.db2("ACTIVATE", "DATABASE", "XCATDB")
    assert r.rc == 4
    assert ('SQL1117N  A connection to or activation of database "XCATDB" cannot be made \n'
            'because of ROLL-FORWARD PENDING.  SQLSTATE=57019') in r.out
    r = s.clp("ROLLFORWARD DATABASE XCATDB TO END OF LOGS AND COMPLETE")
    assert "Rollforward status                     = not pending" in r.out
    assert "DB20000I  The ROLLFORWARD command completed successfully." in r.flat
    assert s.db2("ACTIVATE", "DATABASE", "XCATDB").rc == 0
    cfg = s.db2("GET", "DB", "CFG", "FOR", "XCATDB").out
    assert " HADR database role                                      = STANDARD" in cfg
    # the primary lost its standby; STOP HADR there makes it a standard database again
    r = p.clp("STOP HADR ON DATABASE XCATDB")
    assert r.rc == 0
    r = p.clp("STOP HADR ON DATABASE XCATDB")
    assert 'SQL1769N  Stop HADR cannot complete. Reason code = "1".' in r.flat


@pytest.mark.parametrize("mode", ["SYNC", "NEARSYNC"])
def test_no_lost_commit_when_primary_dies(pair_nodes: tuple[Inst, Inst], mode: str) -> None:
    p, s = pair_nodes
    with client.connect("XCATDB", "xcatdb", "cluster", home=p.home) as conn:
        conn.execute("CREATE TABLE counter (n INTEGER NOT NULL PRIMARY KEY)")
    setup_pair(p, s, syncmode=mode)
    assert wait_for(lambda: in_peer(p, s), 10)
    acked: list[int] = []
    stop = threading.Event()

    def load() -> None:
        try:
            conn = client.connect("XCATDB", "xcatdb", "cluster", home=p.home)
            n = 0
            while not stop.is_set():
                n += 1
                conn.execute("INSERT INTO counter VALUES (?)", (n,))
                acked.append(n)
        except Db2Error:
            return

    t = threading.Thread(target=load)
    t.start()
    assert wait_for(lambda: len(acked) > 50, 20)
    p.kill()
    t.join(10)
    stop.set()
    r = s.clp("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster BY FORCE")
    assert r.rc == 0, r.out
    have = {n for (n,) in rows(s, "SELECT n FROM counter")}
    missing = [n for n in acked if n not in have]
    assert not missing, f"{len(missing)} acknowledged commits lost: {missing[:10]}"
