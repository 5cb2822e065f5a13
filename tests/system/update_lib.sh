# tests/system/update_lib.sh - sourced by the update tests after lib.sh and
# slots_lib.sh: bundles made from the build's own artifacts, and cairnctl
# on the host talking to the guest's HTTPS API (forwarded to $API_PORT)
# with the operator certificate the image trusts.
#
# build/out's binaries are linked against the build root's libraries, so
# they run inside it (mk/inroot.sh: a mount namespace only, the host's
# network, so 127.0.0.1:$API_PORT is QEMU's forward).  Paths handed to
# them are relative to the checkout, which is /src in there.

# inroot CMD...: CMD in the build root, this checkout as its cwd.
inroot() { mk/inroot.sh "$@"; }

# ctl ARGS...: build/out/cairnctl with the test's own remotes file.
ctl() { inroot env CAIRN_CONFIG_DIR="$W/ctl" build/out/cairnctl "$@"; }

# mkbundle VERSION OUT [ROOT VERITY ROOTHASH-FILE]: a bundle signed by the
# image's signer, of the image's artifacts unless ROOT... are given.
mkbundle() {
	inroot build/out/cairn-image bundle --key "${SIGNING_KEY:-build/keys/dev-signer.key}" \
		--version "$1" --compatible cairn-x86_64 \
		--roothash-file "${5:-$IMG/roothash}" --root "${3:-$IMG/root.sqfs}" \
		--verity "${4:-$IMG/root.verity}" --kernel "$IMG/vmlinuz" \
		--initrd "$IMG/initramfs.img" --level 3 -o "$2" >"$W/mkbundle.log" 2>&1 ||
		{ cat "$W/mkbundle.log"; fail "cairn-image bundle $1"; }
}

# remote_add: the guest's API as remote "guest", its fingerprint pinned
# from this boot's console line "cairnd: api URL fingerprint HEX".
remote_add() {
	wait_console 'cairnd: api https://[^ ]+ fingerprint [0-9a-f]{64}' 30
	fp=$(tr -d '\r' <"$CONSOLE" | sed -n 's/.*cairnd: api https:[^ ]* fingerprint \([0-9a-f]\{64\}\).*/\1/p' | tail -1)
	rm -rf "$W/ctl"
	ctl remote add guest "https://127.0.0.1:$API_PORT" --cert build/keys/operator.crt \
		--key build/keys/operator.key --fingerprint "$fp" >/dev/null || fail "cairnctl remote add"
}

# slots: `cairnctl slots` of the guest, remotely.
slots() { ctl --remote guest slots; }

# slot_line SLOT: that slot's line of `cairnctl slots`, blanks squeezed.
slot_line() { slots | tr -s ' ' | grep "^$1 "; }

# variant_root VERSION DIR [MARKER]: the image's root with
# /usr/share/cairn/version saying VERSION (and an empty file MARKER, a
# path in the root, when given), squashed again with its own verity tree:
# DIR/root.sqfs, DIR/root.verity, DIR/roothash.  The same layout as
# mkimage.sh (veritysetup's defaults, 4 KiB blocks), a new root hash.
variant_root() {
	mkdir -p "$2"
	inroot sh -eu -c '
		src=$1 version=$2 out=$3 marker=${4:-}
		t=$(mktemp -d)
		unsquashfs -q -n -d "$t/r" "$src" >/dev/null
		echo "$version" >"$t/r/usr/share/cairn/version"
		[ -z "$marker" ] || : >"$t/r/$marker"
		mksquashfs "$t/r" "$out/root.sqfs" -quiet -noappend -comp zstd -all-root \
			-no-progress >/dev/null
		veritysetup format --hash=sha256 --data-block-size=4096 --hash-block-size=4096 \
			--root-hash-file="$out/roothash" "$out/root.sqfs" "$out/root.verity" >/dev/null
		rm -rf "$t"' sh "$IMG/root.sqfs" "$1" "$2" "${3:-}" >"$W/variant.log" 2>&1 ||
		{ cat "$W/variant.log"; fail "variant root $1"; }
	grep -Eqx '[0-9a-f]{64}' "$2/roothash" || fail "variant root $1: no root hash"
}

# variant_bundle VERSION OUT [MARKER]: a bundle of version VERSION whose
# root says it runs VERSION (variant_root), so the versions the running
# image compares are honest.
variant_bundle() {
	variant_root "$1" "$W/root-$1" "${3:-}"
	mkbundle "$1" "$2" "$W/root-$1/root.sqfs" "$W/root-$1/root.verity" "$W/root-$1/roothash"
}
