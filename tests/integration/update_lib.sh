# update_lib.sh - shared by the t_update_*.sh tests (sourced, not a test).
# A cairnd with no config (the API is enough) whose "inactive slot" is two
# files, $SLOT/root and $SLOT/verity, and whose image says it is cairn-test
# version 1.0 booted from slot a.  Kernel, initrd and slot b's loader entry
# go through the real slot keeper (slot.c) into a fake ESP directory
# (cairnd --esp-dir): $ESP/EFI/cairn/b/ and $ESP/loader/entries/cairn-b+3.conf.
. "$(dirname "$0")/sup_lib.sh"

IMAGE=$T/image SLOT=$T/slot ESP=$T/esp UPD=$T/update A=$T/art
E=$ESP/loader/entries
mkdir -p "$IMAGE" "$SLOT" "$E" "$ESP/EFI/cairn/a" "$A"
# the active slot's boot entry, blessed: no update may touch it
printf 'title cairn 1.0 (slot a)\nversion 1.0\nsort-key cairn\noptions console=ttyS0 cairn.slot=a cairn.roothash=00\n' \
	> "$E/cairn-a.conf"
cp "$E/cairn-a.conf" "$T/active-entry"
echo cairn-test > "$IMAGE/compatible"
echo 1.0 > "$IMAGE/version"
echo "console=ttyS0 cairn.slot=a cairn.roothash=00" > "$T/cmdline"
ROOTHASH=$(printf '%064d' 7)

# make_artifacts ROOT_KB: random artifacts (random: zstd cannot shrink them
# to nothing, so sizes and hashes are really exercised).
make_artifacts() {
	head -c "$(($1 * 1024))" /dev/urandom > "$A/root.sqfs"
	head -c 40000 /dev/urandom > "$A/root.verity"
	head -c 300000 /dev/urandom > "$A/vmlinuz"
	head -c 200000 /dev/urandom > "$A/initramfs"
}

# make_targets ROOT_MB: the slot's partitions, fixed size, filled with a
# pattern so a write (or its absence) shows.
make_targets() {
	rm -f "$SLOT/root" "$SLOT/verity"
	yes OLDSLOT | head -c "$(($1 * 1024 * 1024))" > "$SLOT/root"
	yes OLDSLOT | head -c 1048576 > "$SLOT/verity"
}

# bundle OUT VERSION [cairn-image args...]
bundle() {
	o=$1 v=$2; shift 2
	"$OUT/cairn-image" bundle --key "$KEY" --version "$v" --compatible cairn-test \
		--roothash "$ROOTHASH" --root "$A/root.sqfs" --verity "$A/root.verity" \
		--kernel "$A/vmlinuz" --initrd "$A/initramfs" -o "$o" "$@" 2>"$T/mk.err" ||
		fail "cairn-image bundle: $(cat "$T/mk.err")"
}

UPDATE_ARGS="--update-dir $UPD --image-info $IMAGE --version-file $IMAGE/version --cmdline $T/cmdline --esp-dir $ESP --update-root $SLOT/root --update-verity $SLOT/verity"

start_update_cairnd() {
	# shellcheck disable=SC2086
	start_store_cairnd $UPDATE_ARGS "$@"
}

# installed: the targets hold exactly the artifacts, the boot step got
# kernel, initrd, version and root hash.
installed() {
	cmp -n "$(stat -c %s "$A/root.sqfs")" "$A/root.sqfs" "$SLOT/root" || fail "root target differs"
	cmp -n "$(stat -c %s "$A/root.verity")" "$A/root.verity" "$SLOT/verity" ||
		fail "verity target differs"
	cmp "$A/vmlinuz" "$ESP/EFI/cairn/b/vmlinuz" || fail "kernel differs"
	cmp "$A/initramfs" "$ESP/EFI/cairn/b/initrd" || fail "initrd differs"
	[ -f "$E/cairn-b+3.conf" ] || fail "no fresh cairn-b+3.conf: $(ls "$E")"
	grep -qx "version $1" "$E/cairn-b+3.conf" || fail "entry is not version $1: $(cat "$E/cairn-b+3.conf")"
	grep -q "cairn.slot=b cairn.roothash=$ROOTHASH" "$E/cairn-b+3.conf" ||
		fail "entry has the wrong slot or root hash: $(cat "$E/cairn-b+3.conf")"
}

# untouched: refused before a byte was written: the inactive slot's
# targets and entry as they were, the active entry too.
untouched() {
	cmp -s "$SLOT/root" "$T/root.before" || fail "a refused update wrote the root target"
	cmp -s "$SLOT/verity" "$T/verity.before" || fail "a refused update wrote the verity target"
	! ls "$E" | grep -q '^cairn-b' || fail "a refused update made a boot entry: $(ls "$E")"
	active_untouched
}

# invalidated: refused while streaming: the inactive slot has no entry
# (never booted half-written), the active one is as it was.
invalidated() {
	! ls "$E" | grep -q '^cairn-b' || fail "a failed update left slot b bootable: $(ls "$E")"
	active_untouched
}

active_untouched() {
	cmp -s "$E/cairn-a.conf" "$T/active-entry" || fail "the active slot's entry changed: $(ls "$E")"
	[ ! -e "$ESP/EFI/cairn/a/vmlinuz" ] || fail "the active slot's kernel was written"
	ls "$UPD"/vmlinuz.* "$UPD"/initramfs.* 2>/dev/null && fail "temporaries left in $UPD"
	return 0
}
