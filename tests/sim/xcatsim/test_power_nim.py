"""rpower/rnetboot through the compute node's BMC (bmc.py), nodeset, and the AIX NIM shims
of section 8."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.sim.xcatsim.conftest import BIN, REPO, Mn, free_port


@pytest.fixture(scope="module")
def bmc_port(mn: Mn) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "XCATSIM_ROOT": str(mn.root / "cn1"),
           "XCATSIM_BMC_PORT": str(port), "XCATSIM_LISTEN": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, str(BIN / "bmcd")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    assert mn.xcat("mkdef", "pw1", "groups=compute,all", "mgt=ipmi", "bmc=127.0.0.1",
                   f"bmcport={port}").rc == 0
    yield port
    proc.terminate()
    proc.wait()
    mn.xcat("rmdef", "pw1")


def test_rpower(mn: Mn, bmc_port: int) -> None:
    assert mn.xcat("rpower", "pw1", "stat").out == "pw1: on\n"
    assert mn.xcat("rpower", "pw1", "off").out == "pw1: off\n"
    assert mn.xcat("rpower", "pw1", "state").out == "pw1: off\n"
    assert mn.xcat("rpower", "pw1", "on").out == "pw1: on\n"
    assert mn.xcat("rpower", "pw1", "reset").out == "pw1: reset\n"
    assert mn.xcat("rnetboot", "pw1").out == "pw1: reset\n"
    r = mn.xcat("rpower", "pw1", "sideways")
    assert r.rc == 1 and r.err.startswith("Error: Usage: rpower <noderange>")


def test_rpower_unreachable_bmc_and_missing_bmc(mn: Mn) -> None:
    mn.xcat("mkdef", "pw2", "groups=all", "mgt=ipmi", "bmc=127.0.0.1",
            f"bmcport={free_port()}")
    mn.xcat("mkdef", "pw3", "groups=all", "mgt=ipmi")
    r = mn.xcat("rpower", "pw2,pw3", "stat")
    assert r.rc == 1
    assert r.err == ("pw2: Error: timeout\n"
                     "pw3: Error: Unable to identify bmc for pw3, check the ipmi table\n")
    mn.xcat("rmdef", "pw2,pw3")


def test_nodeset(mn: Mn) -> None:
    mn.xcat("mkdef", "ns1", "groups=all")
    mn.xcat("mkdef", "-t", "osimage", "-o", "rh7", "imagetype=linux", "provmethod=netboot")
    assert mn.xcat("nodeset", "ns1", "osimage=rh7").out == "ns1: netboot rh7\n"
    assert mn.xcat("nodeset", "ns1", "stat").out == "ns1: netboot rh7\n"
    assert mn.xcat("nodeset", "ns1", "boot").out == "ns1: boot\n"
    r = mn.xcat("nodeset", "ns1", "osimage=nope")
    assert r.rc == 1 and "Cannot find the OS image nope" in r.err
    mn.xcat("rmdef", "ns1")
    mn.xcat("rmdef", "-t", "osimage", "rh7")


def test_nim_resources_of_section_8(mn: Mn) -> None:
    env = {"XCATSIM_NIM_STATE": str(mn.root / "nim.json")}
    (mn.root / "install/nim/lpp_source/61cosi").mkdir(parents=True)
    (mn.root / "install/nim/spot/61cosi/usr").mkdir(parents=True)
    (mn.root / "cdrom").mkdir()
    lpp = ["-Fo", "define", "-t", "lpp_source", "-a", "server=master",
           "-a", "location=/install/nim/lpp_source/61cosi", "61cosi_lpp_source"]
    r = mn.tool("nim", *lpp, env=env)
    assert r.rc == 2 and "has not been initialized" in r.err
    assert mn.tool("nim_master_setup", "-a", "mk_resource=no", "-a", "device=/cdrom",
                   env=env).rc == 0
    assert mn.tool("nim", *lpp, env=env).rc == 0
    r = mn.tool("nim", *lpp, env=env)
    assert r.rc == 81 and r.err.startswith("0042-081 nim:")
    r = mn.tool("nim", "-o", "define", "-t", "script", "-a", "server=master",
                "-a", "location=/install/nim/scripts/x.sh", "61cosi_script", env=env)
    assert r.rc == 154
    assert r.err == ('0042-001 nim: processing error encountered on "master":\n'
                     '        0042-154 m_mkscript: the file or directory '
                     '"/install/nim/scripts/x.sh" does not exist\n')
    r = mn.tool("m_mkspot", "-o", "-a", "server=master", "-a", "location=/install/nim/spot/",
                "-a", "source=no", "61cosi", env=env)
    assert r.rc == 0, r.err
    r = mn.tool("lsnim", "-t", "spot", env=env)
    assert r.out == "61cosi           resources      spot\n"
    r = mn.tool("lsnim", "-l", "61cosi_lpp_source", env=env)
    assert r.out.splitlines()[:3] == ["61cosi_lpp_source:", "   class       = resources",
                                      "   type        = lpp_source"]
    assert "   location    = /install/nim/lpp_source/61cosi" in r.out.splitlines()
    r = mn.tool("lsnim", "nosuch", env=env)
    assert (r.rc, r.err) == (53, '0042-053 lsnim: there is no NIM object named "nosuch"\n')
