"""PID 1's child in every simulated node: make the container look like the node it plays.

Runs at each container start (a reboot of the node): takes /etc/hosts, /etc/resolv.conf and
the hostname back from Docker (failover rewrites them, section 6.3 rsyncs them), applies an
identity that ``mktcpip`` persisted (section 8), sets up the personality's login PATH,
starts sshd and cron, then runs the role's setup (simulators.node.roles) once per boot.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import FrameType

from simulators.node import aix, roles, svc

STATE = Path("/etc/hamn-sim")
MARK = Path("/run/hamn-sim/booted")

AIX_PATH = ("/usr/aix/bin:/usr/aix/sbin:/usr/lpp/bos.sysmgt/nim/methods:"
            "/opt/xcat/bin:/opt/xcat/sbin")
LINUX_PATH = ("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
              "/opt/xcat/bin:/opt/xcat/sbin")


# What lslpp -Lc reports on an AIX 6.1 MN with xCAT 2.5 (the RPMs and the filesets it needs).
AIX_FILESETS = """bos.rte:6.1.6.15:Base Operating System Runtime
bos.sysmgt.nim.master:6.1.6.15:Network Install Manager - Master Tools
bos.net.tcp.server:6.1.6.15:TCP/IP Server
openssl.base:0.9.8.1300:Open Secure Socket Layer
openssh.base.server:5.4.0.6100:Open Secure Shell Server
perl.rte:5.8.8.122:Perl Version 5 Runtime Environment
xCAT:2.5.2-1:xCAT management
xCAT-client:2.5.2-1:xCAT client commands
xCAT-server:2.5.2-1:xCAT server
perl-xCAT:2.5.2-1:xCAT perl libraries
rsync:3.0.6-1:rsync file synchronisation
"""


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=False, capture_output=True)


def reclaim(path: str, content: str | None) -> None:
    """Replace Docker's bind mount of PATH by a plain file the node owns."""
    target = Path(path)
    current = target.read_text() if target.exists() else ""
    _sh("umount", path)
    if content is not None and not (STATE / f"{target.name}.owned").exists():
        target.write_text(content)
    elif not target.exists() or target.stat().st_size == 0:
        target.write_text(current)
    (STATE / f"{target.name}.owned").touch()


def hosts_file(node: dict[str, object]) -> str:
    nodes = node.get("nodes", {})
    assert isinstance(nodes, dict)
    domain = str(node.get("domain", "cluster.sim"))
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{addr}\t{name}.{domain} {name}" for name, addr in nodes.items()]
    return "\n".join(lines) + "\n"


def personality(node: dict[str, object]) -> None:
    if node.get("personality") == "aix":
        path = AIX_PATH
        lpp = STATE / "lpp.txt"
        if not lpp.exists():
            lpp.write_text(AIX_FILESETS)
        for user in ("root", "xcatdb"):
            _sh("usermod", "-s", "/usr/bin/ksh", user)
        Path("/etc/profile").write_text(
            f"PATH={path}\nexport PATH\nPS1='# '\numask 022\n")
    else:
        path = LINUX_PATH
        Path("/etc/profile.d/xcat.sh").write_text(
            "PATH=$PATH:/opt/xcat/bin:/opt/xcat/sbin\nexport PATH\n")
    Path("/etc/environment").write_text(f"PATH={path}\n")


def boot() -> None:
    node: dict[str, object] = json.loads((STATE / "node.json").read_text())
    reclaim("/etc/hosts", hosts_file(node))
    reclaim("/etc/resolv.conf", f"search {node.get('domain', 'cluster.sim')}\n"
            f"nameserver {node.get('nameserver', '127.0.0.1')}\n")
    reclaim("/etc/hostname", f"{node['name']}\n")
    identity = aix.IDENTITY
    if identity.exists():
        ident = json.loads(identity.read_text())
        aix.apply_identity(ident["hostname"], ident["address"], ident["netmask"],
                           ident["interface"], ident.get("gateway"))
    else:
        _sh("hostname", Path("/etc/hostname").read_text().strip())
    personality(node)
    for name in ("sshd", "cron"):
        sub = svc.find(name)
        assert sub is not None
        if svc.pid_of(sub) is None:
            svc.start(sub)
    roles.setup(node)


def _shutdown(signum: int, frame: FrameType | None) -> None:
    for sub in reversed(svc.SUBSYSTEMS):
        svc.stop(sub, wait=5)
    sys.exit(0)


def main() -> int:
    MARK.parent.mkdir(parents=True, exist_ok=True)
    MARK.unlink(missing_ok=True)
    signal.signal(signal.SIGTERM, _shutdown)
    os.environ["PYTHONPATH"] = "/opt/hamn-sim"
    try:
        boot()
        MARK.write_text("ok\n")
    except Exception:
        MARK.write_text("failed\n" + traceback.format_exc())
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
