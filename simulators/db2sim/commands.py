"""The instance's commands: db2 (CLP front end), db2start, db2stop, db2pd, db2gcf, db2level.

The CLP front end takes DB2's options (-t, -td<c>, -v, -x, -s, +p, -f file), runs one command
from its arguments (``db2 "stmt"`` or ``db2 words...``) or reads commands from a file or stdin
(so passwords need not appear on the command line; CONNECT ... USER u without USING asks for
the password). Its back end is the engine session of the calling shell (getppid()). Exit codes
as the CLP: 0 ok, 1 no rows, 2 warning, 4 DB2/SQL error, 8 CLP system error.
db2gcf -u rewrites db2nodes.cfg with the current host name and starts the instance (runbook 8).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import formats, rpc
from .engine import proc_start
from .instance import Instance, hostname
from .messages import msg

PKG_ROOT = Path(__file__).resolve().parents[2]


def _call(inst: Instance, req: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    return rpc.call(str(inst.socket_path), req, timeout=timeout)


def running(inst: Instance) -> bool:
    try:
        return bool(_call(inst, {"op": "ping"}, timeout=5).get("ok"))
    except (OSError, rpc.Closed, ValueError):
        return False


def _stamp_line(m_line: str) -> str:
    return f"{time.strftime('%m/%d/%Y %H:%M:%S')}     0   0   {m_line}\n"


# -- db2start / db2stop -----------------------------------------------------------------
def start_engine(inst: Instance) -> tuple[str, int]:
    """Start the engine daemon; (output, rc)."""
    if running(inst):
        return msg("SQL1026N").render(), 1
    if inst.nodes_hostname() and inst.nodes_hostname() != hostname():
        line = msg("SQL6048N").line()
        return _stamp_line(line) + msg("SQL1032N").render(), 1
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PKG_ROOT) + (os.pathsep + env["PYTHONPATH"]
                                         if env.get("PYTHONPATH") else "")
    inst.diag_path.parent.mkdir(parents=True, exist_ok=True)
    with open(inst.diag_path, "a") as log:
        subprocess.Popen(
            [sys.executable, "-m", "simulators.db2sim.server", "--home", str(inst.home)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            env=env, cwd=str(inst.home), close_fds=True,
        )
    deadline = time.time() + 15
    while time.time() < deadline:
        if running(inst):
            line = msg("SQL1063N").line()
            return _stamp_line(line) + msg("SQL1063N").render(), 0
        time.sleep(0.05)
    return msg("SQL6048N").render(), 1


def stop_engine(inst: Instance, force: bool) -> tuple[str, int]:
    if not running(inst):
        return _stamp_line(msg("SQL1032N").line()) + msg("SQL1032N").render(), 1
    pid = _pid(inst)
    try:
        reply = _call(inst, {"op": "stop", "force": force}, timeout=60)
    except (OSError, rpc.Closed):
        reply = {"ok": True}
    if not reply.get("ok"):
        line = msg("SQL1025N").line()
        return _stamp_line(line) + msg("SQL1025N").render(), 1
    deadline = time.time() + 10
    while pid and time.time() < deadline and _alive(pid):
        time.sleep(0.05)
    line = msg("SQL1064N").line()
    return _stamp_line(line) + msg("SQL1064N").render(), 0


def _pid(inst: Instance) -> int:
    try:
        return int(inst.pid_path.read_text().strip())
    except (OSError, ValueError):
        return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def db2start_main(argv: list[str] | None = None) -> int:
    out, rc = start_engine(Instance.current())
    sys.stdout.write(out)
    return rc


def db2stop_main(argv: list[str] | None = None) -> int:
    args = [a.lower() for a in (sys.argv[1:] if argv is None else argv)]
    out, rc = stop_engine(Instance.current(), "force" in args)
    sys.stdout.write(out)
    return rc


# -- db2pd ------------------------------------------------------------------------------
def db2pd_main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    inst = Instance.current()
    db = ""
    for i, a in enumerate(args):
        if a.lower() in ("-d", "-db", "-database", "-alldbs") and i + 1 < len(args):
            db = args[i + 1]
    level = inst.level_tuple
    where = "member" if level >= (10, 1) else "partition"
    if not running(inst):
        sys.stdout.write(
            f"Unable to attach to database manager on {where} 0.\n"
            "Please ensure the following are true:\n"
            f"   - db2start has been run for the {where}.\n"
            f"   - db2pd is being run on the same physical machine as the {where}.\n"
            f"   - DB2NODE environment variable setting is correct for the {where}\n"
            f"     or db2pd -{'mem' if level >= (10, 1) else 'dbp'} setting is correct for "
            f"the {where}.\n\n")
        return 1
    if not db:
        sys.stdout.write("\n")
        return 0
    reply = _call(inst, {"op": "db2pd", "db": db}, timeout=30)
    sys.stdout.write(str(reply.get("out", "")))
    return int(reply.get("rc", 0))


# -- db2level ---------------------------------------------------------------------------
def db2level_main(argv: list[str] | None = None) -> int:
    inst = Instance.current()
    sys.stdout.write(formats.db2level(inst.level, inst.name))
    return 0


# -- db2gcf -----------------------------------------------------------------------------
def db2gcf_main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    inst = Instance.current()
    action = ""
    for a in args:
        if a in ("-u", "-d", "-s", "-k"):
            action = a
    if not action:
        sys.stdout.write("Usage: db2gcf -u|-d|-k|-s [-p partition] [-i instance] "
                         "[-t timeout] [-L]\n")
        return 2
    head = f"\nInstance  : {inst.name}\n"
    if action == "-s":
        state = "Available" if running(inst) else "Not Operable"
        sys.stdout.write(f"{head}DB2 State\nPartition 0 : {state}\n\n")
        return 0 if state == "Available" else 1
    if action == "-u":
        inst.write_nodes_cfg(hostname())
        if running(inst):
            ok = True
        else:
            _, rc = start_engine(inst)
            ok = rc == 0
        result = "Success" if ok else "Failed"
        sys.stdout.write(f"{head}DB2 Start : {result}\nPartition 0 : {result}\n\n")
        return 0 if ok else 1
    if action == "-k":
        pid = _pid(inst)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        inst.socket_path.unlink(missing_ok=True)
        sys.stdout.write(f"{head}DB2 Kill  : Success\nPartition 0 : Success\n\n")
        return 0
    _, rc = stop_engine(inst, True)
    result = "Success"
    sys.stdout.write(f"{head}DB2 Stop  : {result}\nPartition 0 : {result}\n\n")
    return 0


# -- db2 (CLP) --------------------------------------------------------------------------
class Options:
    """CLP options: -t (terminator), -v (echo), -x (no headings), -s (stop), +p, -f."""

    def __init__(self) -> None:
        self.terminator: str | None = None
        self.echo = False
        self.headings = True
        self.stop_on_error = False
        self.prompt = True
        self.file: str | None = None


def parse_options(args: list[str]) -> tuple[Options, list[str]]:
    opts = Options()
    i = 0
    while i < len(args):
        a = args[i]
        if len(a) < 2 or a[0] not in "-+" or not a[1].isalpha():
            break
        on = a[0] == "-"
        j = 1
        while j < len(a):
            c = a[j].lower()
            if c == "t":
                if a[j + 1:j + 2].lower() == "d" and j + 2 < len(a):
                    opts.terminator = a[j + 2] if on else None
                    j += 3
                    continue
                opts.terminator = ";" if on else None
            elif c == "v":
                opts.echo = on
            elif c == "x":
                opts.headings = not on
            elif c == "s":
                opts.stop_on_error = on
            elif c == "p":
                opts.prompt = on
            elif c in ("f", "z", "r", "l"):
                rest = a[j + 1:]
                value = rest if rest else (args[i + 1] if i + 1 < len(args) else "")
                if not rest:
                    i += 1
                if c == "f":
                    opts.file = value
                break
            j += 1
        i += 1
    return opts, args[i:]


def split_statements(text: str, terminator: str | None) -> list[str]:
    """Statements of a script: terminated by the terminator (-t) or one per line."""
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("--")]
    if terminator is None:
        return [ln.strip() for ln in lines if ln.strip()]
    out: list[str] = []
    buf = ""
    quote = ""
    for ch in "\n".join(lines):
        if quote:
            buf += ch
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            buf += ch
        elif ch == terminator:
            if buf.strip():
                out.append(" ".join(buf.split()))
            buf = ""
        else:
            buf += ch
    if buf.strip():
        out.append(" ".join(buf.split()))
    return out


def _read_line(stream: Any) -> str | None:
    line = stream.readline()
    if not line:
        return None
    return str(line).rstrip("\n")


def _needs_password(stmt: str) -> str | None:
    """The user of CONNECT/ATTACH ... USER u given without USING (CLP prompts)."""
    words = stmt.split()
    upper = [w.upper() for w in words]
    if upper[:1] in (["CONNECT"], ["ATTACH"]) and "USER" in upper and "USING" not in upper:
        idx = upper.index("USER")
        if idx + 1 < len(words) and "NEW" not in upper:
            return words[idx + 1]
    return None


class ClpFrontEnd:
    """Sends statements to the session's back end and prints the results."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.inst = Instance.current()
        self.ppid = os.getppid()
        self.pstart = proc_start(self.ppid)
        self.stdin = sys.stdin

    def run(self, stmt: str) -> int:
        stmt = stmt.strip()
        if self.opts.terminator and stmt.endswith(self.opts.terminator):
            stmt = stmt[:-1].strip()
        if not stmt:
            return 0
        if self.opts.echo:
            sys.stdout.write(stmt + "\n")
        user = _needs_password(stmt)
        if user is not None:
            sys.stdout.write(f"Enter current password for {user}: ")
            sys.stdout.flush()
            if self.stdin.isatty():
                password = getpass.getpass("")
            else:
                password = _read_line(self.stdin) or ""
                sys.stdout.write("\n")
            stmt = f"{stmt} USING {password}"
        req: dict[str, Any] = {"op": "clp", "ppid": self.ppid, "pstart": self.pstart,
                               "text": stmt, "headings": self.opts.headings}
        try:
            reply = _call(self.inst, req)
            if reply.get("prompt"):
                sys.stdout.write(str(reply["prompt"]))
                sys.stdout.flush()
                answer = _read_line(self.stdin)
                sys.stdout.write("\n")
                req["answer"] = answer if answer is not None else "n"
                reply = _call(self.inst, req)
        except (FileNotFoundError, ConnectionRefusedError):
            if stmt.split()[0].upper() == "TERMINATE":
                sys.stdout.write(msg("DB20000I", "TERMINATE").render())
                return 0
            sys.stdout.write(msg("SQL1032N").render())
            return 4
        except (OSError, rpc.Closed):
            sys.stdout.write(msg("SQL1224N").render())
            return 4
        sys.stdout.write(str(reply.get("out", "")))
        if self.opts.echo:
            sys.stdout.write("\n")
        sys.stdout.flush()
        return int(reply.get("rc", 8))


def db2_main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    opts, rest = parse_options(args)
    front = ClpFrontEnd(opts)
    if rest:
        text = " ".join(rest)
        stmts = split_statements(text, opts.terminator) if opts.terminator else [text]
        rc = 0
        for s in stmts:
            rc = max(rc, front.run(s))
        return rc
    if opts.file:
        try:
            text = Path(opts.file).read_text()
        except OSError:
            sys.stdout.write(f'DB21001E  The file "{opts.file}" cannot be opened.\n')
            return 8
        rc = 0
        for s in split_statements(text, opts.terminator):
            r = front.run(s)
            rc = max(rc, r)
            if opts.stop_on_error and r >= 4:
                break
        return rc
    # interactive / stdin mode
    interactive = sys.stdin.isatty()
    rc = 0
    buf = ""
    while True:
        if opts.prompt and interactive:
            sys.stdout.write("db2 => ")
            sys.stdout.flush()
        line = _read_line(sys.stdin)
        if line is None:
            break
        if opts.terminator:
            buf += " " + line
            if opts.terminator not in line:
                continue
            parts = split_statements(buf, opts.terminator)
            buf = ""
        else:
            parts = [line]
        stop = False
        for s in parts:
            if s.strip().upper() in ("QUIT", "EXIT"):
                stop = True
                break
            r = front.run(s)
            rc = max(rc, r)
        if stop:
            break
    if buf.strip():
        rc = max(rc, front.run(buf))
    return rc


def main_for(name: str) -> int:
    """Entry point of the bin/ scripts: dispatch on the command name."""
    table = {
        "db2": db2_main, "db2start": db2start_main, "db2stop": db2stop_main,
        "db2pd": db2pd_main, "db2level": db2level_main, "db2gcf": db2gcf_main,
    }
    try:
        return table[name]()
    except BrokenPipeError:
        return 8
    except KeyboardInterrupt:
        return 8


__all__ = ["db2_main", "main_for"]
