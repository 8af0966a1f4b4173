"""Role setup of a simulated node: what sections 3 and 4 leave behind on each host.

Primary and standby MNs are each set up as an xCAT MN with the same database product
(section 4); the standby then has xcatd and DHCP stopped. The first boot does the one-time
setup; every boot starts the subsystems listed in /var/lib/hamn-sim/enabled, as a real MN's
init (inittab on AIX, init scripts on Linux) would.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from simulators.node import svc

VAR = Path("/var/lib/hamn-sim")
DONE = VAR / "setup.done"
ENABLED = VAR / "enabled"
XCATBIN = "/opt/hamn-sim/simulators/xcatsim/bin"
DB2BIN = "/opt/hamn-sim/simulators/db2sim/bin"
PG_PASSWORD_FILE = Path("/etc/hamn-sim/dbpassword")
TWIN_DIR = "/var/lib/hamn-sim/twin"  # where the twin-tailed disk is cabled in


def sh(*argv: str, user: str | None = None, check: bool = True,
       stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    if user is not None:
        argv = ("su", "-", user, "-c",
                "PYTHONPATH=/opt/hamn-sim " + " ".join(_quote(a) for a in argv))
    env = dict(os.environ, PYTHONPATH="/opt/hamn-sim",
               PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
                    "/opt/xcat/bin:/opt/xcat/sbin:/usr/aix/bin:/usr/aix/sbin")
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env,
                          input=stdin)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} -> {done.returncode}: "
                           f"{(done.stdout + done.stderr).strip()[-800:]}")
    return done


def _quote(arg: str) -> str:
    import shlex
    return shlex.quote(arg)


def enable(*names: str) -> None:
    current = set(ENABLED.read_text().split()) if ENABLED.exists() else set()
    ENABLED.write_text("\n".join(sorted(current | set(names))) + "\n")


def start(name: str) -> None:
    sub = svc.find(name)
    assert sub is not None, name
    if svc.pid_of(sub) is None:
        svc.start(sub)


def password() -> str:
    return PG_PASSWORD_FILE.read_text().strip() if PG_PASSWORD_FILE.exists() else "cluster"


def setup_database(node: dict[str, object]) -> None:
    """Install the MN's database product and point xCAT at it (/etc/xcat/cfgloc)."""
    kind = node.get("db", "db2")
    own = str(node["address"])
    cfgloc = Path("/etc/xcat/cfgloc")
    cfgloc.parent.mkdir(parents=True, exist_ok=True)
    pw = password()
    if kind == "db2":
        from simulators.node import db2setup
        db2setup.setup(node, pw)
        cfgloc.write_text(f"DB2:XCATDB|xcatdb|{pw}\n")
    elif kind == "postgres":
        conf = Path("/etc/postgresql/15/main/postgresql.conf")
        text = conf.read_text()
        if "# hamn-sim" not in text:
            conf.write_text(text + "\n# hamn-sim\nlisten_addresses = 'localhost," + own + "'\n")
            subnet = str(node.get("subnet", "0.0.0.0/0"))
            hba = Path("/etc/postgresql/15/main/pg_hba.conf")
            hba.write_text(hba.read_text() + f"host all all {subnet} md5\n")
        start("postgresql")
        enable("postgresql")
        sh("psql", "-q", "-c", f"CREATE ROLE xcatadm LOGIN PASSWORD '{pw}'", user="postgres",
           check=False)
        sh("createdb", "-O", "xcatadm", "xcatdb", user="postgres", check=False)
        cfgloc.write_text(f"Pg:dbname=xcatdb;host={own}|xcatadm|{pw}\n")
    elif kind == "mysql":
        mysql_listen(node)
        start("mysql")
        enable("mysql")
        sql = ("CREATE DATABASE IF NOT EXISTS xcatdb;"
               f"CREATE USER IF NOT EXISTS 'xcatadmin'@'%' IDENTIFIED BY '{pw}';"
               f"CREATE USER IF NOT EXISTS 'xcatadmin'@'localhost' IDENTIFIED BY '{pw}';"
               "GRANT ALL ON xcatdb.* TO 'xcatadmin'@'%';"
               "GRANT ALL ON xcatdb.* TO 'xcatadmin'@'localhost';")
        sh("mariadb", "-u", "root", stdin=sql)
        cfgloc.write_text(f"mysql:dbname=xcatdb;host={own}|xcatadmin|{pw}\n")
    else:  # sqlite: xCAT's default, no cfgloc
        cfgloc.unlink(missing_ok=True)
    if cfgloc.exists():
        cfgloc.chmod(0o600)


def mysql_listen(node: dict[str, object]) -> None:
    """MariaDB on a MN listens on the cluster address too (xCAT's cfgloc names it; Debian's
    50-server.cnf binds 127.0.0.1 only). Only for db == "mysql"."""
    if node.get("db") != "mysql":
        return
    conf = Path("/etc/mysql/mariadb.conf.d/60-hamn-sim.cnf")
    if not conf.exists():
        conf.write_text("# hamn-sim: reachable on the cluster network\n[mysqld]\n"
                        "bind-address = 0.0.0.0\n")


def attach_twin(node: dict[str, object]) -> None:
    """Section 2's twin-tailed disk: the primary moves its paths onto it and mounts it."""
    paths = node.get("twin_tailed") or []
    assert isinstance(paths, list)
    for path in paths:
        disk = Path(f"{TWIN_DIR}{path}")
        disk.mkdir(parents=True, exist_ok=True)
        Path(path).mkdir(parents=True, exist_ok=True)
        sh("cp", "-a", f"{path}/.", str(disk))
        sh("mount", "--bind", str(disk), path)


def setup_mn(node: dict[str, object]) -> None:
    if not Path(f"{XCATBIN}/xcatconfig").exists():
        return  # an image without the xCAT simulator: bare hosts only
    setup_database(node)
    sh(f"{XCATBIN}/xcatconfig", "-i")
    sh(f"{XCATBIN}/xcatconfig", "-d")
    if node.get("personality") == "aix" and node["role"] == "standby":
        aix_osimage_files()  # section 6.2 copied them; NIM's own database stays local
    if node["role"] == "primary":
        attach_twin(node)
        start("xcatd")
        enable("xcatd")
        define_cluster_nodes(node)
        if node.get("personality") == "aix":
            define_aix_osimage(node)
        sh(f"{XCATBIN}/makedhcp", "-n")
        sh(f"{XCATBIN}/makedhcp", "-a")
        sh(f"{XCATBIN}/makedns", "-n")
        start("dhcpd")
        start("named")
        enable("dhcpd", "named")


def define_cluster_nodes(node: dict[str, object]) -> None:
    """The service and compute nodes as the admin defined them on the primary (section 3)."""
    nodes, macs, roles = node["nodes"], node["macs"], node["roles"]
    assert isinstance(nodes, dict) and isinstance(macs, dict) and isinstance(roles, dict)
    for role, group in (("service", "service"), ("compute", "compute")):
        name = roles.get(role)
        if not name:
            continue
        attrs = [f"groups={group},all", f"ip={nodes[name]}", f"mac={macs[name]}",
                 "netboot=xnba", "os=rhels6", "arch=x86_64", "profile=compute"]
        if role == "compute":
            attrs += ["mgt=ipmi", f"bmc={nodes[name]}"]
        sh(f"{XCATBIN}/mkdef", "-t", "node", "-o", str(name), *attrs)


AIX_OSIMAGE = "710Bdskls"
INSTALL_MTIME = 1767225600  # 2026-01-01: when the sim's /install was last synchronised


def aix_osimage_files() -> tuple[str, str, str]:
    """The osimage's files under /install/nim, the same on both MNs, as section 6.2's rsync
    leaves them (equal times too, so the drift check sees an operating pair in step)."""
    image = AIX_OSIMAGE
    lpp, spot = f"/install/nim/lpp_source/{image}", f"/install/nim/spot/{image}"
    bundle = "/install/nim/installp_bundle/xCATaixSSH.bnd"
    for d in (f"{lpp}/installp/ppc", f"{spot}/usr", str(Path(bundle).parent)):
        Path(d).mkdir(parents=True, exist_ok=True)
    Path(f"{lpp}/installp/ppc/.toc").write_text("bos.rte 7.1.0.0\n")
    Path(bundle).write_text("I:openssh.base\nI:openssl.base\n")
    for dirpath, dirs, files in os.walk("/install"):
        for name in [*dirs, *files]:
            os.utime(os.path.join(dirpath, name), (INSTALL_MTIME, INSTALL_MTIME))
    os.utime("/install", (INSTALL_MTIME, INSTALL_MTIME))
    return lpp, spot, bundle


def define_aix_osimage(node: dict[str, object]) -> None:
    """An AIX diskless osimage as xCAT's AIX docs build it: its files under /install/nim, its
    NIM resources on the primary's NIM master only (NIM's database is local: section 8
    re-creates them on the new MN), and the compute node provisioned from it."""
    image = AIX_OSIMAGE
    lpp, _spot, bundle = aix_osimage_files()
    sh("nim_master_setup", "-a", "mk_resource=no", "-a", f"device={lpp}")
    sh("nim", "-o", "define", "-t", "lpp_source", "-a", "server=master", "-a",
       f"location={lpp}", f"{image}_lpp_source")
    sh("/usr/lpp/bos.sysmgt/nim/methods/m_mkspot", "-o", "-a", "server=master", "-a",
       "location=/install/nim/spot/", "-a", "source=no", image)
    sh("nim", "-o", "define", "-t", "installp_bundle", "-a", "server=master", "-a",
       f"location={bundle}", "xCATaixSSH")
    sh(f"{XCATBIN}/mkdef", "-t", "osimage", "-o", image, "imagetype=NIM", "nimtype=diskless",
       "osname=AIX", f"lpp_source={image}_lpp_source", f"spot={image}",
       "installp_bundle=xCATaixSSH")
    roles = node["roles"]
    assert isinstance(roles, dict)
    if roles.get("compute"):
        sh(f"{XCATBIN}/chdef", "-t", "node", "-o", str(roles["compute"]),
           f"provmethod={image}")


def setup_compute(node: dict[str, object]) -> None:
    enable("bmc")


def setup(node: dict[str, object]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if not DONE.exists():
        role = node.get("role")
        if role in ("primary", "standby"):
            setup_mn(node)
        elif role == "compute":
            setup_compute(node)
        DONE.write_text(json.dumps({"role": role}) + "\n")
    for name in (ENABLED.read_text().split() if ENABLED.exists() else []):
        try:
            if name == "db2":  # the instance autostarts (DB2AUTOSTART), it is no SRC daemon
                from simulators.node import db2setup
                db2setup.start_instance()
                continue
            start(name)
        except (RuntimeError, SystemExit) as err:
            (VAR / "boot-errors").open("a").write(f"{name}: {err}\n")
