"""lsxcatd: the daemon's version, node type and database (``lsxcatd -a``), as xCAT prints::

    Version 2.5.2 (svn r7881, built Tue Oct 26 07:41:09 EDT 2010)
    This is a Management Node
    cfgloc=DB2:XCATDB|xcatdb
    dbengine=DB2
    dbinstance=xcatdb
    dbname=XCATDB
    dbloc=/var/lib/db2
"""

from __future__ import annotations

import os
import re

from simulators.xcatsim import paths
from simulators.xcatsim.commands import Context
from simulators.xcatsim.db import read_cfgloc
from simulators.xcatsim.protocol import Reply

VERSION = os.environ.get("XCATSIM_VERSION", "2.5.2")
BUILD = os.environ.get("XCATSIM_BUILD", "svn r7881, built Tue Oct 26 07:41:09 EDT 2010")


VERSION_PM = "/opt/xcat/lib/perl/xCAT/Version.pm"


def version() -> str:
    """The installed xCAT level, from xCAT's Version.pm as the package installs it (a
    software update done on one MN only rewrites it, section 7), else $XCATSIM_VERSION."""
    pm = paths.under(VERSION_PM)
    if pm.exists():
        found = re.search(r"Version\s+(\d[\w.]*)", pm.read_text())
        if found:
            return found.group(1)
    return VERSION


def version_pm(level: str) -> str:
    """xCAT's Version.pm for LEVEL (what the xCAT-server package ships)."""
    return ("package xCAT::Version;\n\nsub Version\n{\n"
            f"    my $version = \"Version {level} ({BUILD})\";\n    return $version;\n}}\n1;\n")


def version_line() -> str:
    return f"Version {version()} ({BUILD})"


def nodetype_line() -> str:
    if paths.under("/etc/xCATSN").exists():
        return "This is a Service Node"
    return "This is a Management Node"


def lsxcatd(ctx: Context, reply: Reply) -> None:
    args = set(ctx.args)
    if not args or args & {"-h", "--help"}:
        reply.info("lsxcatd [-v|--version]")
        reply.info("lsxcatd [-h|--help]")
        reply.info("lsxcatd [-d|--database]")
        reply.info("lsxcatd [-t|--nodetype]")
        reply.info("lsxcatd [-a|--all]")
        if args - {"-h", "--help"} or not args:
            reply.errorcode = 0
        return
    every = bool(args & {"-a", "--all"})
    if every or args & {"-v", "--version"}:
        reply.data(version_line())
    if every or args & {"-t", "--nodetype"}:
        reply.data(nodetype_line())
    if every or args & {"-d", "--database"}:
        cfg = read_cfgloc()
        if cfg.engine != "SQLite":
            reply.data(f"cfgloc={cfg.shown}")
        for k, v in ctx.db.describe().items():
            reply.data(f"{k}={v}")
    unknown = args - {"-a", "--all", "-v", "--version", "-t", "--nodetype", "-d", "--database"}
    if unknown:
        reply.error(f"Invalid option: {' '.join(sorted(unknown))}")
