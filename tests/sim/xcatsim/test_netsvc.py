"""Section 8's network services: makehosts, makedns, makedhcp, makeconservercf write real
configurations, checked with the real tools (dhcpd -t, named-checkconf, named-checkzone)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.sim.xcatsim.conftest import Mn


@pytest.fixture(scope="module")
def cluster(mn: Mn) -> Mn:
    run = mn.xcat
    assert run("chdef", "-t", "site", "domain=hamn.test", "master=10.0.0.10",
               "forwarders=10.0.0.1").rc == 0
    assert run("mkdef", "-t", "network", "-o", "clusternet", "net=10.0.0.0",
               "mask=255.255.255.0", "gateway=10.0.0.1", "mgtifname=eth0",
               "dynamicrange=10.0.0.200-10.0.0.250").rc == 0
    assert run("mkdef", "cn1", "groups=compute,all", "ip=10.0.0.20", "mac=AA:BB:CC:00:00:20",
               "mgt=ipmi", "cons=ipmi", "bmc=127.0.0.1").rc == 0
    assert run("mkdef", "sn1", "groups=service,all", "ip=10.0.0.30").rc == 0
    return mn


def test_makehosts(cluster: Mn) -> None:
    (cluster.root / "etc").mkdir(exist_ok=True)
    (cluster.root / "etc/hosts").write_text("127.0.0.1 localhost\n10.0.0.20 old-cn1 cn1\n")
    assert cluster.xcat("makehosts").rc == 0
    lines = (cluster.root / "etc/hosts").read_text().splitlines()
    assert lines == ["127.0.0.1 localhost", "10.0.0.20 cn1 cn1.hamn.test",
                     "10.0.0.30 sn1 sn1.hamn.test"]


def test_makedhcp(cluster: Mn) -> None:
    r = cluster.xcat("makedhcp", "-n")
    assert r.rc == 0, r.err
    conf = cluster.root / "etc/dhcp/dhcpd.conf"
    text = conf.read_text()
    assert "subnet 10.0.0.0 netmask 255.255.255.0 {" in text
    assert "option routers  10.0.0.1;" in text and "next-server  10.0.0.10;" in text
    assert "range dynamic-bootp 10.0.0.200 10.0.0.250;" in text
    assert "host cn1" not in text
    assert cluster.xcat("makedhcp", "-a").rc == 0
    text = conf.read_text()
    assert "host cn1 {\n  hardware ethernet aa:bb:cc:00:00:20;\n  fixed-address 10.0.0.20;" in text
    assert "host sn1" not in text  # no MAC, nothing to serve
    r = cluster.xcat("makedhcp", "-q", "cn1")
    assert r.out == "cn1: ip-address = 10.0.0.20, hardware-address = aa:bb:cc:00:00:20\n"
    r = cluster.xcat("makedhcp", "-n")
    assert r.out == f"Renamed existing dhcp configuration file to  {conf}.xcatbak\n"
    assert "host cn1" not in conf.read_text()
    assert cluster.xcat("makedhcp", "cn1").rc == 0
    assert "host cn1" in conf.read_text()
    assert cluster.xcat("makedhcp", "-d", "cn1").rc == 0
    assert "host cn1" not in conf.read_text()
    cluster.xcat("makedhcp", "-a")
    r = cluster.xcat("makedhcp", "sn1")
    assert r.rc == 1 and r.err == "sn1: Error: No mac address defined in the mac table.\n"


@pytest.mark.skipif(shutil.which("dhcpd") is None,
                    reason="ISC dhcpd is not installed (apt-get install isc-dhcp-server)")
def test_dhcpd_accepts_the_configuration(cluster: Mn) -> None:
    cluster.xcat("makedhcp", "-n")
    cluster.xcat("makedhcp", "-a")
    done = subprocess.run(["dhcpd", "-4", "-t", "-cf", str(cluster.root / "etc/dhcp/dhcpd.conf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_makedns(cluster: Mn) -> None:
    r = cluster.xcat("makedns", "-n")
    assert r.rc == 0, r.err
    assert r.out.splitlines()[0] == ("Getting reverse zones, this may take several minutes "
                                     "for a large cluster.")
    conf = (cluster.root / "etc/named.conf").read_text()
    assert 'zone "hamn.test" in {' in conf and 'zone "0.0.10.IN-ADDR.ARPA" in {' in conf
    assert "forwarders { 10.0.0.1; };" in conf
    fwd = (cluster.root / "var/named/db.hamn.test").read_text()
    assert "cn1 IN A 10.0.0.20" in fwd.replace("  ", " ")
    rev = (cluster.root / "var/named/db.10.0.0").read_text()
    assert "20 IN PTR cn1.hamn.test." in rev


@pytest.mark.skipif(shutil.which("named-checkconf") is None or
                    shutil.which("named-checkzone") is None,
                    reason="BIND's named-checkconf/named-checkzone are not installed "
                           "(apt-get install bind9-utils)")
def test_bind_accepts_the_configuration(cluster: Mn) -> None:
    cluster.xcat("makedns", "-n")
    done = subprocess.run(["named-checkconf", "-z", "-t", str(cluster.root), "/etc/named.conf"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for zone, f in (("hamn.test", "db.hamn.test"), ("0.0.10.IN-ADDR.ARPA", "db.10.0.0")):
        done = subprocess.run(["named-checkzone", zone, str(cluster.root / "var/named" / f)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout


def test_makedns_needs_a_domain(mn: Mn, cluster: Mn) -> None:
    mn.xcat("chdef", "-t", "site", "domain=")
    try:
        r = mn.xcat("makedns", "-n")
        assert (r.rc, r.err) == (1, "Error: domain not defined in site table\n")
    finally:
        mn.xcat("chdef", "-t", "site", "domain=hamn.test")


def test_makeconservercf(cluster: Mn) -> None:
    assert cluster.xcat("makeconservercf").rc == 0
    text = (cluster.root / "etc/conserver.cf").read_text()
    assert "console cn1 {\n  exec /opt/xcat/share/xcat/cons/ipmi cn1;\n}" in text
    assert "console sn1" not in text
