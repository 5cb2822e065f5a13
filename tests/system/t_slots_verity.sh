#!/bin/sh
# t_slots_verity: a slot whose root does not verify never runs, and the
# machine falls back to the other slot by itself.  On the host (offline,
# mtools and dd on the disk copy) slot b gets the image's root and verity
# tree with one byte of the root flipped, its kernel and initramfs, and a
# cairn-b+3.conf of a higher version (0.2.0) with the image's root hash.
#   1-3. systemd-boot prefers b; stage 1's dm-verity refuses its root,
#        panic=-1 reboots; three tries.
#   4.   b has no tries left: slot a boots, is blessed, and cairnd reports
#        b's version as a failed update (`cairnctl slots`: b failed).
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
setup "$(slot_conf 1 'bless_after = 2s')"
ROOTHASH=$(cat "$IMG/roothash")
VERSION=$(cat VERSION)

# put FILE LABEL: FILE's bytes at the start of partition LABEL.
put() {
	part=$(python3 "$GPT" "$W/disk.img" "$2") || fail "no $2"
	dd if="$1" of="$W/disk.img" bs=4096 seek="${part%% *}" oflag=seek_bytes conv=notrunc status=none ||
		fail "dd $1 to $2"
}
put "$IMG/root.sqfs" cairn-root-b
put "$IMG/root.verity" cairn-verity-b
part=$(python3 "$GPT" "$W/disk.img" cairn-root-b) || fail "no cairn-root-b"
off=$(python3 - "$W/disk.img" "${part%% *}" <<'PY'
import struct, sys
path, part = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(part)
    sb = f.read(96)
    assert sb[:4] == b"hsqs", "no squashfs at the start of cairn-root-b"
    root_inode, = struct.unpack_from("<Q", sb, 32)
    inode_table, = struct.unpack_from("<Q", sb, 64)
    off = part + inode_table + (root_inode >> 16) + 8   # the root inode's metadata
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
print(off - part)
PY
) || fail "cannot flip a byte"
log "slot b: the image's root with the byte at $off flipped (block $((off / 4096)))"
cat >"$W/entry.conf" <<E
title cairn 0.2.0 (slot b)
version 0.2.0
sort-key cairn
linux /EFI/cairn/b/vmlinuz
initrd /EFI/cairn/b/initrd
options console=ttyS0 panic=-1 cairn.slot=b cairn.roothash=$ROOTHASH
E
esp="$W/disk.img@@$(esp_off)"
mmd -i "$esp" ::/EFI/cairn/b &&
	mcopy -i "$esp" "$IMG/vmlinuz" ::/EFI/cairn/b/vmlinuz &&
	mcopy -i "$esp" "$IMG/initramfs.img" ::/EFI/cairn/b/initrd &&
	mcopy -i "$esp" "$W/entry.conf" "::/loader/entries/cairn-b+3.conf" || fail "mtools on the ESP"
expect_entries "before the first boot" cairn-a+3.conf cairn-b+3.conf

for try in 1 2 3; do
	uefi_boot_until_reboot "$try. slot b, corrupted root" 240
	[ "$(booted_slot)" = b ] || fail "boot $try: slot $(booted_slot), not b"
	grep -aq "verity: .*data block $((off / 4096)) is corrupted" "$CONSOLE" ||
		fail "boot $try: no dm-verity error for block $((off / 4096))"
	grep -aq 'stage 1 failed' "$CONSOLE" || fail "boot $try: stage 1 did not refuse"
	grep -aq 'cairnd: ready' "$CONSOLE" && fail "boot $try: cairnd came up on a corrupted root"
	log "entries: $(esp_entries | tr '\n' ' ')"
done
expect_entries "after three tries" cairn-a+3.conf cairn-b+0-3.conf

log "4. back on slot a by itself"
boot_slot a "boot 4"
grep -aq "cairnd: UPDATE FAILED: slot b (version 0.2.0) did not come up: no boot tries left (3 tried), never blessed; back on slot a (version $VERSION)" "$CONSOLE" ||
	fail "no failed update on the console"
wait_blessed a
wait_shell 60
slots=$(gsh 'cairnctl slots') || fail "cairnctl slots: $slots"
echo "$slots"
echo "$slots" | grep -Eq "^a +active +$VERSION +yes " || fail "slot a is not active and blessed"
echo "$slots" | grep -Eq "^b +failed +0\.2\.0 +no +- +0 left, 3 done +no boot tries left \(3 tried\), never blessed" ||
	fail "slot b is not failed"
gsh 'cat /var/lib/cairn/update/failed-versions' | grep -qx '0.2.0 no boot tries left (3 tried), never blessed' ||
	fail "0.2.0 not in failed-versions"
log "ok"
