"""DB2 parsers against outputs reconstructed from IBM's documentation (runbook 5.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hamn.db2.messages import Db2MessageError
from hamn.db2.parse import (
    HadrConnectStatus,
    HadrRole,
    HadrState,
    HadrSyncMode,
    LogPosition,
    parse_backup,
    parse_db2level,
    parse_db2pd_hadr,
    parse_db_cfg,
    parse_list_applications,
    parse_mon_get_hadr,
    parse_role,
    parse_snapshot_hadr,
    parse_state,
)
from hamn.parsing import ParseError

DATA = Path(__file__).parent.parent / "data" / "db2"


def read(name: str) -> str:
    return (DATA / name).read_text()


# ---------------------------------------------------------------- db2pd -hadr, 9.7 layout


@pytest.mark.parametrize(
    "name", ["db2pd_hadr_9.7_primary_peer.txt", "db2pd_hadr_9.7_primary_peer_unaligned.txt"]
)
def test_db2pd_97_primary_peer_aligned_or_not(name: str) -> None:
    report = parse_db2pd_hadr(read(name))
    assert report.database == "XCATDB"
    assert report.member == 0
    assert report.database_status == "Active"
    assert report.uptime == timedelta(hours=1, minutes=17, seconds=11)
    assert report.hadr_active and report.database_active
    [status] = report.channels
    assert status.role is HadrRole.PRIMARY and status.role_raw == "Primary"
    assert status.state is HadrState.PEER and status.state_raw == "Peer"
    assert status.sync_mode is HadrSyncMode.NEARSYNC
    assert status.connect_status is HadrConnectStatus.CONNECTED
    assert status.connect_time == datetime.fromtimestamp(1281011580, tz=UTC)
    assert status.heartbeats_missed == 0
    assert status.log_gap_bytes == 0
    assert status.timeout == 3
    assert status.peer_window == 120
    assert status.peer_window_end == datetime.fromtimestamp(1281016327, tz=UTC)
    assert (status.local_host, status.local_service) == ("9.114.47.103", "DB2_HADR_1")
    assert (status.remote_host, status.remote_service) == ("9.114.47.104", "DB2_HADR_2")
    assert status.remote_instance == "xcatdb"
    assert status.primary_log == LogPosition("S0000002.LOG", 66, lsn=0xFA4869D)
    assert status.standby_log == status.primary_log
    assert status.is_peer_connected
    connect_time = status.field("ConnectTime") or ""
    assert " ".join(connect_time.split()) == "Thu Aug 5 20:33:00 2010 (1281011580)"


def test_db2pd_97_standby_peer_with_receive_buffer_column() -> None:
    report = parse_db2pd_hadr(read("db2pd_hadr_9.7_standby_peer.txt"))
    assert report.database_status == "Standby"
    status = report.principal
    assert status.role is HadrRole.STANDBY
    assert status.is_peer_connected
    assert status.local_host == "9.114.47.104" and status.remote_host == "9.114.47.103"
    assert status.field("StandByRcvBufUsed") == "0%"


def test_db2pd_97_primary_disconnected() -> None:
    status = parse_db2pd_hadr(read("db2pd_hadr_9.7_primary_disconnected.txt")).principal
    assert status.state is HadrState.DISCONNECTED
    assert status.connect_status is HadrConnectStatus.DISCONNECTED
    assert not status.is_peer_connected
    assert status.primary_log is not None and status.primary_log.file == "S0000003.LOG"


def test_db2pd_97_standby_remote_catchup_pending_null_peer_window_end() -> None:
    status = parse_db2pd_hadr(read("db2pd_hadr_9.7_standby_remote_catchup_pending.txt")).principal
    assert status.state is HadrState.REMOTE_CATCHUP_PENDING
    assert status.state_raw == "RemoteCatchupPending"
    assert status.peer_window_end is None
    assert status.field("PeerWindowEnd") == "Null (0)"


# ---------------------------------------------------------------- db2pd -hadr, 10.1+ layout


def test_db2pd_101_ibm_example() -> None:
    report = parse_db2pd_hadr(read("db2pd_hadr_10.1_primary_peer.txt"))
    assert report.database == "HADRDB"
    status = report.principal
    assert status.role_raw == "PRIMARY" and status.role is HadrRole.PRIMARY
    assert status.is_peer_connected
    assert status.sync_mode is HadrSyncMode.SYNC
    assert status.local_host == "hostP.ibm.com"
    assert status.remote_host == "hostS1.ibm.com" and status.remote_instance == "db2inst"
    assert status.local_service is None
    assert status.timeout == 100 and status.peer_window == 0
    assert status.primary_log == LogPosition("S0000009.LOG", 1, pos=49262315)
    assert status.connect_time == datetime.fromtimestamp(1307565490, tz=UTC)
    assert status.standby_id == 1 and status.log_stream_id == 0
    assert status.field("READS_ON_STANDBY_ENABLED") == "Y"


def test_db2pd_105_primary_two_standbys() -> None:
    report = parse_db2pd_hadr(read("db2pd_hadr_10.5_primary_two_standbys.txt"))
    principal, auxiliary = report.channels
    assert principal.standby_id == 1 and principal.is_peer_connected
    assert principal.remote_host == "9.114.47.104"
    assert principal.peer_window == 120 and principal.heartbeats_missed == 0
    assert auxiliary.standby_id == 2
    assert auxiliary.state is HadrState.REMOTE_CATCHUP
    assert auxiliary.sync_mode is HadrSyncMode.SUPERASYNC
    assert auxiliary.remote_host == "9.114.47.105"
    assert auxiliary.log_gap_bytes == 4812
    assert auxiliary.peer_window_end is None
    assert report.role is HadrRole.PRIMARY


def test_db2pd_105_standby_sees_primary_as_remote() -> None:
    status = parse_db2pd_hadr(read("db2pd_hadr_10.5_standby_peer.txt")).principal
    assert status.role is HadrRole.STANDBY
    assert status.local_host == "9.114.47.104"
    assert status.remote_host == "9.114.47.103" and status.remote_instance == "xcatdb"


def test_db2pd_105_disconnected_peer() -> None:
    status = parse_db2pd_hadr(read("db2pd_hadr_10.5_primary_disconnected_peer.txt")).principal
    assert status.state is HadrState.DISCONNECTED_PEER
    assert status.connect_status is HadrConnectStatus.DISCONNECTED
    assert status.heartbeats_missed == 3
    assert not status.is_peer_connected


def test_db2pd_115_disconnected_and_remote_catchup() -> None:
    down = parse_db2pd_hadr(read("db2pd_hadr_11.5_primary_disconnected.txt")).principal
    assert down.state is HadrState.DISCONNECTED
    catching = parse_db2pd_hadr(read("db2pd_hadr_11.5_standby_remote_catchup.txt"))
    assert catching.database_status == "Active Standby"
    assert catching.principal.state is HadrState.REMOTE_CATCHUP
    assert catching.principal.field("HADR_FLAGS") == "STANDBY_RECV_BLOCKED"
    assert catching.principal.log_gap_bytes == 1048576


@pytest.mark.parametrize("level", ["9.7", "10.5"])
def test_db2pd_hadr_not_active(level: str) -> None:
    report = parse_db2pd_hadr(read(f"db2pd_hadr_{level}_not_active.txt"))
    assert report.database == "XCATDB" and report.database_active
    assert not report.hadr_active and report.channels == ()
    assert report.note == "HADR is not active."
    assert report.role is HadrRole.STANDARD
    with pytest.raises(ParseError, match="HADR is not active"):
        _ = report.principal


@pytest.mark.parametrize("level", ["9.7", "10.5"])
def test_db2pd_database_not_activated(level: str) -> None:
    report = parse_db2pd_hadr(read(f"db2pd_hadr_{level}_not_activated.txt"))
    assert report.database == "XCATDB" and report.member == 0
    assert not report.database_active and not report.hadr_active
    assert report.note is not None and "not activated" in report.note


def test_db2pd_empty_output() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_db2pd_hadr("  \n")


def test_db2pd_garbled_runbook_ocr_is_refused_with_quoted_lines() -> None:
    garbled = (
        "Database Partition 0 -- Database XCATDB -- Active -- Up O\n\ndays 01:17:11\n\n"
        "HADR Information:\nRole State\nLogGapRunAvg\nPrimary Peer\n"
    )
    with pytest.raises(ParseError) as caught:
        parse_db2pd_hadr(garbled)
    assert "'Database Partition 0 -- Database XCATDB -- Active -- Up O'" in str(caught.value)


def test_db2pd_97_values_not_matching_labels_are_quoted() -> None:
    text = read("db2pd_hadr_9.7_primary_peer.txt").replace(
        "Connected     Thu Aug  5 20:33:00 2010 (1281011580) 3", "Connected     soon"
    )
    with pytest.raises(ParseError) as caught:
        parse_db2pd_hadr(text)
    assert caught.value.lines[1] == "Connected     soon"
    assert "values do not match their labels" in str(caught.value)


def test_db2pd_unknown_state_is_not_guessed() -> None:
    text = read("db2pd_hadr_10.1_primary_peer.txt").replace("= PEER", "= PEERISH")
    with pytest.raises(ParseError, match="PEERISH"):
        parse_db2pd_hadr(text)


def test_db2pd_unknown_layout() -> None:
    text = "Database Member 0 -- Database XCATDB -- Active -- Up 0 days 00:00:01\n\nRole: primary\n"
    with pytest.raises(ParseError, match="Role: primary"):
        parse_db2pd_hadr(text)


# ---------------------------------------------------------------- enumerations


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("Peer", HadrState.PEER),
        ("PEER", HadrState.PEER),
        ("Disconnected peer", HadrState.DISCONNECTED_PEER),
        ("DisconnectedPeer", HadrState.DISCONNECTED_PEER),
        ("DISCONNECTED_PEER", HadrState.DISCONNECTED_PEER),
        ("Remote catchup pending", HadrState.REMOTE_CATCHUP_PENDING),
        ("REM_CATCH_PEN", HadrState.REMOTE_CATCHUP_PENDING),
        ("RemoteCatchup", HadrState.REMOTE_CATCHUP),
        ("Local catchup", HadrState.LOCAL_CATCHUP),
    ],
)
def test_state_spellings(raw: str, state: HadrState) -> None:
    assert parse_state(raw) is state


def test_role_spellings() -> None:
    assert parse_role("Standby") is parse_role("STANDBY") is HadrRole.STANDBY
    with pytest.raises(ParseError):
        parse_role("Secondary")


# ---------------------------------------------------------------- GET SNAPSHOT


def test_snapshot_97_primary_peer_runbook_example() -> None:
    report = parse_snapshot_hadr(read("snapshot_hadr_9.7_primary_peer.txt"))
    assert report.database == "XCATDB"
    status = report.principal
    assert status.role is HadrRole.PRIMARY and status.role_raw == "Primary"
    assert status.state is HadrState.PEER
    assert status.sync_mode is HadrSyncMode.NEARSYNC
    assert status.connect_status is HadrConnectStatus.CONNECTED
    assert status.connect_time == datetime(2010, 8, 5, 20, 33, 0, 412948)
    assert status.peer_window_end == datetime.fromtimestamp(1281013387, tz=UTC)
    assert status.peer_window == 120 and status.timeout == 3
    assert status.heartbeats_missed == 0
    assert (status.local_host, status.local_service) == ("9.114.47.103", "DB2_HADR_1")
    assert (status.remote_host, status.remote_service) == ("9.114.47.104", "DB2_HADR_2")
    assert status.remote_instance == "xcatdb"
    assert status.primary_log == LogPosition("S0000002.LOG", 18, lsn=0xFA18D7C)
    assert status.log_gap_bytes == 0
    assert status.is_peer_connected


def test_snapshot_97_standby_and_disconnected() -> None:
    standby = parse_snapshot_hadr(read("snapshot_hadr_9.7_standby_peer.txt")).principal
    assert standby.role is HadrRole.STANDBY and standby.is_peer_connected
    down = parse_snapshot_hadr(read("snapshot_hadr_9.7_primary_disconnected.txt")).principal
    assert down.state is HadrState.DISCONNECTED
    assert down.connect_status_raw == "Disconnected"


def test_snapshot_97_ibm_information_center_example() -> None:
    status = parse_snapshot_hadr(read("snapshot_hadr_9.7_ibm_example.txt")).principal
    assert status.heartbeats_missed == 0
    assert status.timeout == 120
    assert status.log_gap_bytes == 8723
    assert status.connect_time == datetime(2002, 11, 3, 12, 23, 9, 350920)


def test_snapshot_without_hadr_section_and_inactive_database() -> None:
    standard = parse_snapshot_hadr(read("snapshot_hadr_9.7_standard.txt"))
    assert standard.database == "XCATDB" and not standard.hadr_active
    inactive = parse_snapshot_hadr(read("snapshot_hadr_9.7_not_active.txt"))
    assert not inactive.database_active
    assert inactive.note is not None and inactive.note.startswith("SQL1611W")


def test_snapshot_garbled_ocr_is_refused() -> None:
    garbled = "HADR Status\n\n\n\nRole\n\nState\nSynchronization mode\n= Connected,\n"
    with pytest.raises(ParseError) as caught:
        parse_snapshot_hadr(garbled)
    assert caught.value.lines == ("Role",)


# ---------------------------------------------------------------- MON_GET_HADR

X_COLUMNS = [
    "HADR_ROLE",
    "STANDBY_ID",
    "HADR_STATE",
    "HADR_SYNCMODE",
    "HADR_FLAGS",
    "PRIMARY_MEMBER_HOST",
    "STANDBY_MEMBER_HOST",
    "STANDBY_INSTANCE",
    "HADR_CONNECT_STATUS",
    "HADR_CONNECT_STATUS_TIME",
    "HADR_TIMEOUT",
    "PEER_WINDOW",
    "HADR_LOG_GAP",
    "PRIMARY_LOG_FILE",
    "PRIMARY_LOG_PAGE",
    "PRIMARY_LOG_POS",
    "STANDBY_LOG_FILE",
    "STANDBY_LOG_PAGE",
    "STANDBY_LOG_POS",
    "HEARTBEAT_MISSED",
]


def test_mon_get_hadr_columnar_two_standbys_milliseconds_to_seconds() -> None:
    report = parse_mon_get_hadr(read("mon_get_hadr_10.5_primary_two_standbys.txt"))
    principal, auxiliary = report.channels
    assert principal.is_peer_connected and principal.standby_id == 1
    assert principal.timeout == 3 and principal.peer_window == 120
    assert principal.connect_time == datetime(2015, 8, 14, 8, 49, 40, 510433)
    assert principal.primary_log == LogPosition("S0000005.LOG", 1201, pos=281349107)
    assert principal.field("HADR_FLAGS") == ""
    assert auxiliary.state is HadrState.REMOTE_CATCHUP
    assert auxiliary.remote_host == "9.114.47.105" and auxiliary.log_gap_bytes == 4812


def test_mon_get_hadr_db2_x_rows_need_the_columns() -> None:
    text = read("mon_get_hadr_10.5_standby_disconnected_x.txt")
    with pytest.raises(ParseError, match="pass the SELECT's columns"):
        parse_mon_get_hadr(text)
    status = parse_mon_get_hadr(text, X_COLUMNS).principal
    assert status.role is HadrRole.STANDBY
    assert status.state is HadrState.DISCONNECTED
    assert status.local_host == "9.114.47.104" and status.remote_host == "9.114.47.103"
    assert status.heartbeats_missed == 2


def test_mon_get_hadr_ibm_example_with_empty_and_set_flags() -> None:
    report = parse_mon_get_hadr(read("mon_get_hadr_10.5_ibm_purescale_example.txt"))
    assert [c.log_stream_id for c in report.channels] == [0, 1, 2]
    assert [c.field("HADR_FLAGS") for c in report.channels] == [
        "",
        "ASSISTED_REMOTE_CATCHUP",
        "",
    ]
    assert report.channels[1].state is HadrState.REMOTE_CATCHUP


def test_mon_get_hadr_no_rows_and_bad_row() -> None:
    assert not parse_mon_get_hadr(read("mon_get_hadr_10.5_no_rows.txt")).hadr_active
    text = read("mon_get_hadr_10.5_primary_two_standbys.txt").replace("NEARSYNC", "near sync")
    with pytest.raises(ParseError, match="does not fit"):
        parse_mon_get_hadr(text)


# ---------------------------------------------------------------- GET DB CFG


def test_db_cfg_97_primary() -> None:
    cfg = parse_db_cfg(read("get_db_cfg_9.7_primary.txt"))
    assert cfg.database == "xcatdb"
    assert cfg["LOGRETAIN"] == "RECOVERY"
    assert cfg["TRACKMOD"] == "ON" and cfg["LOGINDEXBUILD"] == "ON"
    assert cfg["INDEXREC"] == "RESTART"
    assert cfg["hadr_local_host"] == "9.114.47.103"
    assert cfg["HADR_LOCAL_SVC"] == "DB2_HADR_1"
    assert cfg["HADR_REMOTE_INST"] == "xcatdb"
    assert cfg["HADR_SYNCMODE"] == "NEARSYNC"
    assert cfg["HADR_TIMEOUT"] == "3" and cfg["HADR_PEER_WINDOW"] == "120"
    assert cfg["HADR_DB_ROLE"] == "PRIMARY"
    assert cfg["NEWLOGPATH"] == ""
    assert cfg["NUM_LOG_SPAN"] == "0"
    assert cfg["DATABASE_MEMORY"] == "AUTOMATIC(40368)"
    assert cfg.by_description("Path to log files") == (
        "/var/lib/db2/xcatdb/NODE0000/SQL00001/SQLOGDIR/"
    )
    assert "LOGRETAIN" in cfg and "NOPE" not in cfg


def test_db_cfg_105_standby_rollforward_pending() -> None:
    cfg = parse_db_cfg(read("get_db_cfg_10.5_standby_rollforward_pending.txt"))
    assert cfg["ROLLFWD_PENDING"] == "DATABASE"
    assert cfg["HADR_DB_ROLE"] == "STANDARD"
    assert cfg["LOGARCHMETH1"] == "DISK:/var/lib/db2/archive/"
    assert cfg.get("LOGRETAIN") is None
    assert cfg["HADR_TARGET_LIST"] == ""


def test_db_cfg_error_message_and_garbage() -> None:
    with pytest.raises(Db2MessageError) as caught:
        parse_db_cfg(read("get_db_cfg_9.7_not_found.txt"))
    assert caught.value.message.message_id == "SQL1013N"
    with pytest.raises(ParseError, match=r"HADR_LOCAL HOST 9\.114"):
        parse_db_cfg(" HADR local host name = 1\nHADR_LOCAL HOST 9.114.47.103\n")


# ---------------------------------------------------------------- BACKUP, LIST APPLICATIONS


@pytest.mark.parametrize(
    ("name", "stamp"),
    [("backup_9.7_success.txt", "20100805161232"), ("backup_10.5_success.txt", "20150814094455")],
)
def test_backup_timestamp(name: str, stamp: str) -> None:
    image = parse_backup(read(name))
    assert image.timestamp == stamp
    assert image.taken_at == datetime.strptime(stamp, "%Y%m%d%H%M%S")


def test_backup_runbook_line_wrapped() -> None:
    text = "Backup successful. The timestamp for this backup image\nis : 20100805161232\n"
    assert parse_backup(text).timestamp == "20100805161232"


def test_backup_database_in_use() -> None:
    with pytest.raises(Db2MessageError) as caught:
        parse_backup(read("backup_9.7_database_in_use.txt"))
    assert caught.value.message.message_id == "SQL1035N"
    assert caught.value.message.sqlstate == "57019"


def test_list_applications() -> None:
    apps = parse_list_applications(read("list_applications_9.7.txt"))
    assert [a.name for a in apps] == ["xcatd", "xcatd", "db2bp"]
    assert apps[0].handle == 1437 and apps[0].database == "XCATDB" and apps[0].agents == 1
    assert apps[1].application_id == "9.114.47.110.48901.100805203306"
    assert parse_list_applications(read("list_applications_9.7_none.txt")) == ()
    with pytest.raises(ParseError):
        parse_list_applications("Auth Id  Application\n--------\nXCATDB xcatd lots\n")


# ---------------------------------------------------------------- db2level


@pytest.mark.parametrize(
    ("level", "version", "fix_pack", "release"),
    [
        ("9.7", "9.7.0.0", 0, "SQL09070"),
        ("10.5", "10.5.0.5", 5, "SQL10055"),
        ("11.5", "11.5.5.0", 0, "SQL11055"),
    ],
)
def test_db2level(level: str, version: str, fix_pack: int, release: str) -> None:
    found = parse_db2level(read(f"db2level_{level}.txt"))
    assert found.instance == "xcatdb" and found.bits == 64
    assert found.version == version and found.major_minor == level
    assert found.fix_pack == fix_pack and found.release == release


def test_db2level_garbage() -> None:
    with pytest.raises(ParseError, match=r"DB2 v9\.7"):
        parse_db2level("DB2 v9.7 somewhere\n")
