"""AIX NIM shims for section 8's re-creation of NIM resources on the new MN.

``nim_master_setup`` initialises the NIM master, ``nim -o define -t TYPE -a attr=value NAME``
(and ``-Fo define``) records a resource, ``nim -o remove NAME`` drops it,
``/usr/lpp/bos.sysmgt/nim/methods/m_mkspot -o -a server=master -a location=DIR
-a source=no NAME`` defines a SPOT from files already in DIR/NAME, and ``lsnim [-l] [-t
TYPE] [NAME]`` lists in NIM's format. Resources live in a JSON state file
(/var/lib/hamn-sim/nim.json; XCATSIM_NIM_STATE). Duplicate names and missing locations are
refused with NIM's 0042-xxx messages, whose three-digit number is the exit code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from simulators.xcatsim import paths

RESOURCE_TYPES = ("lpp_source", "spot", "bosinst_data", "script", "installp_bundle", "root",
                  "shared_root", "tmp", "home", "shared_home", "dump", "paging", "resolv_conf",
                  "image_data", "fb_script", "mksysb", "res_group")
FILE_TYPES = ("bosinst_data", "script", "installp_bundle", "resolv_conf", "image_data",
              "fb_script", "mksysb")
PROCESSING = '0042-001 {cmd}: processing error encountered on "master":'


class NimError(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code


def state_file() -> Path:
    env = os.environ.get("XCATSIM_NIM_STATE")
    return Path(env) if env else paths.state_dir() / "nim.json"


def load() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(state_file().read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault("objects", {})
    return data


def save(data: dict[str, Any]) -> None:
    f = state_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def _exists(location: str) -> bool:
    return paths.under(location).exists()


def _missing(cmd: str, method: str, location: str) -> NimError:
    return NimError(154, f"{PROCESSING.format(cmd=cmd)}\n"
                         f'        0042-154 {method}: the file or directory "{location}" '
                         "does not exist")


def _need_master(data: dict[str, Any], cmd: str) -> None:
    if "master" not in data["objects"]:
        raise NimError(2, f"0042-002 {cmd}: the NIM master has not been initialized; "
                          "run nim_master_setup first")


def define(data: dict[str, Any], rtype: str, attrs: dict[str, str], name: str,
           cmd: str = "nim", method: str = "") -> None:
    _need_master(data, cmd)
    if rtype not in RESOURCE_TYPES:
        raise NimError(39, f'0042-039 {cmd}: "{rtype}" is not a valid value for the "type" '
                           "attribute")
    if name in data["objects"]:
        raise NimError(81, f'0042-081 {cmd}: the NIM object name "{name}" is already being '
                           "used")
    method = method or f"m_mk{rtype}"
    if rtype != "res_group":
        if "server" not in attrs:
            raise NimError(12, f'0042-012 {cmd}: the "server" attribute is required for '
                               "this operation")
        location = attrs.get("location")
        if not location:
            raise NimError(12, f'0042-012 {cmd}: the "location" attribute is required for '
                               "this operation")
        check = location
        if rtype not in FILE_TYPES and attrs.get("source") not in (None, "no"):
            check = str(Path(location).parent)  # the resource is made from a source
        if not _exists(check):
            raise _missing(cmd, method, check)
    obj = {"class": "resources", "type": rtype, "Rstate": "ready for use",
           "prev_state": "unavailable for use", "alloc_count": "0", **attrs}
    if rtype in ("lpp_source", "spot"):
        obj.setdefault("arch", "power")
    if rtype == "lpp_source":
        obj.setdefault("simages", "yes")
    obj.pop("source", None)
    data["objects"][name] = obj


def _parse_attrs(args: list[str]) -> tuple[dict[str, str], dict[str, str], list[str]]:
    opts: dict[str, str] = {}
    attrs: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for j, c in enumerate(letters):
                if c in "ota":
                    value = letters[j + 1:] or (args[i] if i < len(args) else "")
                    if not letters[j + 1:]:
                        i += 1
                    if c == "a":
                        k, _, v = value.partition("=")
                        attrs[k] = v
                    else:
                        opts[c] = value
                    break
                opts[c] = "1"
        else:
            rest.append(a)
    return opts, attrs, rest


def nim(args: list[str]) -> int:
    opts, attrs, rest = _parse_attrs(args)
    op = opts.get("o", "")
    data = load()
    if op == "define":
        if len(rest) != 1 or "t" not in opts:
            raise NimError(1, "0042-001 nim: usage: nim -o define -t <type> -a <attr>=<value> "
                              "... <name>")
        define(data, opts["t"], attrs, rest[0])
        save(data)
        return 0
    if op == "remove":
        for name in rest:
            if name not in data["objects"]:
                raise NimError(53, f'0042-053 nim: there is no NIM object named "{name}"')
            del data["objects"][name]
        save(data)
        return 0
    if op in ("check", "showres", "lppmgr", "update", "reset", "deallocate", "allocate"):
        _need_master(data, "nim")
        for name in rest:
            if name not in data["objects"]:
                raise NimError(53, f'0042-053 nim: there is no NIM object named "{name}"')
        return 0
    raise NimError(1, f'0042-001 nim: "{op}" is not a valid operation' if op else
                      "Usage: nim -o <operation> [-F] [-t <type>] [-a <attr>=<value>] ... "
                      "<object>")


def m_mkspot(args: list[str]) -> int:
    """m_mkspot -o -a server=master -a location=DIR -a source=no NAME: the SPOT NAME from the
    files already in DIR/NAME (runbook section 8, step 3.2)."""
    _opts, attrs, rest = _parse_attrs([a for a in args if a != "-o"])
    if len(rest) != 1:
        raise NimError(1, "usage: m_mkspot -o -a server=<server> -a location=<dir> "
                          "-a source=<source> <name>")
    name = rest[0]
    data = load()
    location = attrs.get("location", "").rstrip("/")
    if not location:
        raise NimError(12, '0042-012 m_mkspot: the "location" attribute is required for this '
                           "operation")
    spot_dir = f"{location}/{name}"
    source = attrs.pop("source", "no")
    if source == "no" and not _exists(spot_dir):
        raise _missing("m_mkspot", "m_mkspot", spot_dir)
    attrs["location"] = f"{spot_dir}/usr"
    if not _exists(attrs["location"]) and source == "no":
        attrs["location"] = spot_dir
    define(data, "spot", {**attrs, "source": "no"}, name, cmd="m_mkspot", method="m_mkspot")
    data["objects"][name]["location"] = attrs["location"]
    save(data)
    return 0


def nim_master_setup(args: list[str]) -> int:
    """nim_master_setup -a mk_resource=no -a device=DIR: initialise the NIM master."""
    _, attrs, _ = _parse_attrs(args)
    device = attrs.get("device", "/dev/cd0")
    data = load()
    if "master" in data["objects"]:
        print("NIM master is already initialized.")
        return 0
    if not device.startswith("/dev/") and not _exists(device):
        raise NimError(154, f'0042-154 nim_master_setup: the file or directory "{device}" '
                            "does not exist")
    print("#" * 72)
    print("#\n#  NIM master setup\n#")
    print("#" * 72)
    print(f"Initializing NIM master from {device} ...")
    objs = data["objects"]
    objs["master"] = {"class": "machines", "type": "master", "Cstate": "ready for a NIM "
                      "operation", "platform": "chrp", "netboot_kernel": "64",
                      "if1": "master_net " + os.uname().nodename + " 0", "cable_type1": "N/A"}
    objs["boot"] = {"class": "resources", "type": "boot", "Rstate": "ready for use",
                    "location": "/tftpboot", "server": "master"}
    objs["nim_script"] = {"class": "resources", "type": "nim_script",
                          "Rstate": "ready for use", "location": "/export/nim/scripts",
                          "server": "master"}
    objs["master_net"] = {"class": "networks", "type": "ent", "Nstate": "ready for use"}
    if attrs.get("mk_resource", "yes") != "no":
        print("Resource creation was requested but is not simulated; use nim -o define.")
    save(data)
    print("NIM master setup is complete.")
    return 0


def lsnim(args: list[str]) -> int:
    opts, _, rest = _parse_attrs(args)
    data = load()
    objs: dict[str, dict[str, str]] = data["objects"]
    if not objs:
        raise NimError(53, '0042-053 lsnim: there is no NIM object named "master"')
    names = rest or list(objs)
    for n in names:
        if n not in objs:
            raise NimError(53, f'0042-053 lsnim: there is no NIM object named "{n}"')
    if "t" in opts:
        names = [n for n in names if objs[n].get("type") == opts["t"]]
    for n in names:
        o = objs[n]
        if "l" in opts:
            print(f"{n}:")
            keys = ["class", "type", *sorted(k for k in o if k not in ("class", "type"))]
            for k in keys:
                print(f"   {k:<11} = {o[k]}")
        else:
            print(f"{n:<16} {o.get('class', ''):<14} {o.get('type', '')}")
    return 0


def main(command: str, argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    fn = {"nim": nim, "lsnim": lsnim, "m_mkspot": m_mkspot,
          "nim_master_setup": nim_master_setup}[command]
    try:
        return fn(args)
    except NimError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
