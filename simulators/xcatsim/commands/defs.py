"""mkdef, chdef, lsdef, rmdef: xCAT's object definition commands (plugin DBobjectdefs).

Output and messages are xCAT's: ``Object name: cn1`` followed by ``    attr=value`` lines,
``1 object definitions have been created or modified.``, ``1 object definitions have been
removed.``, ``Could not find an object named 'x' of type 'node'.``, the three-line
"A definition for 'x' already exists." refusal of mkdef without -f.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulators.xcatsim.commands import Context
from simulators.xcatsim.noderange import _expand, expand
from simulators.xcatsim.objects import TYPES, Defs, split_list
from simulators.xcatsim.protocol import Reply

FLAGS = {"-a": "all", "--all": "all", "-l": "long", "--long": "long", "-s": "short",
         "--short": "short", "-z": "stanza", "--stanza": "stanza", "-f": "force",
         "--force": "force", "-p": "plus", "--plus": "plus", "-m": "minus", "--minus": "minus",
         "-h": "help", "--help": "help", "-?": "help", "-V": "verbose", "--verbose": "verbose",
         "-c": "compress", "--compress": "compress", "-d": "dynamic", "--dynamic": "dynamic",
         "-S": "hidden", "-v": "version", "--version": "version", "-x": "xml", "-u": "setattr",
         "--osimage": "osimage", "--nics": "nics", "--nocache": "nocache"}
VALUED = {"-t": "types", "-o": "objects", "-i": "attrlist", "-n": "newname", "-w": "where"}


@dataclass
class Opts:
    flags: set[str] = field(default_factory=set)
    types: list[str] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)
    attrlist: list[str] = field(default_factory=list)
    newname: str = ""
    where: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # positional noderange/object names
    attrs: dict[str, str] = field(default_factory=dict)
    bad: str = ""


def parse(args: list[str]) -> Opts:
    o = Opts()
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a in FLAGS:
            o.flags.add(FLAGS[a])
        elif a in VALUED or (a[:2] in VALUED and len(a) > 2 and a[1] != "-"):
            key = VALUED[a[:2]]
            value = a[2:] if len(a) > 2 else (args[i] if i < len(args) else "")
            if len(a) == 2:
                i += 1
            if key == "types":
                o.types += split_list(value)
            elif key == "objects":
                o.objects += split_list(value)
            elif key == "attrlist":
                o.attrlist += split_list(value)
            elif key == "where":
                o.where.append(value)
            else:
                o.newname = value
        elif a.startswith("-") and len(a) > 1 and "=" not in a and all(
                f"-{c}" in FLAGS for c in a[1:]):
            o.flags.update(FLAGS[f"-{c}"] for c in a[1:])
        elif a.startswith("-") and len(a) > 1 and "=" not in a:
            o.bad = a
        elif "=" in a:
            k, _, v = a.partition("=")
            o.attrs[k] = v
        else:
            o.names += split_list(a)
    return o


USAGE = {
    "mkdef": ["", "Usage: mkdef - Create xCAT data object definitions.", "",
              "  mkdef [-h | --help ] [-t object-types]", "",
              "  mkdef [-V | --verbose] [-t object-types] [-o object-names] [-z|--stanza ]",
              "      [-d | --dynamic] [-w attr==val [-w attr=~val] ...]",
              "      [-f | --force] [noderange] [attr=val [attr=val...]]"],
    "chdef": ["", "Usage: chdef - Change xCAT data object definitions.", "",
              "  chdef [-h | --help ] [-t object-types]", "",
              "  chdef [-t object-types] [-o object-names] [-n new-name] [node]", "",
              "  chdef [-V | --verbose] [-t object-types] [-o object-names] [-d | --dynamic]",
              "    [-z | --stanza] [-m | --minus] [-p | --plus]",
              "    [-w attr==val [-w attr=~val] ... ] [noderange] [attr=val [attr=val...]]"],
    "lsdef": ["", "Usage: lsdef - List xCAT data object definitions.", "",
              "  lsdef [-h | --help ] [-t object-types]", "",
              "  lsdef [-V | --verbose] [-t object-types] [-o object-names]",
              "    [ -l | --long] [-s | --short] [-a | --all] [-z | --stanza ] [-S]",
              "    [-i attr-list] [-w attr==val [-w attr=~val] ...] [noderange]"],
    "rmdef": ["", "Usage: rmdef - Remove xCAT data object definitions.", "",
              "  rmdef [-h | --help ] [-t object-types]", "",
              "  rmdef [-V | --verbose] [-t object-types] [-a | --all] [-f | --force]",
              "    [-o object-names] [-w attr=val,[attr=val...] [noderange]"],
}


def usage(cmd: str, reply: Reply) -> None:
    for line in USAGE[cmd]:
        reply.info(line)
    reply.info("")
    reply.info("The following data object types are supported by xCAT.")
    reply.info("")
    for t in sorted(TYPES):
        reply.info(t)
    reply.info("")
    reply.info("Use the '-h' option together with the '-t' option to")
    reply.info("get a list of valid attribute names for each object type.")
    reply.info("")


def type_help(otype: str, reply: Reply) -> None:
    t = TYPES.get(otype)
    if t is None:
        reply.error(f"Type '{otype}' is not a valid xCAT object type.")
        return
    reply.info(f"The valid attribute names for object type '{otype}' are:")
    for a in sorted(x.name for x in t.attrs):
        reply.info(f"{a}")


def _check_types(o: Opts, reply: Reply) -> bool:
    for t in o.types:
        if t not in TYPES:
            reply.error(f"Type '{t}' is not a valid xCAT object type.")
            return False
    return True


def _names(ctx: Context, o: Opts, otype: str, create: bool) -> list[str]:
    raw = o.objects or o.names
    if otype != "node":
        return raw
    if create:
        out: list[str] = []
        for item in raw:
            out += _expand(item)
        return out
    nodes = set(ctx.store.names("node"))
    found: list[str] = []
    for item in raw:
        got, bad = expand(item, nodes, ctx.store.groups())
        found += [n for n in got if n not in found]
        found += [b for b in bad if b not in found]
    return found


def _bad_attrs(otype: str, attrs: dict[str, str], reply: Reply) -> bool:
    if otype == "site":
        return False
    t = TYPES[otype]
    bad = False
    for k in attrs:
        if t.attr(k) is None:
            reply.error(f"'{k}' is not a valid attribute name for an object type of "
                        f"'{otype}'.")
            reply.error("Skipping to the next attribute.")
            bad = True
    return bad


def _stdin_stanzas(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """Objects of an xCAT stanza file (mkdef -z / chdef -z): (name, type, attrs)."""
    out: list[tuple[str, str, dict[str, str]]] = []
    name = ""
    attrs: dict[str, str] = {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.endswith(":") and not line[:1].isspace():
            if name:
                out.append((name, attrs.pop("objtype", "node"), attrs))
            name, attrs = s[:-1], {}
        elif "=" in s:
            k, _, v = s.partition("=")
            attrs[k.strip()] = v.strip()
    if name:
        out.append((name, attrs.pop("objtype", "node"), attrs))
    return out


def _objects_to_write(ctx: Context, o: Opts, cmd: str, reply: Reply
                      ) -> list[tuple[str, str, dict[str, str]]] | None:
    if "stanza" in o.flags:
        return _stdin_stanzas(ctx.request.stdin or "")
    otype = (o.types or ["node"])[0]
    names = _names(ctx, o, otype, create=True)
    if not names:
        reply.error("No object names were provided.")
        usage(cmd, reply)
        return None
    return [(n, otype, dict(o.attrs)) for n in names]


def _options(cmd: str, ctx: Context, reply: Reply, type_help_too: bool) -> Opts | None:
    """The *def commands' common start: -h (with -t: the type's attributes), a bad option,
    an unknown type; None when the command has answered already."""
    o = parse(ctx.args)
    if "help" in o.flags:
        if type_help_too and o.types:
            type_help(o.types[0], reply)
        else:
            usage(cmd, reply)
        return None
    if o.bad:
        reply.error("Invalid option..")
        usage(cmd, reply)
        return None
    if not _check_types(o, reply):
        return None
    return o


def mkdef(ctx: Context, reply: Reply) -> None:
    o = _options("mkdef", ctx, reply, type_help_too=True)
    if o is None:
        return
    if "plus" in o.flags or "minus" in o.flags:
        reply.error("The '-p' and '-m' options are not valid for the mkdef command.")
        usage("mkdef", reply)
        return
    objs = _objects_to_write(ctx, o, "mkdef", reply)
    if objs is None:
        return
    upper = [n for n, t, _ in objs if t == "node" and re.search("[A-Z]", n)]
    if upper:
        reply.warning(f"The node name '{','.join(upper)}' contains capital letters which may "
                      "not be resolved correctly by the dns server.")
    error = False
    done = 0
    existing: dict[str, set[str]] = {}
    networks = None
    for name, otype, attrs in objs:
        if otype not in TYPES:
            reply.error(f"Type '{otype}' is not a valid xCAT object type.")
            error = True
            continue
        if _bad_attrs(otype, attrs, reply):
            error = True
            attrs = {k: v for k, v in attrs.items() if TYPES[otype].attr(k) or otype == "site"}
        if otype not in existing:
            existing[otype] = set(ctx.store.names(otype))
        if otype == "network":
            networks = networks if networks is not None else ctx.store.get("network")
            clash = [n for n, d in networks.items()
                     if d.get("net") == attrs.get("net") and d.get("mask") == attrs.get("mask")]
            if clash and name not in clash:
                reply.error(f"A network definition called '{clash[0]}' already exists that "
                            "contains the same net and mask values. Cannot create a "
                            f"definition for '{name}'.")
                error = True
                continue
            if name not in existing[otype] and not (attrs.get("net") and attrs.get("mask")):
                reply.error(f"The 'net' and 'mask' attributes are required for the network "
                            f"definition '{name}'.")
                error = True
                continue
        if name in existing[otype]:
            if "force" in o.flags:
                ctx.store.remove(otype, name)
            else:
                reply.error(f"\nA definition for '{name}' already exists.")
                reply.error("To remove the old definition and replace it with \na new "
                            "definition use the force '-f' option.")
                reply.error("To change the existing definition use the 'chdef' command.")
                error = True
                continue
        if otype == "node" and not attrs.get("groups"):
            reply.error(f"Attribute 'groups' is not specified for node '{name}', skipping to "
                        "the next node.")
            error = True
            continue
        if otype == "group":
            _write_group(ctx, name, attrs, "=")
        else:
            ctx.store.set(otype, name, attrs)
        existing[otype].add(name)
        done += 1
    if error:
        reply.error("One or more errors occured when attempting to create or modify xCAT \n"
                    "object definitions.")
        return
    reply.info(f"{done} object definitions have been created or modified.")


def _write_group(ctx: Context, name: str, attrs: dict[str, str], mode: str) -> None:
    members = attrs.pop("members", None)
    if members is not None:
        nodes = set(ctx.store.names("node"))
        for node in split_list(members):
            if node in nodes:
                ctx.store.set("node", node, {"groups": name}, "+")
    gattrs = {k: v for k, v in attrs.items() if k not in ("grouptype", "wherevals")}
    if attrs.get("grouptype") == "dynamic" or "wherevals" in attrs:
        ctx.store.db.upsert("nodegroup", {"groupname": name},
                            {"grouptype": attrs.get("grouptype", "dynamic"),
                             "wherevals": attrs.get("wherevals")})
    if gattrs:
        ctx.store.set("group", name, gattrs, mode)


def chdef(ctx: Context, reply: Reply) -> None:
    o = _options("chdef", ctx, reply, type_help_too=True)
    if o is None:
        return
    if "force" in o.flags:
        reply.error("The '-f' option is not valid for the chdef command.")
        usage("chdef", reply)
        return
    otype = (o.types or ["node"])[0]
    if o.newname:
        names = _names(ctx, o, otype, create=False)
        if len(names) != 1:
            reply.error("The '-n' option (changing object name) can only work on one object.")
            return
        if not ctx.store.exists(otype, names[0]):
            reply.error(f"The {names[0]} is not a valid object.")
            return
        _rename(ctx, otype, names[0], o.newname)
        reply.info(f"Changed the object name from {names[0]} to {o.newname}.")
        return
    if otype == "site" and not (o.objects or o.names):
        o.objects = ["clustersite"]
    objs = _objects_to_write(ctx, o, "chdef", reply)
    if objs is None:
        return
    mode = "+" if "plus" in o.flags else "-" if "minus" in o.flags else "="
    error = False
    done = 0
    for name, t, attrs in objs:
        if t not in TYPES:
            reply.error(f"Type '{t}' is not a valid xCAT object type.")
            error = True
            continue
        if _bad_attrs(t, attrs, reply):
            error = True
            attrs = {k: v for k, v in attrs.items() if TYPES[t].attr(k) or t == "site"}
        exists = ctx.store.exists(t, name)
        if not exists and mode == "-":
            reply.error(f"The '-m' option is not valid since the '{name}' definition does "
                        "not exist.")
            error = True
            continue
        if not exists and t == "node" and "groups" not in attrs:
            attrs["groups"] = "all"
        if not exists and t == "network" and not (attrs.get("net") and attrs.get("mask")):
            reply.error(f"The 'net' and 'mask' attributes are required for the network "
                        f"definition '{name}'.")
            error = True
            continue
        if t == "group":
            _write_group(ctx, name, attrs, mode)
        else:
            ctx.store.set(t, name, attrs, mode)
        done += 1
    if error:
        reply.error("One or more errors occured when attempting to create or modify xCAT \n"
                    "object definitions.")
        return
    reply.info(f"{done} object definitions have been created or modified.")


def _rename(ctx: Context, otype: str, old: str, new: str) -> None:
    t = TYPES[otype]
    for table in t.tables:
        key = "netname" if table == "networks" else t.key_column
        for row in ctx.db.find(table, {key: old}):
            if table == "networks":
                ctx.db.update(table, {"net": row["net"] or "", "mask": row["mask"] or ""},
                              {"netname": new})
            else:
                ctx.db.update(table, {key: old}, {key: new})


def _where_match(d: dict[str, str], where: list[str]) -> bool:
    for w in where:
        m = re.match(r"^(\w+)(==|!=|=~|!~|=)(.*)$", w)
        if not m:
            continue
        attr, op, val = m.groups()
        have = d.get(attr, "")
        ok = {"==": have == val, "=": have == val, "!=": have != val,
              "=~": re.search(val, have) is not None,
              "!~": re.search(val, have) is None}[op]
        if not ok:
            return False
    return True


def _postscript_defaults(ctx: Context, defs: Defs) -> None:
    rows = {r["node"]: r for r in ctx.store.rows("postscripts")}
    base = rows.get("xcatdefaults")
    if not base or base.get("disable"):
        return
    for d in defs.values():
        for col in ("postscripts", "postbootscripts"):
            default = base.get(col)
            if default:
                own = d.get(col)
                d[col] = f"{default},{own}" if own else default


def lsdef(ctx: Context, reply: Reply) -> None:
    o = _options("lsdef", ctx, reply, type_help_too=True)
    if o is None:
        return
    types = o.types or (sorted(TYPES) if "all" in o.flags else ["node"])
    named = bool(o.objects or o.names)
    long = ("long" in o.flags or named or bool(o.attrlist) or "stanza" in o.flags) \
        and "short" not in o.flags
    if "stanza" in o.flags:
        reply.data("# <xCAT data object stanza file>")
    missing = False
    shown = 0
    for otype in types:
        wanted = _names(ctx, o, otype, create=False) if named else None
        if otype == "site" and wanted is None:
            wanted = ["clustersite"]
        defs = ctx.store.get(otype, wanted)
        if otype == "node":
            _postscript_defaults(ctx, defs)
            if "hidden" not in o.flags:
                defs = {n: d for n, d in defs.items() if d.get("hidden") != "1"}
        for name in wanted or []:
            if name not in defs:
                reply.error(f"Could not find an object named '{name}' of type '{otype}'.")
                missing = True
        if o.attrlist and otype != "site":
            for a in o.attrlist:
                if TYPES[otype].attr(a) is None:
                    reply.error(f"'{a}' is not a valid attribute name for an object type of "
                                f"'{otype}'.")
        for name in sorted(defs) if wanted is None else [n for n in wanted if n in defs]:
            d = defs[name]
            if o.where and not _where_match(d, o.where):
                continue
            shown += 1
            _show(reply, o, otype, name, d, long, len(types) > 1)
    if missing:
        reply.data("No object definitions have been found")
        reply.errorcode = 1
    elif shown == 0 and "stanza" not in o.flags:
        reply.info("Could not find any object definitions to display.")


def _show(reply: Reply, o: Opts, otype: str, name: str, d: dict[str, str], long: bool,
          several: bool) -> None:
    if not long:
        reply.data(f"{name}  ({otype})")
        return
    if "stanza" in o.flags:
        reply.data(f"\n{name}:")
        reply.data(f"    objtype={otype}")
    elif "compress" not in o.flags:
        reply.data(f"Object name: {name}  ({otype})" if several else f"Object name: {name}")
    attrs = o.attrlist or sorted(d)
    for a in attrs:
        v = d.get(a)
        if v is None and not o.attrlist:
            continue
        if "compress" in o.flags:
            reply.data(f"{name}: {a}={v or ''}")
        else:
            reply.data(f"    {a}={v or ''}")


def rmdef(ctx: Context, reply: Reply) -> None:
    o = _options("rmdef", ctx, reply, type_help_too=False)
    if o is None:
        return
    if "all" in o.flags and "force" not in o.flags:
        reply.error("You must use the '-f' option when using the '-a' option.")
        usage("rmdef", reply)
        return
    if o.where:
        reply.info("The '-w' option is not supported for the rmdef command.")
        reply.errorcode = 1
        return
    targets: list[tuple[str, str]] = []
    if o.objects or o.names:
        otype = (o.types or ["node"])[0]
        targets = [(n, otype) for n in _names(ctx, o, otype, create=False)]
    elif o.types:
        targets = [(n, t) for t in o.types for n in ctx.store.names(t) if t != "site"]
    elif "all" in o.flags:
        targets = [(n, t) for t in TYPES if t != "site" for n in ctx.store.names(t)]
    else:
        usage("rmdef", reply)
        return
    removed = 0
    known: dict[str, set[str]] = {}
    for name, otype in targets:
        if otype not in known:
            known[otype] = set(ctx.store.names(otype))
        if name not in known[otype]:
            reply.error(f"Could not find an object named '{name}' of type '{otype}'.")
            continue
        ctx.store.remove(otype, name)
        removed += 1
    if removed:
        reply.info(f"{removed} object definitions have been removed.")
    else:
        reply.info("No objects have been removed from the xCAT database.")
