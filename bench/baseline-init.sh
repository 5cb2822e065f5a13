#!/bin/sh
# bench/baseline-init.sh - the boot benchmark's floor: a busybox shell init
# that does what cairn-init does on the way to `cairnd: ready` (the same
# modules, the same partition lookup by GPT label, the same mounts), then
# writes `baseline: ready` to /dev/kmsg and powers off.  What cairn takes
# over this is what cairn-init and cairnd cost.  bench/mkbaseline.sh puts it
# at /init of a copy of the image's initramfs; stage 2 runs it again from
# /run inside the real root (the root is read-only).
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

# modules FILE: load each listed module after its modules.dep dependencies.
modules() {
	while read -r m; do
		[ -n "$m" ] && modprobe "$m"
	done <"$1"
}

# partition LABEL: /dev node of the GPT partition named LABEL, waiting 10 s.
partition() {
	i=0
	while [ $i -lt 1000 ]; do
		for u in /sys/class/block/*/uevent; do
			if grep -qx "PARTNAME=$1" "$u"; then
				echo "/dev/$(sed -n 's/^DEVNAME=//p' "$u")"
				return 0
			fi
		done
		usleep 10000; i=$((i + 1))
	done
	echo "baseline: no partition $1" >/dev/console
	return 1
}

if [ "$1" != stage2 ]; then
	# The initramfs carries busybox alone; give this script its applets.
	/bin/busybox --install -s /bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	modules /etc/cairn/modules
	root=$(partition cairn-root-a) || exec sh
	mount -t squashfs -o ro "$root" /newroot
	mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /newroot/run
	cp /init /newroot/run/baseline-init
	for d in proc sys dev; do mount --move /$d /newroot/$d; done
	exec switch_root /newroot /bin/sh /run/baseline-init stage2
fi

# stage 2, in the real root
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
modules /etc/cairn/modules
data=$(partition cairn-data) || exec sh
mount -t ext4 -o nosuid,nodev "$data" /var
hostname -F /etc/hostname
ip link set lo up
echo "<5>baseline: ready" >/dev/kmsg
sync
umount /var
poweroff -f
