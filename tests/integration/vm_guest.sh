#!/bin/sh
# vm_guest.sh OUTDIR [MODE]: a tiny guest for the VM tests and the VM
# benchmark: OUTDIR/vmlinuz (the build root's kernel) and OUTDIR/initrd (a
# busybox initramfs, cpio newc + gzip) whose init prints CAIRN-GUEST-UP on
# ttyS0 (where a shell also listens), then by MODE:
#   acpi    (default) powers off when the ACPI power button is pressed
#           (modules button + evdev, busybox acpid)
#   deaf    ignores the power button
#   disk    counts its boots in /dev/vda's first bytes (raw: a new disk
#           is zeros), prints "CAIRN-BOOTS n", then behaves as acpi
#   off     powers off right after the marker
#   net     eth0 (virtio-net) at 10.0.3.20/24 pings 10.0.3.1, prints
#           CAIRN-PING-OK when it answers, then behaves as acpi
# Runs where busybox-static, cpio, gzip and xz are (the build root).
set -eu
OUTD=$1
MODE=${2:-acpi}
K=$(ls /boot/vmlinuz-* | sort | tail -n 1)
KV=${K#/boot/vmlinuz-}
MODDIR=/usr/lib/modules/$KV/kernel
W=$(mktemp -d /tmp/vmguest.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bin" "$W/dev" "$W/proc" "$W/sys" "$W/mnt" "$W/etc/acpi/PWRF" "$W/lib/modules"
cp /bin/busybox "$W/bin/busybox"
for m in drivers/acpi/button drivers/input/evdev drivers/block/virtio_blk \
	net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
	xz -dc "$MODDIR/$m.ko.xz" >"$W/lib/modules/${m##*/}.ko"
done
printf '#!/bin/busybox sh\n/bin/busybox poweroff -f\n' >"$W/etc/acpi/PWRF/00000080"
chmod 755 "$W/etc/acpi/PWRF/00000080"
cat >"$W/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /lib/modules/*.ko; do insmod \$m 2>/dev/null; done
MODE=$MODE
if [ \$MODE = disk ]; then
	n=0; while [ ! -b /dev/vda ] && [ \$n -lt 100 ]; do sleep 0.1; n=\$((n+1)); done
	# the count in the disk's first 16 bytes, no file system (none
	# would need modules): a new disk is zeros, read as 0
	b=\$(head -c 16 /dev/vda | tr -dc 0-9); b=\$((\${b:-0}+1))
	printf '%-16s' \$b | dd of=/dev/vda bs=16 count=1 conv=notrunc,fsync 2>/dev/null; sync
	echo "CAIRN-BOOTS \$b" >/dev/ttyS0
	MODE=acpi
fi
if [ \$MODE = net ]; then
	ip link set lo up; ip addr add 10.0.3.20/24 dev eth0; ip link set eth0 up
	n=0; until ping -c1 -W1 10.0.3.1 >/dev/null 2>&1 || [ \$n -ge 60 ]; do n=\$((n+1)); done
	[ \$n -lt 60 ] && echo CAIRN-PING-OK >/dev/ttyS0
	MODE=acpi
fi
# the button handler first: the marker says the guest is ready for it
case \$MODE in
acpi) acpid -f -d -c /etc/acpi >/dev/ttyS0 2>&1 & sleep 1 ;;   # -f: a daemon would chdir away from its actions; -d: events on the console; sleep: let it open the event devices
esac
# a shell on the serial port, for cairnctl console
sh </dev/ttyS0 >/dev/ttyS0 2>&1 &
echo CAIRN-GUEST-UP >/dev/ttyS0
[ \$MODE = off ] && poweroff -f
while :; do sleep 1; done
INIT
chmod 755 "$W/init"
mkdir -p "$OUTD"
cp "$K" "$OUTD/vmlinuz"
(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) >"$OUTD/initrd.tmp"
mv "$OUTD/initrd.tmp" "$OUTD/initrd"
