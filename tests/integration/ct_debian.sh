#!/bin/sh
# tests/integration/ct_debian.sh [DIR]: the Debian system container image
# of t_ct_debian.sh, DIR/debian.sqfs (DIR defaults to build/ct-debian): a
# debootstrap --variant=minbase trixie root with systemd, made fit for a
# container, in a zstd squashfs.  Made once: remade only when this script
# changes (DIR/stamp holds a hash of it).  Runs inside the build root
# (debootstrap, mksquashfs), as root; about 1-2 minutes with the archive
# reachable.  Prints DIR/debian.sqfs's path when it is ready.
set -eu
DIR=${1:-build/ct-debian}
SUITE=trixie
MIRROR=${CAIRN_MIRROR:-http://deb.debian.org/debian}
stamp=$(sha256sum "$0" | cut -c1-16)
mkdir -p "$DIR"
exec 9>"$DIR/lock"
flock 9   # one build at a time; a second caller waits and then reuses it
if [ -f "$DIR/debian.sqfs" ] && [ "$(cat "$DIR/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$DIR/debian.sqfs"
	exit 0
fi
echo "ct-debian: building the Debian $SUITE system container image in $DIR (stamp $stamp; once, 1-2 minutes)" >&2
start=$(date +%s)
R=$DIR/root
rm -rf "$R" "$DIR/debian.sqfs" "$DIR/debian.sqfs.new" "$DIR/stamp"
# A test runs in a network namespace of its own, with loopback only
# (runner.sh TEST_NETNS=1): the download alone goes through the network
# namespace of the nearest ancestor outside it (the runner's).
net=
me=$(readlink /proc/self/ns/net) p=$$
while p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) && [ "${p:-0}" -gt 1 ]; do
	ns=$(readlink "/proc/$p/ns/net" 2>/dev/null) || break
	if [ "$ns" != "$me" ]; then
		net="nsenter --net=/proc/$p/ns/net --"
		break
	fi
done
$net debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus "$SUITE" "$R" "$MIRROR" \
	>"$DIR/debootstrap.log" 2>&1 || {
	tail -30 "$DIR/debootstrap.log" >&2
	echo "ct-debian: debootstrap failed (full log: $DIR/debootstrap.log)" >&2
	exit 1
}
chroot "$R" apt-get clean
# What makes no sense in a container: no devices to manage (udev), no
# virtual terminals (the console is a pty: console-getty stays), no
# network to configure (cairnd sets up eth0), and no first-boot prompt
# on the console waiting for a locale and a root password.
for u in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
	systemd-udev-trigger.service systemd-udev-settle.service systemd-firstboot.service \
	systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service \
	systemd-resolved.service systemd-timesyncd.service systemd-hwdb-update.service \
	getty@tty1.service getty@tty2.service getty@tty3.service getty@tty4.service \
	getty@tty5.service getty@tty6.service; do
	ln -sf /dev/null "$R/etc/systemd/system/$u"
done
# an empty machine-id: systemd makes one at boot (kept in the upper layer)
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
# no static host name: systemd keeps the one cairnd set (hostname =)
rm -f "$R/etc/hostname"
: >"$R/etc/fstab"
# root logs in on the console without a password (a test image)
chroot "$R" passwd -d root >/dev/null
chroot "$R" dpkg-query -W -f='${Package} ${Version}\n' >"$DIR/packages.txt"
# (squashfs stores no ACLs: the journal directory's default ACL goes)
mksquashfs "$R" "$DIR/debian.sqfs.new" -comp zstd -noappend -quiet -xattrs-exclude '^system\.posix_acl_' >/dev/null
rm -rf "$R"
sync "$DIR/debian.sqfs.new"
mv "$DIR/debian.sqfs.new" "$DIR/debian.sqfs"
echo "$stamp" >"$DIR/stamp"
echo "ct-debian: ready in $(($(date +%s) - start))s: $(du -h "$DIR/debian.sqfs" | cut -f1)" >&2
echo "$DIR/debian.sqfs"
