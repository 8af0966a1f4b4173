"""xCAT parsers against outputs in xCAT's documented formats (5.1.9, sections 2, 3, 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamn.parsing import ParseError
from hamn.xcat.parse import (
    XcatError,
    parse_lsdef,
    parse_lsxcatd,
    parse_nodels,
    parse_nodels_attributes,
    parse_tabdump,
    parse_xcat_errors,
)

DATA = Path(__file__).parent.parent / "data" / "xcat"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_lsdef_long_testnode() -> None:
    [node] = parse_lsdef(read("lsdef_2.5_node_testnode_long.txt"))
    assert node.name == "testnode"
    assert node["groups"] == "all,compute"
    assert node.get("mgt") == "hmc" and node.get("nothere") is None
    assert node.as_dict["postscripts"] == "syslog,remoteshell,syncfiles"
    with pytest.raises(KeyError):
        _ = node["nothere"]


def test_lsdef_several_objects_stanza_and_short_forms() -> None:
    images = parse_lsdef(read("lsdef_2.8_osimage_two_objects.txt"))
    assert [i.name for i in images] == ["61cosi", "61dskls"]
    assert images[1]["nimtype"] == "diskless"
    [stanza] = parse_lsdef(read("lsdef_2.8_node_stanza_z.txt"))
    assert stanza.name == "testnode" and stanza.type == "node"
    short = parse_lsdef(read("lsdef_2.8_short_listing.txt"))
    assert [(o.name, o.type) for o in short][-1] == ("testnode", "node")


@pytest.mark.parametrize(
    ("name", "host"),
    [("lsdef_2.5_node_not_found.txt", None), ("lsdef_2.14_node_not_found.txt", "aixmn1")],
)
def test_lsdef_not_found_is_an_xcat_error(name: str, host: str | None) -> None:
    with pytest.raises(XcatError) as caught:
        parse_lsdef(read(name))
    [error] = caught.value.errors
    assert error.message == "Could not find an object named 'testnode' of type 'node'."
    assert error.host == host


def test_lsdef_nothing_and_garbage() -> None:
    assert parse_lsdef("Could not find any object definitions to display.\n") == ()
    with pytest.raises(ParseError) as caught:
        parse_lsdef("Object name: testnode\ngroups all\n")
    assert caught.value.lines == ("groups all",)


def test_nodels() -> None:
    assert parse_nodels(read("nodels_2.5_all.txt")) == ("aixmn1", "aixmn2", "testnode")
    groups = parse_nodels_attributes(read("nodels_2.5_groups.txt"), ["groups"])
    assert groups["testnode"]["groups"] == "all,compute"
    two = parse_nodels_attributes(read("nodels_2.8_two_attributes.txt"), ["groups", "os"])
    assert two["testnode"] == {"nodelist.groups": "all,compute", "nodetype.os": "AIX"}
    with pytest.raises(XcatError, match="Invalid nodes"):
        parse_nodels(read("nodels_2.5_invalid_noderange.txt"))
    with pytest.raises(ParseError):
        parse_nodels("testnode: all\n")


def test_tabdump_site() -> None:
    table = parse_tabdump(read("tabdump_2.5_site.txt"))
    assert table.columns == ("key", "value", "comments", "disable")
    assert table.lookup("key", "master", "value") == "9.114.47.103"
    assert table.lookup("key", "xcatsslversion", "comments") == 'the, quoted "comment"'
    assert table.records()[0]["disable"] is None


def test_tabdump_nodelist_and_errors() -> None:
    table = parse_tabdump(read("tabdump_2.5_nodelist.txt"))
    assert table.lookup("node", "testnode", "groups") == "all,compute"
    with pytest.raises(ParseError, match="no '#column"):
        parse_tabdump('"blademaxp","64",,\n')
    with pytest.raises(ParseError, match="2 fields under 4 columns"):
        parse_tabdump('#key,value,comments,disable\n"a","b"\n')
    with pytest.raises(XcatError):
        parse_tabdump("Error: nosuchtable is not a valid table\n")


@pytest.mark.parametrize(
    ("name", "version", "engine"),
    [
        ("lsxcatd_2.5_a_db2.txt", "2.5.2", "DB2"),
        ("lsxcatd_2.8_a_pg.txt", "2.8.4", "Pg"),
        ("lsxcatd_2.14_a_sqlite.txt", "2.14.6", "SQLite"),
    ],
)
def test_lsxcatd(name: str, version: str, engine: str) -> None:
    info = parse_lsxcatd(read(name))
    assert info.version == version and info.dbengine == engine
    assert info.node_kind == "Management Node"


def test_lsxcatd_cfgloc_and_garbage() -> None:
    info = parse_lsxcatd(read("lsxcatd_2.5_a_db2.txt"))
    assert info.get("cfgloc") == "DB2:XCATDB|xcatdb"
    assert info.build is not None and info.build.startswith("svn r7881")
    with pytest.raises(ParseError, match="xcatd: command not found"):
        parse_lsxcatd("ksh: lsxcatd: command not found\n")


def test_error_lines() -> None:
    errors = parse_xcat_errors("ok\nError: [sn1]: Permission denied\nError: plain\n")
    assert [(e.host, e.message) for e in errors] == [("sn1", "Permission denied"), (None, "plain")]
