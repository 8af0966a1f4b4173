"""The commands xcatd runs, one module per command or family (xCAT's plugins).

Each handler takes a Context (the database, its object view, the request) and fills a Reply.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from simulators.xcatsim.db import Database
from simulators.xcatsim.objects import Store
from simulators.xcatsim.protocol import Reply, Request


@dataclass
class Context:
    db: Database
    store: Store
    request: Request
    peer: str = ""

    @property
    def args(self) -> list[str]:
        return self.request.args


Handler = Callable[[Context, Reply], None]

# command -> (module, function)
COMMANDS: dict[str, tuple[str, str]] = {
    "mkdef": ("defs", "mkdef"),
    "chdef": ("defs", "chdef"),
    "lsdef": ("defs", "lsdef"),
    "rmdef": ("defs", "rmdef"),
    "nodels": ("nodels", "nodels"),
    "tabdump": ("tables", "tabdump"),
    "chtab": ("tables", "chtab"),
    "lsxcatd": ("lsxcatd", "lsxcatd"),
    "makehosts": ("netsvc", "makehosts"),
    "makedns": ("netsvc", "makedns"),
    "makedhcp": ("netsvc", "makedhcp"),
    "makeconservercf": ("netsvc", "makeconservercf"),
    "nodeset": ("nodeset", "nodeset"),
    "rpower": ("power", "rpower"),
    "rnetboot": ("power", "rnetboot"),
}


def handler(command: str) -> Handler | None:
    spec = COMMANDS.get(command)
    if spec is None:
        return None
    module = importlib.import_module(f"simulators.xcatsim.commands.{spec[0]}")
    fn: Handler = getattr(module, spec[1])
    return fn


def nodes_of(ctx: Context, reply: Reply, noderange: str) -> list[str] | None:
    """Expand NODERANGE; None (after xCAT's error) when it names unknown nodes/groups."""
    from simulators.xcatsim.noderange import expand
    nodes, bad = expand(noderange, set(ctx.store.names("node")), ctx.store.groups())
    if bad:
        reply.error(f"Invalid nodes and/or groups in noderange: {','.join(bad)}")
        return None
    return nodes
