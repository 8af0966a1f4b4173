"""CLP messages and exit codes (runbook 5.1.3, 5.1.4, 5.1.7, 5.1.10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamn.db2.messages import (
    ClpExit,
    clp_exit,
    clp_exit_meaning,
    clp_failed,
    find_clp_message,
    first_error,
    parse_clp_message,
    parse_clp_messages,
)
from hamn.parsing import ParseError

DATA = Path(__file__).parent.parent / "data" / "db2"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_sql1117n_rollforward_pending() -> None:
    message = parse_clp_message(read("clp_sql1117n_rollforward_pending.txt"))
    assert message.message_id == "SQL1117N"
    assert (message.prefix, message.number, message.severity) == ("SQL", 1117, "N")
    assert message.sqlstate == "57019"
    assert message.is_error and message.sqlcode == -1117
    assert message.tokens == ("XCATDB",)
    assert message.text == (
        'A connection to or activation of database "XCATDB" cannot be made because of '
        "ROLL-FORWARD PENDING."
    )


def test_db20000i_start_hadr() -> None:
    message = parse_clp_message(read("clp_db20000i_start_hadr.txt"))
    assert message.message_id == "DB20000I" and message.is_info
    assert message.sqlstate is None and message.sqlcode is None
    assert "START HADR ON DATABASE" in message.text


@pytest.mark.parametrize("level", ["9.7", "10.5"])
def test_sql2539w_restore_prompt(level: str) -> None:
    text = read(f"clp_sql2539w_{level}_restore_prompt.txt")
    message = find_clp_message(text, "sql2539w")
    assert message is not None and message.is_warning and message.sqlcode == 2539
    assert "Do you want to continue ? (y/n)" in message.text
    assert first_error(text) is None


def test_reason_codes() -> None:
    start = parse_clp_message(read("clp_sql1768n_start_hadr.txt"))
    assert (start.message_id, start.reason_code) == ("SQL1768N", "7")
    takeover = parse_clp_message(read("clp_sql1770n_takeover.txt"))
    assert (takeover.message_id, takeover.reason_code) == ("SQL1770N", "1")
    colon = parse_clp_message('SQL1776N  The command cannot be issued. Reason code: "2".')
    assert colon.reason_code == "2"


def test_nested_messages_and_wrapped_sqlstate() -> None:
    first, second = parse_clp_messages(read("clp_db21034e_sql0104n.txt"))
    assert (first.message_id, first.severity) == ("DB21034E", "E") and first.is_error
    assert second.message_id == "SQL0104N" and second.sqlstate == "42601"
    comm = parse_clp_message(read("clp_sql30081n_communication.txt"))
    assert comm.number == 30081 and comm.sqlstate == "08001"
    assert "SQLSTATE" not in comm.text and comm.tokens[:2] == ("TCP/IP", "SOCKETS")


def test_runbook_backup_error_inside_prose_is_not_a_message() -> None:
    prose = 'Note: if you get an error, like "SQL1035N The database is currently in use."'
    assert parse_clp_messages(prose) == ()
    with pytest.raises(ParseError, match="no DB2 message identifier") as caught:
        parse_clp_message(prose)
    assert caught.value.lines == (prose,)


@pytest.mark.parametrize(
    ("code", "flags", "failed"),
    [
        (0, ClpExit(0), False),
        (1, ClpExit.NO_ROWS, False),
        (2, ClpExit.WARNING, False),
        (4, ClpExit.ERROR, True),
        (8, ClpExit.SYSTEM_ERROR, True),
        (6, ClpExit.WARNING | ClpExit.ERROR, True),
    ],
)
def test_clp_exit_codes(code: int, flags: ClpExit, failed: bool) -> None:
    assert clp_exit(code) == flags
    assert clp_failed(code) is failed


def test_clp_exit_meanings() -> None:
    assert clp_exit_meaning(0).startswith("the DB2 command or SQL statement executed")
    assert clp_exit_meaning(1) == "a SELECT or FETCH statement returned no rows"
    assert clp_exit_meaning(4) == "a DB2 command or SQL statement error"
    assert "warning" in clp_exit_meaning(6) and "error" in clp_exit_meaning(6)
    with pytest.raises(ValueError, match="not a DB2 CLP exit code"):
        clp_exit(127)
