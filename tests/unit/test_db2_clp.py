"""hamn.db2.clp: statements in one shell, messages into results, errors naming the cause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hamn import secrets
from hamn.channel import Raw
from hamn.db2 import clp
from hamn.errors import PreconditionFailed
from hamn.runner import Node, RunLog

DATA = Path(__file__).parent.parent / "data" / "db2"


class FakeChannel:
    """Answers each script with RESPOND(script, stdin); remembers what it was sent."""

    def __init__(self, respond: Callable[[str, str | None], Raw]) -> None:
        self.respond = respond
        self.sent: list[tuple[str, str | None]] = []

    def run(self, script: str, stdin: str | None = None, timeout: float = 0) -> Raw:
        self.sent.append((script, stdin))
        return self.respond(script, stdin)

    def close(self) -> None:
        pass


def node(respond: Callable[[str, str | None], Raw], plan: bool = False) -> Node:
    return Node("mn1", FakeChannel(respond), RunLog(), plan)  # type: ignore[arg-type]


DONE = "DB20000I  The SQL command completed successfully.\n"


def test_a_session_runs_every_statement_in_one_shell_and_splits_the_outputs() -> None:
    def respond(script: str, stdin: str | None) -> Raw:
        assert script.startswith("su - xcatdb -c ")
        assert script.count("db2 ") == 4  # one shell, four db2 calls
        out = ""
        for text, rc in (("Database Connection Information\n", 0), ("DB20000I  The QUIESCE "
                         "DATABASE command completed successfully.\n", 0), (DONE, 0), (DONE, 0)):
            out += f"{text}@@hamn-clp-rc={rc}@@\n"
        return Raw(0, out, "")

    results = clp.session(node(respond), "xcatdb", ["CONNECT TO XCATDB", "QUIESCE DATABASE "
                          "IMMEDIATE FORCE CONNECTIONS", "UNQUIESCE DATABASE", "CONNECT RESET"])
    assert [r.statement for r in results][1].startswith("QUIESCE")
    assert results[1].message_id == "DB20000I"
    assert not any(r.failed for r in results)


def test_a_failed_statement_in_a_session_keeps_its_own_message() -> None:
    text = (DATA / "clp_sql1117n_rollforward_pending.txt").read_text()
    out = f"{DONE}@@hamn-clp-rc=0@@\n{text}@@hamn-clp-rc=4@@\n"
    results = clp.session(node(lambda s, i: Raw(0, out, "")), "xcatdb",
                          ["DEACTIVATE DB XCATDB", "ACTIVATE DB XCATDB"])
    assert not results[0].failed
    assert results[1].failed and results[1].message_id == "SQL1117N"
    with pytest.raises(clp.ClpFailed, match=r"mn1: `db2 ACTIVATE DB XCATDB` failed: SQL1117N .*"
                       r"ROLL-FORWARD PENDING.* SQLSTATE=57019"):
        clp.check(results[1])


def test_a_wrong_database_name_is_a_usage_error_naming_it() -> None:
    out = ('SQL1013N  The database alias name or database name "XCATBD" could not be\n'
           "found.  SQLSTATE=42705\n")
    res = clp.command(node(lambda s, i: Raw(4, out, "")), "xcatdb", "GET DB CFG FOR XCATBD")
    with pytest.raises(clp.DatabaseNotFound, match=r"database 'XCATBD' is not catalogued on "
                       r"mn1 \(SQL1013N\)"):
        clp.check(res, database="XCATBD")


def test_the_password_goes_through_stdin_and_is_masked_in_errors() -> None:
    seen: dict[str, str | None] = {}

    def respond(script: str, stdin: str | None) -> Raw:
        seen["script"], seen["stdin"] = script, stdin
        return Raw(4, 'SQL30082N  Security processing failed with reason "24" ("USERNAME '
                   'AND/OR PASSWORD INVALID").  SQLSTATE=08001\n', "")

    stmt = "TAKEOVER HADR ON DATABASE XCATDB USER xcatdb USING s3cretpw"
    res = clp.secret_command(node(respond), "xcatdb", stmt, "s3cretpw")
    assert "s3cretpw" not in (seen["script"] or "")
    assert seen["stdin"] == stmt + ";\n"
    assert "s3cretpw" not in res.statement
    with pytest.raises(clp.PasswordRejected) as err:
        clp.check(res)
    assert "s3cretpw" not in str(err.value) and "SQL30082N" in str(err.value)
    assert secrets.mask("x s3cretpw") == "x " + secrets.MASK


def test_the_restore_prompt_is_answered_on_stdin() -> None:
    prompt = (DATA / "clp_sql2539w_9.7_restore_prompt.txt").read_text()

    def respond(script: str, stdin: str | None) -> Raw:
        assert stdin == "y\n"
        return Raw(0, prompt + "\n" + DONE, "")

    res = clp.command(node(respond), "xcatdb", 'RESTORE DATABASE XCATDB FROM "/b" TAKEN AT 1 '
                      "REPLACE HISTORY FILE", stdin="y\n")
    assert res.has("SQL2539W") and res.has("DB20000I") and not res.failed


def test_a_stopped_instance_is_a_precondition() -> None:
    out = "SQL1032N  No start database manager command was issued.  SQLSTATE=57019\n"
    res = clp.command(node(lambda s, i: Raw(4, out, "")), "xcatdb", "GET DB CFG FOR XCATDB")
    with pytest.raises(PreconditionFailed, match="not started on mn1"):
        clp.check(res)


def test_plan_mode_records_mutating_statements_without_running_them() -> None:
    n = node(lambda s, i: pytest.fail("a planned statement ran"), plan=True)
    res = clp.command(n, "xcatdb", "STOP HADR ON DATABASE XCATDB", changes=True)
    assert res.planned and not res.failed
    assert clp.session(n, "xcatdb", ["A", "B"], changes=True)[1].planned


def test_allowed_messages_pass() -> None:
    out = ("SQL1496W  Deactivate database is successful, however, the database was not "
           "activated.\n")
    res = clp.command(node(lambda s, i: Raw(2, out, "")), "xcatdb", "DEACTIVATE DB XCATDB")
    assert clp.check(res, allow=("SQL1496W",)) is res
