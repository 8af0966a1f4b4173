"""Section 8, AIX: re-create the NIM resources on the new MN from the xCAT osimages.

Skipped when HANIM keeps the NIM resources synchronised (an alternate master is defined).
Otherwise, as the runbook lists: initialise the NIM master if it is not; for each osimage of
``lsdef -t osimage -l``: the lpp_source (``nim -Fo define -t lpp_source``), the spot
(``m_mkspot -o ... -a source=no``), and each other listed resource type at the location
lsdef reports. Resources already defined are left as they are, so a re-run continues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hamn.errors import VerificationFailed
from hamn.runner import Node
from hamn.xcat import parse as xparse

M_MKSPOT = "/usr/lpp/bos.sysmgt/nim/methods/m_mkspot"
NIM = "/usr/sbin/nim"
# The runbook's list of "kind of the following resources", as osimage attributes.
OTHER_TYPES = ("installp_bundle", "script", "root", "shared_root", "tmp", "home",
               "shared_home", "dump", "paging")


@dataclass
class NimPlan:
    hanim: bool = False
    master_initialised: bool = True
    defined: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


def hanim_configured(node: Node) -> bool:
    res = node.run("lsnim", "-t", "alternate_master")
    return res.succeeded and bool(res.stdout.strip())


def existing(node: Node) -> set[str]:
    res = node.run("lsnim")
    return {line.split()[0] for line in res.stdout.splitlines() if line.strip()} \
        if res.succeeded else set()


def osimages(node: Node) -> tuple[xparse.XcatObject, ...]:
    res = node.run("lsdef", "-t", "osimage", "-l")
    return xparse.parse_lsdef(res.stdout) if res.succeeded else ()


def recreate(node: Node, source_dir: str = "") -> NimPlan:
    """Define on NODE every NIM resource the AIX osimages (imagetype NIM) name and NIM
    lacks. SOURCE_DIR: the AIX installation images for nim_master_setup (default the first
    osimage's lpp_source directory). No AIX osimage: nothing to do."""
    plan = NimPlan()
    if hanim_configured(node):
        plan.hanim = True
        return plan
    images = nim_images(node)
    if not images:
        return plan  # no AIX osimage: NIM has nothing to serve
    have = existing(node)
    if "master" not in have:
        plan.master_initialised = False
        device = source_dir or f"/install/nim/lpp_source/{images[0].name}"
        node.check("nim_master_setup", "-a", "mk_resource=no", "-a", f"device={device}",
                   changes=True, why="initialising the NIM master")
    for image in images:
        wanted = resources(image)
        for res_name, rtype, argv in wanted:
            if res_name in have:
                plan.present.append(res_name)
                continue
            node.check(*argv, changes=True, why=f"defining NIM {rtype} {res_name}")
            plan.defined.append(res_name)
            have.add(res_name)
    return plan


def nim_images(node: Node) -> list[xparse.XcatObject]:
    """The osimages NIM serves (imagetype NIM, xCAT's default on AIX)."""
    return [i for i in osimages(node) if (i.get("imagetype") or "NIM").upper() == "NIM"]


def resources(image: xparse.XcatObject) -> list[tuple[str, str, list[str]]]:
    """(NIM name, type, defining command) of each resource IMAGE names, in the runbook's
    order: lpp_source, spot, then the other types listed."""
    name = image.name
    wanted: list[tuple[str, str, list[str]]] = []
    lpp = image.get("lpp_source") or f"{name}_lpp_source"
    wanted.append((lpp, "lpp_source",
                   [NIM, "-Fo", "define", "-t", "lpp_source", "-a", "server=master",
                    "-a", f"location=/install/nim/lpp_source/{name}", lpp]))
    spot = image.get("spot") or name
    wanted.append((spot, "spot",
                   [M_MKSPOT, "-o", "-a", "server=master", "-a",
                    "location=/install/nim/spot/", "-a", "source=no", spot]))
    for rtype in OTHER_TYPES:
        for value in filter(None, (image.get(rtype) or "").split(",")):
            res_name, location = _resource(name, rtype, value.strip())
            wanted.append((res_name, rtype,
                           [NIM, "-Fo", "define", "-t", rtype, "-a", "server=master",
                            "-a", f"location={location}", res_name]))
    return wanted


def check_recreated(node: Node) -> list[str]:
    """After section 8 on an AIX MN: every NIM resource the osimages name is defined in
    NODE's NIM (or HANIM keeps them). Returns the resources checked."""
    if hanim_configured(node):
        return ["HANIM"]
    have = existing(node)
    wanted = [r[0] for image in nim_images(node) for r in resources(image)]
    missing = [r for r in wanted if r not in have]
    if missing:
        raise VerificationFailed("NIM resources of the osimages (lsnim)", "all defined",
                                 "missing " + ", ".join(missing), node.name)
    return wanted


def _resource(image: str, rtype: str, value: str) -> tuple[str, str]:
    """(NIM name, location) of an osimage attribute: a path is the runbook's location, named
    <osimage>_<type>; a bare name is a resource under /install/nim/<type>/ (a bundle file
    named <name>.bnd, as xCAT's mknimimage writes them)."""
    if value.startswith("/"):
        return f"{image}_{rtype}", value
    suffix = ".bnd" if rtype == "installp_bundle" and not value.endswith(".bnd") else ""
    return value, f"/install/nim/{rtype}/{value}{suffix}"
