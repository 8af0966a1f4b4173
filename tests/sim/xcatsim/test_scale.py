"""Issue 4's scale: lsdef over 10,000 nodes in under 2 s, makedhcp/makedns in under 10 s."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.sim.xcatsim.conftest import Mn

N = 10_000


def bulk(directory: Path, table: str, rows: list[dict[str, str]]) -> None:
    cols = list(rows[0])
    with sqlite3.connect(directory / f"{table}.sqlite") as conn:
        conn.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES "
                         f"({','.join('?' for _ in cols)})", [tuple(r.values()) for r in rows])
    conn.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Mn:
    mn = Mn(tmp_path_factory.mktemp("big"))
    mn.init()
    d = mn.root / "etc/xcat"
    names = [f"n{i}" for i in range(N)]
    bulk(d, "nodelist", [{"node": n, "groups": "compute,all"} for n in names])
    bulk(d, "hosts", [{"node": n, "ip": f"10.1.{i // 250}.{i % 250 + 1}"}
                      for i, n in enumerate(names)])
    bulk(d, "mac", [{"node": n, "mac": f"02:00:00:{i >> 8 & 255:02x}:{i & 255:02x}:01"}
                    for i, n in enumerate(names)])
    bulk(d, "nodetype", [{"node": n, "os": "rhels7", "arch": "x86_64"} for n in names])
    bulk(d, "networks", [{"netname": "big", "net": "10.1.0.0", "mask": "255.255.0.0",
                          "mgtifname": "eth0"}])
    return mn


def test_lsdef_and_network_services_at_scale(big: Mn) -> None:
    big.start()
    try:
        assert big.xcat("chdef", "-t", "site", "domain=big.test").rc == 0
        t = time.monotonic()
        r = big.xcat("lsdef", "-t", "node", "-l")
        assert time.monotonic() - t < 2.0
        assert r.out.count("Object name: ") == N
        t = time.monotonic()
        assert big.xcat("makedhcp", "-n").rc == 0
        assert big.xcat("makedhcp", "-a").rc == 0
        assert big.xcat("makedns", "-n").rc == 0
        assert time.monotonic() - t < 10.0
        assert (big.root / "etc/dhcp/dhcpd.conf").read_text().count("host n") == N
    finally:
        big.stop()
