"""hamn.histories: the HADR transition and invariant checks, and the timeline."""

from __future__ import annotations

from hamn.histories import History, Sample, check, timeline_svg, transition_allowed


def s(t: float, host: str, role: str | None, state: str | None = None, *,
      dhcp: bool = False, reachable: bool = True) -> Sample:
    return Sample(t=t, host=host, role="primary" if host == "mn1" else "standby",
                  reachable=reachable, hadr_role=role, hadr_state=state,
                  connect_status="CONNECTED" if state == "PEER" else None, dhcp=dhcp)


def failover_history() -> History:
    return History([
        s(0, "mn1", "PRIMARY", "PEER", dhcp=True), s(0.1, "mn2", "STANDBY", "PEER"),
        s(1, "mn1", None, reachable=False), s(1.1, "mn2", "STANDBY", "DISCONNECTED_PEER"),
        s(2, "mn1", None, reachable=False), s(2.1, "mn2", "STANDBY", "REMOTE_CATCHUP_PENDING"),
        s(9, "mn1", None, reachable=False), s(9.1, "mn2", "PRIMARY", "DISCONNECTED", dhcp=True),
    ])


def test_a_clean_failover_breaks_nothing() -> None:
    assert check(failover_history()) == []


def test_catch_up_may_skip_short_states() -> None:
    assert transition_allowed("LOCAL_CATCHUP", "PEER")
    assert transition_allowed("REMOTE_CATCHUP_PENDING", "PEER")
    assert not transition_allowed("PEER", "LOCAL_CATCHUP")
    assert not transition_allowed("REMOTE_CATCHUP", "LOCAL_CATCHUP")


def test_a_forbidden_transition_is_reported() -> None:
    h = History([s(0, "mn2", "STANDBY", "PEER"), s(1, "mn2", "STANDBY", "LOCAL_CATCHUP")])
    [v] = check(h)
    assert v.kind == "transition" and "PEER to LOCAL_CATCHUP" in v.message


def test_a_role_change_restarts_the_state_machine() -> None:
    h = History([s(0, "mn2", "STANDBY", "PEER"), s(1, "mn2", "PRIMARY", "LOCAL_CATCHUP")])
    assert check(h) == []


def test_two_primaries_at_once() -> None:
    h = History([s(0, "mn1", "PRIMARY", "PEER"), s(0.5, "mn2", "PRIMARY", "PEER"),
                 s(1, "mn1", "PRIMARY", "PEER")])
    found = check(h)
    assert [v.kind for v in found] == ["primaries"]  # reported once, not at every sample
    assert "mn1 and mn2" in found[0].message


def test_an_old_sample_does_not_count_as_now() -> None:
    h = History([s(0, "mn1", "PRIMARY", "PEER"), s(30, "mn2", "PRIMARY", "DISCONNECTED")])
    assert check(h, max_age=5) == []


def test_dhcp_on_both_mns() -> None:
    h = History([s(0, "mn1", "PRIMARY", "PEER", dhcp=True),
                 s(0.2, "mn2", "STANDBY", "PEER", dhcp=True)])
    assert [v.kind for v in check(h)] == ["dhcp"]


def test_an_unreachable_mn_counts_for_no_invariant() -> None:
    h = History([s(0, "mn1", "PRIMARY", "PEER", dhcp=True, reachable=False),
                 s(0.2, "mn2", "PRIMARY", "DISCONNECTED", dhcp=True)])
    assert check(h) == []


def test_round_trip_through_json_rows() -> None:
    h = failover_history()
    assert History.from_list(h.as_list()).as_list() == h.as_list()


def test_timeline_has_a_lane_per_mn_and_the_phases() -> None:
    phases = [{"name": "failover", "outcome": "passed", "start": 1.0, "end": 9.0}]
    svg = timeline_svg(failover_history(), phases, marks=[(1.0, "declared failed")])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for lane in ("phases", "mn1 HADR", "mn2 HADR", "mn2 DHCP", "declared failed"):
        assert lane in svg
    assert "STANDBY DISCONNECTED_PEER" in svg and "unreachable" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no external assets


def test_timeline_escapes_host_names() -> None:
    h = History([s(0, "<b>", "PRIMARY", "PEER"), s(1, "<b>", "PRIMARY", "PEER")])
    assert "<b>" not in timeline_svg(h).replace('<svg', '')
