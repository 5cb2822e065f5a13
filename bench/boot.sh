#!/bin/sh
# bench/boot.sh [IMG] [ROUNDS] - guest boot time to ready, cairn against the
# floor, in the same run on the same disk.  Runs on the host.
#
# Time is the kernel's own: the printk timestamp (printk.time=1, from
# kernel start) of cairnd's `cairnd: ready` line in /dev/kmsg, against
# that of `baseline: ready` written by bench/baseline-init.sh, a busybox
# init doing the same module loads and mounts (the floor: what the kernel
# and the work itself cost).  loglevel=6 lets kmsg notices reach the serial
# log.  Rounds alternate cairn and baseline on one copy of the disk, after
# one unmeasured cairn boot (first-boot work is not what is measured);
# the medians are printed.
set -eu
IMG=${1:-build/image}
ROUNDS=${2:-3}
W=build/bench-boot
QMP=$W/qmp.sock
mk/inroot.sh bench/mkbaseline.sh "$IMG"
rm -rf "$W"; mkdir -p "$W"
cp --sparse=always "$IMG/disk.img" "$W/disk.img"
# The image's kernel command line (slot, root hash), made by mkimage.sh.
cmdline=cairn.slot=a
[ ! -f "$IMG/cmdline" ] || cmdline=$(cat "$IMG/cmdline")

# boot_once INITRD MARKER LOG: boot, wait for MARKER (bounded 180 s), ask
# for an orderly power-off over QMP, make sure QEMU is gone, print the
# marker's kernel timestamp in ms.
boot_once() {
	qemu-system-x86_64 -display none -monitor none -no-reboot -machine q35 \
		-accel tcg,thread=single -cpu max -m 1G -smp 2 \
		-kernel "$IMG/vmlinuz" -initrd "$1" \
		-append "console=ttyS0 panic=-1 printk.time=1 loglevel=6 $cmdline" \
		-drive "file=$W/disk.img,format=raw,if=virtio" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= \
		-device virtio-rng-pci -qmp "unix:$QMP,server=on,wait=off" \
		-serial "file:$3" >/dev/null 2>&1 &
	pid=$!
	i=0
	until grep -q "] $2" "$3" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 360 ] || ! kill -0 $pid 2>/dev/null; then
			kill $pid 2>/dev/null || true
			echo "boot: no '$2' in $3" >&2; tail -20 "$3" >&2; exit 1
		fi
		sleep 0.5
	done
	python3 tests/system/qmp.py "$QMP" system_powerdown >/dev/null 2>&1 || true
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
	kill $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	sed -n "s/.*\[ *\([0-9]*\)\.\([0-9]\{3\}\).*\] $2.*/\1\2/p" "$3" | head -1 | sed 's/^0*//'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

boot_once "$IMG/initramfs.img" "cairnd: ready" "$W/warmup.log" >/dev/null
: >"$W/cairn.ms"; : >"$W/base.ms"
r=1
while [ $r -le "$ROUNDS" ]; do
	c=$(boot_once "$IMG/initramfs.img" "cairnd: ready" "$W/cairn-$r.log")
	b=$(boot_once "$IMG/initramfs-baseline.img" "baseline: ready" "$W/base-$r.log")
	echo "round $r: cairn ${c} ms, baseline ${b} ms"
	echo "$c" >>"$W/cairn.ms"; echo "$b" >>"$W/base.ms"
	r=$((r + 1))
done
c=$(median <"$W/cairn.ms"); b=$(median <"$W/base.ms")
echo "boot (TCG, kernel start to ready, median of $ROUNDS): cairn $c ms, baseline $b ms, cairn adds $((c - b)) ms"
