"""xCAT simulator: xcatd with real TLS, xCAT's commands on four database kinds, real DHCP/DNS.

It stands in for the xCAT 2.x management-node software that the HAMN runbook drives
(sections 4, 5.1.9, 6 and 8): `xcatd` (xcatd.py) behind TLS with xCAT's CA layout
(certs.py), the database named by /etc/xcat/cfgloc (db/), xCAT's tables (schema.py) and
object definitions (objects.py), the client commands (client.py, commands/), and the network
services they generate (dhcp.py, dns.py, conserver.py), AIX NIM shims (nim.py) and the
compute node's power controller (bmc.py).
"""
