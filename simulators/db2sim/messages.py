"""DB2 messages: ids, SQLCODEs, SQLSTATEs and IBM's message texts, and the CLP's rendering.

The texts are those of the DB2 9.7-11.5 message reference for the messages the runbook's
section 5.1 and section 8 meet (SQL1035N while xcatd is connected, SQL2539W on restore,
SQL1117N after STOP HADR on a standby, SQL1768N/SQL1769N/SQL1770N/SQL1776N, ...). The CLP
prints a message as ``<id>  <text>  SQLSTATE=<state>`` folded at 80 columns; the return code
of the CLP follows the message's severity (I: 0, W: 2, N/C: 4).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

# id -> (sqlstate or "", text template with {0}, {1} ... tokens)
_CATALOG: dict[str, tuple[str, str]] = {
    "DB20000I": ("", "The {0} command completed successfully."),
    "DB21024I": ("", "This command is asynchronous and may not be effective immediately."),
    "DB21034E": (
        "",
        "The command was processed as an SQL statement because it was not a valid Command "
        "Line Processor command.  During SQL processing it returned:",
    ),
    "DB21056W": (
        "", "Directory changes may not be effective until the directory cache is refreshed."
    ),
    "SQL0100W": (
        "02000",
        "No row was found for FETCH, UPDATE or DELETE; or the result of a query is an empty table.",
    ),
    "SQL0104N": (
        "42601",
        'An unexpected token "{0}" was found following "{1}".  Expected tokens may include:  '
        '"{2}".',
    ),
    "SQL0204N": ("42704", '"{0}" is an undefined name.'),
    "SQL0206N": ("42703", '"{0}" is not valid in the context where it is used.'),
    "SQL0440N": (
        "42884",
        'No authorized routine named "{0}" of type "{1}" having compatible arguments was found.',
    ),
    "SQL0601N": (
        "42710",
        'The name of the object to be created is identical to the existing name "{0}" of type '
        '"{1}".',
    ),
    "SQL0803N": (
        "23505",
        "One or more values in the INSERT statement, UPDATE statement, or foreign key update "
        'caused by a DELETE statement are not valid because the primary key, unique constraint '
        'or unique index identified by "{0}" constrains table "{1}" from having duplicate values '
        "for the index key.",
    ),
    "SQL0407N": (
        "23502",
        'Assignment of a NULL value to a NOT NULL column "{0}" is not allowed.',
    ),
    "SQL0902C": (
        "58005",
        "A system error occurred. Subsequent SQL statements cannot be processed.  IBM "
        'software support reason code: "{0}".',
    ),
    "SQL1005N": (
        "",
        'The database alias "{0}" already exists in either the local database directory or '
        "system database directory.",
    ),
    "SQL1013N": ("42705", 'The database alias name or database name "{0}" could not be found.'),
    "SQL1024N": ("08003", "A database connection does not exist."),
    "SQL1025N": ("", "The database manager was not stopped because databases are still active."),
    "SQL1026N": ("", "The database manager is already active."),
    "SQL1032N": ("57019", "No start database manager command was issued."),
    "SQL1035N": ("57019", "The database is currently in use."),
    "SQL1035N+": (
        "57019",
        "The operation failed because the specified database cannot be connected to in the "
        "mode requested.",
    ),
    "SQL1057W": ("01606", "The system database directory is empty."),
    "SQL1063N": ("", "DB2START processing was successful."),
    "SQL1064N": ("", "DB2STOP processing was successful."),
    "SQL1116N": (
        "57019",
        'A connection to or activation of database "{0}" cannot be made because of BACKUP '
        "PENDING.",
    ),
    "SQL1117N": (
        "57019",
        'A connection to or activation of database "{0}" cannot be made because of '
        "ROLL-FORWARD PENDING.",
    ),
    "SQL1224N": (
        "55032",
        "The database manager is not able to accept new requests, has terminated all requests "
        "in progress, or has terminated the specified request because of an error or a forced "
        "interrupt.",
    ),
    "SQL1260N": ("", 'Database "{0}" is not in ROLL-FORWARD PENDING state on node(s) "0".'),
    "SQL1363W": (
        "",
        "One or more of the parameters submitted for immediate modification were not changed "
        "dynamically. For these configuration parameters, the database must be shutdown and "
        "reactivated before the configuration parameter changes become effective.",
    ),
    "SQL1371W": (
        "",
        "The quiesce operation was not executed because the specified instance or database "
        'named "{0}" is already quiesced.',
    ),
    "SQL1373W": ("", 'Cannot unquiesce instance or database "{0}", because it is not quiesced.'),
    "SQL1490W": (
        "",
        "Activate database is successful, however, the database has already been activated on "
        "one or more nodes.",
    ),
    "SQL1494W": (
        "",
        "Activate database is successful, however, there is already a connection to the "
        "database.",
    ),
    "SQL1495W": (
        "",
        "Deactivate database is successful, however, there is still a connection to the "
        "database.",
    ),
    "SQL1496W": (
        "", "Deactivate database is successful, however, the database was not activated."
    ),
    "SQL1611W": ("", "No data was returned by Database System Monitor."),
    "SQL1767N": ("", 'Start HADR cannot complete. Reason code = "{0}".'),
    "SQL1768N": ("", 'Unable to start HADR. Reason code = "{0}".'),
    "SQL1769N": ("", 'Stop HADR cannot complete. Reason code = "{0}".'),
    "SQL1770N": ("", 'Takeover HADR cannot complete. Reason code = "{0}".'),
    "SQL1776N": (
        "", 'The command cannot be issued on an HADR standby database. Reason code = "{0}".'
    ),
    "SQL1777N": ("", "HADR is already started."),
    "SQL2001N": ("", "The utility was interrupted.  The output data may be incomplete."),
    "SQL2036N": ("", 'The path for the file or device "{0}" is not valid.'),
    "SQL2539W": (
        "",
        "Warning!  Restoring to an existing database that is the same as the backup image "
        "database.  The database files will be deleted.",
    ),
    "SQL2542N": (
        "",
        'No match for a database image file was found based on the source database alias '
        '"{0}" and timestamp "{1}" provided.',
    ),
    "SQL5130N": (
        "22008",
        'The value specified for the configuration parameter "{0}" is not in the valid range of '
        '"{1}" to "{2}".',
    ),
    "SQL6048N": (
        "", "A communication error occurred during START or STOP DATABASE MANAGER processing."
    ),
    "SQL20157N": ("08004", 'User "{0}" does not have the QUIESCE_CONNECT privilege.'),
    "SQL30082N": ("08001", 'Security processing failed with reason "{0}" ("{1}").'),
}


def severity_rc(message_id: str) -> int:
    """The CLP return code a message implies: I 0, W 2, N/C/E 4."""
    kind = message_id.rstrip("+")[-1]
    return {"I": 0, "W": 2}.get(kind, 4)


def sqlcode_of(message_id: str) -> int:
    """SQLCODE of an SQLnnnnX message: negative for errors, positive for warnings."""
    mid = message_id.rstrip("+")
    if not mid.startswith("SQL"):
        return 0
    number = int(mid[3:-1])
    return number if mid[-1] == "W" else -number


@dataclass(frozen=True)
class Message:
    """One message as DB2 returns it in the SQLCA."""

    message_id: str
    sqlcode: int
    sqlstate: str
    text: str

    def line(self) -> str:
        """The message on one line: ``ID  text  SQLSTATE=xxxxx``."""
        out = f"{self.message_id}  {self.text}"
        if self.sqlstate:
            out += f"  SQLSTATE={self.sqlstate}"
        return out

    def render(self) -> str:
        """The message as the CLP prints it, folded at 80 columns (trailing blank at folds)."""
        lines = textwrap.wrap(
            self.line(), width=79, break_long_words=False, break_on_hyphens=False,
            drop_whitespace=True,
        )
        return " \n".join(lines) + "\n"

    @property
    def rc(self) -> int:
        return severity_rc(self.message_id)


def msg(message_id: str, *tokens: object) -> Message:
    """Build message ``message_id`` with its tokens ("SQL1035N+" is the 10.5+ wording)."""
    sqlstate, template = _CATALOG[message_id]
    text = template.format(*tokens)
    return Message(message_id.rstrip("+"), sqlcode_of(message_id), sqlstate, text)


class Db2Error(Exception):
    """An SQL error as the DB2 client reports it (the SQLCA of a failed call)."""

    def __init__(self, sqlcode: int, message_id: str, sqlstate: str, text: str) -> None:
        super().__init__(f"{message_id}  {text}" + (f"  SQLSTATE={sqlstate}" if sqlstate else ""))
        self.sqlcode = sqlcode
        self.message_id = message_id
        self.sqlstate = sqlstate
        self.text = text

    @classmethod
    def of(cls, message: Message) -> Db2Error:
        return cls(message.sqlcode, message.message_id, message.sqlstate, message.text)

    def message(self) -> Message:
        return Message(self.message_id, self.sqlcode, self.sqlstate, self.text)


def fail(message_id: str, *tokens: object) -> Db2Error:
    """A Db2Error for ``message_id`` (raise the result)."""
    return Db2Error.of(msg(message_id, *tokens))
