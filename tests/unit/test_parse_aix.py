"""AIX parsers against outputs in IBM's documented formats (sections 2, 4 and 8)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from hamn.aix.parse import (
    AixMessageError,
    SrcStatus,
    addresses_of,
    lsattr_values,
    parse_ifconfig,
    parse_lsattr,
    parse_lslpp_lc,
    parse_lssrc,
    parse_oslevel,
    subsystem_status,
)
from hamn.parsing import ParseError

DATA = Path(__file__).parent.parent / "data" / "aix"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_lssrc_s_active_and_inoperative() -> None:
    [up] = parse_lssrc(read("lssrc_s_xcatd_6.1_active.txt"))
    assert (up.name, up.group, up.pid, up.status) == ("xcatd", None, 6750346, SrcStatus.ACTIVE)
    assert up.active
    [down] = parse_lssrc(read("lssrc_s_xcatd_6.1_inoperative.txt"))
    assert down.status is SrcStatus.INOPERATIVE and down.pid is None and not down.active


def test_lssrc_a_groups_and_lookup() -> None:
    text = read("lssrc_a_6.1.txt")
    rows = parse_lssrc(text)
    assert len(rows) == 18
    named = subsystem_status(text, "named")
    assert named.group == "tcpip" and named.pid is None and not named.active
    assert subsystem_status(text, "dhcpsd").active
    assert subsystem_status(text, "xcatd").group is None
    with pytest.raises(ParseError, match="no subsystem 'conserver'"):
        subsystem_status(text, "conserver")


def test_lssrc_not_on_file_and_garbage() -> None:
    with pytest.raises(AixMessageError) as caught:
        parse_lssrc(read("lssrc_s_xcatd_6.1_not_on_file.txt"))
    assert caught.value.code == "0513-085"
    with pytest.raises(ParseError) as garbled:
        parse_lssrc("Subsystem Group PID Status\n xcatd 123 running fine\n")
    assert garbled.value.lines == (" xcatd 123 running fine",)


def test_lsattr_en0() -> None:
    attrs = parse_lsattr(read("lsattr_El_en0_6.1.txt"))
    values = lsattr_values(read("lsattr_El_en0_6.1.txt"))
    assert values["netaddr"] == "9.114.47.103"
    assert values["netmask"] == "255.255.255.192"
    assert values["state"] == "up" and values["mtu"] == "1500"
    assert values["alias4"] == "" and values["tcp_sendspace"] == ""
    by_name = {a.attribute: a for a in attrs}
    assert by_name["netmask"].description == "Subnet Mask"
    assert by_name["alias4"].description == "IPv4 Alias including Subnet Mask"
    assert by_name["arp"].description == "Address Resolution Protocol (ARP)"
    assert all(a.user_settable for a in attrs)


def test_lsattr_single_attribute_and_garbage() -> None:
    [netaddr] = parse_lsattr(read("lsattr_El_en1_7.1_a_netaddr.txt"))
    assert netaddr.value == "9.114.47.104"
    with pytest.raises(ParseError, match=r"True\|False"):
        parse_lsattr("netaddr 9.114.47.104 Internet Address\n")


@pytest.mark.parametrize(
    ("name", "release", "tl", "sp", "build"),
    [
        ("oslevel_s_6.1.txt", "6.1", 6, 1, "1043"),
        ("oslevel_s_7.1.txt", "7.1", 5, 6, "2016"),
        ("oslevel_r_6.1.txt", "6.1", 6, None, None),
        ("oslevel_6.1.txt", "6.1", None, None, None),
    ],
)
def test_oslevel(
    name: str, release: str, tl: int | None, sp: int | None, build: str | None
) -> None:
    level = parse_oslevel(read(name))
    assert (level.release, level.technology_level, level.service_pack, level.build) == (
        release,
        tl,
        sp,
        build,
    )


def test_oslevel_garbage() -> None:
    with pytest.raises(ParseError, match="Linux"):
        parse_oslevel("Linux\n")


def test_lslpp_lc() -> None:
    entries = parse_lslpp_lc(read("lslpp_Lc_6.1_xcat_db2.txt"))
    by_package = {e.package: e for e in entries}
    assert by_package["bos"].level == "6.1.6.1" and by_package["bos"].type == "F"
    assert by_package["db2_09_07"].level == "9.7.0.0"
    client = by_package["xCAT-client"]
    assert client.level == "2.5.2-snap201010260741" and client.type == "R"
    assert client.get("Build Date") == "Tue Oct 26 07:45:12 EDT 2010"
    assert client.get("Fix State") == "C"


def test_lslpp_not_installed_and_garbage() -> None:
    with pytest.raises(AixMessageError) as caught:
        parse_lslpp_lc(read("lslpp_Lc_6.1_not_installed.txt"))
    assert caught.value.code == "0504-132"
    with pytest.raises(ParseError, match="no '#Package Name"):
        parse_lslpp_lc("bos.rte 6.1.6.1 C F Base Operating System Runtime\n")


def test_ifconfig_aix() -> None:
    interfaces = parse_ifconfig(read("ifconfig_a_aix_6.1.txt"))
    assert [i.name for i in interfaces] == ["en0", "en1", "lo0"]
    [en0] = addresses_of(read("ifconfig_a_aix_6.1.txt"), "en0")
    assert en0.address == "9.114.47.103" and en0.netmask == "255.255.255.192"
    assert en0.prefixlen == 26 and en0.broadcast == "9.114.47.127"
    assert en0.network == ipaddress.ip_network("9.114.47.64/26")
    assert interfaces[0].up


@pytest.mark.parametrize(
    "name", ["ifconfig_a_linux_nettools_2.10.txt", "ifconfig_a_linux_nettools_1.60.txt"]
)
def test_ifconfig_linux_both_forms(name: str) -> None:
    text = read(name)
    v4, v6 = addresses_of(text, "eth0")
    assert v4.address == "9.114.47.104" and v4.prefixlen == 26 and v4.version == 4
    assert v6.version == 6 and v6.prefixlen == 64
    eth0 = next(i for i in parse_ifconfig(text) if i.name == "eth0")
    assert eth0.up and eth0.mtu == 1500 and eth0.mac is not None


def test_ifconfig_alias_and_garbage() -> None:
    [alias] = addresses_of(read("ifconfig_a_linux_nettools_1.60.txt"), "eth0:1")
    assert alias.address == "9.114.47.110"
    with pytest.raises(ParseError) as caught:
        parse_ifconfig("2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue\n")
    assert caught.value.lines == ("2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue",)
