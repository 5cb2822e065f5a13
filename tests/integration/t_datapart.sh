#!/bin/sh
# cairnd --prepare-data on loop devices made from sparse files, in a
# private mount namespace (the loop devices are detached by the cleanup
# trap).  The disk file is enlarged after sfdisk wrote its GPT, so the
# backup GPT is not at the end, as on a first boot from a grown image.
#   blank last partition        -> grown to the end (backup GPT moved), ext4
#   run again                   -> nothing to do, the marker survives
#   disk enlarged again         -> grown, the ext4 resized, marker kept
#   swap signature              -> left as it is (not even grown), exit 1
#   blank, not last             -> not grown, formatted
#   no such label               -> exit 1 with the reason
set -u
if [ -z "${DATAPART_NS_DONE:-}" ]; then
	command -v losetup >/dev/null || { echo "FAIL: no losetup in the build root"; exit 1; }
	DATAPART_NS_DONE=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
: "${OUT:?OUT must name the directory holding cairnd}"
T=$(mktemp -d /tmp/t_datapart.XXXXXX)
TAG=cdt$$           # labels unique to this run: the host's disks are scanned too
LOOPS=
MNT=$T/mnt
OUTF=$T/out

cleanup() {
	umount "$MNT" 2>/dev/null
	for l in $LOOPS; do losetup -d "$l" || echo "cannot detach $l"; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- last cairnd --prepare-data output"; cat "$OUTF" 2>/dev/null
	exit 1
}

# mkdisk NAME MIB "SFDISK LINES": a GPT disk file, then 32 MiB more at its
# end, attached with partition scanning; the loop device goes to $NAME.
mkdisk() {
	truncate -s "$2M" "$T/$1.img" || fail "truncate"
	printf 'label: gpt\n%s\n' "$3" | sfdisk -q --no-reread --no-tell-kernel "$T/$1.img" \
		>/dev/null || fail "sfdisk $1"
	truncate -s "+32M" "$T/$1.img" || fail "truncate +32M"
	l=$(losetup -f --show -P "$T/$1.img") || fail "losetup $1"
	LOOPS="$LOOPS $l"
	eval "$1=\$l"
	# some kernels leave the scan to us: add the partitions by BLKPG
	blockdev --rereadpt "$l" 2>/dev/null; partx -a "$l" 2>/dev/null
	i=0; while [ ! -b "${l}p2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	[ -b "${l}p2" ] || fail "no ${l}p2"
}

# prep LABEL: run the mode, its output in $OUTF, its status in $rc
prep() {
	"$OUT/cairnd" --prepare-data --label "$1" >"$OUTF" 2>&1
	rc=$?
	sed 's/^/    /' "$OUTF"
}

mib() { echo $(( $(blockdev --getsize64 "$1") / 1048576 )); }
fstype() { blkid -p -o value -s TYPE "$1" 2>/dev/null; }

# --- blank, last partition, disk larger than its GPT says ----------------------
mkdisk A 64 "size=8MiB, name=other
size=16MiB, name=$TAG"
echo "blank cairn-data on $A (16 MiB partition, 96 MiB disk)"
prep "$TAG"
[ "$rc" = 0 ] || fail "exit $rc on a blank partition"
grep -q "grew $TAG from 16 MiB to 8[67] MiB" "$OUTF" || fail "no grow line"
grep -q "formatted ext4" "$OUTF" || fail "no format line"
[ "$(fstype "${A}p2")" = ext4 ] || fail "${A}p2 is not ext4: $(fstype "${A}p2")"
[ "$(mib "${A}p2")" -ge 86 ] || fail "the kernel still sees $(mib "${A}p2") MiB"
sfdisk --verify "$A" >"$T/verify" 2>&1 || fail "sfdisk --verify: $(cat "$T/verify")"
grep -qi "backup.*not.*end\|problem" "$T/verify" && fail "GPT not fixed: $(cat "$T/verify")"
# the table on disk says the same as the kernel
sfdisk -d "$A" | grep -q "name=\"$TAG\"" || fail "label lost"

mkdir -p "$MNT"
mount -t ext4 "${A}p2" "$MNT" || fail "mount ${A}p2"
echo kept >"$MNT/marker"
fs1=$(df -m --output=size "$MNT" | tail -1)
umount "$MNT"

# --- again: nothing to do --------------------------------------------------------
echo "again"
prep "$TAG"
[ "$rc" = 0 ] || fail "exit $rc on the second run"
grep -q "nothing to do" "$OUTF" || fail "no 'nothing to do'"
grep -q "not grown" "$OUTF" || fail "no 'not grown'"
grep -q "formatted\|grew\|resized" "$OUTF" && fail "it changed something the second time"

# --- the disk grows again: partition and ext4 follow -----------------------------
echo "disk enlarged by 32 MiB"
truncate -s +32M "$T/A.img" && losetup -c "$A" || fail "enlarging $A"
prep "$TAG"
[ "$rc" = 0 ] || fail "exit $rc after enlarging"
grep -q "grew $TAG from 8[67] MiB to 1[12][0-9] MiB" "$OUTF" || fail "no grow line"
grep -q "resized the ext4" "$OUTF" || fail "no resize line"
mount -t ext4 "${A}p2" "$MNT" || fail "mount ${A}p2 after the resize"
fs2=$(df -m --output=size "$MNT" | tail -1)
[ "$(cat "$MNT/marker")" = kept ] || fail "the marker is gone"
umount "$MNT"
[ "$fs2" -gt $((fs1 + 20)) ] || fail "the ext4 did not grow: $fs1 -> $fs2 MiB"

# --- someone else's data: left alone ---------------------------------------------
mkdisk B 64 "size=8MiB, name=${TAG}o
size=16MiB, name=${TAG}s"
mkswap -L notours "${B}p2" >/dev/null 2>&1 || fail "mkswap"
echo "swap on $B"
prep "${TAG}s"
[ "$rc" = 1 ] || fail "exit $rc on a swap partition (want 1)"
grep -q "left as it is: .* holds swap" "$OUTF" || fail "no 'left as it is' line"
grep -q "formatted" "$OUTF" && fail "formatted a swap partition"
[ "$(fstype "${B}p2")" = swap ] || fail "the swap signature is gone: $(fstype "${B}p2")"
[ "$(mib "${B}p2")" = 16 ] || fail "its partition was resized to $(mib "${B}p2") MiB"
grep -q "grew" "$OUTF" && fail "grew a partition holding swap"

# --- blank but not the last partition: formatted where it is ------------------------
echo "not last, on $B"
prep "${TAG}o"
[ "$rc" = 0 ] || fail "exit $rc on a blank first partition"
grep -q "not the last partition" "$OUTF" || fail "no 'not the last partition'"
grep -q "formatted ext4, 8 MiB" "$OUTF" || fail "no format line"

# --- nothing by that name --------------------------------------------------------
echo "no such label"
prep "${TAG}none"
[ "$rc" = 1 ] || fail "exit $rc with no partition (want 1)"
grep -q "no partition labelled" "$OUTF" || fail "no reason given"

echo "PASS"
