"""DB2 on a simulated MN as "Setup DB2 as the xCAT Database" leaves it (runbook section 3).

Instance ``xcatdb`` with its home at /var/lib/db2, database XCATDB created, the instance
started. HADR is not configured: that is section 5.1's job, done by hamn.
"""

from __future__ import annotations

from pathlib import Path

from simulators.node.roles import enable, sh

HOME = Path("/var/lib/db2")


def setup(node: dict[str, object], password: str) -> None:
    level = str(node.get("db2_level", "9.7"))
    sh("python3", "-m", "simulators.db2sim.instance", "create", "--home", str(HOME),
       "--name", "xcatdb", "--hostname", str(node["name"]), "--level", level, user="xcatdb")
    sh("python3", "-m", "simulators.db2sim.instance", "passwd", "--home", str(HOME), "xcatdb",
       user="xcatdb", stdin=password + "\n")
    profile = HOME / ".profile"
    line = ". $HOME/sqllib/db2profile\n"
    if line not in (profile.read_text() if profile.exists() else ""):
        with profile.open("a") as f:
            f.write(line)
    start_instance()
    done = sh("db2", "CREATE", "DATABASE", "XCATDB", user="xcatdb", check=False)
    if done.returncode not in (0, 2) and "SQL1005N" not in done.stdout:
        raise RuntimeError(f"db2 CREATE DATABASE XCATDB failed: {done.stdout.strip()}")
    enable("db2")


def start_instance() -> None:
    done = sh("db2start", user="xcatdb", check=False)
    if done.returncode != 0 and "SQL1026N" not in done.stdout:
        raise RuntimeError(f"db2start failed: {done.stdout.strip()}")
