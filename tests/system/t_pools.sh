#!/bin/sh
# t_pools: storage pools on extra virtual disks, across a reboot:
#   fresh: a GPT partition named cairn-fresh, blank, format = if-blank:
#          cairnd formats it ext4 and mounts it; a file written there is
#          still there after a reboot, and it is not formatted again
#   keep:  an ext4 labelled cairn-keep holding a marker, format = never:
#          mounted as it is, the marker intact
#   blank: a blank disk, format = never: an error on that pool only, the
#          disk left blank
#   xfs:   a blank disk, fs = xfs, format = if-blank: mkfs.xfs, mounted
#   btrfs: the same with mkfs.btrfs; the btrfs module is not loaded at
#          boot, the mount has the kernel load it (modprobe, kmod)
# Both kinds of name (PARTLABEL=, LABEL=) are found again by libblkid
# after the reboot, whatever the devices are called then.
. "$(dirname "$0")/lib.sh"
mkdir -p "$W.pools"
trap 'st=$?; set +e; [ $st != 0 ] || rm -rf "$W.pools"; (exit $st); cleanup' EXIT INT TERM
P=$W.pools
truncate -s 64M "$P/fresh.img" "$P/blank.img"
truncate -s 320M "$P/xfs.img"   # mkfs.xfs wants 300 MB at least
truncate -s 256M "$P/btrfs.img"
printf 'label: gpt\nstart=2048, size=126976, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="cairn-fresh"\n' |
	mk/inroot.sh sfdisk -q "/src/$P/fresh.img" >/dev/null || fail "sfdisk"
mkdir -p "$P/keep.d" && echo kept-by-the-operator > "$P/keep.d/marker"
mk/inroot.sh mke2fs -q -t ext4 -L cairn-keep -d "/src/$P/keep.d" "/src/$P/keep.img" 64M || fail "mke2fs keep"
conf=$(test_conf)
cat >>"$conf" <<'C'

[pool fresh]
source = PARTLABEL=cairn-fresh
fs = ext4
format = if-blank

[pool keep]
source = LABEL=cairn-keep
fs = ext4
format = never

[pool blank]
source = /dev/vdd
fs = ext4
format = never

[pool xfs]
source = /dev/vde
fs = xfs
format = if-blank

[pool btrfs]
source = /dev/vdf
fs = btrfs
format = if-blank
C
sign_conf "$conf"
setup "$conf"
xfs="-drive file=$P/xfs.img,format=raw,if=virtio -drive file=$P/btrfs.img,format=raw,if=virtio"
disks="-drive file=$P/fresh.img,format=raw,if=virtio -drive file=$P/keep.img,format=raw,if=virtio -drive file=$P/blank.img,format=raw,if=virtio $xfs"

log "boot 1: fresh formatted, keep mounted as it is, blank refused"
QEMU_EXTRA="$disks" boot
wait_ready
wait_shell 60
grep -aq "cairnd: pool fresh: .* is blank: .*mkfs.ext4" "$CONSOLE" || fail "fresh was not formatted"
grep -aq "cairnd: pool keep: .* is blank" "$CONSOLE" && fail "keep was taken for blank"
list=$(gsh 'cairnctl pool list') || fail "pool list: $list"
echo "$list"
echo "$list" | grep -E '^ *fresh ' | grep -q ready || fail "fresh not ready"
echo "$list" | grep -E '^ *keep ' | grep -q ready || fail "keep not ready"
echo "$list" | grep -E '^ *blank ' | grep -q error || fail "blank is not in error"
echo "$list" | grep -E '^ *xfs ' | grep -q ready || fail "xfs not ready"
gsh 'grep " /var/lib/cairn/pools/xfs " /proc/mounts' | grep -q " xfs " || fail "the xfs pool is not an xfs mount"
echo "$list" | grep -E '^ *btrfs ' | grep -q ready || fail "btrfs not ready"
gsh 'grep " /var/lib/cairn/pools/btrfs " /proc/mounts' | grep -q " btrfs " || fail "the btrfs pool is not a btrfs mount"
gsh 'cat /var/lib/cairn/pools/keep/marker' | grep -q kept-by-the-operator || fail "keep's marker is gone"
gsh 'echo written-on-boot-1 > /var/lib/cairn/pools/fresh/note && sync && echo done' | grep -q done ||
	fail "cannot write to fresh"
# the power button, as t_firstboot does: an orderly shutdown, and no
# shell answer to wait for from a guest that is going away
qmp system_powerdown >/dev/null || fail "QMP system_powerdown failed"
wait_exit 120 || fail "no power-off"
cmp -s -n 1048576 "$P/blank.img" /dev/zero || fail "the blank disk was written"

log "boot 2, the disks in another order: found again by name, not formatted again"
QEMU_EXTRA="-drive file=$P/keep.img,format=raw,if=virtio -drive file=$P/fresh.img,format=raw,if=virtio -drive file=$P/blank.img,format=raw,if=virtio $xfs" boot
wait_ready
wait_shell 60
grep -aq "cairnd: pool fresh: .* is blank" "$CONSOLE" && fail "fresh was formatted again"
gsh 'cat /var/lib/cairn/pools/fresh/note' | grep -q written-on-boot-1 || fail "fresh lost its file"
gsh 'cat /var/lib/cairn/pools/keep/marker' | grep -q kept-by-the-operator || fail "keep's marker is gone after the reboot"
grep -aq "cairnd: pool xfs: .* is blank" "$CONSOLE" && fail "xfs was formatted again"
grep -aq "cairnd: pool btrfs: .* is blank" "$CONSOLE" && fail "btrfs was formatted again"
gsh 'cairnctl pool list' | grep -E '^ *btrfs ' | grep -q ready || fail "btrfs not ready after the reboot"
log "ok"
