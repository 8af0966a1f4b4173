"""Parsers behind the after-failover checks, on recorded output (arping, dhclient leases)."""

from __future__ import annotations

from hamn.failover_checks import parse_arping, parse_leases

HABETS = """ARPING 172.30.51.103
42 bytes from 02:42:ac:1e:33:68 (172.30.51.103): index=0 time=9.294 usec
42 bytes from 02:42:ac:1e:33:68 (172.30.51.103): index=1 time=6.439 usec

--- 172.30.51.103 statistics ---
3 packets transmitted, 3 packets received,   0% unanswered (0 extra)
"""

IPUTILS = """ARPING 9.114.47.103 from 9.114.47.110 eth0
Unicast reply from 9.114.47.103 [00:1A:64:0B:11:22]  0.651ms
Unicast reply from 9.114.47.103 [00:1A:64:0B:33:44]  0.702ms
Sent 2 probes (1 broadcast(s))
"""

LEASES = """lease {
  interface "eth0";
  fixed-address 172.30.51.120;
  option subnet-mask 255.255.255.0;
  option dhcp-lease-time 43200;
  option dhcp-server-identifier 172.30.51.103;
  renew 2 2026/11/24 23:02:13;
  expire 3 2026/11/25 08:56:09;
}
lease {
  interface "eth0";
  fixed-address 172.30.51.120;
  option dhcp-server-identifier 172.30.51.104;
  renew 2 2026/11/24 23:30:00;
  expire 3 2026/11/25 09:10:00;
}
"""


def test_arping_both_formats() -> None:
    assert parse_arping(HABETS) == {"02:42:ac:1e:33:68"}
    assert parse_arping(IPUTILS) == {"00:1a:64:0b:11:22", "00:1a:64:0b:33:44"}
    assert parse_arping("ARPING 1.2.3.4\nTimeout\n") == set()


def test_leases_oldest_first() -> None:
    leases = parse_leases(LEASES)
    assert [lease["dhcp-server-identifier"] for lease in leases] == ["172.30.51.103",
                                                                    "172.30.51.104"]
    assert leases[-1]["expire"] == "3 2026/11/25 09:10:00"
    assert parse_leases("") == []
