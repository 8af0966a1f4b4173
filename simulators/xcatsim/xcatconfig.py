"""xcatconfig: set up a fresh MN's xCAT, as xCAT's xcatconfig does.

- ``-i`` (--initinstall): the SSL credentials (CA, xcatd's certificate, the user's client
  credentials; certs.py), the /etc/xCATMN mark, and, for SQLite (no cfgloc), the database.
- ``-d`` (--database): the tables in the database of /etc/xcat/cfgloc (CREATE TABLE, every
  column text) and their defaults: the site table (master, domain, installdir=/install,
  xcatdport ...), postscripts' xcatdefaults, policy, and the MN's network (makenetworks).
  This is what xCAT's db2sqlsetup/pgsqlsetup/mysqlsetup run after writing cfgloc.
- ``-c`` (--credentials): new server and client credentials from the existing CA.
- ``-f`` (--force): remake the CA as well.
Existing rows are kept: defaults only fill what is missing.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import time

from simulators.xcatsim import certs, nodeinfo, paths
from simulators.xcatsim.db import Database, DbError, open_database, read_cfgloc
from simulators.xcatsim.schema import TABLES

USAGE = """Usage: xcatconfig [-h|--help]
       xcatconfig [-v|--version]
       xcatconfig [-f|--force] [-V|--verbose]
       xcatconfig [-i|--initinstall] [-V|--verbose]
       xcatconfig [-u|--updateinstall] [-V|--verbose]
       xcatconfig [-k|--sshkeys] [-s|--sshnodehostkeys] [-c|--credentials] [-d|--database]
                  [-m|--mgtnode] [-t|--tunables] [-V|--verbose]"""


def domain() -> str:
    node = nodeinfo.node()
    return str(node.get("domain") or os.environ.get("XCATSIM_DOMAIN") or "cluster.com")


def site_defaults() -> dict[str, str]:
    master = nodeinfo.address()
    tz = time.tzname[0] if time.tzname and time.tzname[0] else "UTC"
    return {
        "blademaxp": "64", "cleanupxcatpost": "no", "consoleondemand": "no",
        "databaseloc": "/var/lib", "db2installloc": "/mntdb2", "dhcplease": "43200",
        "dnshandler": "ddns", "domain": domain(), "enableASMI": "no", "fsptimeout": "0",
        "installdir": "/install", "ipmimaxp": "64", "ipmiretries": "3", "ipmitimeout": "2",
        "master": master, "maxssh": "8", "nameservers": "<xcatmaster>",
        "nodesyncfiledir": "/var/xcat/node/syncfiles", "powerinterval": "0",
        "ppcmaxp": "64", "ppcretry": "3", "ppctimeout": "0", "sharedtftp": "1",
        "SNsyncfiles": "/etc/group,/etc/passwd,/etc/shadow", "sshbetweennodes": "ALLGROUPS",
        "syspowerinterval": "0", "tftpdir": "/tftpboot", "tftpflags": "-v",
        "timezone": tz, "useNmapfromMN": "no", "vsftp": "n", "xcatconfdir": "/etc/xcat",
        "xcatdport": str(paths.xcatd_port()), "xcatiport": str(paths.xcatd_iport() or 3002),
        "xcatsslversion": "TLSv1_2",
    }


def mn_network() -> dict[str, str] | None:
    """The MN's cluster network, as makenetworks finds it from the interface."""
    node = nodeinfo.node()
    addr, mask = node.get("address"), node.get("netmask")
    if not addr or not mask:
        return None
    net = ipaddress.IPv4Network(f"{addr}/{mask}", strict=False)
    row = {"netname": f"{net.network_address}".replace(".", "_") + "-"
                      + str(mask).replace(".", "_"),
           "net": str(net.network_address), "mask": str(mask),
           "mgtifname": str(node.get("interface", "eth0")), "tftpserver": "<xcatmaster>"}
    if node.get("gateway"):
        row["gateway"] = str(node["gateway"])
    return row


def init_database(db: Database) -> list[str]:
    out: list[str] = []
    made = [t for t in TABLES.values() if db.create_table(t)]
    if made:
        out.append(f"Created {len(made)} xCAT tables in the {db.engine} database.")
    for key, value in site_defaults().items():
        if not db.find("site", {"key": key}):
            db.insert("site", {"key": key, "value": value})
    if not db.find("postscripts", {"node": "xcatdefaults"}):
        db.insert("postscripts", {"node": "xcatdefaults",
                                  "postscripts": "syslog,remoteshell,syncfiles",
                                  "postbootscripts": "otherpkgs"})
    if not db.rows("policy"):
        for prio, name, rule in (("1", "root", "allow"), ("1.2", nodeinfo.hostname(), "trusted"),
                                 ("2", None, "allow")):
            db.insert("policy", {"priority": prio, "name": name, "rule": rule,
                                 "commands": "getbmcconfig" if prio == "2" else None})
    net = mn_network()
    if net and not db.rows("networks"):
        db.insert("networks", dict(net))
        out.append(f"Added the network {net['net']}/{net['mask']} to the networks table.")
    out.append("Initialized the xCAT database with the site defaults.")
    return out


def mark_node() -> None:
    etc = paths.under("/etc")
    etc.mkdir(parents=True, exist_ok=True)
    role = nodeinfo.node().get("role")
    mark = "xCATSN" if role == "service" else "xCATMN"
    (etc / mark).touch()


def make_hostkeys() -> None:
    """/etc/xcat/hostkeys: the SSH host keys xCAT installs on the nodes (xcatconfig -s)."""
    keys = paths.under("/etc/xcat/hostkeys")
    keys.mkdir(parents=True, exist_ok=True)
    for kind in ("rsa", "ecdsa", "ed25519"):
        key = keys / f"ssh_host_{kind}_key"
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "", "-f", str(key)],
                           check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    flags = set()
    names = {"-i": "init", "--initinstall": "init", "-d": "db", "--database": "db",
             "-c": "creds", "--credentials": "creds", "-f": "force", "--force": "force",
             "-V": "verbose", "--verbose": "verbose", "-h": "help", "--help": "help",
             "-v": "version", "--version": "version", "-m": "mn", "--mgtnode": "mn",
             "-k": "ssh", "--sshkeys": "ssh", "-s": "ssh", "-t": "tun", "--tunables": "tun",
             "-u": "update", "--updateinstall": "update"}
    for a in args:
        if a not in names:
            print(f"Error: Invalid option {a}.", file=sys.stderr)
            print(USAGE)
            return 1
        flags.add(names[a])
    if not flags or "help" in flags:
        print(USAGE)
        return 0
    if "version" in flags:
        from simulators.xcatsim.commands.lsxcatd import version_line
        print(version_line())
        return 0
    try:
        if "init" in flags or "force" in flags:
            for line in certs.init(force="force" in flags):
                print(line)
            make_hostkeys()
            mark_node()
        elif "creds" in flags:
            certs.make_ca()
            certs.make_server_cert()
            certs.make_client_creds()
            print("Created new xCAT server and client credentials.")
        if "db" in flags or ("init" in flags and read_cfgloc().engine == "SQLite"):
            db = open_database()
            try:
                for line in init_database(db):
                    print(line)
            finally:
                db.close()
    except certs.CertError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except DbError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if "init" in flags:
        print("xCAT is now initialized on this management node.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
