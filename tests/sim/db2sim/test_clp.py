"""CLP statements of one simulated instance, their DB2 messages and exit codes."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from simulators.db2sim import client
from simulators.db2sim.instance import Instance
from simulators.db2sim.messages import Db2Error

from .conftest import Inst, make_instance


def test_instance_layout_and_db2level(inst: Inst) -> None:
    assert (inst.home / "sqllib" / "db2nodes.cfg").read_text() == "0 mn1 0\n"
    assert "sqllib/bin" in (inst.home / "sqllib" / "db2profile").read_text()
    assert "cluster" not in (inst.home / "sqllib" / "cfg" / "simpasswd").read_text()
    r = inst.cmd("db2level")
    assert r.flat.startswith('DB21085I  Instance "xcatdb" uses "64" bits and DB2 code release '
                             '"SQL09074"')
    assert 'Informational tokens are "DB2 v9.7.0.4"' in r.flat
    r = inst.clp("LIST DB DIRECTORY")
    assert " Database alias                       = XCATDB" in r.out


def test_db2start_db2stop_db2gcf(inst: Inst) -> None:
    r = inst.cmd("db2start")
    assert r.out == "SQL1026N  The database manager is already active.\n" and r.rc == 1
    assert inst.clp("CONNECT TO XCATDB").rc == 0
    r = inst.cmd("db2stop")
    assert "SQL1025N  The database manager was not stopped because databases are still " \
        "active." in r.flat and r.rc == 1
    r = inst.cmd("db2stop", "force")
    assert r.out.endswith("SQL1064N  DB2STOP processing was successful.\n") and r.rc == 0
    r = inst.clp("CONNECT TO XCATDB")
    assert "SQL1032N  No start database manager command was issued.  SQLSTATE=57019" in r.flat
    assert r.rc == 4
    assert inst.clp("TERMINATE").rc == 0
    assert "Unable to attach to database manager on partition 0." in \
        inst.cmd("db2pd", "-d", "xcatdb", "-hadr").out
    r = inst.cmd("db2gcf", "-s", "-p", "0", "-i", "xcatdb")
    assert "Partition 0 : Not Operable" in r.out and r.rc == 1
    # section 8: the standby got the primary's host name; db2start refuses until db2gcf -u
    inst.host = "aixmn1"
    r = inst.cmd("db2start")
    assert "SQL6048N" in r.out and r.rc == 1
    r = inst.cmd("db2gcf", "-u", "-p", "0", "-i", "xcatdb")
    assert "DB2 Start : Success" in r.out and r.rc == 0
    assert (inst.home / "sqllib" / "db2nodes.cfg").read_text() == "0 aixmn1 0\n"
    r = inst.cmd("db2gcf", "-s", "-p", "0", "-i", "xcatdb")
    assert "Partition 0 : Available" in r.out and r.rc == 0
    r = inst.cmd("db2gcf", "-d", "-p", "0", "-i", "xcatdb")
    assert "DB2 Stop  : Success" in r.out


def test_connect_errors_and_password_from_stdin(inst: Inst) -> None:
    r = inst.clp("CONNECT TO XCATDBX")
    assert r.flat == ('SQL1013N  The database alias name or database name "XCATDBX" could not '
                      'be found.  SQLSTATE=42705\n') and r.rc == 4
    r = inst.clp("CONNECT TO XCATDB USER xcatdb USING wrong")
    assert 'SQL30082N  Security processing failed with reason "24" ("USERNAME AND/OR ' \
        'PASSWORD INVALID").  SQLSTATE=08001' in r.flat and r.rc == 4
    assert "wrong" not in r.out
    r = inst.sh("db2 +p", stdin="CONNECT TO XCATDB USER xcatdb\ncluster\nSELECT key FROM site\n")
    assert "SQL authorization ID   = XCATDB" in r.out and "master" in r.out, r.out
    assert "cluster" not in r.out
    r = inst.sh("db2 -x \"select value from site where key = 'master'\"")
    assert r.out.startswith("SQL1024N  A database connection does not exist.") and r.rc == 4


def test_sessions_are_per_shell(inst: Inst) -> None:
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 -x \"select key from site\"")
    assert r.out.strip() == "master" and r.rc == 0
    r = inst.sh("db2 -x \"select key from site\"")
    assert "SQL1024N" in r.out
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 terminate; db2 \"select key from site\"")
    assert "DB20000I  The TERMINATE command completed successfully." in r.out
    assert "SQL1024N" in r.out
    # a shell that is gone leaves no application behind
    deadline = time.time() + 5
    while time.time() < deadline and inst.clp("LIST APPLICATIONS").rc == 0:
        time.sleep(0.2)
    assert "SQL1611W  No data was returned by Database System Monitor." in \
        inst.clp("LIST APPLICATIONS").out


def test_sql_statements(inst: Inst, tmp_path: Path) -> None:
    script = tmp_path / "s.sql"
    script.write_text(
        "connect to xcatdb;\n"
        "insert into site values ('domain', 'cluster.net', NULL, NULL);\n"
        "update site set value = 'c.net' where key = 'domain';\n"
        "select key, value from site order by key;\n")
    r = inst.db2("-tvf", str(script))
    assert r.rc == 0, r.out
    assert "update site set value = 'c.net' where key = 'domain'" in r.out
    assert re.search(r"^domain\s+c\.net\s*$", r.out, re.M)
    assert "  2 record(s) selected." in r.out
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 \"delete from site where key = 'nope'\"")
    assert r.flat.startswith("SQL0100W  No row was found for FETCH, UPDATE or DELETE; or the "
                             "result of a query is an empty table.  SQLSTATE=02000")
    assert r.rc == 1
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 \"select * from site where key='x'\"")
    assert "  0 record(s) selected." in r.out and r.rc == 1
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 \"select * from nodelist\"")
    assert '"XCATDB.NODELIST" is an undefined name.  SQLSTATE=42704' in r.flat and r.rc == 4
    r = inst.sh("db2 connect to xcatdb >/dev/null; "
                "db2 \"insert into site values ('master', 'x', NULL, NULL)\"")
    assert "SQL0803N" in r.out and "SQLSTATE=23505" in r.flat and r.rc == 4
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 frobnicate the database")
    assert "DB21034E" in r.out and "SQL0104N" in r.out and r.rc == 4
    r = inst.sh("db2 connect to xcatdb >/dev/null; db2 -x \"select count(*) from site\"")
    assert r.out.split() == ["2"]


def test_db_cfg(inst: Inst) -> None:
    r = inst.clp("UPDATE DB CFG FOR XCATDB USING HADR_LOCAL_HOST 9.114.47.103 HADR_TIMEOUT 3")
    assert r.out == ("DB20000I  The UPDATE DATABASE CONFIGURATION command completed "
                     "successfully.\n") and r.rc == 0
    cfg = inst.clp("GET DB CFG FOR XCATDB").out
    assert " HADR local host name                  (HADR_LOCAL_HOST) = 9.114.47.103\n" in cfg
    assert " HADR timeout value                       (HADR_TIMEOUT) = 3\n" in cfg
    assert " Log retain for recovery enabled             (LOGRETAIN) = OFF\n" in cfg
    assert " HADR database role                                      = STANDARD\n" in cfg
    r = inst.clp("UPDATE DB CFG FOR XCATDB USING HADR_TIMEOUT 0")
    assert "SQL5130N" in r.out and r.rc == 4
    r = inst.clp("UPDATE DB CFG FOR XCATDB USING NOSUCHPARM 1")
    assert "SQL0104N" in r.out and r.rc == 4
    r = inst.clp("UPDATE DB CFG FOR XCATDB USING")
    assert "SQL0104N" in r.out and r.rc == 4
    assert inst.clp("GET DB CFG").out.startswith("SQL1024N")
    assert inst.clp("UPDATE DB CFG FOR XCATDB USING LOGRETAIN ON").rc == 0
    cfg = inst.clp("GET DB CFG FOR XCATDB").out
    assert " Log retain for recovery enabled             (LOGRETAIN) = RECOVERY\n" in cfg
    assert " First log archive method                 (LOGARCHMETH1) = LOGRETAIN\n" in cfg
    assert " Backup pending                                          = YES\n" in cfg
    r = inst.clp("CONNECT TO XCATDB")
    assert 'SQL1116N  A connection to or activation of database "XCATDB" cannot be made ' \
        "because of BACKUP PENDING.  SQLSTATE=57019" in r.flat and r.rc == 4


def test_cfg_update_on_active_database_waits_for_reactivation(inst: Inst) -> None:
    assert inst.clp("ACTIVATE DATABASE XCATDB").rc == 0
    r = inst.clp("UPDATE DB CFG FOR XCATDB USING HADR_SYNCMODE SYNC")
    assert r.flat.startswith("SQL1363W") and r.rc == 2
    assert inst.clp("ACTIVATE DATABASE XCATDB").out.startswith("SQL1490W")
    assert inst.clp("DEACTIVATE DATABASE XCATDB").rc == 0
    assert inst.clp("DEACTIVATE DATABASE XCATDB").out.startswith("SQL1496W")


def test_backup_restore_and_applications(inst: Inst, tmp_path: Path) -> None:
    bk = tmp_path / "backup"
    bk.mkdir()
    conn = client.connect("XCATDB", "xcatdb", "cluster", home=inst.home, appname="xcatd")
    r = inst.clp(f"BACKUP DB XCATDB TO {bk}")
    assert r.out == "SQL1035N  The database is currently in use.  SQLSTATE=57019\n"
    assert r.rc == 4
    apps = inst.clp("LIST APPLICATIONS").out
    assert re.search(r"^XCATDB\s+xcatd\s+\d+\s+\*LOCAL\.xcatdb\.\d{12}\s+XCATDB\s+1", apps, re.M)
    r = inst.clp("FORCE APPLICATIONS ALL")
    assert "DB20000I  The FORCE APPLICATION command completed successfully." in r.out
    with pytest.raises(Db2Error) as err:
        conn.execute("SELECT * FROM site")
    assert err.value.message_id == "SQL1224N" and err.value.sqlstate == "55032"
    r = inst.clp(f"BACKUP DB XCATDB TO {bk}")
    m = re.search(r"Backup successful. The timestamp for this backup image is : (\d{14})", r.out)
    assert m and r.rc == 0, r.out
    ts = m.group(1)
    assert (bk / f"XCATDB.0.xcatdb.NODE0000.CATN0000.{ts}.001").is_file()
    with client.connect("XCATDB", "xcatdb", "cluster", home=inst.home) as c2:
        c2.execute("INSERT INTO site VALUES ('later', 'x', NULL, NULL)")
    r = inst.clp(f"RESTORE DATABASE XCATDB FROM {bk} TAKEN AT {ts}", stdin="n\n")
    assert "SQL2539W  Warning!  Restoring to an existing database that is the same as the " \
        "backup image database.  The database files will be deleted." in r.flat
    assert "SQL2001N  The utility was interrupted." in r.flat and r.rc == 4
    r = inst.clp(f"RESTORE DATABASE XCATDB FROM {bk} TAKEN AT 20000101000000")
    assert "SQL2542N" in r.out and r.rc == 4
    r = inst.clp(f"RESTORE DATABASE XCATDB FROM {bk} TAKEN AT {ts} WITHOUT PROMPTING")
    assert r.out == "DB20000I  The RESTORE DATABASE command completed successfully.\n"
    with client.connect("XCATDB", "xcatdb", "cluster", home=inst.home) as c3:
        assert c3.execute("SELECT key FROM site ORDER BY key") == [("master",)]


def test_restore_of_recoverable_image_is_rollforward_pending(inst: Inst, tmp_path: Path) -> None:
    bk = tmp_path / "b"
    bk.mkdir()
    inst.clp("UPDATE DB CFG FOR XCATDB USING LOGRETAIN ON")
    ts = inst.clp(f"BACKUP DB XCATDB TO {bk}").out.split(":")[-1].strip()
    r = inst.clp(f"RESTORE DATABASE XCATDB FROM {bk} TAKEN AT {ts} REPLACE HISTORY FILE",
                 stdin="y\n")
    assert r.rc == 0, r.out
    r = inst.clp("CONNECT TO XCATDB")
    assert "ROLL-FORWARD PENDING" in r.flat and r.rc == 4
    r = inst.clp("ROLLFORWARD DATABASE XCATDB TO END OF LOGS AND COMPLETE")
    assert " Rollforward status                     = not pending" in r.out and r.rc == 0
    assert inst.clp("CONNECT TO XCATDB").rc == 0
    inst.clp("CONNECT RESET")
    r = inst.clp("ROLLFORWARD DATABASE XCATDB TO END OF LOGS AND COMPLETE")
    assert "SQL1260N" in r.out and r.rc == 4


def test_hadr_preconditions(inst: Inst) -> None:
    r = inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY")
    assert r.flat == 'SQL1768N  Unable to start HADR. Reason code = "1".\n' and r.rc == 4
    inst.clp("UPDATE DB CFG FOR XCATDB USING LOGRETAIN ON")
    r = inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY")
    assert 'Reason code = "8"' in r.flat
    for k, v in (("HADR_LOCAL_HOST", "127.0.0.1"), ("HADR_LOCAL_SVC", "DB2_HADR_1"),
                 ("HADR_REMOTE_HOST", "127.0.0.2"), ("HADR_REMOTE_SVC", "DB2_HADR_9"),
                 ("HADR_REMOTE_INST", "xcatdb"), ("HADR_TIMEOUT", "2")):
        assert inst.clp(f"UPDATE DB CFG FOR XCATDB USING {k} {v}").rc == 0
    r = inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY")
    assert 'SQL1768N  Unable to start HADR. Reason code = "6".' in r.flat  # not in services
    inst.clp("UPDATE DB CFG FOR XCATDB USING HADR_REMOTE_SVC DB2_HADR_2")
    r = inst.clp("START HADR ON DATABASE XCATDB AS STANDBY")
    assert 'SQL1767N  Start HADR cannot complete. Reason code = "1".' in r.flat
    r = inst.clp("STOP HADR ON DATABASE XCATDB")
    assert 'SQL1769N  Stop HADR cannot complete. Reason code = "1".' in r.flat
    r = inst.clp("TAKEOVER HADR ON DATABASE XCATDB")
    assert 'Reason code = "1"' in r.flat and r.rc == 4
    inst.clp(f"BACKUP DB XCATDB TO {inst.home}")
    t0 = time.time()
    r = inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY")  # no standby answers
    assert 'Reason code = "7"' in r.flat and time.time() - t0 >= 1.9
    r = inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY BY FORCE")
    assert r.rc == 0, r.out
    assert inst.hadr()["HADR_STATE"] == "Disconnected"
    assert inst.clp("START HADR ON DATABASE XCATDB AS PRIMARY").out.startswith("SQL1777N")
    with client.connect("XCATDB", "xcatdb", "cluster", home=inst.home) as conn:
        conn.execute("INSERT INTO site VALUES ('alone', 'ok', NULL, NULL)")


def test_quiesce(inst: Inst) -> None:
    Instance(inst.home).set_password("other", "pw")
    conn = client.connect("XCATDB", "xcatdb", "cluster", home=inst.home)
    r = inst.sh("db2 CONNECT TO XCATDB >/dev/null && "
                "db2 QUIESCE DATABASE IMMEDIATE FORCE CONNECTIONS && "
                "db2 \"select key from site\" >/dev/null && "
                "db2 QUIESCE DATABASE IMMEDIATE FORCE CONNECTIONS; "
                "db2 UNQUIESCE DATABASE && db2 UNQUIESCE DATABASE; db2 CONNECT RESET")
    assert "DB20000I  The QUIESCE DATABASE command completed successfully." in r.out
    assert "SQL1371W" in r.out and "SQL1373W" in r.out
    assert "DB20000I  The UNQUIESCE DATABASE command completed successfully." in r.out
    with pytest.raises(Db2Error):
        conn.execute("SELECT 1 FROM site")
    r = inst.sh("db2 CONNECT TO XCATDB >/dev/null && db2 QUIESCE DATABASE IMMEDIATE && "
                "db2 CONNECT TO XCATDB USER other USING pw; db2 CONNECT RESET; "
                "db2 CONNECT TO XCATDB > /dev/null; db2 UNQUIESCE DATABASE")
    assert 'SQL20157N  User "OTHER" does not have the QUIESCE_CONNECT privilege.' in r.flat


def test_crash_recovery_keeps_committed_rows(inst: Inst) -> None:
    with client.connect("XCATDB", "xcatdb", "cluster", home=inst.home) as conn:
        for n in range(20):
            conn.execute("INSERT INTO site VALUES (?, ?, NULL, NULL)", (f"n{n}", str(n)))
    inst.kill()
    inst.start()
    with client.connect("XCATDB", "xcatdb", "cluster", home=inst.home) as conn:
        assert conn.execute("SELECT COUNT(*) FROM site") == [(21,)]
    log = next((inst.home / "xcatdb" / "NODE0000").glob("SQL*/SQLOGDIR/S0000000.LOG"))
    assert log.stat().st_size > 0


def test_levels_10_5_db2pd_layout_and_mon_get_hadr(tmp_path: Path,
                                                    services: tuple[Path, int, int]) -> None:
    i = make_instance(tmp_path, "mn9", "mn9", services[0], level="10.5")
    try:
        i.start()
        assert i.clp("CREATE DATABASE XCATDB").rc == 0
        assert "SQL11" not in i.cmd("db2level").out and '"SQL10055"' in i.cmd("db2level").out
        for k, v in (("LOGARCHMETH1", "LOGRETAIN"), ("HADR_LOCAL_HOST", "127.0.0.1"),
                     ("HADR_LOCAL_SVC", "DB2_HADR_1"), ("HADR_REMOTE_HOST", "127.0.0.2"),
                     ("HADR_REMOTE_SVC", "DB2_HADR_2"), ("HADR_REMOTE_INST", "xcatdb")):
            assert i.clp(f"UPDATE DB CFG FOR XCATDB USING {k} {v}").rc == 0
        assert "SQL0104N" in i.clp("UPDATE DB CFG FOR XCATDB USING LOGRETAIN ON").out
        i.clp(f"BACKUP DB XCATDB TO {i.home}")
        assert i.clp("START HADR ON DATABASE XCATDB AS PRIMARY BY FORCE").rc == 0
        out = i.cmd("db2pd", "-d", "xcatdb", "-hadr").out
        assert re.search(r"^Database Member 0 -- Database XCATDB -- Active -- Up \d+ days", out,
                         re.M)
        assert re.search(r"^\s+HADR_ROLE = PRIMARY$", out, re.M)
        assert re.search(r"^\s+HADR_STATE = DISCONNECTED$", out, re.M)
        assert re.search(r"^\s+PRIMARY_LOG_FILE,PAGE,POS = S0000000\.LOG, 0, \d+$", out, re.M)
        r = i.sh("db2 connect to xcatdb >/dev/null && db2 \"SELECT HADR_ROLE, HADR_STATE, "
                 "HADR_CONNECT_STATUS FROM TABLE(MON_GET_HADR(NULL))\"")
        assert re.search(r"^PRIMARY\s+DISCONNECTED\s+DISCONNECTED\s*$", r.out, re.M), r.out
        assert "HADR_STATE              HADR_CONNECT_STATUS" in r.out  # VARCHAR(23) column
        i.clp("CONNECT RESET")
    finally:
        i.cleanup()


def test_mon_get_hadr_does_not_exist_in_9_7(inst: Inst) -> None:
    r = inst.sh("db2 connect to xcatdb >/dev/null && "
                "db2 \"select hadr_state from table(mon_get_hadr(null))\"")
    assert 'SQL0440N  No authorized routine named "MON_GET_HADR" of type "FUNCTION"' in r.flat
