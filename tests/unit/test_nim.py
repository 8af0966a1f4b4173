"""Section 8, AIX: the NIM resources re-created from ``lsdef -t osimage -l`` (recorded)."""

from __future__ import annotations

from pathlib import Path

from hamn import nim
from hamn.xcat.parse import parse_lsdef

DATA = Path(__file__).parent.parent / "data" / "xcat"


def test_each_osimage_names_lpp_source_spot_then_its_other_resources() -> None:
    images = parse_lsdef((DATA / "lsdef_2.8_osimage_two_objects.txt").read_text())
    got = [[(name, rtype) for name, rtype, _ in nim.resources(i)] for i in images]
    assert got == [
        [("61cosi_lpp_source", "lpp_source"), ("61cosi", "spot"),
         ("61cosi_paging", "paging")],
        [("61dskls_lpp_source", "lpp_source"), ("61dskls", "spot"), ("61dskls_root", "root"),
         ("61dskls_dump", "dump"), ("61dskls_paging", "paging")],
    ]


def test_a_named_bundle_is_found_as_xcats_bnd_file_and_a_path_is_kept() -> None:
    images = parse_lsdef("Object name: 71B\n    imagetype=NIM\n    spot=71B\n"
                         "    installp_bundle=xCATaixSSH,/install/nim/b1\n")
    cmds = {name: argv for name, _, argv in nim.resources(images[0])}
    assert "location=/install/nim/installp_bundle/xCATaixSSH.bnd" in cmds["xCATaixSSH"]
    assert "location=/install/nim/b1" in cmds["71B_installp_bundle"]
    assert cmds["71B"][0] == nim.M_MKSPOT
