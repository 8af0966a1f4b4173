"""nodels: list the nodes of a noderange, optionally with table.column values (xCAT's
``nodels [noderange] [table.column ...]``): ``cn1``, ``cn1: rhels7`` or, with several
columns, ``cn1: nodetype.os: rhels7``."""

from __future__ import annotations

from simulators.xcatsim.commands import Context, nodes_of
from simulators.xcatsim.protocol import Reply
from simulators.xcatsim.schema import TABLES


def nodels(ctx: Context, reply: Reply) -> None:
    args = [a for a in ctx.args if a not in ("-b", "-S", "--blame")]
    bare = "-b" in ctx.args
    if any(a in ("-h", "--help") for a in args):
        reply.info("Usage: nodels [noderange] [-b|--blame] [-H|--with-fieldname] "
                   "[table.column | shortname] [...]")
        return
    noderange = ctx.request.noderange
    if noderange is None:
        nodes = ctx.store.names("node")
    else:
        got = nodes_of(ctx, reply, noderange)
        if got is None:
            return
        nodes = got
    if not args:
        for n in sorted(nodes) if noderange is None else nodes:
            reply.data(n)
        return
    cols: list[tuple[str, str]] = []
    for a in args:
        table, _, col = a.partition(".")
        if table not in TABLES or col not in TABLES[table].columns:
            reply.error(f"{a} is not a valid table.column")
            return
        cols.append((table, col))
    rows = {t: {r.get("node"): r for r in ctx.store.rows(t)} for t, _ in cols}
    nodelist = {r.get("node"): r for r in ctx.store.rows("nodelist")}
    groups = {n: (nodelist.get(n) or {}).get("groups") for n in nodes}
    for n in nodes:
        for (t, c), a in zip(cols, args, strict=True):
            value = (rows[t].get(n) or {}).get(c)
            if value is None and groups.get(n):
                for g in (groups[n] or "").split(","):
                    value = (rows[t].get(g) or {}).get(c)
                    if value is not None:
                        break
            prefix = "" if bare else f"{n}: "
            if len(cols) > 1:
                reply.data(f"{prefix}{a}: {value or ''}")
            else:
                reply.data(f"{prefix}{value or ''}")
