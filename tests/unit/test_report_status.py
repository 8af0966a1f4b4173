"""hamn.status: the assessment of readings into monitoring-plugin exit codes (offline)."""

from __future__ import annotations

from types import SimpleNamespace

from hamn.inventory import Settings
from hamn.status import CRITICAL, OK, UNKNOWN, WARNING, MnStatus, Status, assess

CLUSTER = SimpleNamespace(name="hamnsim", settings=Settings())


def pair(**standby: object) -> list[MnStatus]:
    p = MnStatus("primary", "aixmn1", True, "PRIMARY", "PEER", "CONNECTED", 0, True, True, 0.1)
    s = MnStatus("standby", "aixmn2", True, "STANDBY", "PEER", "CONNECTED", 0, False, False, 0.2)
    for k, v in standby.items():
        setattr(s, k, v)
    return [p, s]


def code(mns: list[MnStatus]) -> int:
    return Status("hamnsim", "db2", mns, assess(CLUSTER, mns)).code  # type: ignore[arg-type]


def test_healthy_pair_is_ok() -> None:
    st = Status("hamnsim", "db2", pair(), assess(CLUSTER, pair()))  # type: ignore[arg-type]
    assert st.code == OK
    assert st.text().startswith("HAMN OK - hamnsim: pair healthy")
    assert st.as_dict()["exit_code"] == 0


def test_warnings() -> None:
    assert code(pair(clock_offset=9.0)) == WARNING
    assert code(pair(connect_status="CONGESTED")) == WARNING
    assert code(pair(hadr_state="REMOTE_CATCHUP")) == WARNING
    assert code(pair(log_gap=10 ** 9)) == WARNING


def test_critical() -> None:
    assert code(pair(reachable=False, note="no route to host")) == CRITICAL
    assert code(pair(hadr_role="STANDARD")) == CRITICAL
    assert code(pair(hadr_state="DISCONNECTED")) == CRITICAL
    assert code(pair(dhcp=True)) == CRITICAL  # DHCP on the standby (runbook 4)
    assert code(pair(hadr_role="PRIMARY")) == CRITICAL


def test_two_primaries_named() -> None:
    mns = pair(hadr_role="PRIMARY")
    messages = [m for _, m in assess(CLUSTER, mns)]  # type: ignore[arg-type]
    assert "two HADR primaries: aixmn1 and aixmn2" in messages


def test_unknown_is_the_worst_code() -> None:
    st = Status("c", "db2", pair(), [(WARNING, "w"), (UNKNOWN, "file sync: ?")])
    assert st.code == UNKNOWN
