#!/bin/sh
# t_repro: the image is reproducible.  A second build of the same inputs
# (the same programs in build/out, the same signer and operator keys) into
# another directory gives the same bytes: root image, verity tree, root
# hash, initramfs, and the whole GPT disk with its ESP.
. "$(dirname "$0")/lib.sh"
R=$W.repro
trap 'st=$?; set +e; rm -rf "$R"; (exit $st); cleanup' EXIT INT TERM
rm -rf "$R"; mkdir -p "$R"
mk/inroot.sh env SIGNING_KEY="${SIGNING_KEY:-build/keys/dev-signer.key}" \
	image-build/mkimage.sh build/out "$R" >"$R.log" 2>&1 ||
	{ tail -20 "$R.log"; fail "the second build failed"; }
for f in root.sqfs root.verity roothash initramfs.img cmdline disk.img; do
	cmp -s "$IMG/$f" "$R/$f" || fail "$f differs between two builds of the same inputs"
	log "same bytes: $f"
done
log "ok"
