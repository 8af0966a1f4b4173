"""hamn.status: the assessment of readings into monitoring-plugin exit codes (offline)."""

from __future__ import annotations

from types import SimpleNamespace

from hamn.inventory import Settings
from hamn.status import (
    CRITICAL,
    OK,
    UNKNOWN,
    WARNING,
    MnStatus,
    Status,
    Thresholds,
    assess,
    assess_sync,
)

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


# --- replication lag and the last file sync (issue 9) ---------------------------------------

PG = SimpleNamespace(name="hamnpgs", settings=Settings(db="postgres", pg_method="streaming"))


def pg_pair(**standby: object) -> list[MnStatus]:
    p = MnStatus("primary", "lnxmn1", True, "PRIMARY", None, None, None, True, True, 0.0)
    s = MnStatus("standby", "lnxmn2", True, "STANDBY", None, None, None, False, False, 0.0,
                 replication="streaming (async)", lag_seconds=0.0, lag_bytes=0)
    for k, v in standby.items():
        setattr(s, k, v)
    return [p, s]


def pg_code(mns: list[MnStatus], limits: Thresholds | None = None) -> int:
    return Status("hamnpgs", "postgres", mns,
                  assess(PG, mns, limits or Thresholds())).code  # type: ignore[arg-type]


def test_replication_lag_feeds_the_exit_code() -> None:
    assert pg_code(pg_pair()) == OK
    assert pg_code(pg_pair(lag_seconds=61.0)) == WARNING
    assert pg_code(pg_pair(lag_seconds=601.0)) == CRITICAL
    assert pg_code(pg_pair(lag_seconds=5.0), Thresholds(lag_warning=2.0)) == WARNING
    assert pg_code(pg_pair(lag_bytes=10 ** 9)) == WARNING
    assert pg_code(pg_pair(replication=None, replication_error="pg_is_in_recovery() on "
                           "lnxmn2: expected true, found false")) == CRITICAL


def test_a_lag_finding_names_host_and_thresholds() -> None:
    found = assess(PG, pg_pair(lag_seconds=90.0))  # type: ignore[arg-type]
    assert found == [(WARNING, "replication (5.2/5.3) lag on lnxmn2 is 90s (warning 60s, "
                               "critical 600s)")]


def sync(drift: int, age: float | None) -> dict[str, object]:
    return {"drift": drift, "files_compared": 20, "summary": "6.3 differing: /etc/hosts",
            "last_sync": None if age is None else 1000.0, "last_sync_age": age}


def test_a_sync_is_stale_only_while_files_drift() -> None:
    limits = Thresholds(sync_warning=100, sync_critical=1000)
    assert assess_sync(sync(0, 10 ** 6), limits) == []  # quiet primary, nothing to copy
    assert [c for c, _ in assess_sync(sync(1, 50), limits)] == [WARNING]  # drift only
    levels = [c for c, _ in assess_sync(sync(1, 500), limits)]
    assert levels == [WARNING, WARNING]
    found = assess_sync(sync(1, 5000), limits)
    assert found[1][0] == CRITICAL
    assert "file sync is stale" in found[1][1] and "1.4h ago" in found[1][1]
    assert assess_sync(sync(1, None), limits)[1][0] == CRITICAL  # never wrote there


def test_status_text_shows_lag_and_last_sync() -> None:
    mns = pg_pair(lag_seconds=1.5, lag_bytes=128)
    st = Status("hamnpgs", "postgres", mns, [], filesync=sync(0, 7200))
    text = st.text()
    assert "replication: streaming (async), lag 1.5s, 128 bytes behind" in text
    assert "last wrote to the standby 2.0h ago" in text
    assert st.as_dict()["mns"][1]["lag_seconds"] == 1.5
