"""AIX command personalities of a simulated node (runbook sections 2, 7 and 8).

Each face behaves as AIX documents it, over the Linux container underneath: ``mktcpip``
(section 8's identity swap) really moves the address and the hostname and announces the
address with a gratuitous ARP; ``lsattr -El enN``, ``ifconfig -a``, ``oslevel``, ``lslpp``
and ``csum`` read the real state. Interfaces enN map to the container's ethN.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

STATE = Path("/etc/hamn-sim")
IDENTITY = STATE / "identity.json"


def _eth(en: str) -> str:
    return "eth" + en[2:] if en.startswith("en") else en


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def _addresses(dev: str) -> list[ipaddress.IPv4Interface]:
    out = _run("/sbin/ip", "-o", "-4", "addr", "show", "dev", dev).stdout
    found = []
    for line in out.splitlines():
        parts = line.split()
        if "inet" in parts:
            found.append(ipaddress.IPv4Interface(parts[parts.index("inet") + 1]))
    return found


def _interfaces() -> list[str]:
    out = _run("/sbin/ip", "-o", "link", "show").stdout
    return [line.split(":")[1].strip().split("@")[0] for line in out.splitlines()]


def apply_identity(hostname: str, address: str, netmask: str, dev: str,
                   gateway: str | None) -> None:
    """Set hostname and the interface's one address; announce it (shared with boot)."""
    iface = ipaddress.IPv4Interface(f"{address}/{netmask}")
    for old in _addresses(dev):
        _run("/sbin/ip", "addr", "del", str(old), "dev", dev)
    done = _run("/sbin/ip", "addr", "add", str(iface), "dev", dev)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    if gateway:
        _run("/sbin/ip", "route", "replace", "default", "via", gateway, "dev", dev)
    _run("/bin/hostname", hostname)
    Path("/etc/hostname").write_text(hostname + "\n")
    # Neighbours (the compute node, the switch) must learn the moved address now.
    arping = shutil.which("arping") or "/usr/bin/arping"  # Debian's iputils: /usr/bin
    _run(arping, "-U", "-c", "2", "-w", "2", "-I", dev, address)


def mktcpip(argv: list[str]) -> int:
    opts: dict[str, str] = {}
    flags = {"-h", "-a", "-m", "-i", "-g", "-A", "-t", "-n", "-d", "-D", "-c", "-r"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in flags and i + 1 < len(argv):
            opts[arg] = argv[i + 1]
            i += 2
        elif arg[:2] in flags and len(arg) > 2:
            opts[arg[:2]] = arg[2:].strip("'\"")
            i += 1
        elif arg == "-s":
            opts["-s"] = ""
            i += 1
        else:
            print(f"mktcpip: Not a recognized flag: {arg}", file=sys.stderr)
            print("Usage: mktcpip {-S interface | -h hostname -a address -i interface "
                  "[-s] [-m subnet_mask] [-g gateway] [-t cable_type] [-A yes|no]}",
                  file=sys.stderr)
            return 1
    missing = [f for f in ("-h", "-a", "-i") if f not in opts]
    if missing:
        print(f"0821-510 mktcpip: The {missing[0]} flag is required.", file=sys.stderr)
        return 1
    en, dev = opts["-i"], _eth(opts["-i"])
    if dev not in _interfaces():
        print(f"0821-223 mktcpip: cannot get records from CuAt: interface {en} not found.",
              file=sys.stderr)
        return 1
    netmask = opts.get("-m", "255.255.255.0")
    try:
        apply_identity(opts["-h"], opts["-a"], netmask, dev, opts.get("-g"))
    except (RuntimeError, ValueError) as err:
        print(f"0821-103 mktcpip: The command /usr/sbin/ifconfig {en} inet {opts['-a']} "
              f"failed: {err}", file=sys.stderr)
        return 1
    IDENTITY.write_text(json.dumps({"hostname": opts["-h"], "address": opts["-a"],
                                    "netmask": netmask, "interface": dev,
                                    "gateway": opts.get("-g")}))
    print(en)
    print(opts["-h"])
    print("inet0 changed")
    print(f"{en} changed")
    return 0


def _split_flags(argv: list[str]) -> list[str]:
    """AIX commands take grouped flags: ``-El en0`` is ``-E -l en0``."""
    out: list[str] = []
    for arg in argv:
        if arg.startswith("-") and len(arg) > 2:
            out += [f"-{c}" for c in arg[1:]]
        else:
            out.append(arg)
    return out


def lsattr(argv: list[str]) -> int:
    argv = _split_flags(argv)
    if "-l" not in argv or argv.index("-l") + 1 >= len(argv):
        print("Usage: lsattr -E -l Name [-a Attribute] ... [-H] [-O] [-F Format]",
              file=sys.stderr)
        return 1
    en = argv[argv.index("-l") + 1]
    dev = _eth(en)
    if dev not in _interfaces():
        print(f'lsattr: 0514-519 The following device was not found in the customized\n'
              f'        device configuration database:\n        {en}', file=sys.stderr)
        return 1
    addrs = _addresses(dev)
    addr = str(addrs[0].ip) if addrs else ""
    mask = str(addrs[0].netmask) if addrs else ""
    state = "up" if addrs else "down"
    rows = [
        ("alias4", "", "IPv4 Alias including Subnet Mask"),
        ("alias6", "", "IPv6 Alias including Prefix Length"),
        ("arp", "on", "Address Resolution Protocol (ARP)"),
        ("authority", "", "Authorized Users"),
        ("broadcast", "", "Broadcast Address"),
        ("mtu", "1500", "Maximum IP Packet Size for This Device"),
        ("netaddr", addr, "Internet Address"),
        ("netaddr6", "", "IPv6 Internet Address"),
        ("netmask", mask, "Subnet Mask"),
        ("remmtu", "576", "Maximum IP Packet Size for REMOTE Networks"),
        ("state", state, "Current Interface Status"),
    ]
    if "-a" in argv and argv.index("-a") + 1 < len(argv):
        wanted = argv[argv.index("-a") + 1]
        rows = [r for r in rows if r[0] == wanted]
        if not rows:
            print(f'lsattr: 0514-528 The "{wanted}" attribute does not exist in the predefined\n'
                  '        device configuration database.', file=sys.stderr)
            return 1
    fmt = argv[argv.index("-F") + 1] if "-F" in argv and argv.index("-F") + 1 < len(argv) \
        else ""
    for name, value, desc in rows:
        if fmt:
            print(fmt.replace("attribute", name).replace("value", value)
                  .replace("description", desc).replace("user_settable", "True"))
        else:
            print(f"{name:<15} {value:<15} {desc:<42} True")
    return 0


def ifconfig(argv: list[str]) -> int:
    devs = [d for d in _interfaces() if d == "lo" or d.startswith("eth")]
    if argv and argv[0] != "-a":
        devs = [_eth(argv[0])] if _eth(argv[0]) in devs else []
        if not devs:
            print(f"ifconfig: no such interface {argv[0]}", file=sys.stderr)
            return 1
    for dev in devs:
        name = "lo0" if dev == "lo" else "en" + dev[3:]
        print(f"{name}: flags=1e080863,480<UP,BROADCAST,NOTRAILERS,RUNNING,SIMPLEX,"
              "MULTICAST,GROUPRT,64BIT,CHECKSUM_OFFLOAD(ACTIVE),CHAIN>")
        for iface in _addresses(dev):
            mask = f"0x{int(iface.netmask):08x}"
            bcast = iface.network.broadcast_address
            print(f"\tinet {iface.ip} netmask {mask} broadcast {bcast}")
        print("\t tcp_sendspace 262144 tcp_recvspace 262144 rfc1323 1")
    return 0


def oslevel(argv: list[str]) -> int:
    level = (STATE / "oslevel").read_text().strip() if (STATE / "oslevel").exists() \
        else "6100-06-05-1115"
    if "-s" in argv:
        print(level)
    elif "-r" in argv:
        print(level.rsplit("-", 2)[0])
    else:
        print(f"{level[0]}.{level[1]}.0.0")
    return 0


def lslpp(argv: list[str]) -> int:
    """``lslpp -Lc``: colon-separated fileset records, from the node's package list."""
    path = STATE / "lpp.txt"
    records = path.read_text().splitlines() if path.exists() else []
    wanted = [a for a in argv if not a.startswith("-")]
    print("#Package Name:Fileset:Level:State:PTF Id:Fix State:Type:Description:"
          "Destination Dir.:Uninstaller:Message Catalog:Message Set:Message Number:"
          "Parent:Automatic:EFIX Locked:Install Path:Build Date")
    shown = 0
    for rec in records:
        name, level, desc = [*rec.split(":", 2), "", ""][:3]
        if wanted and name not in wanted:
            continue
        print(f"{name}:{name}:{level}: : :C:R:{desc}: : : : : : :0:0:/:")
        shown += 1
    if wanted and not shown:
        print(f"lslpp: 0504-132  Fileset {wanted[0]} not installed.", file=sys.stderr)
        return 1
    return 0


def csum(argv: list[str]) -> int:
    algo = "md5"
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "-h" and i + 1 < len(argv):
            algo = argv[i + 1].lower().replace("sha", "sha")
            i += 2
            continue
        files.append(argv[i])
        i += 1
    rc = 0
    for name in files:
        try:
            digest = hashlib.new(algo, Path(name).read_bytes()).hexdigest()
        except OSError as err:
            print(f"csum: {name}: {err.strerror}", file=sys.stderr)
            rc = 1
            continue
        print(f"{digest}\t{name}")
    return rc


def host(argv: list[str]) -> int:
    """AIX ``host``: name <-> address through the resolver (/etc/hosts, then DNS)."""
    if not argv:
        print("Usage: host [-n] [-a] Name|Address", file=sys.stderr)
        return 1
    target = argv[-1]
    try:
        ipaddress.ip_address(target)
        try:
            name = socket.gethostbyaddr(target)[0]
        except OSError:
            print(f"host: 0827-803 Cannot find address {target}.", file=sys.stderr)
            return 1
        print(f"{name} is {target}")
        return 0
    except ValueError:
        pass
    try:
        addr = socket.gethostbyname(target)
    except OSError:
        print(f"host: 0827-801 Cannot find host {target}.", file=sys.stderr)
        return 1
    print(f"{target} is {addr}")
    return 0


def uname(argv: list[str]) -> int:
    """AIX ``uname``: -s AIX, -v the version and -r the release of oslevel."""
    level = (STATE / "oslevel").read_text().strip() if (STATE / "oslevel").exists() \
        else "6100-06-05-1115"
    values = {"s": "AIX", "n": socket.gethostname(), "r": level[1], "v": level[0],
              "m": "00F6E5E04C00", "p": "powerpc"}
    flags = "".join(a.lstrip("-") for a in argv) or "s"
    if "a" in flags:
        flags = "snrvm"
    print(" ".join(values[f] for f in flags if f in values))
    return 0


FACES = {"uname": uname, "mktcpip": mktcpip, "lsattr": lsattr, "ifconfig": ifconfig,
         "oslevel": oslevel, "lslpp": lslpp, "csum": csum, "host": host}


def main() -> int:
    prog = Path(sys.argv[0]).name
    face = FACES.get(prog)
    if face is None:
        print(f"aix: unknown command {prog}", file=sys.stderr)
        return 2
    return face(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
