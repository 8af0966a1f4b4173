"""rpower and rnetboot: power control through each node's BMC (bmc.py), xCAT's ipmi plugin.

The BMC address is the node's ``bmc`` attribute (ipmi.bmc; port ipmi.bmcport, default 623).
Output is xCAT's, one line per node: ``cn1: on``, ``cn1: off``, ``cn1: reset``;
an unreachable BMC gives ``cn1: Error: timeout``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from simulators.xcatsim import bmc
from simulators.xcatsim.commands import Context, nodes_of
from simulators.xcatsim.protocol import Reply

ACTIONS = ("on", "off", "reset", "stat", "state", "boot", "status")
USAGE = "Usage: rpower <noderange> [--nodeps] [on|off|reset|stat|state|boot]"


def _ask(node: str, d: dict[str, str], line: str) -> tuple[str, bool]:
    """(text, ok): the node's new state, or what went wrong."""
    if (d.get("mgt") or "ipmi") not in ("ipmi", "openbmc", "redfish"):
        return ("Unable to identify plugin for this command, check relevant tables: "
                "nodehm.mgt", False)
    host = d.get("bmc")
    if not host:
        return f"Unable to identify bmc for {node}, check the ipmi table", False
    port = int(d.get("bmcport") or bmc.PORT)
    try:
        answer = bmc.request(host, line, port)
    except OSError:
        return "timeout", False
    status, _, word = answer.partition(" ")
    if status != "ok":
        return word or answer, False
    return word, True


def _run(ctx: Context, reply: Reply, line: str) -> None:
    noderange = ctx.request.noderange
    if not noderange:
        reply.error(USAGE)
        return
    nodes = nodes_of(ctx, reply, noderange)
    if nodes is None:
        return
    defs = ctx.store.get("node", nodes)
    with ThreadPoolExecutor(max_workers=min(32, max(1, len(nodes)))) as pool:
        results = list(pool.map(lambda n: _ask(n, defs.get(n, {}), line), nodes))
    for node, (text, ok) in zip(nodes, results, strict=True):
        if ok:
            reply.data(f"{node}: {text}")
        else:
            reply.node_error(node, text)


def rpower(ctx: Context, reply: Reply) -> None:
    args = [a for a in ctx.args if a != "--nodeps"]
    if not args or args[0] not in ACTIONS or len(args) > 1:
        reply.error(USAGE)
        return
    action = "stat" if args[0] in ("state", "status") else args[0]
    _run(ctx, reply, f"power {action}")


def rnetboot(ctx: Context, reply: Reply) -> None:
    _run(ctx, reply, "netboot")
