"""Offline units of the xCAT simulator: messages, cfgloc, noderanges, option parsing."""

from __future__ import annotations

from simulators.xcatsim.commands.defs import _stdin_stanzas, parse
from simulators.xcatsim.db import parse_cfgloc
from simulators.xcatsim.noderange import expand
from simulators.xcatsim.objects import TYPES
from simulators.xcatsim.protocol import Reply, Request


def test_request_round_trip() -> None:
    req = Request("rpower", ["stat"], noderange="cn1,cn<2>", cwd="/root", stdin="a&b")
    back = Request.decode(req.encode())
    assert (back.command, back.args, back.noderange, back.cwd, back.stdin) == \
        ("rpower", ["stat"], "cn1,cn<2>", "/root", "a&b")


def test_reply_round_trip_keeps_order_and_code() -> None:
    r = Reply()
    r.data("Object name: x")
    r.node_error("cn1", "timeout")
    r.error("bad <thing>")
    back, done = Reply.decode(r.encode())
    assert done and back.errorcode == 1
    assert back.lines == [("data", "Object name: x"), ("nodeerror", "cn1: Error: timeout"),
                          ("error", "bad <thing>")]


def test_cfgloc_forms() -> None:
    db2 = parse_cfgloc("DB2:XCATDB|xcatdb|secret\n")
    assert (db2.engine, db2.database, db2.user, db2.password) == \
        ("DB2", "XCATDB", "xcatdb", "secret")
    assert db2.shown == "DB2:XCATDB|xcatdb"
    pg = parse_cfgloc("Pg:dbname=xcatdb;host=10.0.0.10|xcatadm|pw")
    assert (pg.engine, pg.database, pg.params["host"], pg.user) == \
        ("Pg", "xcatdb", "10.0.0.10", "xcatadm")
    assert pg.shown == "Pg:dbname=xcatdb;host=10.0.0.10|xcatadm"
    my = parse_cfgloc("mysql:dbname=xcatdb;host=10.0.0.10|xcatadmin|pw")
    assert (my.engine, my.database, my.user) == ("mysql", "xcatdb", "xcatadmin")
    assert parse_cfgloc("").engine == "SQLite"


def test_noderange() -> None:
    nodes = {f"cn{i}" for i in range(1, 6)} | {"sn1"}
    groups = {"compute": ["cn1", "cn2"], "all": sorted(nodes)}
    assert expand("cn[1-3]", nodes, groups) == (["cn1", "cn2", "cn3"], [])
    assert expand("cn1-cn2,sn1", nodes, groups) == (["cn1", "cn2", "sn1"], [])
    assert expand("compute,-cn1", nodes, groups) == (["cn2"], [])
    assert expand("cn9,compute", nodes, groups) == (["cn1", "cn2"], ["cn9"])


def test_def_options() -> None:
    o = parse(["-t", "osimage", "-l", "-o", "a,b", "-i", "spot,lpp_source", "x=1"])
    assert o.types == ["osimage"] and "long" in o.flags
    assert o.objects == ["a", "b"] and o.attrlist == ["spot", "lpp_source"]
    assert o.attrs == {"x": "1"}
    o = parse(["testnode", "groups=all,compute", "-f"])
    assert o.names == ["testnode"] and "force" in o.flags
    assert parse(["-Q"]).bad == "-Q"


def test_stanza_input() -> None:
    text = "# <xCAT data object stanza file>\n\ncn1:\n    objtype=node\n    groups=all\n"
    assert _stdin_stanzas(text) == [("cn1", "node", {"groups": "all"})]


def test_object_attributes_map_to_xcat_tables() -> None:
    node = TYPES["node"]
    assert node.attr("bmc") is not None and node.attr("bmc").table == "ipmi"  # type: ignore[union-attr]
    assert node.attr("os").table == "nodetype"  # type: ignore[union-attr]
    assert node.attr("bmcpassword").column == "password"  # type: ignore[union-attr]
    image = TYPES["osimage"]
    assert image.attr("lpp_source").table == "nimimage"  # type: ignore[union-attr]
    assert image.attr("pkglist").table == "linuximage"  # type: ignore[union-attr]
