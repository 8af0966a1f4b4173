"""xCAT simulator: xcatd with real TLS, xCAT's commands on four database kinds, real DHCP/DNS.

It stands in for the xCAT 2.x management-node software that the HAMN runbook drives
(sections 4, 5.1.9, 6 and 8): `xcatd` (xcatd.py) behind TLS with xCAT's CA layout
(certs.py), the database named by /etc/xcat/cfgloc (db/), xCAT's tables (schema.py) and
object definitions (objects.py), the client commands (client.py, commands/), and the network
services they generate (dhcp.py, dns.py, conserver.py), AIX NIM shims (nim.py) and the
compute node's power controller (bmc.py).

Entry points are the executables in bin/ (``#!/usr/bin/python3``, PYTHONPATH=/opt/hamn-sim).
Environment (all optional; the defaults are a real node's):

- XCATSIM_ROOT     prefix of every path (/etc/xcat, /install, /etc/dhcp, /var/named, ...)
- XCATSIM_HOME     the calling user's home, where ~/.xcat is (default: ~ under the root)
- XCATHOST         the xcatd clients talk to, HOST:PORT (default localhost:3001)
- XCATSIM_PORT     xcatd's port (3001); XCATSIM_IPORT its second port (3002; 0 = none)
- XCATSIM_LISTEN   address xcatd and bmcd bind (0.0.0.0)
- XCATSIM_BMC_PORT bmcd's port (623)
- XCATSIM_NIM_STATE the NIM shims' state file (/var/lib/hamn-sim/nim.json)
- XCATSIM_NAMED_CONF where makedns writes named.conf (/etc/bind/named.conf when /etc/bind
  exists, else /etc/named.conf)
- XCATSIM_NO_RESTART=1  do not restart dhcpd/named/conserver or touch sshd/dhclient (also
  the case when /etc/hamn-sim/node.json is absent)
- XCATSIM_VERSION, XCATSIM_BUILD  what lsxcatd -v prints (2.5.2, svn r7881 ...)
- XCATSIM_DOMAIN   site.domain for xcatconfig -d when node.json has no "domain"
"""
