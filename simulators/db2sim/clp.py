"""The Command Line Processor back end: parses and runs one CLP command for a session.

Commands of runbook 5.1 and 8 with their DB2 syntax, messages and return codes (0 ok, 1 no
rows, 2 warning, 4 error): CONNECT TO/RESET, TERMINATE, UPDATE/GET DB CFG, UPDATE ALTERNATE
SERVER, BACKUP, RESTORE (SQL2539W prompt), ACTIVATE/DEACTIVATE, QUIESCE/UNQUIESCE, FORCE
APPLICATIONS, LIST APPLICATIONS, START/STOP/TAKEOVER HADR, ROLLFORWARD, GET SNAPSHOT FOR DB,
CREATE/DROP DATABASE, LIST DB DIRECTORY, and SQL (SELECT/INSERT/UPDATE/DELETE/CREATE TABLE,
MON_GET_HADR) on the session's connection. Commands that DB2 documents as "establishes a
database connection if one does not exist" do so without touching the session's connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import formats
from .database import Database, backup_name
from .engine import Engine, Session
from .messages import Db2Error, Message, fail, msg
from .storage import kind_of


@dataclass
class ClpResult:
    """What the CLP prints and its return code; ``prompt`` asks the user a question first."""

    out: str
    rc: int
    prompt: str = ""


def done(command: str) -> ClpResult:
    return ClpResult(msg("DB20000I", command).render(), 0)


def say(m: Message) -> ClpResult:
    return ClpResult(m.render(), m.rc)


def tokenize(text: str) -> list[str]:
    """Split a command into words; double-quoted words keep their text without the quotes."""
    out: list[str] = []
    for m in re.finditer(r'"([^"]*)"|\'([^\']*)\'|([^\s,()=]+|[,()=])', text):
        if m.group(1) is not None:
            out.append(m.group(1))
        elif m.group(2) is not None:
            out.append(m.group(2))
        else:
            out.append(m.group(3))
    return out


class Words:
    """A cursor over the words of a command, matching keywords case-insensitively."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.i = 0

    def peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.words[j].upper() if j < len(self.words) else ""

    def accept(self, *kws: str) -> bool:
        if self.peek() in kws:
            self.i += 1
            return True
        return False

    def expect(self, *kws: str) -> str:
        if self.peek() in kws:
            self.i += 1
            return self.words[self.i - 1].upper()
        self.syntax(kws[0])
        raise AssertionError

    def take(self, expected: str = "<identifier>") -> str:
        if self.i >= len(self.words):
            self.syntax(expected)
        self.i += 1
        return self.words[self.i - 1]

    def rest(self) -> list[str]:
        return self.words[self.i:]

    def at_end(self) -> bool:
        return self.i >= len(self.words)

    def syntax(self, expected: str) -> None:
        token = self.words[self.i] if self.i < len(self.words) else "END-OF-STATEMENT"
        before = self.words[self.i - 1] if self.i > 0 else "BEGIN-OF-STATEMENT"
        raise fail("SQL0104N", token, before, expected)

    def user_using(self) -> tuple[str | None, str | None]:
        if self.accept("USER"):
            user = self.take()
            password = self.take() if self.accept("USING") else None
            return user, password
        return None, None


class Clp:
    """Runs CLP commands against an engine for one session."""

    def __init__(self, engine: Engine, session: Session) -> None:
        self.engine = engine
        self.session = session
        self.level = engine.inst.level_tuple

    # -- entry ----------------------------------------------------------------------------
    def run(self, text: str, *, headings: bool = True, answer: str | None = None) -> ClpResult:
        text = text.strip().rstrip(";").strip()
        if not text:
            return ClpResult("", 0)
        try:
            return self._dispatch(text, headings, answer)
        except Db2Error as exc:
            return say(exc.message())
        except Exception as exc:  # an engine fault: report it as DB2 reports system errors
            self.engine.diag(f"CLP command failed: {text!r}: {exc!r}")
            return say(msg("SQL0902C", type(exc).__name__))

    def _dispatch(self, text: str, headings: bool, answer: str | None) -> ClpResult:
        w = Words(tokenize(text))
        first, second = w.peek(), w.peek(1)
        if first == "CONNECT":
            return self.connect(w)
        if first in ("TERMINATE", "QUIT"):
            self.engine.end_session(self.session)
            return done("TERMINATE")
        if first == "DISCONNECT":
            self._reset()
            return ClpResult(msg("DB20000I", "SQL").render(), 0)
        if first == "ECHO":
            return ClpResult(text[4:].strip() + "\n", 0)
        if first in ("UPDATE", "GET", "RESET") and second in ("DATABASE", "DB") and \
                w.peek(2) in ("CONFIGURATION", "CONFIG", "CFG"):
            return self.db_cfg(w)
        if first == "UPDATE" and second == "ALTERNATE":
            return self.alternate(w)
        if first == "BACKUP":
            return self.backup(w)
        if first == "RESTORE":
            return self.restore(w, answer)
        if first == "ACTIVATE":
            return self.activate(w)
        if first == "DEACTIVATE":
            return self.deactivate(w)
        if first == "QUIESCE":
            return self.quiesce(w)
        if first == "UNQUIESCE":
            return self.unquiesce(w)
        if first == "FORCE":
            return self.force(w)
        if first == "LIST" and second in ("APPLICATIONS", "APPLICATION"):
            return self.list_applications(w)
        if first == "LIST" and second in ("DATABASE", "DB") and w.peek(2) == "DIRECTORY":
            return self.list_directory()
        if first in ("START", "STOP") and second == "HADR":
            return self.start_stop_hadr(w)
        if first == "TAKEOVER":
            return self.takeover(w)
        if first in ("ROLLFORWARD", "ROLLFWD"):
            return self.rollforward(w)
        if first == "GET" and second == "SNAPSHOT":
            return self.snapshot(w)
        if first in ("CREATE", "DROP") and second in ("DATABASE", "DB"):
            return self.create_drop(w)
        return self.sql(text, headings)

    # -- helpers --------------------------------------------------------------------------
    def _dbname(self, w: Words) -> str:
        w.expect("DATABASE", "DB")
        return w.take("<database-alias>").upper()

    def _reset(self) -> None:
        app = self.session.app
        self.session.app = None
        self.session.alias = ""
        if app is not None and not app.forced:
            self.engine.disconnect(app)

    def _check_user(self, user: str | None, password: str | None) -> None:
        if user is not None:
            self.engine.authenticate(user, password)

    def _in_use(self) -> Db2Error:
        return fail("SQL1035N+" if self.level >= (10, 5) else "SQL1035N")

    # -- CONNECT --------------------------------------------------------------------------
    def connect(self, w: Words) -> ClpResult:
        w.expect("CONNECT")
        if w.at_end():
            app = self.session.app
            if app is None or app.forced:
                raise fail("SQL1024N")
            return ClpResult(formats.connect_info(self.engine.inst.level, app.user,
                                                  self.session.alias), 0)
        if w.accept("RESET"):
            self._reset()
            return done("SQL")
        w.expect("TO")
        alias = w.take("<database-alias>").upper()
        user, password = w.user_using()
        if user is not None and password is None:
            raise fail("SQL30082N", 3, "PASSWORD MISSING")
        self._reset()
        app = self.engine.connect(alias, user, password, "db2bp", "clp")
        self.session.app = app
        self.session.alias = alias
        return ClpResult(formats.connect_info(self.engine.inst.level, app.user, alias), 0)

    def _current(self) -> Database:
        app = self.session.app
        if app is None:
            raise fail("SQL1024N")
        if app.forced:
            self.session.app = None
            raise fail("SQL1224N")
        return app.db

    # -- DB CFG ---------------------------------------------------------------------------
    def db_cfg(self, w: Words) -> ClpResult:
        verb = w.take().upper()
        w.take()
        w.take()
        name: str | None = None
        if w.accept("FOR"):
            name = w.take("<database-alias>").upper()
        db = self.engine.database(name) if name else self._current()
        if verb == "GET":
            return ClpResult(self._format_cfg(db), 0)
        if verb == "RESET":
            from .cfg import defaults

            db.state.params = defaults()
            db.save()
            return done("RESET DATABASE CONFIGURATION")
        w.expect("USING")
        pairs: list[tuple[str, str]] = []
        while not w.at_end() and w.peek() not in ("IMMEDIATE", "DEFERRED"):
            key = w.take("<config-parameter>")
            value = w.take("<value>")
            pairs.append((key, value))
        if not pairs:
            w.syntax("<config-parameter>")
        pending = db.update_cfg(pairs)
        if pending:
            return ClpResult(msg("SQL1363W").render(), 2)
        return done("UPDATE DATABASE CONFIGURATION")

    def _format_cfg(self, db: Database) -> str:
        from .cfg import format_cfg

        def state(key: str) -> str:
            if key == "backup_pending":
                return "YES" if db.state.backup_pending else "NO"
            if key == "rollforward_pending":
                return "DATABASE" if db.state.rollforward_pending or db.role == "STANDBY" \
                    else "NO"
            if key == "consistent":
                return "NO" if db.active else "YES"
            if key == "hadr_role":
                return db.role
            if key == "logpath":
                return f"{db.logdir}/"
            if key == "first_active_log":
                log = db.log
                if log is not None:
                    return log.first_active_file()
                return "S0000000.LOG"
            return ""

        return format_cfg(db.name, db.params, state, self.level)

    def alternate(self, w: Words) -> ClpResult:
        w.expect("UPDATE")
        w.expect("ALTERNATE")
        w.expect("SERVER")
        w.expect("FOR")
        name = self._dbname(w)
        w.expect("USING")
        w.expect("HOSTNAME")
        host = w.take("<hostname>")
        w.expect("PORT")
        port = w.take("<port>")
        self.engine.set_alternate(name, host, port)
        out = msg("DB20000I", "UPDATE ALTERNATE SERVER FOR DATABASE").render()
        out += msg("DB21056W").render()
        return ClpResult(out, 0)

    # -- BACKUP / RESTORE / ROLLFORWARD -----------------------------------------------------
    def backup(self, w: Words) -> ClpResult:
        w.expect("BACKUP")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        target = Path.cwd()
        while not w.at_end():
            if w.accept("TO"):
                target = Path(w.take("<directory>"))
                while w.accept(","):
                    w.take()
            else:
                w.take()
        db = self.engine.database(name)
        if self.session.app is not None and self.session.app.db is db:
            raise self._in_use()
        ts = db.backup(target)
        return ClpResult(f"\nBackup successful. The timestamp for this backup image is : {ts}\n\n",
                         0)

    def restore(self, w: Words, answer: str | None) -> ClpResult:
        w.expect("RESTORE")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        source = Path.cwd()
        taken = ""
        into = name
        prompting = True
        while not w.at_end():
            if w.accept("FROM"):
                source = Path(w.take("<directory>"))
            elif w.accept("TAKEN"):
                w.expect("AT")
                taken = w.take("<timestamp>")
            elif w.accept("INTO"):
                into = w.take().upper()
            elif w.accept("WITHOUT"):
                if w.accept("PROMPTING"):
                    prompting = False
                else:
                    w.take()
                    w.accept("FORWARD")
            else:
                w.take()
        image = self._find_image(source, name, taken)
        if image is None:
            raise fail("SQL2542N", name, taken)
        existing = self.engine.entry(into) is not None
        if existing and prompting and answer is None:
            return ClpResult("", 0, prompt=msg("SQL2539W").render() +
                             "Do you want to continue ? (y/n) ")
        if existing and prompting and (answer or "").strip().lower() not in ("y", "yes"):
            return say(msg("SQL2001N"))
        db = self.engine.database(into) if existing else self.engine.create_database(into)
        if self.session.app is not None and self.session.app.db is db:
            raise self._in_use()
        db.restore_from(image)
        return done("RESTORE DATABASE")

    @staticmethod
    def _find_image(source: Path, name: str, taken: str) -> Path | None:
        if not source.is_dir():
            return None
        pattern = re.compile(
            rf"^{re.escape(name)}\.0\.[^.]+\.NODE0000\.CATN0000\.({taken}\d*)\.\d{{3}}$", re.I)
        found = sorted(p for p in source.iterdir() if pattern.match(p.name))
        return found[-1] if found else None

    def rollforward(self, w: Words) -> ClpResult:
        w.take()
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        words = " ".join(x.upper() for x in w.rest())
        db = self.engine.database(name)
        if "QUERY STATUS" in words:
            status = "DB  pending" if db.state.rollforward_pending or db.role == "STANDBY" \
                else "not pending"
            return ClpResult(formats.rollforward_status(name, self.level, status, "-", "-",
                                                        False), 0)
        if not ("COMPLETE" in words or "STOP" in words):
            if db.role == "STANDBY":
                raise fail("SQL1776N", 1)
            if not db.state.rollforward_pending:
                raise fail("SQL1260N", name)
            return ClpResult(formats.rollforward_status(name, self.level, "DB  working",
                                                        "S0000000.LOG", "S0000000.LOG",
                                                        False) +
                             msg("DB20000I", "ROLLFORWARD").render(), 0)
        first, last = db.rollforward_complete()
        out = formats.rollforward_status(name, self.level, "not pending", first, last, True)
        return ClpResult(out + msg("DB20000I", "ROLLFORWARD").render(), 0)

    # -- activation -----------------------------------------------------------------------
    def activate(self, w: Words) -> ClpResult:
        w.expect("ACTIVATE")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        db = self.engine.database(name)
        if db.active and db.explicit:
            return say(msg("SQL1490W"))
        if db.active and db.applications():
            db.explicit = True
            return say(msg("SQL1494W"))
        db.activate(explicit=True)
        return done("ACTIVATE DATABASE")

    def deactivate(self, w: Words) -> ClpResult:
        w.expect("DEACTIVATE")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        db = self.engine.database(name)
        if not db.active:
            return say(msg("SQL1496W"))
        if db.applications():
            db.explicit = False
            return say(msg("SQL1495W"))
        db.deactivate()
        return done("DEACTIVATE DATABASE")

    def quiesce(self, w: Words) -> ClpResult:
        w.expect("QUIESCE")
        w.expect("DATABASE", "DB")
        w.expect("IMMEDIATE", "DEFER")
        force = w.accept("FORCE")
        if force:
            w.expect("CONNECTIONS")
        db = self._current()
        if db.state.quiesced:
            return say(msg("SQL1371W", db.name))
        if force:
            self.engine.force_all(db, keep=self.session.app)
        db.state.quiesced = True
        db.save()
        return done("QUIESCE DATABASE")

    def unquiesce(self, w: Words) -> ClpResult:
        w.expect("UNQUIESCE")
        w.expect("DATABASE", "DB")
        db = self._current()
        if not db.state.quiesced:
            return say(msg("SQL1373W", db.name))
        db.state.quiesced = False
        db.save()
        return done("UNQUIESCE DATABASE")

    def force(self, w: Words) -> ClpResult:
        w.expect("FORCE")
        w.expect("APPLICATIONS", "APPLICATION")
        if w.accept("ALL"):
            self.engine.force_all()
        else:
            handles = [int(x) for x in w.rest() if x.isdigit()]
            if not handles:
                w.syntax("ALL")
            for h in handles:
                app = self.engine.apps.get(h)
                if app is not None:
                    self.engine.force(app)
                    app.db.maybe_deactivate()
        out = msg("DB20000I", "FORCE APPLICATION").render() + msg("DB21024I").render()
        return ClpResult(out, 0)

    def list_applications(self, w: Words) -> ClpResult:
        w.take()
        w.take()
        name = None
        if w.accept("FOR"):
            name = self._dbname(w)
        apps = sorted(self.engine.apps.values(), key=lambda a: a.handle)
        if name:
            apps = [a for a in apps if a.db.name == name]
        if not apps:
            return say(msg("SQL1611W"))
        return ClpResult(formats.list_applications(apps, self.engine.inst.name), 0)

    def list_directory(self) -> ClpResult:
        entries = self.engine.directory()
        if not entries:
            return say(msg("SQL1057W"))
        from .cfg import release_level

        rel = release_level(self.level).replace("0x", "").lstrip("0")
        rel = f"{rel[:-2]}.{rel[-2:]}"
        return ClpResult(formats.list_db_directory(entries, str(self.engine.inst.home), rel), 0)

    def create_drop(self, w: Words) -> ClpResult:
        verb = w.take().upper()
        name = self._dbname(w)
        if verb == "CREATE":
            self.engine.create_database(name)
            return done("CREATE DATABASE")
        self.engine.drop_database(name)
        return done("DROP DATABASE")

    # -- HADR -----------------------------------------------------------------------------
    def start_stop_hadr(self, w: Words) -> ClpResult:
        verb = w.take().upper()
        w.expect("HADR")
        w.expect("ON")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        db = self.engine.database(name)
        if verb == "STOP":
            self._stop_hadr(db)
            return done("STOP HADR ON DATABASE")
        w.expect("AS")
        role = w.expect("PRIMARY", "STANDBY")
        by_force = False
        if role == "PRIMARY" and w.accept("BY"):
            w.expect("FORCE")
            by_force = True
        if role == "PRIMARY":
            self._start_primary(db, by_force)
        else:
            self._start_standby(db)
        return done("START HADR ON DATABASE")

    def _start_primary(self, db: Database, by_force: bool) -> None:
        from .cfg import check_hadr_ready
        from .hadr import HadrConfig

        with db.lock:
            if db.active and db.role == "PRIMARY" and db.hadr is not None:
                raise fail("SQL1777N")
            if db.active and db.role == "STANDBY":
                raise fail("SQL1767N", 3)
            check_hadr_ready(db.params)
            HadrConfig.from_params(db.params, self.engine.inst.name).validate()
            if db.role == "STANDBY":
                raise fail("SQL1767N", 3)
            db.check_connectable()
            if db.active:
                db.state.hadr_role = "PRIMARY"
                db.save()
                try:
                    db._start_primary(by_force=True)
                except Db2Error:
                    db.state.hadr_role = "STANDARD"
                    db.save()
                    raise
                return
            previous = db.role
            db.state.hadr_role = "PRIMARY"
            db.save()
            try:
                db.activate(explicit=True, by_force=by_force)
            except Db2Error:
                db.state.hadr_role = previous
                db.save()
                raise

    def _start_standby(self, db: Database) -> None:
        from .cfg import check_hadr_ready
        from .hadr import HadrConfig

        with db.lock:
            if db.active and db.role == "STANDBY":
                raise fail("SQL1777N")
            if db.active:
                raise fail("SQL1767N", 2)
            check_hadr_ready(db.params)
            HadrConfig.from_params(db.params, self.engine.inst.name).validate()
            if db.role == "STANDARD" and not db.state.rollforward_pending:
                raise fail("SQL1767N", 1)
            previous = db.role
            db.state.hadr_role = "STANDBY"
            db.save()
            try:
                db.start_standby()
            except Db2Error:
                db.state.hadr_role = previous
                db.save()
                db.deactivate()
                raise

    def _stop_hadr(self, db: Database) -> None:
        with db.lock:
            if db.role == "STANDARD":
                raise fail("SQL1769N", 1)
            if db.role == "STANDBY":
                if db.active:
                    raise fail("SQL1769N", 2)
                db.state.hadr_role = "STANDARD"
                db.state.rollforward_pending = True
                db.save()
                return
            if db.hadr is not None:
                db.hadr.stop()
                db.hadr = None
            db.state.hadr_role = "STANDARD"
            db.save()

    def takeover(self, w: Words) -> ClpResult:
        w.expect("TAKEOVER")
        w.expect("HADR")
        w.expect("ON")
        name = self._dbname(w)
        user, password = w.user_using()
        self._check_user(user, password)
        force = peer_only = False
        if w.accept("BY"):
            w.expect("FORCE")
            force = True
            if w.accept("PEER"):
                w.expect("WINDOW")
                w.expect("ONLY")
                peer_only = True
        if not w.at_end():
            w.syntax("BY")
        db = self.engine.database(name)
        hadr = db.hadr
        if db.role != "STANDBY" or hadr is None or not db.active:
            raise fail("SQL1770N", 1)
        hadr.takeover(force=force, peer_window_only=peer_only)
        self.engine.become_primary(db)
        return done("TAKEOVER HADR ON DATABASE")

    # -- monitor --------------------------------------------------------------------------
    def snapshot(self, w: Words) -> ClpResult:
        w.expect("GET")
        w.expect("SNAPSHOT")
        w.expect("FOR")
        if w.accept("ALL"):
            w.accept("DATABASES")
            dbs = self.engine.active_databases()
        else:
            w.expect("DATABASE", "DB")
            w.expect("ON")
            name = w.take("<database-alias>").upper()
            db = self.engine.database(name)
            dbs = [db] if db.active else []
        if not dbs:
            return say(msg("SQL1611W"))
        out = "".join(formats.snapshot(d, self.engine.inst.name, len(d.applications()))
                      for d in dbs)
        return ClpResult(out, 0)

    # -- SQL ------------------------------------------------------------------------------
    def sql(self, text: str, headings: bool) -> ClpResult:
        kind = kind_of(text)
        if kind == "unknown":
            words = text.split()
            err = fail("SQL0104N", words[0], "BEGIN-OF-STATEMENT", "<space>")
            out = msg("DB21034E").render() + err.message().render()
            return ClpResult(out, 4)
        db = self._current()
        result, count = db.run_sql(text)
        if result is not None:
            out = formats.result_set(result, headings)
            return ClpResult(out, 0 if result.rows else 1)
        if count == 0 and kind == "write" and text.split()[0].upper() in ("UPDATE", "DELETE",
                                                                           "INSERT", "MERGE"):
            return ClpResult(msg("SQL0100W").render(), 1)
        return done("SQL")


__all__ = ["Clp", "ClpResult", "backup_name", "tokenize"]
