"""Section 7.1's parity: pure parsers and the difference table."""

from __future__ import annotations

from hamn.parity import (
    NOT_INSTALLED,
    Facts,
    compare,
    parse_lslpp_levels,
    parse_os_release,
    parse_rpm_q,
    parse_version_text,
    parse_xcat_version,
)

RHEL = """\
NAME="Red Hat Enterprise Linux Server"
VERSION="7.9 (Maipo)"
ID="rhel"
VERSION_ID="7.9"
"""
LSLPP = """\
#Package Name:Fileset:Level:State:PTF Id:Fix State:Type:Description:Destination Dir.:\
Uninstaller:Message Catalog:Message Set:Message Number:Parent:Automatic:EFIX Locked:\
Install Path:Build Date
xCAT:xCAT-2.5.2-snap201010260741:2.5.2: : :C:R:Administration, installation, and \
monitoring tools.: :/bin/rpm -e xCAT: : : : :0:0:/:
rsync:rsync-3.0.6-1:3.0.6: : :C:R:A program for synchronizing files over a network.: :\
/bin/rpm -e rsync: : : : :0:0:/:
"""


def test_os_release() -> None:
    assert parse_os_release(RHEL) == "Red Hat Enterprise Linux Server 7.9"


def test_versions() -> None:
    assert parse_xcat_version("Version 2.5.2 (svn r7881, built Tue Oct 26 2010)\n") == "2.5.2"
    assert parse_version_text("psql (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)") == "15.8"
    assert parse_version_text("3.40.1 2022-12-28 14:03:47 df5c253c0b3d") == "3.40.1"


def test_rpm_q_marks_missing_packages() -> None:
    out = "xCAT 2.5.2-snap201010260741\npackage xCAT-server is not installed\n"
    assert parse_rpm_q(out, ["xCAT", "xCAT-server"]) == {
        "xCAT": "2.5.2-snap201010260741", "xCAT-server": NOT_INSTALLED}


def test_lslpp_levels() -> None:
    got = parse_lslpp_levels(LSLPP, ["xCAT", "rsync", "openssl.base"])
    assert got == {"xCAT": "2.5.2", "rsync": "3.0.6", "openssl.base": NOT_INSTALLED}


def test_table_names_the_mismatch() -> None:
    a = Facts("aixmn1", "aix", "6100-06-05-1115", "2.5.2", "9.7.0.2", {"xCAT": "2.5.2"})
    b = Facts("aixmn2", "aix", "6100-06-05-1115", "2.5.3", "9.7.0.2", {"xCAT": "2.5.3",
                                                                       "rsync": "3.0.6"})
    table = compare(a, b)
    assert [r.item for r in table.mismatches] == ["xCAT version", "package rsync",
                                                  "package xCAT"]
    assert "<-- differs" in table.render()
    assert compare(a, a).mismatches == ()
