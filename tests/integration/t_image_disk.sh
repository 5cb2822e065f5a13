#!/bin/sh
# cairn-image disk OUT LAYOUT: a GPT image written with libfdisk.  The
# partitions are where the layout puts them (1 MiB on, in order), with
# their names, types and label-derived UUIDs; each file's bytes are at its
# partition's offset; two runs give the same bytes.  Bad layouts (a line
# that is not four words, an unknown type, a file bigger than its
# partition) are refused with the place, and leave no image behind.
. "$(dirname "$0")/common_lib.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
head -c 300000 /dev/urandom > "$T/a.bin"
cat > "$T/layout" <<L
ESP C12A7328-F81F-11D2-BA4B-00A0C93EC93B 2 $T/a.bin
data 4D21B016-B534-45C2-A9FB-5C16E091FD1D 3 -
L
"$OUT/cairn-image" disk "$T/d.img" "$T/layout" || fail "cairn-image disk failed"
[ "$(stat -c %s "$T/d.img")" = $((7 * 1048576)) ] || fail "size $(stat -c %s "$T/d.img")"
sfdisk -d "$T/d.img" > "$T/dump" || fail "sfdisk cannot read it"
cat "$T/dump"
grep -q 'label: gpt' "$T/dump" || fail "not GPT"
grep -q 'd.img1 : start=        2048, size=        4096, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=.*, name="ESP"' "$T/dump" ||
	fail "partition 1 is not as laid out"
grep -q 'd.img2 : start=        6144, size=        6144, type=4D21B016-B534-45C2-A9FB-5C16E091FD1D, uuid=.*, name="data"' "$T/dump" ||
	fail "partition 2 is not as laid out"
dd if="$T/d.img" bs=1048576 skip=1 count=1 status=none | cmp -n 300000 - "$T/a.bin" ||
	fail "the file is not at its partition's offset"
"$OUT/cairn-image" disk "$T/d2.img" "$T/layout" || fail "second run"
cmp -s "$T/d.img" "$T/d2.img" || fail "two runs differ"

bad() {   # bad LAYOUT-TEXT MESSAGE-REGEX
	printf '%s\n' "$1" > "$T/bad"
	rm -f "$T/x.img"
	"$OUT/cairn-image" disk "$T/x.img" "$T/bad" 2> "$T/err" && fail "accepted: $1"
	grep -Eq "$2" "$T/err" || fail "unclear error for '$1': $(cat "$T/err")"
	[ ! -e "$T/x.img" ] && [ ! -e "$T/x.img.tmp" ] || fail "an image was left behind for '$1'"
}
bad "ESP C12A7328-F81F-11D2-BA4B-00A0C93EC93B 2" "bad:1: expected LABEL TYPE SIZE-MIB FILE"
bad "ESP not-a-guid 2 -" "partition ESP: bad type not-a-guid"
bad "ESP C12A7328-F81F-11D2-BA4B-00A0C93EC93B 0 -" "bad:1: expected"
head -c 2000000 /dev/zero | tr '\0' x > "$T/big.bin"
bad "ESP C12A7328-F81F-11D2-BA4B-00A0C93EC93B 1 $T/big.bin" "ESP: .*big.bin \(2000000 bytes\) does not fit in 1 MiB"
echo ok
