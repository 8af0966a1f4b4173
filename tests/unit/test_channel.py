"""The framed channel, over a local shell standing in for ssh (same framing, no network)."""

from __future__ import annotations

import pytest

from hamn.channel import Channel, classify_ssh_failure
from hamn.errors import AuthenticationFailed, CommandTimeout, HostKeyMismatch, HostUnreachable


@pytest.fixture
def chan() -> Channel:
    # `sh -c REMOTE` plays the part of `ssh host REMOTE`.
    c = Channel("local", ["sh", "-c"])
    yield c
    c.close()


def test_exit_code_and_streams_stay_apart(chan: Channel) -> None:
    raw = chan.run("echo out; echo err >&2; exit 3")
    assert (raw.exit_status, raw.stdout, raw.stderr) == (3, "out\n", "err\n")


def test_output_without_trailing_newline_is_kept_exactly(chan: Channel) -> None:
    assert chan.run("printf abc").stdout == "abc"
    assert chan.run("printf 'abc\\n\\n'").stdout == "abc\n\n"


def test_each_command_runs_in_its_own_subshell(chan: Channel) -> None:
    chan.run("cd /tmp; X=1; export Y=2")
    assert chan.run('pwd; echo "${X:-unset} ${Y:-unset}"').stdout != "/tmp\n1 2\n"
    assert chan.run('echo "${X:-unset}"').stdout == "unset\n"


def test_stdin_is_fed_to_the_command(chan: Channel) -> None:
    assert chan.run("read a; read b; echo $b$a", stdin="1\n2\n").stdout == "21\n"


def test_command_reading_stdin_does_not_eat_the_next_frame(chan: Channel) -> None:
    assert chan.run("cat").stdout == ""
    assert chan.run("echo next").stdout == "next\n"


def test_output_that_imitates_a_marker_does_not_end_the_frame(chan: Channel) -> None:
    raw = chan.run("printf '\\nhamn-0000 0\\n'; echo real")
    assert raw.stdout.endswith("real\n") and raw.exit_status == 0


def test_quotes_and_multiline_scripts(chan: Channel) -> None:
    raw = chan.run("a='it''s'\nb=\"two words\"\necho \"$a|$b\"")
    assert raw.stdout == "its|two words\n"


def test_timeout_reopens_the_channel(chan: Channel) -> None:
    with pytest.raises(CommandTimeout, match="did not finish within 1s"):
        chan.run("sleep 5", timeout=1)
    assert chan.run("echo alive").stdout == "alive\n"


def test_large_output_is_read_whole(chan: Channel) -> None:
    raw = chan.run("i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done")
    assert raw.stdout.count("\n") == 20000


def test_a_channel_that_cannot_start_names_the_host() -> None:
    c = Channel("ghost", ["sh", "-c", "echo 'ssh: connect to host ghost port 22: "
                          "Connection refused' >&2; exit 255"])
    with pytest.raises(HostUnreachable, match="ghost: unreachable over SSH"):
        c.run("true")


@pytest.mark.parametrize(("stderr", "kind"), [
    ("Host key verification failed.", HostKeyMismatch),
    ("root@aixmn1: Permission denied (publickey).", AuthenticationFailed),
    ("ssh: Could not resolve hostname aixmn9: Name or service not known", HostUnreachable),
    ("ssh: connect to host 10.0.0.1 port 22: No route to host", HostUnreachable),
])
def test_ssh_failures_are_classified(stderr: str, kind: type[Exception]) -> None:
    err = classify_ssh_failure("aixmn1", stderr)
    assert isinstance(err, kind) and "aixmn1" in str(err)
