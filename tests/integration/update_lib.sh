# update_lib.sh - shared by the t_update_*.sh tests (sourced, not a test).
# A cairnd with no config (the API is enough) whose "inactive slot" is two
# files, $SLOT/root and $SLOT/verity, and whose image says it is cairn-test
# version 1.0 booted from slot a.  Kernel and initrd go through the slot
# keeper stand-in (slot_stub.c) into $ESP/b/.
. "$(dirname "$0")/sup_lib.sh"

IMAGE=$T/image SLOT=$T/slot ESP=$T/esp UPD=$T/update A=$T/art
mkdir -p "$IMAGE" "$SLOT" "$ESP/a" "$ESP/b" "$A"
# the active slot's boot entry: no update may touch it
printf 'version 1.0\nroothash active\n' > "$ESP/a/entry"
echo cairn-test > "$IMAGE/compatible"
echo 1.0 > "$IMAGE/version"
echo "console=ttyS0 cairn.slot=a cairn.roothash=00" > "$T/cmdline"
export CAIRN_STUB_ESP=$ESP
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

UPDATE_ARGS="--update-dir $UPD --image-info $IMAGE --cmdline $T/cmdline --update-root $SLOT/root --update-verity $SLOT/verity"

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
	cmp "$A/vmlinuz" "$ESP/b/vmlinuz" || fail "kernel differs"
	cmp "$A/initramfs" "$ESP/b/initrd" || fail "initrd differs"
	grep -qx "version $1" "$ESP/b/entry" || fail "entry is not version $1: $(cat "$ESP/b/entry")"
	grep -qx "roothash $ROOTHASH" "$ESP/b/entry" || fail "entry has the wrong root hash"
}

# untouched: refused before a byte was written: the inactive slot's
# targets and entry as they were, the active entry too.
untouched() {
	cmp -s "$SLOT/root" "$T/root.before" || fail "a refused update wrote the root target"
	cmp -s "$SLOT/verity" "$T/verity.before" || fail "a refused update wrote the verity target"
	[ ! -e "$ESP/b/entry" ] || fail "a refused update made a boot entry"
	active_untouched
}

# invalidated: refused while streaming: the inactive slot has no entry
# (never booted half-written), the active one is as it was.
invalidated() {
	[ ! -e "$ESP/b/entry" ] || fail "a failed update left slot b bootable: $(cat "$ESP/b/entry")"
	active_untouched
}

active_untouched() {
	grep -qx "version 1.0" "$ESP/a/entry" || fail "the active slot's entry changed"
	[ ! -e "$ESP/a/vmlinuz" ] || fail "the active slot's kernel was written"
	ls "$UPD"/vmlinuz.* "$UPD"/initramfs.* 2>/dev/null && fail "temporaries left in $UPD"
	return 0
}
