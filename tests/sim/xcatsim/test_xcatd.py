"""xcatd on 127.0.0.1 with SQLite: the testnode round trip of 5.1.9 and the commands' output."""

from __future__ import annotations

from tests.sim.xcatsim.conftest import Mn

TESTNODE = ["testnode", "groups=all,compute", "mgt=hmc", "os=AIX", "arch=ppc64",
            "ip=10.0.0.50", "mac=aa:bb:cc:dd:ee:50"]


def test_testnode_round_trip(mn: Mn) -> None:
    r = mn.xcat("mkdef", "-t", "node", *TESTNODE)
    assert (r.rc, r.out) == (0, "1 object definitions have been created or modified.\n")
    r = mn.xcat("lsdef", "-t", "node", "-l", "testnode")
    assert r.rc == 0
    assert r.out.splitlines() == [
        "Object name: testnode", "    arch=ppc64", "    groups=all,compute",
        "    ip=10.0.0.50", "    mac=aa:bb:cc:dd:ee:50", "    mgt=hmc", "    os=AIX",
        "    postbootscripts=otherpkgs", "    postscripts=syslog,remoteshell,syncfiles"]
    r = mn.xcat("rmdef", "-t", "node", "testnode")
    assert (r.rc, r.out) == (0, "1 object definitions have been removed.\n")
    r = mn.xcat("lsdef", "testnode")
    assert r.rc == 1
    assert r.err == "Error: Could not find an object named 'testnode' of type 'node'.\n"
    assert r.out == "No object definitions have been found\n"


def test_mkdef_refuses_a_duplicate_and_needs_groups(mn: Mn) -> None:
    assert mn.xcat("mkdef", "dup1", "groups=all").rc == 0
    r = mn.xcat("mkdef", "dup1", "groups=all")
    assert r.rc == 1
    assert "Error: \nA definition for 'dup1' already exists.\n" in r.err
    assert "To change the existing definition use the 'chdef' command." in r.err
    assert mn.xcat("mkdef", "-f", "dup1", "groups=compute").rc == 0
    r = mn.xcat("mkdef", "nogroups")
    assert r.rc == 1 and "Attribute 'groups' is not specified for node 'nogroups'" in r.err
    r = mn.xcat("mkdef", "dup2", "groups=all", "bogus=1")
    assert r.rc == 1
    assert "'bogus' is not a valid attribute name for an object type of 'node'." in r.err
    mn.xcat("rmdef", "dup1,dup2")


def test_chdef_plus_minus_and_rename(mn: Mn) -> None:
    assert mn.xcat("mkdef", "ch1", "groups=all").rc == 0
    assert mn.xcat("chdef", "ch1", "-p", "groups=compute", "bmc=10.1.1.1").rc == 0
    assert mn.xcat("lsdef", "ch1", "-i", "groups,bmc").out.splitlines() == [
        "Object name: ch1", "    groups=all,compute", "    bmc=10.1.1.1"]
    assert mn.xcat("chdef", "ch1", "-m", "groups=all").rc == 0
    r = mn.xcat("chdef", "-t", "node", "-o", "ch1", "-n", "ch2")
    assert r.out == "Changed the object name from ch1 to ch2.\n"
    assert mn.xcat("nodels", "ch2", "nodelist.groups").out == "ch2: compute\n"
    mn.xcat("rmdef", "ch2")


def test_nodels_and_group_inheritance(mn: Mn) -> None:
    mn.xcat("mkdef", "cn[1-3]", "groups=compute,all")
    mn.xcat("chdef", "-t", "group", "compute", "mgt=ipmi")
    assert mn.xcat("nodels", "compute").out == "cn1\ncn2\ncn3\n"
    assert mn.xcat("nodels", "cn2", "nodehm.mgt").out == "cn2: ipmi\n"
    r = mn.xcat("nodels", "cn1", "nodelist.groups", "nodehm.mgt")
    assert r.out == "cn1: nodelist.groups: compute,all\ncn1: nodehm.mgt: ipmi\n"
    r = mn.xcat("nodels", "nosuch")
    assert (r.rc, r.err) == (1, "Error: Invalid nodes and/or groups in noderange: nosuch\n")
    assert "    mgt=ipmi" in mn.xcat("lsdef", "cn1").out
    mn.xcat("rmdef", "-t", "node", "cn1-cn3")
    assert mn.xcat("nodels", "cn1").rc == 1


def test_tabdump_csv(mn: Mn) -> None:
    mn.xcat("mkdef", "tab1", "groups=all", 'usercomment=say "hi", ok')
    lines = mn.xcat("tabdump", "nodelist").out.splitlines()
    assert lines[0] == ("#node,groups,status,statustime,appstatus,appstatustime,primarysn,"
                        "hidden,updatestatus,updatestatustime,zonename,comments,disable")
    assert '"tab1","all",,,,,,,,,,"say ""hi"", ok",' in lines
    site = mn.xcat("tabdump", "site").out.splitlines()
    assert site[0] == "#key,value,comments,disable"
    assert '"installdir","/install",,' in site
    r = mn.xcat("tabdump", "nosuch")
    assert (r.rc, r.err) == (1, "Error: No such table: nosuch\n")
    mn.xcat("rmdef", "tab1")


def test_lsxcatd_all(mn: Mn) -> None:
    lines = mn.xcat("lsxcatd", "-a").out.splitlines()
    assert lines[0].startswith("Version 2.5.2 (")
    assert lines[1:3] == ["This is a Management Node", "dbengine=SQLite"]
    assert lines[3].startswith("dbloc=") and lines[3].endswith("/etc/xcat")


def test_osimage_and_network_listing(mn: Mn) -> None:
    r = mn.xcat("mkdef", "-t", "osimage", "-o", "61cosi", "imagetype=NIM", "nimtype=standalone",
                "lpp_source=61cosi_lpp_source", "spot=61cosi", "osname=AIX")
    assert r.rc == 0, r.err
    assert mn.xcat("lsdef", "-t", "osimage").out == "61cosi  (osimage)\n"
    assert mn.xcat("lsdef", "-t", "osimage", "-l").out.splitlines() == [
        "Object name: 61cosi", "    imagetype=NIM", "    lpp_source=61cosi_lpp_source",
        "    nimtype=standalone", "    osname=AIX", "    spot=61cosi"]
    r = mn.xcat("mkdef", "-t", "network", "-o", "net1", "net=10.9.0.0", "mask=255.255.0.0")
    assert r.rc == 0
    r = mn.xcat("mkdef", "-t", "network", "-o", "net2", "net=10.9.0.0", "mask=255.255.0.0")
    assert r.rc == 1 and "A network definition called 'net1' already exists" in r.err
    assert "net1  (network)" in mn.xcat("lsdef", "-t", "network").out
    mn.xcat("rmdef", "-t", "network", "net1")
    mn.xcat("rmdef", "-t", "osimage", "61cosi")


def test_stanza_mkdef_through_the_tool(mn: Mn) -> None:
    stanza = "sz1:\n    objtype=node\n    groups=all\n    os=AIX\n"
    r = mn.tool("mkdef", "-z", stdin=stanza)
    assert r.rc == 0, r.err
    r = mn.tool("lsdef", "-z", "sz1")
    assert r.out.splitlines()[:4] == ["# <xCAT data object stanza file>", "", "sz1:",
                                      "    objtype=node"]
    mn.xcat("rmdef", "sz1")


def test_unknown_command(mn: Mn) -> None:
    r = mn.xcat("frobnicate")
    assert r.rc == 1 and "frobnicate is not a supported xCAT command" in r.err


def test_requests_are_logged(mn: Mn) -> None:
    mn.xcat("nodels")
    log = (mn.root / "var/log/xcat/commands.log").read_text()
    assert "root@127.0.0.1: nodels" in log or "@127.0.0.1: nodels" in log
