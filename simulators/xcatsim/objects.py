"""xCAT object definitions (node, osimage, network, group, site) over the tables.

This is xCAT::DBobjUtils in small: each object attribute lives in one table column
(``bmc`` is ipmi.bmc, ``os`` is nodetype.os, ``lpp_source`` is nimimage.lpp_source ...).
A node attribute not set on the node's own row is inherited from the first of its groups
that sets it, as xCAT's getNodeAttribs does. Reads take one SELECT per table so that
``lsdef -l`` stays fast at 10,000 nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulators.xcatsim.db import Database, Row
from simulators.xcatsim.schema import TABLES

NODE_TABLES = ("nodelist", "nodetype", "noderes", "nodehm", "ipmi", "hosts", "mac", "chain",
               "postscripts")
OSIMAGE_TABLES = ("osimage", "linuximage", "nimimage")
RENAMES = {("ipmi", "username"): "bmcusername", ("ipmi", "password"): "bmcpassword",
           ("nodelist", "comments"): "usercomment", ("mac", "interface"): "",
           ("ipmi", "bmcid"): "", ("nodelist", "hidden"): "hidden"}
SKIP = {"comments", "disable"}


@dataclass(frozen=True)
class Attr:
    name: str
    table: str
    column: str


@dataclass(frozen=True)
class ObjType:
    name: str
    key_table: str
    key_column: str
    attrs: tuple[Attr, ...]

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None

    @property
    def tables(self) -> tuple[str, ...]:
        seen: list[str] = [self.key_table]
        for a in self.attrs:
            if a.table not in seen:
                seen.append(a.table)
        return tuple(seen)


def _attrs(tables: tuple[str, ...], key: str) -> tuple[Attr, ...]:
    out: list[Attr] = []
    names: set[str] = set()
    for tname in tables:
        for col in TABLES[tname].columns:
            if col == key:
                continue
            name = RENAMES.get((tname, col), None if col in SKIP else col)
            if not name or name in names:
                continue
            names.add(name)
            out.append(Attr(name, tname, col))
    return tuple(out)


TYPES: dict[str, ObjType] = {
    "node": ObjType("node", "nodelist", "node", _attrs(NODE_TABLES, "node")),
    "osimage": ObjType("osimage", "osimage", "imagename", _attrs(OSIMAGE_TABLES, "imagename")),
    "network": ObjType("network", "networks", "netname", _attrs(("networks",), "netname")),
    "group": ObjType("group", "nodegroup", "groupname",
                     _attrs(("nodegroup",), "groupname") + _attrs(NODE_TABLES[1:], "node")),
    "site": ObjType("site", "site", "key", ()),
}

Defs = dict[str, dict[str, str]]


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


class Store:
    """The object view of one database, for the length of one request."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, list[Row]] = {}

    def rows(self, table: str) -> list[Row]:
        if table not in self._cache:
            self._cache[table] = self.db.rows(table)
        return self._cache[table]

    def _by(self, table: str, key: str) -> dict[str, Row]:
        return {r[key] or "": r for r in self.rows(table) if r.get(key)}

    def _invalidate(self) -> None:
        self._cache.clear()

    # -- reading -------------------------------------------------------------------------
    def names(self, otype: str) -> list[str]:
        if otype == "site":
            return ["clustersite"]
        if otype == "group":
            return sorted(self.groups())
        t = TYPES[otype]
        return sorted(self._by(t.key_table, t.key_column))

    def groups(self) -> dict[str, list[str]]:
        """Static groups (from nodelist.groups) and dynamic ones (nodegroup): members."""
        out: dict[str, list[str]] = {}
        for r in self.rows("nodelist"):
            for g in split_list(r.get("groups")):
                out.setdefault(g, []).append(r["node"] or "")
        for r in self.rows("nodegroup"):
            out.setdefault(r["groupname"] or "", [])
        return out

    def get(self, otype: str, names: list[str] | None = None) -> Defs:
        if otype == "site":
            return {"clustersite": {r["key"] or "": r["value"] or "" for r in self.rows("site")
                                    if r.get("key") and r.get("value") is not None}}
        if otype == "node":
            return self._nodes(names)
        if otype == "group":
            return self._groups(names)
        t = TYPES[otype]
        tables = {tn: self._by(tn, t.key_column if tn != "networks" else "netname")
                  for tn in t.tables}
        wanted = names if names is not None else sorted(tables[t.key_table])
        out: Defs = {}
        for name in wanted:
            if name not in tables[t.key_table]:
                continue
            d: dict[str, str] = {}
            for a in t.attrs:
                row = tables[a.table].get(name)
                v = row.get(a.column) if row else None
                if v is not None and v != "":
                    d[a.name] = v
            out[name] = d
        return out

    def _nodes(self, names: list[str] | None) -> Defs:
        t = TYPES["node"]
        tables = {tn: self._by(tn, "node") for tn in t.tables}
        nodelist = tables["nodelist"]
        wanted = names if names is not None else sorted(nodelist)
        out: Defs = {}
        for name in wanted:
            own = nodelist.get(name)
            if own is None:
                continue
            groups = split_list(own.get("groups"))
            d: dict[str, str] = {}
            for a in t.attrs:
                rows = tables[a.table]
                for key in (name, *groups):
                    row = rows.get(key)
                    v = row.get(a.column) if row else None
                    if v is not None and v != "":
                        d[a.name] = v
                        break
            out[name] = d
        return out

    def _groups(self, names: list[str] | None) -> Defs:
        t = TYPES["group"]
        members = self.groups()
        tables = {tn: self._by(tn, "node") for tn in NODE_TABLES[1:]}
        dyn = self._by("nodegroup", "groupname")
        wanted = names if names is not None else sorted(members)
        out: Defs = {}
        for name in wanted:
            if name not in members:
                continue
            d: dict[str, str] = {}
            row = dyn.get(name)
            d["grouptype"] = (row.get("grouptype") if row else None) or "static"
            d["members"] = ",".join(members[name])
            for a in t.attrs:
                if a.table == "nodegroup":
                    continue
                r = tables[a.table].get(name)
                v = r.get(a.column) if r else None
                if v is not None and v != "":
                    d[a.name] = v
            out[name] = d
        return out

    def exists(self, otype: str, name: str) -> bool:
        return name in self.names(otype)

    # -- writing -------------------------------------------------------------------------
    def set(self, otype: str, name: str, attrs: dict[str, str], mode: str = "=") -> None:
        """Write ATTRS of object NAME; MODE '+' / '-' adds to / removes from list values."""
        if otype == "site":
            for k, v in attrs.items():
                self.db.upsert("site", {"key": k}, {"value": v or None})
            self._invalidate()
            return
        t = TYPES[otype]
        current = self.get(otype, [name]).get(name, {}) if mode != "=" else {}
        per_table: dict[str, dict[str, str | None]] = {}
        for attr, value in attrs.items():
            a = t.attr(attr)
            if a is None:
                continue
            if mode == "+":
                items = split_list(current.get(attr))
                items += [v for v in split_list(value) if v not in items]
                value = ",".join(items)
            elif mode == "-":
                drop = set(split_list(value))
                value = ",".join(v for v in split_list(current.get(attr)) if v not in drop)
            per_table.setdefault(a.table, {})[a.column] = value if value != "" else None
        keycol = {"node": "node", "group": "node", "osimage": "imagename",
                  "network": "netname"}[otype]
        if otype in ("node", "osimage"):
            per_table.setdefault(t.key_table, {})
        for table, values in per_table.items():
            if table == "networks":
                self._set_network(name, values)
                continue
            col = "groupname" if table == "nodegroup" else keycol
            if values or not self.db.find(table, {col: name}):
                self.db.upsert(table, {col: name}, values)
        self._invalidate()

    def _set_network(self, name: str, values: dict[str, str | None]) -> None:
        rows = self.db.find("networks", {"netname": name})
        if rows:
            r = rows[0]
            self.db.update("networks", {"net": r["net"] or "", "mask": r["mask"] or ""}, values)
        else:
            self.db.insert("networks", {"netname": name, **values})

    def remove(self, otype: str, name: str) -> None:
        t = TYPES[otype]
        if otype == "network":
            self.db.delete("networks", {"netname": name})
        elif otype == "group":
            self.db.delete("nodegroup", {"groupname": name})
            for tn in NODE_TABLES[1:]:
                self.db.delete(tn, {"node": name})
            for node in self.groups().get(name, []):
                row = self.db.find("nodelist", {"node": node})
                if row:
                    left = [g for g in split_list(row[0].get("groups")) if g != name]
                    self.db.update("nodelist", {"node": node}, {"groups": ",".join(left)})
        else:
            for tn in t.tables:
                self.db.delete(tn, {t.key_column: name})
        self._invalidate()
