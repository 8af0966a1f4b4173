#!/bin/sh
# Install what hamn needs on a fresh Debian machine with Docker: apt packages, the venv.
# Idempotent and quick when everything is there. Images are built on first use, by hash.
set -eu
cd "$(dirname "$0")/.."
need=""
for pkg in debootstrap rsync openssh-client chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "bootstrap: apt-get install$need" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
command -v docker >/dev/null || { echo "bootstrap: docker is not installed: install Docker Engine" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "bootstrap: the Docker daemon does not answer: start it" >&2; exit 1; }
stamp=.venv/.hamn-deps
want=$(cat pyproject.toml | cksum)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bootstrap: creating .venv" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q -e '.[dev]'
    echo "$want" > "$stamp"
fi
