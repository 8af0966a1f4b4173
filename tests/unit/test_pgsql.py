"""Pure parts of hamn.pgsql, hamn.mysql and hamn.sqlite: schedules, rewrites, parsers."""

from __future__ import annotations

import pytest

from hamn import mysql, pgsql, sqlite


@pytest.mark.parametrize(("schedules", "ok"), [
    (("0 3 * * *", "0 4 * * *", "0 5 * * *"), True),  # the runbook's
    (("0 5 * * *", "0 4 * * *", "0 3 * * *"), False),
    (("0 3 * * *", "0 3 * * *", "0 5 * * *"), False),  # dump and copy race
    (("0 */6 * * *", "30 */6 * * *", "45 */6 * * *"), True),
    (("0 */6 * * *", "30 */6 * * *", "45 */12 * * *"), False),  # two dumps, one restore
    (("50 23 * * *", "10 0 * * *", "20 0 * * *"), True),  # across midnight
])
def test_dump_copy_restore_order(schedules: tuple[str, str, str], ok: bool) -> None:
    assert pgsql.in_order(*schedules) is ok


def test_weekly_schedules_have_no_daily_order() -> None:
    with pytest.raises(ValueError, match="every day"):
        pgsql.daily_minutes("0 3 * * 0")


def test_daily_minutes() -> None:
    assert pgsql.daily_minutes("0,30 1-2 * * *") == [60, 90, 120, 150]


def test_counts_parse_and_compare() -> None:
    want = pgsql.parse_counts("public.nodelist|3\npublic.site|10\n")
    assert want == {"nodelist": 3, "site": 10}
    assert pgsql.compare_counts(want, {"nodelist": 2}) == ["table site missing",
                                                           "nodelist: 3 rows, found 2"]
    assert pgsql.compare_counts(want, dict(want)) == []


def test_hba_line_goes_first_once() -> None:
    text = "# comment\nlocal all postgres peer\nhost all all 10.0.0.0/24 md5\n"
    line = "host replication r 10.0.0.4/32 md5 # hamn:pg-replication"
    once = pgsql.with_hba_line(text, line)
    assert once.splitlines()[1] == line
    assert pgsql.with_hba_line(once, line) == once


def test_standby_settings_replace_older_values() -> None:
    text = "# auto\nprimary_conninfo = 'host=old'\nwork_mem = '4MB'\n"
    out = pgsql.with_standby_settings(text, {"primary_conninfo": "host=new user=r"})
    assert "host=old" not in out and "primary_conninfo = 'host=new user=r'" in out
    assert "work_mem = '4MB'" in out


def test_readdress_touches_listen_addresses_and_host_rules_only() -> None:
    conf = "port = 5432\nlisten_addresses = 'localhost,10.0.0.104'\n# 10.0.0.104 note\n"
    out = pgsql.readdress_conf(conf, "10.0.0.104", "10.0.0.103")
    assert "listen_addresses = 'localhost,10.0.0.103'" in out
    assert "# 10.0.0.104 note" in out
    hba = "host all all 10.0.0.104/32 md5\nhost all all 10.0.0.1045/32 md5\nlocal all all peer\n"
    out = pgsql.readdress_hba(hba, "10.0.0.104", "10.0.0.103")
    assert out.splitlines()[0] == "host all all 10.0.0.103/32 md5"
    assert out.splitlines()[1] == "host all all 10.0.0.1045/32 md5"


def test_replication_row() -> None:
    st = pgsql.parse_replication_row(["hamn_mn2", "10.0.0.4", "streaming", "async", "0",
                                      "0.0012"])
    assert st.state == "streaming" and st.lag_bytes == 0 and st.replay_lag == pytest.approx(0.0012)


def test_slot_name() -> None:
    assert pgsql.slot_name("aixmn2.cluster") == "hamn_aixmn2_cluster"


SLAVE_STATUS = """*************************** 1. row ***************************
                Slave_IO_State: Waiting for master to send event
                   Master_Host: 172.30.49.103
              Slave_IO_Running: Yes
             Slave_SQL_Running: No
         Seconds_Behind_Master: NULL
                 Last_IO_Error:
                Last_SQL_Error: Error 'Duplicate entry' on query
                    Using_Gtid: Slave_Pos
                   Gtid_IO_Pos: 0-1-16
"""


def test_slave_status() -> None:
    st = mysql.parse_slave_status(SLAVE_STATUS)
    assert st is not None
    assert (st.io_running, st.sql_running, st.seconds_behind) == ("Yes", "No", None)
    assert not st.running and st.using_gtid == "Slave_Pos" and st.gtid_io_pos == "0-1-16"
    assert "Duplicate" in st.last_sql_error
    assert mysql.parse_slave_status("") is None


def test_gtid_position_from_dump_head() -> None:
    head = "-- Preferably use GTID\n-- SET GLOBAL gtid_slave_pos='0-1-42';\n"
    assert mysql._gtid_pos(head) == "0-1-42"
    assert mysql._gtid_pos("-- nothing\n") == ""


def test_replication_cnf() -> None:
    assert "read_only = ON" in mysql.replication_cnf(2, True)
    assert "server_id = 1" in mysql.replication_cnf(1, False)


def test_sqlite_sync_command_uses_the_backup_api_and_rsync() -> None:
    cmd = sqlite.sync_command(sqlite.SqliteConfig(), "aixmn2")
    assert ".backup '/var/lib/hamn/sqlite/${f##*/}'" in cmd
    assert cmd.endswith("/var/lib/hamn/sqlite/ aixmn2:/etc/xcat/")
    assert "%" not in cmd


def test_missing_sqlite3_names_the_host_and_where_to_get_it() -> None:
    from hamn.inventory import Member
    m = Member("primary", "aixmn1", None)  # type: ignore[arg-type]
    assert sqlite.missing_tool("sqlite3", m, "aix") == (
        "sqlite3 is not installed on the primary aixmn1: install it from the AIX Toolbox for "
        "Open Source Software (dnf install sqlite)")
    assert sqlite.missing_tool("rsync", m, "linux").endswith("install the rsync package")
