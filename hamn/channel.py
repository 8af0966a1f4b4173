"""One persistent SSH channel per host, commands framed over it.

Opening an SSH session costs 150-450 ms; hamn runs hundreds of commands per scenario. So
each host gets one OpenSSH client process (honouring the user's ssh_config: jump hosts,
ports, keys, ControlMaster) running a POSIX shell, and every command is sent to that shell
in its own subshell (no state leaks between commands), followed by a random end marker on
stdout (with the exit code) and on stderr. The streams stay apart; a command that overruns
its timeout kills the channel, which is reopened for the next command.

Only what AIX's ksh and Linux's sh both have is used on the remote side.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shlex
import subprocess
import time
import uuid
from dataclasses import dataclass

from hamn.errors import (
    AuthenticationFailed,
    CommandTimeout,
    HamnError,
    HostKeyMismatch,
    HostUnreachable,
)

# Log in as a login shell would, so PATH is the one an admin gets (xCAT's /opt/xcat/bin).
BOOTSTRAP = ("exec 2>&1; . /etc/profile >/dev/null 2>&1 </dev/null; "
             "[ -r \"$HOME/.profile\" ] && . \"$HOME/.profile\" >/dev/null 2>&1 </dev/null; "
             "exec 2>&3; echo hamn-ready\n")


@dataclass(frozen=True)
class Raw:
    exit_status: int
    stdout: str
    stderr: str


def classify_ssh_failure(host: str, stderr: str) -> HamnError:
    """Turn OpenSSH's last words into the error an admin can act on."""
    text = stderr.strip()
    last = text.splitlines()[-1] if text else "ssh exited without a message"
    low = text.lower()
    if "host key verification failed" in low or "remote host identification has changed" in low:
        return HostKeyMismatch(f"{host}: its SSH host key does not match the pinned key "
                               f"(known_hosts): verify the host, then update known_hosts")
    if "permission denied" in low:
        return AuthenticationFailed(f"{host}: SSH key refused ({last}): install your public "
                                    "key in the user's authorized_keys or fix User in ssh_config")
    if "could not resolve hostname" in low:
        return HostUnreachable(f"{host}: unknown host ({last}): check the name in --hosts, "
                               "the inventory or ssh_config")
    return HostUnreachable(f"{host}: unreachable over SSH ({last}): check that it is up and "
                           "that sshd answers")


class Channel:
    """A framed shell session over one long-lived ``ssh`` process."""

    def __init__(self, host: str, ssh_argv: list[str], connect_timeout: float = 15.0) -> None:
        self.host = host
        self.ssh_argv = ssh_argv
        self.connect_timeout = connect_timeout
        self._proc: subprocess.Popen[bytes] | None = None

    def _open(self) -> subprocess.Popen[bytes]:
        # fd 3 keeps the real stderr while the profiles run with stderr muted.
        # The fd goes on the exec itself: ksh (AIX login shell) closes fds > 2 that an
        # earlier `exec 3>&2` opened when it runs another program.
        remote = "exec /bin/sh 3>&2"
        proc = subprocess.Popen([*self.ssh_argv, remote], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        assert proc.stdin is not None
        try:
            proc.stdin.write(BOOTSTRAP.encode())
            proc.stdin.flush()
        except BrokenPipeError:
            pass
        out, err = self._read_until(proc, b"hamn-ready\n", None, self.connect_timeout)
        if not out.endswith(b"hamn-ready\n"):
            if proc.poll() is not None and proc.stderr is not None:
                err += proc.stderr.read()  # ssh exited: its last words are all there
            self._kill(proc)
            rest = err
            raise classify_ssh_failure(self.host, rest.decode(errors="replace"))
        return proc

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
        proc.wait()
        Channel._release(proc)

    @staticmethod
    def _release(proc: subprocess.Popen[bytes]) -> None:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                try:
                    assert self._proc.stdin is not None
                    self._proc.stdin.write(b"exit\n")
                    self._proc.stdin.close()
                    self._proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    self._kill(self._proc)
            self._release(self._proc)
            self._proc = None

    def _read_until(self, proc: subprocess.Popen[bytes], out_end: bytes,
                    err_end: bytes | None, timeout: float,
                    out_re: re.Pattern[bytes] | None = None) -> tuple[bytes, bytes]:
        """Read both streams until OUT_END/ERR_END close them, the process dies, or TIMEOUT."""
        assert proc.stdout is not None and proc.stderr is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ, "out")
        sel.register(proc.stderr, selectors.EVENT_READ, "err")
        out, err = bytearray(), bytearray()
        out_done, err_done = False, err_end is None
        deadline = time.monotonic() + timeout
        try:
            while not (out_done and err_done):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                events = sel.select(left)
                for key, _ in events:
                    chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                    if not chunk:
                        sel.unregister(key.fileobj)
                        if key.data == "out":
                            out_done = True
                        else:
                            err_done = True
                        continue
                    if key.data == "out":
                        out += chunk
                        if out_re is not None:
                            out_done = out_re.search(out) is not None
                        else:
                            out_done = out.endswith(out_end)
                    else:
                        err += chunk
                        err_done = err_end is not None and err.endswith(err_end)
                if not sel.get_map():
                    break
        finally:
            sel.close()
        return bytes(out), bytes(err)

    def run(self, script: str, stdin: str | None = None, timeout: float = 120.0) -> Raw:
        """Run SCRIPT (shell text) in a subshell on the host; return exit code and streams."""
        if self._proc is None or self._proc.poll() is not None:
            self._proc = self._open()
        proc = self._proc
        assert proc.stdin is not None
        mark = "hamn-" + uuid.uuid4().hex
        if stdin is None:
            feed = "</dev/null\n"
        else:
            if not stdin.endswith("\n"):
                stdin += "\n"
            feed = f"<<'{mark}-in'\n{stdin}{mark}-in\n"
        frame = (f"( eval {shlex.quote(script)} ) {feed}"
                 f"printf '\\n{mark} %d\\n' $?; printf '\\n{mark}\\n' >&2\n")
        try:
            proc.stdin.write(frame.encode())
            proc.stdin.flush()
        except BrokenPipeError:
            self._proc = None
            raise HostUnreachable(f"{self.host}: the SSH channel closed: check that the host "
                                  "is up") from None
        end = re.compile(rb"\n" + mark.encode() + rb" (\d+)\n$")
        out, err = self._read_until(proc, b"", f"\n{mark}\n".encode(), timeout, out_re=end)
        found = end.search(out)
        if found is None or not err.endswith(f"\n{mark}\n".encode()):
            died = proc.poll() is not None
            self._kill(proc)
            self._proc = None
            if died:
                raise classify_ssh_failure(self.host, err.decode(errors="replace"))
            raise CommandTimeout(f"{self.host}: command did not finish within {timeout:.0f}s "
                                 f"({script[:80]!r}); the channel was reopened")
        body = out[: found.start()]
        errs = err[: -len(f"\n{mark}\n")]
        return Raw(int(found.group(1)), body.decode(errors="replace"),
                   errs.decode(errors="replace"))
