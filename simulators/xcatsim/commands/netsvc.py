"""makehosts, makedns, makedhcp, makeconservercf: the network services of section 8.

After a failover the new MN regenerates DNS, DHCP (Linux) and conserver from the database
(runbook 6.3, 8): each command writes the real configuration file and restarts the real
daemon with the node's service manager (nodeinfo.restart).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from pathlib import Path

from simulators.xcatsim import conserver, dhcp, dns, nodeinfo, paths
from simulators.xcatsim.commands import Context, nodes_of
from simulators.xcatsim.commands.lsxcatd import VERSION
from simulators.xcatsim.objects import Defs
from simulators.xcatsim.protocol import Reply


def _site(ctx: Context) -> dict[str, str]:
    return ctx.store.get("site")["clustersite"]


def _split(args: list[str]) -> tuple[set[str], list[str]]:
    flags = {a for a in args if a.startswith("-")}
    rest = [a for a in args if not a.startswith("-")]
    return flags, rest


def _targets(ctx: Context, reply: Reply, rest: list[str]) -> list[str] | None:
    if rest:
        return nodes_of(ctx, reply, ",".join(rest))
    return ctx.store.names("node")


def etc_hosts() -> Path:
    return paths.under("/etc/hosts")


def read_etc_hosts() -> dict[str, str]:
    """{name: ip} of /etc/hosts (first name of each line), without loopback entries."""
    out: dict[str, str] = {}
    try:
        text = etc_hosts().read_text()
    except OSError:
        return out
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        try:
            ip = ipaddress.ip_address(fields[0])
        except ValueError:
            continue
        if ip.version != 4 or ip.is_loopback:
            continue
        for name in fields[1:]:
            if "." not in name:
                out.setdefault(name, fields[0])
                break
        else:
            out.setdefault(fields[1].split(".")[0], fields[0])
    return out


def _node_ip(name: str, d: dict[str, str], hosts: dict[str, str]) -> str | None:
    return d.get("ip") or hosts.get(name)


def _restart(service: str, reply: Reply, optional: bool = False) -> None:
    ok, out = nodeinfo.restart(service)
    if ok:
        return
    if optional:
        reply.warning(f"Could not restart {service}: {out}")
    else:
        reply.error(f"Failed to restart {service}: {out}")


def _give_to(path: Path, user: str) -> None:
    """Let the daemon's user read (and write) PATH, as the distribution's packages do."""
    try:
        import pwd
        pw = pwd.getpwnam(user)
        if os.geteuid() == 0:
            os.chown(path, pw.pw_uid, pw.pw_gid)
    except (KeyError, OSError, ImportError):
        pass


# -- makehosts ---------------------------------------------------------------------------
def makehosts(ctx: Context, reply: Reply) -> None:
    """Write the nodes' ``ip short fqdn [aliases]`` lines to /etc/hosts (hosts table)."""
    flags, rest = _split(ctx.args)
    if flags & {"-h", "--help"}:
        reply.info("Usage: makehosts [-n] [-l] [-d] [noderange]")
        return
    nodes = _targets(ctx, reply, rest)
    if nodes is None:
        return
    domain = _site(ctx).get("domain", "")
    defs = ctx.store.get("node", nodes)
    path = etc_hosts()
    try:
        old = path.read_text().splitlines()
    except OSError:
        old = ["127.0.0.1 localhost"]
    names = set(nodes)
    keep: list[str] = []
    for line in old:
        fields = line.split("#", 1)[0].split()
        if "-n" in flags and fields and not fields[0].startswith(("127.", "::1")):
            continue
        if len(fields) >= 2 and (set(f.split(".")[0] for f in fields[1:]) & names):
            continue
        keep.append(line)
    if "-d" not in flags:
        for n in nodes:
            d = defs.get(n, {})
            ip = d.get("ip")
            if not ip:
                reply.error(f"Ignoring {n}, it does not have an IP address in the hosts table.")
                continue
            parts = [ip]
            fqdn = f"{n}.{domain}" if domain else ""
            parts += [fqdn, n] if "-l" in flags and fqdn else [n] + ([fqdn] if fqdn else [])
            parts += [h for h in (d.get("hostnames") or "").split(",") if h and h not in parts]
            keep.append(" ".join(parts))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(keep) + "\n")


# -- makedns -----------------------------------------------------------------------------
def named_conf() -> Path:
    env = os.environ.get("XCATSIM_NAMED_CONF")
    if env:
        return Path(env)
    if paths.under("/etc/bind").is_dir():
        return paths.under("/etc/bind/named.conf")
    return paths.under("/etc/named.conf")


def named_dir() -> Path:
    return paths.under("/var/named")


def makedns(ctx: Context, reply: Reply) -> None:
    """Regenerate named.conf and the zone files from /etc/hosts, hosts and networks."""
    flags, rest = _split(ctx.args)
    if flags & {"-h", "--help"}:
        reply.info("Usage: makedns [-h|--help ]")
        reply.info("       makedns [-V|--verbose] [-e|--external] [-n|--new ] [noderange]")
        reply.info("       makedns [-V|--verbose] [-e|--external] [-d|--delete noderange]")
        return
    if rest and nodes_of(ctx, reply, ",".join(rest)) is None:
        return
    site = _site(ctx)
    domain = site.get("domain")
    if not domain:
        reply.error("domain not defined in site table")
        return
    networks = ctx.store.rows("networks")
    if not networks:
        reply.error("Unable to find any networks in the networks table.")
        return
    master = site.get("master") or nodeinfo.address()
    hosts = read_etc_hosts()
    for n, d in ctx.store.get("node").items():
        if d.get("ip"):
            hosts.setdefault(n, d["ip"])
    if "-d" in flags:
        for n in rest:
            hosts.pop(n, None)
    served = {n: ip for n, ip in hosts.items() if dhcp.in_networks(ip, networks)}
    for n, _ip in sorted(hosts.items()):
        if n not in served and "-V" in flags:
            reply.info(f"Ignoring host {n}, it does not belong to any nets defined in "
                       "networks table or the net it belongs to is configured to use an "
                       "external nameserver.")
    mname = nodeinfo.hostname()
    served.setdefault(mname, master)
    reply.info("Getting reverse zones, this may take several minutes for a large cluster.")
    nets = [(r["net"] or "", r["mask"] or "") for r in networks if r.get("net")]
    zones = dns.build(domain, mname, master, served, nets)
    reply.info("Completed getting reverse zones.")
    reply.info("Updating zones.")
    zdir = named_dir()
    if "-n" in flags and zdir.is_dir():
        for f in zdir.glob("db.*"):
            f.unlink()
    zdir.mkdir(parents=True, exist_ok=True)
    zdir.chmod(0o755)
    if paths.root() == Path("/"):
        _give_to(zdir, "bind")
    for z in zones:
        f = zdir / z.file
        f.write_text(dns.render_zone(z, domain, mname))
        f.chmod(0o644)
    forwarders = [f for f in (site.get("forwarders") or "").split(",") if f]
    conf = named_conf()
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(dns.render_named_conf(zones, "/var/named", forwarders))
    conf.chmod(0o644)
    reply.info("Completed updating zones.")
    reply.info("Restarting named")
    _restart("named", reply)
    reply.info("Restarting named complete")
    reply.info("Updating DNS records, this may take several minutes for a large cluster.")
    reply.info("Completed updating DNS records.")
    reply.info("DNS setup is completed")


# -- makedhcp ----------------------------------------------------------------------------
def dhcpd_conf() -> Path:
    return paths.under("/etc/dhcp/dhcpd.conf")


def makedhcp(ctx: Context, reply: Reply) -> None:
    """-n new configuration from networks; -a all nodes; noderange add; -d delete; -q."""
    flags, rest = _split(ctx.args)
    if not ctx.args or flags & {"-h", "--help"}:
        reply.info("Usage: makedhcp <noderange> [-s 'options']")
        reply.info("       makedhcp [-n] [-l | --localonly]")
        reply.info("       makedhcp -a")
        reply.info("       makedhcp -a -d")
        reply.info("       makedhcp -d <noderange>")
        reply.info("       makedhcp <-q> <noderange>")
        reply.info("       makedhcp [-h|--help]")
        if not ctx.args:
            reply.errorcode = 1
        return
    site = _site(ctx)
    master = site.get("master") or nodeinfo.address()
    networks = ctx.store.rows("networks")
    conf = dhcpd_conf()
    nodes: list[str] = []
    if rest:
        got = nodes_of(ctx, reply, ",".join(rest))
        if got is None:
            return
        nodes = got
    try:
        text = conf.read_text()
    except OSError:
        text = ""
    entries = {} if "-n" in flags else dhcp.parse_hosts(text)
    if "-q" in flags:
        for n in nodes:
            e = dhcp.parse_hosts(text).get(n)
            if e:
                reply.data(f"{n}: ip-address = {e.ip}, hardware-address = {e.mac}")
        return
    if "-n" in flags:
        if not networks:
            reply.warning("No networks are defined in the networks table.")
        if conf.exists():
            shutil.copyfile(conf, conf.with_name(conf.name + ".xcatbak"))
            reply.info(f"Renamed existing dhcp configuration file to  {conf}.xcatbak")
    if "-d" in flags:
        for n in (ctx.store.names("node") if "-a" in flags else nodes):
            entries.pop(n, None)
    elif "-a" in flags or nodes:
        targets = ctx.store.names("node") if "-a" in flags else nodes
        defs: Defs = ctx.store.get("node", targets)
        hosts = read_etc_hosts()
        for n in targets:
            d = defs.get(n, {})
            mac = (d.get("mac") or "").split("|")[0].split("!")[0]
            if not mac:
                if "-a" not in flags:
                    reply.node_error(n, "No mac address defined in the mac table.")
                continue
            ip = _node_ip(n, d, hosts)
            if not ip:
                reply.error(f"Unable to find the IP address of {n}.")
                continue
            entries[n] = dhcp.HostEntry(n, mac.lower(), ip)
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(dhcp.render(site, networks, list(entries.values()), master))
    _restart("dhcpd", reply)


# -- makeconservercf ---------------------------------------------------------------------
def conserver_cf() -> Path:
    return paths.under("/etc/conserver.cf")


def makeconservercf(ctx: Context, reply: Reply) -> None:
    flags, rest = _split(ctx.args)
    if flags & {"-h", "--help"}:
        reply.info("Usage: makeconservercf [noderange] [-V|--verbose] [-d|--delete]")
        return
    nodes = _targets(ctx, reply, rest)
    if nodes is None:
        return
    defs = ctx.store.get("node", nodes)
    consoles: dict[str, str] = {}
    for n in nodes:
        d = defs.get(n, {})
        method = d.get("cons") or d.get("mgt")
        if method and "-d" not in flags:
            consoles[n] = method
        elif rest and "-d" not in flags:
            reply.node_error(n, "cons attribute or serialport attribute is not specified, "
                                "skipping.")
    path = conserver_cf()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(conserver.render(VERSION, consoles))
    _restart("conserver", reply, optional=True)
