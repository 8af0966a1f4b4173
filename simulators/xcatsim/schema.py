"""xCAT's database tables and their columns (xCAT::Schema's tabspec, the tables HAMN touches).

Every table ends with xCAT's ``comments`` and ``disable`` columns; ``keys`` are the columns of
the primary key. xCAT stores every value as text (VARCHAR/TEXT), so does the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    descr: str = ""


def _t(name: str, keys: str, cols: str, descr: str = "") -> Table:
    columns = (*tuple(cols.split()), "comments", "disable")
    return Table(name, columns, tuple(keys.split()), descr)


TABLES: dict[str, Table] = {t.name: t for t in (
    _t("site", "key", "key value",
       "Global settings for the whole cluster."),
    _t("nodelist", "node",
       "node groups status statustime appstatus appstatustime primarysn hidden updatestatus"
       " updatestatustime zonename",
       "The list of all the nodes in the cluster, including each node's current status and"
       " what groups it is in."),
    _t("noderes", "node",
       "node servicenode netboot tftpserver tftpdir nfsserver monserver nfsdir installnic"
       " primarynic discoverynics cmdinterface xcatmaster current_osimage next_osimage"
       " nimserver routenames nameservers proxydhcp syslog",
       "Resources and settings to use when installing nodes."),
    _t("nodetype", "node", "node os arch profile provmethod supportedarchs nodetype",
       "A few hardware and software characteristics of the nodes."),
    _t("nodehm", "node",
       "node power mgt cons termserver termport conserver serialport serialspeed serialflow"
       " getmac cmdmapping consoleondemand",
       "Settings that control how each node's hardware is managed."),
    _t("ipmi", "node", "node bmc bmcport taggedvlan bmcid username password",
       "Settings for nodes that are controlled by an on-board BMC via IPMI."),
    _t("hosts", "node", "node ip hostnames otherinterfaces",
       "IP addresses and hostnames of nodes."),
    _t("mac", "node", "node interface mac",
       "The MAC address of the node's install adapter."),
    _t("chain", "node", "node currstate currchain chain ondiscover",
       "Controls what operations are done (and it what order) when a node is discovered"
       " and deployed."),
    _t("postscripts", "node", "node postscripts postbootscripts",
       "The scripts that should be run on each node after installation or diskless boot."),
    _t("networks", "net mask",
       "netname net mask mgtifname gateway dhcpserver tftpserver nameservers ntpservers"
       " logservers dynamicrange staticrange staticrangeincrement nodehostname ddnsdomain"
       " vlanid domain mtu",
       "Describes the networks in the cluster and info necessary to set up nodes on that"
       " network."),
    _t("osimage", "imagename",
       "imagename groups profile imagetype description provmethod rootfstype osdistroname"
       " osupdatename cfmdir osname osvers osarch synclists postscripts postbootscripts"
       " serverrole isdeletable kitcomponents environvar",
       "Basic information about an operating system image that can be used to deploy"
       " cluster nodes."),
    _t("linuximage", "imagename",
       "imagename template boottarget addkcmdline pkglist pkgdir otherpkglist otherpkgdir"
       " exlist postinstall rootimgdir kerneldir nodebootif otherifce netdrivers kernelver"
       " krpmver permission dump crashkernelsize partitionfile driverupdatesrc",
       "Information about a Linux operating system image that can be used to deploy cluster"
       " nodes."),
    _t("nimimage", "imagename",
       "imagename nimtype lpp_source spot root dump paging resolv_conf tmp home shared_home"
       " res_group nimmethod script bosinst_data installp_bundle mksysb fb_script"
       " shared_root otherpkgs image_data configdump",
       "All the info that specifies a particular AIX operating system image that can be"
       " used to deploy AIX nodes."),
    _t("nodegroup", "groupname", "groupname grouptype members membergroups wherevals",
       "Contains group definitions, whose membership is dynamic depending on characteristics"
       " of the node."),
    _t("passwd", "key username", "key username password cryptmethod authdomain",
       "Contains default userids and passwords for xCAT to access cluster components."),
    _t("policy", "priority", "priority name host commands noderange parameters time rule",
       "The policy table in the xCAT database controls who has authority to run specific"
       " xCAT operations."),
    _t("servicenode", "node",
       "node nameserver dhcpserver tftpserver nfsserver conserver monserver ldapserver"
       " ntpserver ftpserver nimserver ipforward dhcpinterfaces proxydhcp",
       "List of all Service Nodes and services that will be set up on the Service Node."),
    _t("bootparams", "node", "node kernel initrd kcmdline addkcmdline dhcpstatements"
       " adddhcpstatements",
       "Current boot settings to be sent to systems attempting network boot for deployment,"
       " stateless, or statelite installs."),
)}


def table(name: str) -> Table | None:
    return TABLES.get(name)
