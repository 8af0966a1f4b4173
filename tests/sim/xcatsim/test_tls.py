"""Runbook 6.1: only clients whose credentials the MN's CA signed get into xcatd; a client
holding the primary's credentials gets into the standby once /etc/xcat/ca and
/etc/xcat/cert were synchronised. And every client fails as xCAT's when xcatd is down."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.xcatsim.commands import COMMANDS
from tests.sim.xcatsim.conftest import Mn, free_port

DOWN = ("Unable to open socket connection to xcatd daemon on 127.0.0.1:{port}.\n"
        "Verify that the xcatd daemon is running and that your SSL setup is correct.\n"
        "Connection failure: IO::Socket::INET: connect: Connection refused at "
        "/opt/xcat/lib/perl/xCAT/Client.pm line 248.\n")


@pytest.fixture(scope="module")
def standby(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mn]:
    m = Mn(tmp_path_factory.mktemp("standby"))
    m.init()
    m.start()
    yield m
    m.stop()


def test_server_credentials_follow_xcat_layout(mn: Mn) -> None:
    for rel in ("etc/xcat/ca/ca-cert.pem", "etc/xcat/ca/private/ca-key.pem",
                "etc/xcat/cert/server-cert.pem", "etc/xcat/cert/server-key.pem",
                "etc/xcat/cert/server-cred.pem", "etc/xcat/cert/ca.pem",
                "root/.xcat/ca.pem", "root/.xcat/client-cert.pem",
                "root/.xcat/client-key.pem", "root/.xcat/client-cred.pem"):
        assert (mn.root / rel).is_file(), rel
    assert (mn.root / "root/.xcat/client-key.pem").stat().st_mode & 0o077 == 0


def test_foreign_client_is_refused_until_credentials_are_synchronised(
        mn: Mn, standby: Mn) -> None:
    # A service node holding the primary's client credentials, talking to the standby.
    sn = {"XCATSIM_HOME": str(mn.root / "root")}
    r = standby.xcat("nodels", env=sn)
    assert r.rc == 1
    assert "Verify that the xcatd daemon is running and that your SSL setup is correct." in r.err
    assert "Connection failure: SSL connect attempt failed" in r.err
    assert standby.xcat("nodels").rc == 0  # the standby's own client gets in
    # Runbook 6.1: rsync -az /etc/xcat/ca /etc/xcat/cert aixmn2:/etc/xcat, then xcatd restart.
    standby.stop()
    for d in ("ca", "cert"):
        shutil.rmtree(standby.root / "etc/xcat" / d)
        shutil.copytree(mn.root / "etc/xcat" / d, standby.root / "etc/xcat" / d)
    standby.start()
    assert standby.xcat("nodels", env=sn).rc == 0
    # ... and the standby's own old ~/.xcat, signed by its old CA, no longer does.
    assert standby.xcat("nodels").rc == 1


def test_client_without_credentials(mn: Mn, tmp_path: Path) -> None:
    r = mn.xcat("nodels", env={"XCATSIM_HOME": str(tmp_path)})
    assert r.rc == 1 and "Connection failure: IO::Socket::SSL: SSL_cert_file" in r.err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_fails_as_xcat_when_xcatd_is_down(mn: Mn, command: str) -> None:
    port = free_port()
    r = mn.xcat(command, "cn1", env={"XCATHOST": f"127.0.0.1:{port}"})
    assert (r.rc, r.out, r.err) == (1, "", DOWN.format(port=port))


def test_tool_exit_code_when_xcatd_is_down(mn: Mn) -> None:
    port = free_port()
    r = mn.tool("lsdef", "-t", "node", "-l", env={"XCATHOST": f"127.0.0.1:{port}"})
    assert (r.rc, r.err) == (1, DOWN.format(port=port))
