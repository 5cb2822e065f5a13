#!/bin/sh
# t_firstboot: the image's cairn-data partition is blank; on a disk 512 MiB
# larger than the image (so its backup GPT is not at the end), the first
# boot grows the partition to the disk's end, formats it ext4 and mounts
# it on /var (the console says so; the guest shell sees an ext4 /var of
# more than 700 MiB).  A marker written there survives a power-off over
# QMP, and the second boot formats nothing.  The guest shell's config
# comes from a CAIRN-SEED stick (as in t_seed), so /var starts blank.
. "$(dirname "$0")/lib.sh"
setup                          # no putconf: the data partition stays blank
off=$(python3 "$GPT" "$W/disk.img" cairn-data | cut -d' ' -f1) || fail "no cairn-data partition"
blkid -p -O "$off" "$W/disk.img" >/dev/null 2>&1 && fail "the image's cairn-data is not blank"
truncate -s +512M "$W/disk.img" || fail "cannot enlarge the disk copy"

conf=$(test_conf)
cp "$conf" "$W/seed.conf"
cp "$conf.sig" "$W/seed.conf.sig"
truncate -s 16M "$W/seed.img"
mkfs.vfat -n CAIRN-SEED "$W/seed.img" >/dev/null || fail "mkfs.vfat"
mmd -i "$W/seed.img" ::/cairn || fail "mmd"
mcopy -i "$W/seed.img" "$W/seed.conf" ::/cairn/seed.conf || fail "mcopy"
mcopy -i "$W/seed.img" "$W/seed.conf.sig" ::/cairn/seed.conf.sig || fail "mcopy sig"
QEMU_EXTRA="-drive file=$W/seed.img,format=raw,if=virtio,readonly=on"

# --- first boot: grow, format, mount -----------------------------------------------
boot
wait_ready
grep -a "cairnd: data:\|on /var\|prepare-data" "$CONSOLE" | tr -d '\r'
grep -Eaq "cairnd: data: grew cairn-data from 256 MiB to 7[0-9]{2} MiB" "$CONSOLE" ||
	fail "the console does not show the partition grown"
grep -aq "cairnd: data: cairn-data (.*) was blank: formatted ext4" "$CONSOLE" ||
	fail "the console does not show the format"
grep -aq "mounted .* (cairn-data) on /var" "$CONSOLE" || fail "/var was not mounted from cairn-data"
grep -aq "WARNING: no usable" "$CONSOLE" && fail "/var fell back to a tmpfs"
wait_shell 60
fstype=$(gsh "awk '\$2 == \"/var\" { print \$3 }' /proc/mounts") || fail "reading /proc/mounts"
[ "$fstype" = ext4 ] || fail "/var is '$fstype', not ext4"
kib=$(gsh "df -k /var | awk 'NR == 2 { print \$2 }'") || fail "df /var"
log "/var: ext4, $((kib / 1024)) MiB"
[ "$kib" -gt $((700 * 1024)) ] || fail "/var is only $kib KiB"
gsh 'echo first-boot >/var/marker && sync' || fail "cannot write the marker"

qmp system_powerdown >/dev/null || fail "QMP system_powerdown failed"
wait_exit "${CAIRN_POWERDOWN_TIMEOUT:-60}" || fail "QEMU still running 60 s after system_powerdown"
log "powered off"
# the backup GPT header moved to the disk's (new) last sector
[ "$(tail -c 512 "$W/disk.img" | head -c 8)" = "EFI PART" ] ||
	fail "no backup GPT header at the end of the enlarged disk"
cp "$CONSOLE" "$W/console.first.log"

# --- second boot: nothing to do, the marker is there --------------------------------
boot
wait_ready
grep -a "cairnd: data:\|on /var" "$CONSOLE" | tr -d '\r'
grep -aq "cairnd: data: .*formatted" "$CONSOLE" && fail "formatted again on the second boot"
grep -aq "cairnd: data: grew" "$CONSOLE" && fail "grew again on the second boot"
grep -Eaq "cairnd: data: cairn-data (.*) holds an ext4 of 7[0-9]{2} MiB: nothing to do" "$CONSOLE" ||
	fail "the console does not say there was nothing to do"
wait_shell 60
m=$(gsh 'cat /var/marker') || fail "reading the marker"
[ "$m" = first-boot ] || fail "the marker is '$m', not first-boot"
log "ok"
