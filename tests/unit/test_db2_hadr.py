"""hamn.db2.hadr against recorded DB2 output (IBM's documented formats), over a fake host."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamn.channel import Raw
from hamn.db2 import hadr
from hamn.errors import PreconditionFailed, VerificationFailed
from hamn.inventory import Cluster, Member, Settings
from hamn.runner import Node, RunLog

DATA = Path(__file__).parent.parent / "data" / "db2"
SETTINGS = Settings(password_env="HAMN_TEST_PW")


class Host:
    """A fake MN: answers db2pd, GET DB CFG, GET SNAPSHOT, /etc/services; records the rest."""

    def __init__(self, db2pd: str = "", cfg: str = "get_db_cfg_9.7_primary.txt",
                 snapshot: str = "", services: str = "") -> None:
        self.db2pd, self.cfg, self.snapshot, self.services = db2pd, cfg, snapshot, services
        self.sent: list[tuple[str, str | None]] = []

    def run(self, script: str, stdin: str | None = None, timeout: float = 0) -> Raw:
        self.sent.append((script, stdin))
        if "db2pd" in script:
            return Raw(0, (DATA / self.db2pd).read_text(), "")
        if "GET DB CFG" in script:
            return Raw(0, (DATA / self.cfg).read_text(), "")
        if "GET SNAPSHOT" in script:
            return Raw(0, (DATA / self.snapshot).read_text(), "")
        if script.startswith("cat /etc/services"):
            return Raw(0, self.services, "")
        return Raw(0, "", "")

    def close(self) -> None:
        pass


def member(role: str, host: Host, address: str) -> Member:
    return Member(role, f"{role}-mn", Node(f"{role}-mn", host, RunLog()),  # type: ignore[arg-type]
                  address, f"{role}-mn")


def cluster(p: Host, s: Host) -> Cluster:
    return Cluster("test", member("primary", p, "9.114.47.103"),
                   member("standby", s, "9.114.47.104"), settings=SETTINGS)


@pytest.mark.parametrize("db2pd", ["db2pd_hadr_9.7_primary_peer.txt",
                                   "db2pd_hadr_10.1_primary_peer.txt"])
def test_a_primary_in_peer_passes(db2pd: str) -> None:
    c = cluster(Host(db2pd), Host())
    assert hadr.verify_peer(c.primary, SETTINGS).is_peer_connected


def test_the_snapshot_is_read_too() -> None:
    c = cluster(Host(snapshot="snapshot_hadr_9.7_primary_peer.txt"), Host())
    assert hadr.verify_peer(c.primary, SETTINGS, source="snapshot").is_peer_connected


def test_a_disconnected_primary_fails_naming_the_attribute_and_both_values() -> None:
    c = cluster(Host("db2pd_hadr_9.7_primary_disconnected.txt"), Host())
    with pytest.raises(VerificationFailed, match=r"HADR State \(db2pd\) on primary-mn: "
                       r"expected Peer, found Disconnected"):
        hadr.verify_peer(c.primary, SETTINGS)


def test_the_snapshot_failure_names_the_attribute() -> None:
    c = cluster(Host(snapshot="snapshot_hadr_9.7_primary_disconnected.txt"), Host())
    with pytest.raises(VerificationFailed, match=r"HADR \w+ \(snapshot\) on primary-mn: "
                       r"expected \w+, found \w+"):
        hadr.verify_peer(c.primary, SETTINGS, source="snapshot")


def test_the_wrong_role_is_named() -> None:
    c = cluster(Host(), Host("db2pd_hadr_9.7_primary_peer.txt"))
    with pytest.raises(VerificationFailed, match=r"HADR Role \(db2pd\) on standby-mn: "
                       r"expected Standby, found Primary"):
        hadr.verify_peer(c.standby, SETTINGS)


def test_hadr_never_configured_asks_for_setup() -> None:
    cfg_no_hadr = (DATA / "get_db_cfg_9.7_primary.txt").read_text().replace(
        "= 9.114.47.103", "=").replace("(HADR_LOCAL_HOST) = 9.114.47.103",
                                       "(HADR_LOCAL_HOST) =")
    host = Host("db2pd_hadr_9.7_not_active.txt")
    host.run = _with_cfg(host, cfg_no_hadr)  # type: ignore[method-assign]
    c = cluster(host, Host())
    with pytest.raises(PreconditionFailed, match=r"HADR is not configured on primary-mn: "
                       r"run setup first"):
        hadr.verify_peer(c.primary, SETTINGS)


def _with_cfg(host: Host, text: str):  # type: ignore[no-untyped-def]
    original = host.run

    def run(script: str, stdin: str | None = None, timeout: float = 0) -> Raw:
        if "GET DB CFG" in script:
            return Raw(0, text, "")
        return original(script, stdin, timeout)
    return run


def test_hadr_parameters_come_from_one_cluster_description() -> None:
    c = cluster(Host(), Host())
    p = dict(hadr.hadr_parameters(c, c.primary))
    s = dict(hadr.hadr_parameters(c, c.standby))
    assert p["HADR_LOCAL_HOST"] == s["HADR_REMOTE_HOST"] == "9.114.47.103"
    assert p["HADR_LOCAL_SVC"] == s["HADR_REMOTE_SVC"] == "DB2_HADR_1"
    assert p["HADR_SYNCMODE"] == "NEARSYNC" and p["HADR_TIMEOUT"] == "3"
    assert p["HADR_PEER_WINDOW"] == "120" and p["HADR_REMOTE_INST"] == "xcatdb"


def test_services_are_added_once() -> None:
    host = Host(services="ssh 22/tcp\n")
    c = cluster(host, Host())
    added = hadr.register_hadr_services(c.primary, SETTINGS)
    assert added.added == ("DB2_HADR_1 55001/tcp", "DB2_HADR_2 55002/tcp")
    appended = [i for s, i in host.sent if "cat >> /etc/services" in s]
    assert appended == ["DB2_HADR_1 55001/tcp\nDB2_HADR_2 55002/tcp\n"]
    host.services += appended[0] or ""
    again = hadr.register_hadr_services(c.primary, SETTINGS)
    assert again.added == () and len(again.present) == 2


def test_a_port_taken_by_another_service_is_refused() -> None:
    c = cluster(Host(services="other 55001/tcp\n"), Host())
    with pytest.raises(PreconditionFailed, match="port 55001/tcp is taken by other"):
        hadr.register_hadr_services(c.primary, SETTINGS)


def test_takeover_sends_the_password_on_stdin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMN_TEST_PW", "cluster-pw")
    host = Host("db2pd_hadr_9.7_primary_peer.txt")
    host.run = _with_cfg(host, "")  # type: ignore[method-assign]
    c = cluster(Host(), host)
    original = host.run

    def run(script: str, stdin: str | None = None, timeout: float = 0) -> Raw:
        if "+p -t" in script:
            host.sent.append((script, stdin))
            return Raw(0, "DB20000I  The TAKEOVER HADR ON DATABASE command completed "
                       "successfully.\n", "")
        return original(script, stdin, timeout)
    host.run = run  # type: ignore[method-assign]
    hadr.takeover(c.standby, SETTINGS, by_force=False)
    sent = [(s, i) for s, i in host.sent if "+p -t" in s]
    assert len(sent) == 1 and "cluster-pw" not in sent[0][0]
    assert sent[0][1] == ("TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING cluster-pw;\n")


def test_log_archiving_values_as_db2_prints_them_count_as_set() -> None:
    assert hadr._matches("RECOVERY", "ON") and hadr._matches("YES", "ON")
    assert not hadr._matches("OFF", "ON")
    assert hadr.log_archiving_parameters(SETTINGS, (10, 5))[0] == ("LOGARCHMETH1", "LOGRETAIN")
