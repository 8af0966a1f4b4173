"""Run the simulated HA cluster: primary MN, standby MN, service node, compute node.

Each node is a container on the cluster's own Docker network with its own address, a real
sshd whose host certificate the cluster's CA signed (so hamn checks host keys for real and
the identity swap of section 8 needs no exception), root key login for the controller, and
the capabilities to change its own address and hostname. The same fault primitives serve
tests and the CLI: stop/start/kill, pause, cut off and heal, clock skew.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
from docker.models.containers import Container

from hamn.errors import HamnError
from simulators import images
from simulators.node.roles import TWIN_DIR
from simulators.presets import DEFAULT_PRESET, NodeSpec, Preset, get


class SimError(HamnError):
    """The simulated cluster could not do what was asked; the message says what to do."""


def state_root() -> Path:
    return Path(os.environ.get("HAMN_HOME", Path.home() / ".hamn")) / "sim"


def docker_client() -> docker.DockerClient:
    try:
        client = docker.from_env()
        client.ping()
        return client
    except docker.errors.DockerException as err:
        raise SimError(f"no Docker engine answers ({err.__class__.__name__}): start the "
                       "Docker daemon, or point DOCKER_HOST at one") from None


@dataclass(frozen=True)
class SimNode:
    spec: NodeSpec
    address: str
    container_name: str


class Cluster:
    """One simulated cluster, built from a preset."""

    def __init__(self, preset: Preset | str = DEFAULT_PRESET,
                 client: docker.DockerClient | None = None) -> None:
        self.preset = get(preset) if isinstance(preset, str) else preset
        self._client = client
        self.name = self.preset.cluster
        self.state = state_root() / self.name
        self.network_name = f"hamn-{self.name}"
        self.nodes = [SimNode(n, self.preset.address(n), f"hamn-{self.name}-{n.name}")
                      for n in self.preset.nodes]

    @property
    def client(self) -> docker.DockerClient:
        if self._client is None:
            self._client = docker_client()
        return self._client

    # --- lookups ------------------------------------------------------------------------

    def node(self, name_or_role: str) -> SimNode:
        for n in self.nodes:
            if name_or_role in (n.spec.name, n.spec.role):
                return n
        names = ", ".join(n.spec.name for n in self.nodes)
        raise SimError(f"no node {name_or_role!r} in cluster {self.name}; nodes: {names}")

    def container(self, name_or_role: str) -> Container:
        try:
            return self.client.containers.get(self.node(name_or_role).container_name)
        except docker.errors.NotFound:
            raise SimError(f"node {name_or_role} of cluster {self.name} is not created: "
                           f"run `hamn sim up --preset {self.preset.name}`") from None

    @property
    def twin_volume(self) -> str:
        return f"hamn-{self.name}-twin"

    @staticmethod
    def twin_commands(paths: tuple[str, ...]) -> tuple[str, str]:
        """Attach / detach commands for the sim's twin-tailed disk (bind mounts)."""
        attach = " && ".join(f"mkdir -p {TWIN_DIR}{p} {p} && mount --bind {TWIN_DIR}{p} {p}"
                             for p in paths)
        detach = " && ".join(f"umount {p}" for p in paths)
        return attach, detach

    @property
    def ssh_config_path(self) -> Path:
        return self.state / "ssh_config"

    @property
    def hosts_option(self) -> str:
        return ",".join(n.spec.name for n in self.nodes)

    def spec_hash(self, image: str) -> str:
        text = json.dumps([self.preset.name, self.preset.subnet, self.preset.db,
                           self.preset.db2_level, self.preset.sync_mode, image,
                           [(n.spec.name, n.spec.role, n.address, n.spec.personality)
                            for n in self.nodes]])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # --- ssh material ---------------------------------------------------------------------

    def _keygen(self, path: Path, comment: str) -> None:
        if not path.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                            "-f", str(path)], check=True)

    def _principals(self, n: SimNode) -> list[str]:
        dom = self.preset.domain
        if n.spec.role in ("primary", "standby"):
            # Either MN may carry either identity after a failover (section 8).
            mns = [m for m in self.nodes if m.spec.role in ("primary", "standby")]
            return [p for m in mns for p in (m.spec.name, f"{m.spec.name}.{dom}", m.address)]
        return [n.spec.name, f"{n.spec.name}.{dom}", n.address]

    def _ssh_material(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        os.chmod(self.state, 0o700)
        self._keygen(self.state / "ca_key", f"hamn-sim host CA {self.name}")
        self._keygen(self.state / "id_ed25519", f"hamn controller {self.name}")
        for n in self.nodes:
            key = self.state / f"host_{n.spec.name}"
            self._keygen(key, f"host key {n.spec.name}")
            cert = Path(f"{key}-cert.pub")
            if not cert.exists():
                subprocess.run(["ssh-keygen", "-q", "-s", str(self.state / "ca_key"), "-h",
                                "-I", f"{self.name}-{n.spec.name}",
                                "-n", ",".join(self._principals(n)), f"{key}.pub"],
                               check=True)
            if n.spec.role in ("primary", "standby"):
                self._keygen(self.state / f"root_{n.spec.name}", f"root@{n.spec.name}")
        secret = self.state / "secrets"
        if not secret.exists():
            secret.write_text(json.dumps({"db_password": secrets.token_urlsafe(12)}))
            secret.chmod(0o600)
        ca_pub = (self.state / "ca_key.pub").read_text().strip()
        patterns = ",".join(sorted({p for n in self.nodes for p in self._principals(n)}))
        (self.state / "known_hosts").write_text(f"@cert-authority {patterns} {ca_pub}\n")
        self.ssh_config_path.write_text(self.ssh_config())

    def ssh_config(self) -> str:
        lines = [f"# hamn simulated cluster {self.name} (preset {self.preset.name})"]
        for n in self.nodes:
            lines += [
                f"Host {n.spec.name}",
                f"    HostName {n.address}",
                "    User root",
                f"    IdentityFile {self.state / 'id_ed25519'}",
                "    IdentitiesOnly yes",
                f"    UserKnownHostsFile {self.state / 'known_hosts'}",
                "    StrictHostKeyChecking yes",
                "    CheckHostIP no",
                "    ConnectTimeout 5",
                "    ServerAliveInterval 5",
                "    LogLevel ERROR",
            ]
        return "\n".join(lines) + "\n"

    def db_password(self) -> str:
        data: dict[str, str] = json.loads((self.state / "secrets").read_text())
        return data["db_password"]

    def _node_files(self, n: SimNode) -> list[tuple[str, bytes, int]]:
        node_json = {
            "cluster": self.name, "preset": self.preset.name, "name": n.spec.name,
            "role": n.spec.role, "personality": n.spec.personality, "db": self.preset.db,
            "db2_level": self.preset.db2_level, "sync_mode": self.preset.sync_mode,
            "pg_method": self.preset.pg_method,
            "twin_tailed": list(self.preset.twin_tailed),
            "address": n.address, "netmask": "255.255.255.0", "gateway": self.preset.gateway,
            "subnet": self.preset.subnet, "interface": "eth0", "domain": self.preset.domain,
            "nameserver": self.node("primary").address,
            "nodes": {m.spec.name: m.address for m in self.nodes},
            "macs": {m.spec.name: docker_mac(m.address) for m in self.nodes},
            "roles": {m.spec.role: m.spec.name for m in self.nodes},
        }
        key = self.state / f"host_{n.spec.name}"
        ca_pub = (self.state / "ca_key.pub").read_text().strip()
        auth = [(self.state / "id_ed25519.pub").read_text()]
        auth += [(self.state / f"root_{m.spec.name}.pub").read_text() for m in self.nodes
                 if m.spec.role in ("primary", "standby")]
        files = [
            ("etc/hamn-sim/node.json", json.dumps(node_json, indent=1).encode(), 0o644),
            ("etc/hamn-sim/cluster", f"{self.name}\n".encode(), 0o644),
            ("etc/hamn-sim/dbpassword", self.db_password().encode(), 0o600),
            ("etc/ssh/ssh_host_ed25519_key", key.read_bytes(), 0o600),
            ("etc/ssh/ssh_host_ed25519_key.pub", Path(f"{key}.pub").read_bytes(), 0o644),
            ("etc/ssh/ssh_host_ed25519_key-cert.pub", Path(f"{key}-cert.pub").read_bytes(),
             0o644),
            ("etc/ssh/ssh_known_hosts", f"@cert-authority * {ca_pub}\n".encode(), 0o644),
            ("root/.ssh/authorized_keys", "".join(auth).encode(), 0o600),
        ]
        if n.spec.role in ("primary", "standby"):
            root = self.state / f"root_{n.spec.name}"
            files += [("root/.ssh/id_ed25519", root.read_bytes(), 0o600),
                      ("root/.ssh/id_ed25519.pub", Path(f"{root}.pub").read_bytes(), 0o644)]
        return files

    # --- lifecycle ------------------------------------------------------------------------

    def _network(self) -> None:
        try:
            net = self.client.networks.get(self.network_name)
            cfg = net.attrs["IPAM"]["Config"]
            if cfg and cfg[0].get("Subnet") == self.preset.subnet:
                return
            net.remove()
        except docker.errors.NotFound:
            pass
        for other in self.client.networks.list():
            for cfg in other.attrs.get("IPAM", {}).get("Config") or []:
                if cfg.get("Subnet") == self.preset.subnet:
                    raise SimError(f"Docker network {other.name} already uses "
                                   f"{self.preset.subnet}: remove it or choose another preset")
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(
            subnet=self.preset.subnet, gateway=self.preset.gateway)])
        self.client.networks.create(self.network_name, driver="bridge", ipam=ipam,
                                    labels={"hamn.cluster": self.name})

    def _existing(self) -> list[Container]:
        return list(self.client.containers.list(
            all=True, filters={"label": f"hamn.cluster={self.name}"}))

    def running(self) -> bool:
        """True when every node runs the current image and spec."""
        try:
            image = images.node_tag()
            want = self.spec_hash(image)
            found = {c.name: c for c in self._existing()}
        except docker.errors.DockerException:
            return False
        for n in self.nodes:
            c = found.get(n.container_name)
            if c is None or c.status != "running" or c.labels.get("hamn.spec") != want:
                return False
        return self.ssh_config_path.exists()

    def alive(self) -> bool:
        """True when every node's container runs (whatever image it runs)."""
        try:
            found = {c.name: c.status for c in self._existing()}
        except docker.errors.DockerException:
            return False
        return (all(found.get(n.container_name) == "running" for n in self.nodes)
                and self.ssh_config_path.exists())

    def up(self, log: Path | None = None, fresh: bool = False) -> bool:
        """Bring the cluster up; reuse it when image and spec hashes match. True if built."""
        image = images.build_node(self.client, log)
        want = self.spec_hash(image)
        existing = self._existing()
        if (not fresh and len(existing) == len(self.nodes)
                and all(c.labels.get("hamn.spec") == want for c in existing)):
            for c in existing:
                if c.status != "running":
                    c.start()
            self._ssh_material()
            self.wait_booted()
            return False
        self.down()
        self._ssh_material()
        self._network()
        # Service and compute nodes first: the MNs' setup may reach them.
        order = sorted(self.nodes, key=lambda n: n.spec.role in ("primary", "standby"))
        for n in order:
            self._create(n, image, want)
        self.wait_booted()
        self._after_boot()
        return True

    def _create(self, n: SimNode, image: str, spec: str) -> None:
        endpoint = self.client.api.create_endpoint_config(ipv4_address=n.address)
        binds = {}
        if self.preset.twin_tailed and n.spec.role in ("primary", "standby"):
            # The twin-tailed disk: cabled to both MNs, mounted by one at a time (hamn.twin).
            binds[self.twin_volume] = {"bind": TWIN_DIR, "mode": "rw"}
        host_cfg = self.client.api.create_host_config(
            cap_add=["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_TIME"],
            init=False, tmpfs={"/run": "exec"}, shm_size="256m", binds=binds,
        )
        cid = self.client.api.create_container(
            image, name=n.container_name, hostname=n.spec.name, host_config=host_cfg,
            labels={"hamn.cluster": self.name, "hamn.node": n.spec.name,
                    "hamn.role": n.spec.role, "hamn.spec": spec},
            networking_config=self.client.api.create_networking_config(
                {self.network_name: endpoint}),
        )["Id"]
        self.client.api.put_archive(cid, "/", _tar(self._node_files(n)))
        self.client.api.start(cid)

    def wait_booted(self, timeout: float = 240.0, names: list[str] | None = None) -> None:
        deadline = time.monotonic() + timeout
        pending = list(names or [n.spec.name for n in self.nodes])
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                res = self.exec(name, "cat /run/hamn-sim/booted 2>/dev/null", check=False)
                if res.startswith("ok"):
                    pending.remove(name)
                elif res.startswith("failed"):
                    raise SimError(f"node {name} failed to boot:\n{res[-2000:]}")
            if pending:
                time.sleep(0.3)
        if pending:
            raise SimError(f"nodes {', '.join(pending)} did not boot within {timeout:.0f}s; "
                           "see `hamn sim shell NODE` and /var/log/hamn-sim/")

    def _after_boot(self) -> None:
        """Cluster-wide state that sections 3 and 4 leave: the SN holds the MN's credentials."""
        has_creds = self.exec("primary", "test -d /root/.xcat && echo yes", check=False)
        if has_creds.strip() == "yes":
            bits, _ = self.container("primary").get_archive("/root/.xcat")
            data = b"".join(bits)
            for sn in (n for n in self.nodes if n.spec.role == "service"):
                self.client.api.put_archive(sn.container_name, "/root", data)
        for cn in (n for n in self.nodes if n.spec.role == "compute"):
            self.exec(cn.spec.name, "service bmc start >/dev/null 2>&1 || true", check=False)
            # The compute node's first lease, from the primary's DHCP server (section 2).
            self.exec(cn.spec.name, "timeout 20 dhclient -1 -v eth0 >/var/log/hamn-sim/"
                      "dhclient.log 2>&1 || true", check=False)

    def down(self) -> None:
        for c in self._existing():
            c.remove(force=True, v=True)
        with contextlib.suppress(docker.errors.NotFound):
            self.client.volumes.get(self.twin_volume).remove(force=True)
        with contextlib.suppress(docker.errors.NotFound):
            self.client.networks.get(self.network_name).remove()

    def status(self) -> list[dict[str, str]]:
        found = {c.name: c for c in self._existing()}
        rows = []
        for n in self.nodes:
            c = found.get(n.container_name)
            rows.append({"node": n.spec.name, "role": n.spec.role, "address": n.address,
                         "personality": n.spec.personality,
                         "state": c.status if c else "absent"})
        return rows

    # --- control (docker exec: works even when a node is cut off) --------------------------

    def exec(self, name: str, script: str, check: bool = True, user: str = "root") -> str:
        c = self.container(name)
        code, out = c.exec_run(["/bin/sh", "-c", script], user=user, demux=False)
        text = out.decode(errors="replace") if out else ""
        if check and code != 0:
            raise SimError(f"{name}: `{script}` exited {code}: {text.strip()[-500:]}")
        return text

    def stop(self, name: str) -> None:
        self.container(name).stop(timeout=10)

    def start(self, name: str, wait: bool = True) -> None:
        self.container(name).start()
        if wait:
            self.wait_booted(names=[self.node(name).spec.name])

    def start_as(self, name: str, other: str, wait: bool = True) -> None:
        """Power NAME on carrying OTHER's identity (address and hostname), as the standby.

        Section 9: the previous primary comes back while the active MN holds its old
        identity. Before it rejoins the network it is given the former standby's identity
        at its console (here: while powered off), and the services a standby does not run
        (xcatd, DHCP, DNS; section 4) are left off, so it never answers as the active MN.
        """
        me, them = self.node(name), self.node(other)
        c = self.container(name)
        if c.status == "running":
            raise SimError(f"node {name} is running: power it off first")
        net = self.client.networks.get(self.network_name)
        net.disconnect(c, force=True)
        # Docker still books OTHER's address for OTHER's container (the identity moved
        # inside the nodes): plug in on a spare address, which boot replaces by OTHER's.
        net.connect(c, ipv4_address=f"{self.preset.subnet_prefix}.250")
        ident = json.dumps({"hostname": them.spec.name, "address": them.address,
                            "netmask": "255.255.255.0", "interface": "eth0",
                            "gateway": self.preset.gateway})
        files = [("etc/hamn-sim/identity.json", ident.encode(), 0o644)]
        # The standby's services only, as the admin leaves them after section 4.
        with contextlib.suppress(docker.errors.NotFound):
            bits, _ = c.get_archive("/var/lib/hamn-sim/enabled")
            with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as tar:
                member = tar.extractfile("enabled")
                text = member.read().decode() if member else ""
            keep = [s for s in text.split() if s not in ("xcatd", "dhcpd", "named")]
            files.append(("var/lib/hamn-sim/enabled", ("\n".join(keep) + "\n").encode(),
                          0o644))
        self.client.api.put_archive(c.id, "/", _tar(files))
        c.start()
        if wait:
            self.wait_booted(names=[me.spec.name])

    def kill(self, name: str) -> None:
        self.container(name).kill()

    def pause(self, name: str) -> None:
        self.container(name).pause()

    def unpause(self, name: str) -> None:
        self.container(name).unpause()

    def cut_link(self, a: str, b: str) -> None:
        """Drop all traffic between nodes A and B (both directions), keep the controller."""
        na, nb = self.node(a), self.node(b)
        self.exec(na.spec.name, f"ip route replace blackhole {nb.address}/32")
        self.exec(nb.spec.name, f"ip route replace blackhole {na.address}/32")

    def cut_off(self, name: str) -> None:
        """Cut NAME off from every other node; the controller still reaches it."""
        for other in self.nodes:
            if other.spec.name != self.node(name).spec.name:
                self.cut_link(name, other.spec.name)

    def heal(self) -> None:
        for n in self.nodes:
            self.exec(n.spec.name, "ip route show type blackhole | while read -r _ d _; do "
                      "ip route del blackhole \"$d\"; done", check=False)

    def skew_clock(self, name: str, seconds: int) -> None:
        """Shift NAME's wall clock by SECONDS for every login session (libfaketime).

        Set through /etc/environment (pam_env), not /etc/ld.so.preload: sshd's privilege
        separation sandbox kills a process that carries libfaketime.
        """
        keep = "grep -v -e '^LD_PRELOAD=' -e '^FAKETIME=' /etc/environment > /etc/environment.n"
        add = ""
        if seconds:
            add = (" && echo LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
                   f" >> /etc/environment.n && echo FAKETIME={seconds:+d} >> /etc/environment.n")
        self.exec(name, f"{keep}{add}; mv /etc/environment.n /etc/environment")


    # --- software and credentials out of step (sections 6.1 and 7), for the checks to find --

    def set_os_level(self, name: str, level: str | None) -> None:
        """Pretend an OS update on NAME only (None: undo). AIX: oslevel -s; Linux: os-release."""
        keep = "/var/lib/hamn-sim/os-release.keep"
        if self.node(name).spec.personality == "aix":
            script = (f"echo {level} > /etc/hamn-sim/oslevel" if level
                      else "rm -f /etc/hamn-sim/oslevel")
        elif level:
            script = (f"[ -f {keep} ] || cp -p /usr/lib/os-release {keep}; sed "
                      f"'s/^VERSION_ID=.*/VERSION_ID=\"{level}\"/' {keep} > /usr/lib/os-release")
        else:
            script = f"[ ! -f {keep} ] || mv {keep} /usr/lib/os-release"
        self.exec(name, script)

    def set_xcat_version(self, name: str, version: str | None) -> None:
        """Pretend an xCAT update on NAME only (None: back to the image's level)."""
        level = f"'{version}'" if version else "None"
        self.exec(name, "python3 -c \"from simulators.xcatsim.commands import lsxcatd as l; "
                  f"v = {level} or l.VERSION; open(l.VERSION_PM, 'w').write(l.version_pm(v))\"")

    def estrange_ca(self, name: str) -> None:
        """Replace NAME's copy of the CA certificate xcatd trusts by a stranger's."""
        self.exec(name, "openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null "
                  "-out /etc/xcat/cert/ca.pem -subj /CN=hamn-out-of-step -days 1 2>/dev/null")


def docker_mac(address: str) -> str:
    """The MAC Docker's bridge driver derives from a container's IPv4 address."""
    return "02:42:" + ":".join(f"{int(b):02x}" for b in address.split("."))


def _tar(files: list[tuple[str, bytes, int]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        dirs: set[str] = set()
        for path, data, mode in files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    info = tarfile.TarInfo(d)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o700 if d.endswith(".ssh") else 0o755
                    tar.addfile(info)
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = mode
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def running_clusters() -> Iterator[Cluster]:
    """Clusters of known presets whose containers run now."""
    from simulators.presets import PRESETS
    try:
        client = docker_client()
    except SimError:
        return
    for preset in PRESETS.values():
        cluster = Cluster(preset, client)
        if cluster.alive():
            yield cluster
