"""Build the simulated cluster's images, reusing them only when their content hash matches.

No registry is reachable: the base image is a debootstrapped Debian rootfs imported into
Docker (base/build_base.sh); the node image layers the simulators onto it. Each tag is a
hash of the files that go into it, so an unchanged tree never rebuilds and a changed one
never runs stale code (also across CI runs on a machine that kept its images).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import docker
import docker.errors

HERE = Path(__file__).resolve().parent
BASE_REPO = "hamn-sim-base"
NODE_REPO = "hamn-sim-node"
# What goes into the node image; host-side modules (this file, cluster.py) do not.
NODE_PARTS = ("__init__.py", "node", "db2sim", "xcatsim")


class ImageError(RuntimeError):
    """An image could not be built; the message says what to do."""


def _files(parts: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        path = HERE / part
        if path.is_file():
            found.append(path)
        else:
            found += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                      and not p.name.endswith((".pyc", ".pyo"))]
    return sorted(found)


def content_hash(files: Iterable[Path], salt: str = "") -> str:
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(str(path.relative_to(HERE)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
        digest.update(oct(path.stat().st_mode & 0o111).encode())
    return digest.hexdigest()[:16]


def base_tag() -> str:
    return f"{BASE_REPO}:{content_hash(_files(['base']))}"


def node_tag() -> str:
    return f"{NODE_REPO}:{content_hash(_files(NODE_PARTS), salt=base_tag())}"


def _exists(client: docker.DockerClient, tag: str) -> bool:
    try:
        client.images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False


def build_base(client: docker.DockerClient, log: Path | None = None) -> str:
    tag = base_tag()
    if _exists(client, tag):
        return tag
    if shutil.which("debootstrap") is None:
        raise ImageError("debootstrap is not installed: apt-get install debootstrap "
                         "(the base image is built from Debian packages)")
    out = log.open("w") if log else subprocess.DEVNULL
    try:
        done = subprocess.run(["sh", str(HERE / "base" / "build_base.sh"), tag],
                              stdout=out, stderr=subprocess.STDOUT, check=False)
    finally:
        if log and not isinstance(out, int):
            out.close()
    if done.returncode != 0:
        raise ImageError(f"building {tag} failed (exit {done.returncode})"
                         + (f"; see {log}" if log else ""))
    return tag


def build_node(client: docker.DockerClient, log: Path | None = None) -> str:
    """Return the node image tag, building the base and the node image when needed."""
    tag = node_tag()
    if _exists(client, tag):
        return tag
    base = build_base(client, log)
    with tempfile.TemporaryDirectory(prefix="hamn-ctx-") as tmp:
        ctx = Path(tmp)
        shutil.copy(HERE / "node" / "Dockerfile", ctx / "Dockerfile")
        for path in _files(NODE_PARTS):
            dest = ctx / "simulators" / path.relative_to(HERE)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
        try:
            client.images.build(path=str(ctx), tag=tag, buildargs={"BASE": base},
                                pull=False, rm=True, forcerm=True, labels={"hamn.sim": "node"})
        except docker.errors.BuildError as err:
            lines = [str(c.get("stream", c.get("error", ""))).rstrip() for c in err.build_log]
            tail = "\n".join(line for line in lines if line)[-1500:]
            raise ImageError(f"building {tag} failed: {err.msg}\n{tail}") from None
    return tag


def prune(client: docker.DockerClient) -> list[str]:
    """Remove node images other than the current one (old hashes)."""
    keep = node_tag()
    removed = []
    for image in client.images.list(name=NODE_REPO):
        if keep not in image.tags:
            for t in image.tags:
                try:
                    client.images.remove(t)
                    removed.append(t)
                except docker.errors.APIError:
                    pass  # still used by a container
    return removed
