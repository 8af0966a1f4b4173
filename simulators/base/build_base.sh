#!/bin/sh
# Build the simulated cluster's base rootfs from Debian packages and import it
# into Docker: no registry is reachable, so nothing can be pulled.
# Usage: build_base.sh TAG   (run as root; needs debootstrap)
set -eu
tag=$1
here=$(cd "$(dirname "$0")" && pwd)
mirror=${HAMN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d /var/tmp/hamn-rootfs.XXXXXX)
root=$work/rootfs

cleanup() {
    for m in dev/pts proc sys; do umount "$root/$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

first=$(sed -n 's/^@debootstrap //p' "$here/packages.txt" | tr ' ' ',')
rest=$(grep -v -e '^#' -e '^@' -e '^$' "$here/packages.txt" | tr '\n' ' ')

debootstrap --variant=minbase --include="$first" bookworm "$root" "$mirror"

# Services are started by the simulator's own service manager, never by postinst.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive chroot "$root" sh -c "apt-get install -y -q --no-install-recommends $rest"
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/etc/ssh/ssh_host_*
for m in dev/pts proc sys; do umount "$root/$m"; done

tar -C "$root" -c . | docker import \
    --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' \
    --change 'CMD ["/bin/sh"]' \
    - "$tag"
