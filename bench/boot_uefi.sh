#!/bin/sh
# bench/boot_uefi.sh [IMG] [ROUNDS] - the default appliance image's size,
# and its boot time to ready through the whole chain a machine runs:
# firmware (OVMF), systemd-boot and its loader entry, the kernel, stage 1
# (dm-verity), cairn-init, cairnd `ready`.  Runs on the host.
#
# bench/boot.sh measures from kernel start (printk time) with -kernel; a
# firmware boot starts before the kernel has a clock, so this one takes
# the wall clock from QEMU's start to the `cairnd: ready` line on the
# serial console (polled every 50 ms), and splits it with the kernel's
# own timestamp of that line: what is left before it is firmware and boot
# loader.  One unmeasured boot first (first-boot work: keys, data
# partition), then ROUNDS boots of the same disk copy; medians printed.
set -eu
IMG=${1:-build/image}
ROUNDS=${2:-3}
OVMF_DIR=${OVMF_DIR:-/usr/share/OVMF}
W=build/bench-boot-uefi
QMP=$W/qmp.sock
for f in disk.img root.sqfs; do
	[ -f "$IMG/$f" ] || { echo "boot_uefi: $IMG/$f missing (make image)" >&2; exit 1; }
done
rm -rf "$W"; mkdir -p "$W"
cp --sparse=always "$IMG/disk.img" "$W/disk.img"
cp "$OVMF_DIR/OVMF_VARS_4M.fd" "$W/vars.fd"

# The image as shipped: what dd writes, what it holds, the root.
mib() { echo "$(( ($1 + 524288) / 1048576 ))"; }
echo "image: disk.img $(mib "$(stat -c %s "$IMG/disk.img")") MiB raw," \
	"$(mib "$(($(stat -c %b "$IMG/disk.img") * 512))") MiB used (du)," \
	"root.sqfs $(mib "$(stat -c %s "$IMG/root.sqfs")") MiB," \
	"ESP files $(du -ck "$IMG/vmlinuz" "$IMG/initramfs.img" | tail -1 | cut -f1) KiB (kernel + initramfs)"

now_ms() { date +%s%3N; }

# boot_once LOG: one firmware boot; prints "WALL_MS KERNEL_MS".
boot_once() {
	: >"$1"
	start=$(now_ms)
	qemu-system-x86_64 -display none -monitor none -no-reboot -machine q35 \
		-accel tcg,thread=single -cpu max -m 1G -smp 2 \
		-drive "if=pflash,format=raw,readonly=on,file=$OVMF_DIR/OVMF_CODE_4M.fd" \
		-drive "if=pflash,format=raw,file=$W/vars.fd" \
		-drive "file=$W/disk.img,format=raw,if=virtio" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= \
		-device virtio-rng-pci -qmp "unix:$QMP,server=on,wait=off" \
		-serial "file:$1" >/dev/null 2>&1 &
	pid=$!
	until grep -q "cairnd: ready" "$1" 2>/dev/null; do
		if [ $(($(now_ms) - start)) -gt 240000 ] || ! kill -0 $pid 2>/dev/null; then
			kill $pid 2>/dev/null || true
			echo "boot_uefi: no 'cairnd: ready' in $1" >&2; tail -20 "$1" >&2; exit 1
		fi
		sleep 0.05
	done
	wall=$(($(now_ms) - start))
	python3 tests/system/qmp.py "$QMP" system_powerdown >/dev/null 2>&1 || true
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
	kill $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	kern=$(tr -d '\r' <"$1" | sed -n 's/.*\[ *\([0-9]*\)\.\([0-9]\{3\}\)[0-9]*\] cairnd: ready.*/\1\2/p' |
		head -1 | sed 's/^0*//')
	# no timestamp: no split to print (a 0 would pass the wall clock off
	# as firmware + boot loader)
	[ -n "$kern" ] || { echo "boot_uefi: no kernel timestamp on 'cairnd: ready' in $1" >&2; exit 1; }
	echo "$wall $kern"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

boot_once "$W/warmup.log" >/dev/null
: >"$W/wall.ms"; : >"$W/kern.ms"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# through a variable: `set -- $(...)` would not stop on boot_once's exit 1
	t=$(boot_once "$W/boot-$r.log")
	set -- $t
	echo "round $r: ready ${1} ms after QEMU start, ${2} ms after kernel start"
	echo "$1" >>"$W/wall.ms"; echo "$2" >>"$W/kern.ms"
	r=$((r + 1))
done
w=$(median <"$W/wall.ms"); k=$(median <"$W/kern.ms")
echo "boot through OVMF + systemd-boot (TCG, median of $ROUNDS): ready ${w} ms after QEMU start;" \
	"kernel start to ready ${k} ms, firmware + boot loader $((w - k)) ms"
