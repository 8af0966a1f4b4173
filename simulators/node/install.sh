#!/bin/sh
# Layer the simulators onto the base image (run by `docker build`, see simulators/images.py).
set -eu
sim=/opt/hamn-sim/simulators
chmod 755 $sim/node/bin/* $sim/db2sim/bin/* $sim/xcatsim/bin/* 2>/dev/null || true

# The DB2 instance owner of sections 5.1 and 8.
id xcatdb >/dev/null 2>&1 || useradd -m -d /var/lib/db2 -s /bin/sh xcatdb
mkdir -p /var/lib/db2 && chown xcatdb /var/lib/db2

# One service manager behind both faces (Linux `service`, AIX SRC).
ln -sf $sim/node/bin/svc /usr/local/sbin/service
mkdir -p /usr/aix/bin /usr/aix/sbin /usr/lpp/bos.sysmgt/nim/methods /opt/xcat/bin /opt/xcat/sbin
ln -sf $sim/node/bin/shutdown /usr/local/sbin/shutdown
ln -sf $sim/node/bin/shutdown /usr/aix/sbin/shutdown
for f in startsrc stopsrc lssrc; do ln -sf $sim/node/bin/svc /usr/aix/bin/$f; done
for f in mktcpip lsattr ifconfig oslevel lslpp csum host uname; do ln -sf $sim/node/bin/aix /usr/aix/bin/$f; done
ln -sf $sim/node/bin/aix-date /usr/aix/bin/date
ln -sf $sim/node/bin/aix-sed /usr/aix/bin/sed

# What an AIX 6.1/7.x login PATH offers; GNU-only tools (getent, pgrep, ip, ss, stat,
# sha256sum, md5sum, readlink) are left out on purpose.
for c in sh ksh bash cat ls cp mv rm mkdir rmdir chmod chown chgrp ln echo printf grep egrep \
         fgrep awk head tail wc sort uniq cut tr tee touch find xargs ps kill sleep hostname \
         id whoami su env test true false expr basename dirname df du tar gzip gunzip \
         cksum perl rsync ssh scp ssh-keygen crontab ping diff cmp od dd which uptime who tty \
         stty more logger sync openssl python3 mount umount arp cron nohup nice time; do
    p=$(command -v "$c" 2>/dev/null) && ln -sf "$p" /usr/aix/bin/"$c"
done
ln -sf /usr/sbin/cron /usr/aix/sbin/cron
for f in $sim/xcatsim/bin/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    case "$name" in
        xcatd|xcatconfig|makedhcp|makedns|makehosts|makeconservercf|bmcd) ln -sf "$f" /opt/xcat/sbin/$name ;;
        nim|lsnim|nim_master_setup) ln -sf "$f" /usr/aix/sbin/$name; ln -sf "$f" /usr/sbin/$name ;;
        m_mkspot) ln -sf "$f" /usr/lpp/bos.sysmgt/nim/methods/m_mkspot ;;
        *) ln -sf "$f" /opt/xcat/bin/$name ;;
    esac
done

# xCAT's Version.pm, as the xCAT-server package installs it.
mkdir -p /opt/xcat/lib/perl/xCAT
python3 -c "from simulators.xcatsim.commands import lsxcatd as l; open(l.VERSION_PM, 'w').write(l.version_pm(l.VERSION))"

# sshd: keys and certificate come from the cluster at first start (simulators/cluster.py).
cat > /etc/ssh/sshd_config.d/hamn-sim.conf <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
HostKey /etc/ssh/ssh_host_ed25519_key
HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub
UseDNS no
MaxSessions 64
MaxStartups 64:30:128
CONF
mkdir -p /root/.ssh /run/sshd /var/log/hamn-sim /etc/hamn-sim /var/lib/hamn-sim
chmod 700 /root/.ssh
