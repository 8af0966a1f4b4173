"""xCAT noderanges: node and group names, ``cn[1-3]``, ``cn1-cn3``, ``cn1,cn2``, ``-cn2``."""

from __future__ import annotations

import re

_BRACKET = re.compile(r"^(.*?)\[(\d+)-(\d+)\](.*)$")
_DASH = re.compile(r"^([A-Za-z_.-]*?)(\d+)-\1(\d+)$")


def _expand(item: str) -> list[str]:
    m = _BRACKET.match(item)
    if m:
        pre, a, b, post = m.groups()
        width = len(a) if a.startswith("0") else 0
        return [f"{pre}{str(i).zfill(width)}{post}" for i in range(int(a), int(b) + 1)]
    m = _DASH.match(item)
    if m:
        pre, a, b = m.groups()
        width = len(a) if a.startswith("0") else 0
        return [f"{pre}{str(i).zfill(width)}" for i in range(int(a), int(b) + 1)]
    return [item]


def expand(noderange: str, nodes: set[str], groups: dict[str, list[str]]
           ) -> tuple[list[str], list[str]]:
    """The nodes NODERANGE names (in order, no duplicates), and the names that are neither
    nodes nor groups."""
    out: list[str] = []
    seen: set[str] = set()
    bad: list[str] = []
    for raw in noderange.split(","):
        item = raw.strip()
        if not item:
            continue
        minus = item.startswith("-") and len(item) > 1
        if minus:
            item = item[1:]
        names: list[str] = []
        for name in _expand(item):
            if name in nodes:
                names.append(name)
            elif name in groups:
                names.extend(groups[name])
            else:
                bad.append(name)
        for n in names:
            if minus:
                if n in seen:
                    seen.discard(n)
                    out.remove(n)
            elif n not in seen:
                seen.add(n)
                out.append(n)
    return out, bad
