"""ISC dhcpd configuration as xCAT's makedhcp writes it (plugin dhcp.pm).

One ``subnet`` per network of the networks table, grouped in a ``shared-network`` per
``mgtifname``, with routers, next-server, name servers, domain and the dynamic range; then
one ``host`` entry per node (``hardware ethernet`` from the mac table, ``fixed-address``
from hosts). xCAT adds nodes through OMAPI into dhcpd's leases; the simulator keeps them in
the configuration file itself, between the markers below, so the real dhcpd serves them.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

HOSTS_MARK = "# xCAT node entries (makedhcp)"


@dataclass(frozen=True)
class HostEntry:
    name: str
    mac: str
    ip: str


def _master(value: str | None, master: str) -> str:
    return (value or "").replace("<xcatmaster>", master)


def render_subnet(net: dict[str, str | None], site: dict[str, str], master: str) -> list[str]:
    """The ``subnet`` declaration of one networks-table row."""
    addr, mask = net.get("net") or "", net.get("mask") or ""
    domain = net.get("domain") or site.get("domain", "")
    lease = site.get("dhcplease", "43200")
    nameservers = _master(net.get("nameservers") or site.get("nameservers") or master, master)
    lines = [f"  subnet {addr} netmask {mask} {{",
             "    authoritative;",
             f"    max-lease-time {lease};",
             f"    min-lease-time {lease};",
             f"    default-lease-time {lease};"]
    gateway = _master(net.get("gateway"), master)
    if gateway:
        lines.append(f"    option routers  {gateway};")
    nextserver = _master(net.get("tftpserver"), master) or master
    lines.append(f"    next-server  {nextserver};")
    lines.append(f"    option log-servers {_master(net.get('logservers'), master) or master};")
    lines.append(f"    option ntp-servers {_master(net.get('ntpservers'), master) or master};")
    if domain:
        lines.append(f'    option domain-name "{domain}";')
    lines.append(f"    option domain-name-servers  {', '.join(nameservers.split(','))};")
    if domain:
        lines.append(f'    option domain-search  "{domain}";')
    lines.append('    filename "pxelinux.0";')
    rng = net.get("dynamicrange")
    if rng:
        first, _, last = rng.partition("-")
        lines.append(f"    range dynamic-bootp {first.strip()} {last.strip()};")
    lines.append(f"  }} # {addr}/{mask} subnet_end")
    return lines


def render(site: dict[str, str], networks: list[dict[str, str | None]],
           hosts: list[HostEntry], master: str) -> str:
    domain = site.get("domain", "")
    out = ["#xCAT generated dhcp configuration", "",
           "authoritative;", "ddns-update-style none;",
           "option client-architecture code 93 = unsigned integer 16;"]
    if domain:
        out.append(f'option domain-name "{domain}";')
    out.append("")
    by_if: dict[str, list[dict[str, str | None]]] = {}
    for net in networks:
        if not net.get("net") or not net.get("mask"):
            continue
        by_if.setdefault(net.get("mgtifname") or "", []).append(net)
    for ifname, nets in sorted(by_if.items()):
        if ifname and ifname != "!remote!":
            out.append(f"shared-network {ifname} {{")
            for net in nets:
                out += render_subnet(net, site, master)
            out.append(f"}} # {ifname} nic_end")
        else:
            for net in nets:
                out += [line[2:] for line in render_subnet(net, site, master)]
        out.append("")
    out.append(HOSTS_MARK)
    for h in sorted(hosts, key=lambda h: h.name):
        out += [f"host {h.name} {{",
                f"  hardware ethernet {h.mac};",
                f"  fixed-address {h.ip};",
                f'  option host-name "{h.name}";',
                "}"]
    return "\n".join(out) + "\n"


_HOST = re.compile(r"^host\s+(\S+)\s*\{\s*$(.*?)^\}", re.M | re.S)


def parse_hosts(text: str) -> dict[str, HostEntry]:
    """The node host entries of a configuration this module wrote."""
    out: dict[str, HostEntry] = {}
    _, mark, tail = text.partition(HOSTS_MARK)
    if not mark:
        return out
    for m in _HOST.finditer(tail):
        body = m.group(2)
        mac = re.search(r"hardware ethernet\s+([0-9A-Fa-f:]+);", body)
        ip = re.search(r"fixed-address\s+([0-9.]+);", body)
        if mac and ip:
            out[m.group(1)] = HostEntry(m.group(1), mac.group(1), ip.group(1))
    return out


def in_networks(ip: str, networks: list[dict[str, str | None]]) -> bool:
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        return False
    for net in networks:
        try:
            n = ipaddress.IPv4Network(f"{net.get('net')}/{net.get('mask')}", strict=False)
        except ValueError:
            continue
        if addr in n:
            return True
    return False
