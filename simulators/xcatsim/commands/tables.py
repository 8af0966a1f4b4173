"""tabdump and chtab: xCAT's table-level commands (plugin tabutils).

``tabdump site`` prints the table as CSV the way xCAT does: a ``#key,value,comments,disable``
header, then one line per row with every set value double-quoted (``"` doubled) and unset
ones empty. ``tabdump`` alone lists the table names.
"""

from __future__ import annotations

from simulators.xcatsim.commands import Context
from simulators.xcatsim.protocol import Reply
from simulators.xcatsim.schema import TABLES


def _csv(value: str | None) -> str:
    if value is None:
        return ""
    return '"' + value.replace('"', '""') + '"'


def tabdump(ctx: Context, reply: Reply) -> None:
    args = list(ctx.args)
    if any(a in ("-h", "--help", "-?") for a in args):
        reply.info("Usage: tabdump [-d] [table]")
        reply.info("       tabdump      [-v] [-f <filename>] [-n # of records] [table]")
        reply.info("       tabdump [-w attr==val [-w attr=~val] ...] [table]")
        return
    describe = "-d" in args
    names = [a for a in args if not a.startswith("-")]
    if not names:
        for tname in sorted(TABLES):
            reply.data(f"{tname}: {TABLES[tname].descr}" if describe else tname)
        return
    name = names[0]
    t = TABLES.get(name)
    if t is None:
        reply.error(f"No such table: {name}")
        return
    if describe:
        for c in t.columns:
            reply.data(f"{c}:")
        return
    reply.data("#" + ",".join(t.columns))
    rows = ctx.db.rows(name)
    for r in sorted(rows, key=lambda r: tuple(r.get(k) or "" for k in t.keys)):
        reply.data(",".join(_csv(r.get(c)) for c in t.columns))


def chtab(ctx: Context, reply: Reply) -> None:
    """``chtab key=value table.column=value ...`` / ``chtab -d key=value table``."""
    args = list(ctx.args)
    delete = "-d" in args
    args = [a for a in args if a != "-d"]
    keys: dict[str, str] = {}
    values: dict[str, dict[str, str | None]] = {}
    tables: list[str] = []
    for a in args:
        if "=" not in a:
            tables.append(a)
            continue
        k, _, v = a.partition("=")
        if "." in k:
            t, _, c = k.partition(".")
            if t not in TABLES or c not in TABLES[t].columns:
                reply.error(f"{t} table does not have column {c}" if t in TABLES
                            else f"Table {t} does not exist")
                return
            values.setdefault(t, {})[c] = v or None
        else:
            keys[k] = v
    if delete:
        for t in tables:
            if t not in TABLES:
                reply.error(f"Table {t} does not exist")
                return
            ctx.db.delete(t, keys)
        return
    if not keys or not values:
        reply.error("Usage: chtab key=value,... table.column=value ...")
        return
    for t, vals in values.items():
        ctx.db.upsert(t, keys, vals)
