"""nodeset: the next boot of nodes (chain.currstate), xCAT's destiny plugin.

``nodeset cn1 osimage=IMG`` records IMG as the node's provisioning image
(nodetype.provmethod) and ``install IMG`` / ``netboot IMG`` as its next state;
``boot``, ``shell``, ``runcmd=..`` set that state; ``stat`` shows it: ``cn1: install IMG``.
"""

from __future__ import annotations

from simulators.xcatsim.commands import Context, nodes_of
from simulators.xcatsim.protocol import Reply

USAGE = ("Usage: nodeset <noderange> [boot|stat|iscsiboot|offline|runcmd=bmcsetup|"
         "osimage[=<imagename>]|shell|shutdown]")


def nodeset(ctx: Context, reply: Reply) -> None:
    noderange = ctx.request.noderange
    args = [a for a in ctx.args if not a.startswith("-")]
    if not noderange or len(args) != 1:
        reply.error(USAGE)
        return
    nodes = nodes_of(ctx, reply, noderange)
    if nodes is None:
        return
    action = args[0]
    defs = ctx.store.get("node", nodes)
    if action == "stat":
        for n in nodes:
            reply.data(f"{n}: {defs.get(n, {}).get('currstate') or 'boot'}")
        return
    if action.startswith("osimage"):
        _, _, image = action.partition("=")
        images = ctx.store.get("osimage")
        for n in nodes:
            img = image or defs.get(n, {}).get("provmethod", "")
            if img not in images:
                reply.node_error(n, f"Cannot find the OS image {img} on the osimage table.")
                continue
            prov = images[img].get("provmethod") or "install"
            if images[img].get("imagetype") == "NIM":
                state = f"{images[img].get('nimtype') or 'standalone'} {img}"
            else:
                state = f"{'netboot' if prov in ('netboot', 'statelite') else 'install'} {img}"
            ctx.store.set("node", n, {"provmethod": img, "currstate": state})
            reply.data(f"{n}: {state}")
        return
    if action in ("boot", "shell", "offline", "shutdown", "iscsiboot") or \
            action.startswith("runcmd="):
        for n in nodes:
            ctx.store.set("node", n, {"currstate": action})
            reply.data(f"{n}: {action}")
        return
    reply.error(USAGE)
