#!/bin/sh
# t_verity: the root is mounted through dm-verity, and stage 1 refuses a
# root it cannot verify.  Five boots of one disk copy, the refused ones
# ended as soon as the console says why (about 40 s in all):
#   a. the image's command line: the root is /dev/dm-0 (the "cairn-root"
#      verity device over cairn-root-a and cairn-verity-a), cairnd ready
#   b. a wrong cairn.roothash: refused, "VERIFICATION FAILED"
#   c. no cairn.roothash: refused
#   d. no cairn.roothash but cairn.insecure: boots, loud warning, raw root
#   e. one byte flipped in the root partition (in the metadata block of
#      the squashfs root inode, read at mount, not in the first block):
#      the kernel's dm-verity names the corrupted block, stage 1 fails,
#      no "cairnd: ready"
. "$(dirname "$0")/lib.sh"
setup "$(test_conf)"
hash=$(cat "$IMG/roothash" 2>/dev/null) || fail "$IMG/roothash missing: an image without verity"
grep -q "cairn.roothash=$hash" "$IMG/cmdline" || fail "$IMG/cmdline lacks cairn.roothash=$hash"
base=$(image_cmdline | sed 's/cairn\.roothash=[^ ]*//')

# refused WHY_REGEX: the boot stops in stage 1 with a reason on the console.
refused() {
	wait_console 'stage 1 failed' 60
	grep -q 'cairnd: ready' "$CONSOLE" && fail "cairnd came up"
	grep -Eq "$1" "$CONSOLE" || fail "no /$1/ on the console"
	grep 'cairn-init: \|verity' "$CONSOLE" | tr -d '\r' | grep -v '^cairn-init: modules' | head -12
	stop_qemu
}

# The kernel's names of the root and tree partitions: vdaN, N their place in
# the GPT (the layout may grow partitions in front of them).
partnum() { python3 "$GPT" "$IMG/disk.img" | awk -v l="$1" '$1 == l { print NR }'; }
ROOTDEV=vda$(partnum cairn-root-a)
TREEDEV=vda$(partnum cairn-verity-a)
[ "$ROOTDEV" != vda ] && [ "$TREEDEV" != vda ] || fail "no cairn-root-a / cairn-verity-a in $IMG/disk.img"

log "a. verified boot"
boot
wait_ready
grep -q "dm-verity: /dev/$ROOTDEV matches cairn.roothash=$(echo "$hash" | cut -c1-16)" \
	"$CONSOLE" || fail "no dm-verity line on the console"
wait_shell 60
root=$(gsh "awk '\$2 == \"/\" { print \$1, \$3 }' /proc/mounts") || fail "reading /proc/mounts"
[ "$root" = "/dev/dm-0 squashfs" ] || fail "the root is \"$root\", not /dev/dm-0 squashfs"
name=$(gsh 'cat /sys/block/dm-0/dm/name') || fail "no /sys/block/dm-0/dm/name"
[ "$name" = cairn-root ] || fail "dm-0 is \"$name\", not cairn-root"
slaves=$(gsh 'ls /sys/block/dm-0/slaves | tr "\n" " "') || fail "no dm-0 slaves"
[ "$slaves" = "$ROOTDEV $TREEDEV " ] || fail "dm-0 sits on \"$slaves\", not $ROOTDEV (root) + $TREEDEV (tree)"
log "root is /dev/dm-0 squashfs, dm device cairn-root on $slaves"
stop_qemu

log "b. wrong cairn.roothash"
# The same hash with its first digit changed.
wrong=$(echo "$hash" | sed 's/^0/1/; t; s/^./0/')
BOOT_CMDLINE="$base cairn.roothash=$wrong" boot
refused 'VERIFICATION FAILED.*does not match cairn.roothash'

log "c. no cairn.roothash"
BOOT_CMDLINE="$base" boot
refused 'stage 1 failed: no cairn.roothash'

log "d. no cairn.roothash, cairn.insecure"
BOOT_CMDLINE="$base cairn.insecure" boot
wait_ready
grep -q 'WARNING: cairn.insecure' "$CONSOLE" || fail "no insecure warning"
grep -q "mounted /dev/$ROOTDEV read-only" "$CONSOLE" || fail "the raw root was not mounted"
grep 'WARNING' "$CONSOLE" | tr -d '\r' | head -5
stop_qemu

log "e. a flipped byte in the root partition"
part=$(python3 "$GPT" "$W/disk.img" cairn-root-a) || fail "no cairn-root-a"
off=$(python3 - "$W/disk.img" "${part%% *}" <<'EOF'
import struct, sys
path, part = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(part)
    sb = f.read(96)
    assert sb[:4] == b"hsqs", "no squashfs at the start of cairn-root-a"
    root_inode, = struct.unpack_from("<Q", sb, 32)
    inode_table, = struct.unpack_from("<Q", sb, 64)
    # The metadata block holding the root inode: a 2-byte header, then
    # compressed data; flip a byte of that data.
    off = part + inode_table + (root_inode >> 16) + 8
    assert off - part >= 4096, "the byte would be in block 0"
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
print(off - part)
EOF
) || fail "cannot flip a byte"
log "flipped the byte at offset $off of cairn-root-a (block $((off / 4096)))"
boot
refused "verity: .*data block $((off / 4096)) is corrupted"
log "ok"
