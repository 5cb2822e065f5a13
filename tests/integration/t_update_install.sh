#!/bin/sh
# t_update_install.sh - cairnctl update streams a bundle made by
# cairn-image into cairnd; the inactive slot's targets then hold exactly
# the artifacts.  Refused, with the slot untouched and a message that says
# why: a bad signature, an unknown signer, a truncated bundle, a flipped
# byte in an artifact, a wrong compatible, an older or equal version, a
# version listed as failed, an artifact larger than its partition.
# cairnctl update --check verifies offline.
. "$(dirname "$0")/update_lib.sh"

make_artifacts 3000
make_targets 4
cp "$SLOT/root" "$T/root.before"
cp "$SLOT/verity" "$T/verity.before"
start_update_cairnd

bundle "$T/good.cairnb" 1.1
bundle "$T/old.cairnb" 0.9
bundle "$T/same.cairnb" 1.0
bundle "$T/down.cairnb" 0.8 --allow-downgrade
"$OUT/cairn-image" bundle --key "$KEY" --version 1.2 --compatible other-machine \
	--roothash "$ROOTHASH" --root "$A/root.sqfs" --verity "$A/root.verity" \
	--kernel "$A/vmlinuz" --initrd "$A/initramfs" -o "$T/compat.cairnb" 2>/dev/null ||
	fail "cairn-image (compat)"

# refused FILE WHY-REGEX [CHECK]: refused, says why, and CHECK holds
# (untouched: nothing written; invalidated: refused mid-stream)
refused() {
	if ctl update "$1" >"$T/o" 2>&1; then fail "$1 accepted, expected /$2/: $(cat "$T/o")"; fi
	grep -Eqi "$2" "$T/o" || fail "refusal of $1 does not say /$2/: $(cat "$T/o")"
	${3:-untouched}
	echo "refused as expected: $(tail -1 "$T/o")"
}

# -- offline check
ctl update --check --trust "$TRUST" "$T/good.cairnb" >"$T/o" 2>&1 || fail "check: $(cat "$T/o")"
grep -q "good bundle" "$T/o" || fail "check says: $(cat "$T/o")"

# -- bad signature: the signature bytes of another manifest
mlen=$(od -An -tu4 -j12 -N4 "$T/good.cairnb" | tr -d ' ')
cp "$T/good.cairnb" "$T/badsig.cairnb"
off=$((24 + mlen + 10))
printf '\001' | dd of="$T/badsig.cairnb" bs=1 seek=$off conv=notrunc 2>/dev/null
refused "$T/badsig.cairnb" 'signature'
if ctl update --check --trust "$TRUST" "$T/badsig.cairnb" >/dev/null 2>&1; then
	fail "--check passed a bad signature"
fi
# -- a manifest edited after signing (version bumped)
sed 's/^version = 1.1$/version = 9.9/' "$T/good.cairnb" > "$T/edited.cairnb"
cmp -s "$T/good.cairnb" "$T/edited.cairnb" && fail "sed did not edit the manifest"
refused "$T/edited.cairnb" 'signature'
# -- unknown signer
"$OUT/cairnctl" keygen --out "$T/rogue" >/dev/null
KEY0=$KEY; KEY=$T/rogue.key; bundle "$T/rogue.cairnb" 1.3; KEY=$KEY0
refused "$T/rogue.cairnb" 'signer|signature'
# -- wrong machine
refused "$T/compat.cairnb" 'other-machine'
# -- older, equal versions; a listed failed version
refused "$T/old.cairnb" 'not newer'
refused "$T/same.cairnb" 'not newer'
bundle "$T/failed.cairnb" 1.5
mkdir -p "$UPD"; printf '1.4\n1.5\n' > "$UPD/failed-versions"
refused "$T/failed.cairnb" 'version 1\.5 failed here before'
# -- an artifact larger than its partition
make_artifacts 5000
bundle "$T/big.cairnb" 1.6
refused "$T/big.cairnb" 'do not fit|larger'

make_artifacts 3000
bundle "$T/good.cairnb" 1.1
# -- refused mid-stream: slot b was written in part, so it is left without
# a boot entry (a previous install's entry is removed first)
printf 'title cairn 0.5 (slot b)\nversion 0.5\nsort-key cairn\n' > "$E/cairn-b.conf"
head -c 1500000 "$T/good.cairnb" > "$T/trunc.cairnb"
refused "$T/trunc.cairnb" 'artifact root.sqfs: bundle truncated' invalidated
cp "$T/good.cairnb" "$T/flip.cairnb"
printf '\377' | dd of="$T/flip.cairnb" bs=1 seek=$((24 + mlen + 200 + 500000)) conv=notrunc 2>/dev/null
refused "$T/flip.cairnb" 'artifact root.sqfs: (sha256 mismatch|zstd)' invalidated
# without zstd's own checksum, a flipped byte in a raw block (random data
# does not compress) is caught by the manifest's SHA-256
bundle "$T/lvl.cairnb" 1.1 --no-zstd-checksum
mlen=$(od -An -tu4 -j12 -N4 "$T/lvl.cairnb" | tr -d ' ')
cp "$T/lvl.cairnb" "$T/flip2.cairnb"
printf 'X' | dd of="$T/flip2.cairnb" bs=1 seek=$((24 + mlen + 200 + 800000)) conv=notrunc 2>/dev/null
refused "$T/flip2.cairnb" 'artifact root.sqfs: sha256 mismatch' invalidated

# -- the running slot a not blessed yet (counted by the boot loader) and
# slot b good: b is the only known-good fallback, and is kept
mv "$E/cairn-a.conf" "$E/cairn-a+2-1.conf"
printf 'title cairn 0.9 (slot b)\nversion 0.9\nsort-key cairn\n' > "$E/cairn-b.conf"
cp "$SLOT/root" "$T/root.before"; cp "$SLOT/verity" "$T/verity.before"
if ctl update "$T/good.cairnb" >"$T/o" 2>&1; then fail "installed over the fallback: $(cat "$T/o")"; fi
grep -q "slot a is running but not blessed yet; slot b (version 0.9) is the known-good fallback" "$T/o" ||
	fail "refusal does not say why: $(cat "$T/o")"
cmp -s "$SLOT/root" "$T/root.before" || fail "the fallback slot was written"
[ -f "$E/cairn-b.conf" ] || fail "the fallback's entry was removed"
# a version that is not newer says so first (a stick left in is skipped)
refused "$T/same.cairnb" 'not newer' :
cmp -s "$SLOT/root" "$T/root.before" || fail "the fallback slot was written"
mv "$E/cairn-a+2-1.conf" "$E/cairn-a.conf"
rm -f "$E/cairn-b.conf"

# -- the good one: exactly the artifacts in the slot
ctl update "$T/good.cairnb" >"$T/o" 2>"$T/e" || fail "good bundle refused: $(cat "$T/o" "$T/e")"
grep -q "installed version 1.1 in slot b" "$T/o" || fail "cairnctl said: $(cat "$T/o")"
grep -q "bundle: version 1.1 for cairn-test" "$T/e" || fail "manifest not shown: $(cat "$T/e")"
grep -q "sending: 100%" "$T/e" || fail "no progress line: $(cat "$T/e")"
installed 1.1
ls "$UPD"/vmlinuz.* "$UPD"/initramfs.* 2>/dev/null && fail "temporaries left in $UPD"
# -- a downgrade the signed manifest allows
ctl update "$T/down.cairnb" >"$T/o" 2>&1 || fail "allowed downgrade refused: $(cat "$T/o")"
grep -qx "version 0.8" "$E/cairn-b+3.conf" || fail "downgrade not installed"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo ok
