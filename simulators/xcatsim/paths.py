"""Where the simulator reads and writes: xCAT's real paths, optionally under XCATSIM_ROOT.

In a simulated node every path is the real one (/etc/xcat, /install, /etc/dhcp, /var/named,
~/.xcat). Host-side tests set XCATSIM_ROOT to a temporary directory that prefixes them all,
and XCATSIM_HOME to stand in for the calling user's home (where ~/.xcat lives).
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    """The prefix of every simulated path ('/' in a node)."""
    return Path(os.environ.get("XCATSIM_ROOT", "/"))


def under(path: str) -> Path:
    """PATH (absolute, as on a real MN) under the simulator's root."""
    return root() / path.lstrip("/")


def etc_xcat() -> Path:
    return under("/etc/xcat")


def cfgloc() -> Path:
    return etc_xcat() / "cfgloc"


def home() -> Path:
    """The calling user's home directory (XCATSIM_HOME, else ~ under the root)."""
    env = os.environ.get("XCATSIM_HOME")
    if env:
        return Path(env)
    return under(os.path.expanduser("~"))


def user_xcat() -> Path:
    """~/.xcat: the client credentials of the calling user (section 6.1)."""
    return home() / ".xcat"


def node_json() -> Path:
    """/etc/hamn-sim/node.json: the simulated node's description (docs/design.md)."""
    return under("/etc/hamn-sim/node.json")


def state_dir() -> Path:
    return under("/var/lib/hamn-sim")


def log_dir() -> Path:
    return under("/var/log/xcat")


def xcatd_port() -> int:
    return int(os.environ.get("XCATSIM_PORT", "3001"))


def xcatd_iport() -> int:
    return int(os.environ.get("XCATSIM_IPORT", "3002"))
