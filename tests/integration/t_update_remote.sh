#!/bin/sh
# t_update_remote.sh - a 200 MB update installed remotely over mutual TLS
# (cairnctl --remote NAME update): the slot then holds exactly the root
# image; while it streams, cairnd answers other requests and refuses a
# second upload with 409; its peak memory (VmHWM) stays far below the
# bundle's size, so nothing is buffered whole.
. "$(dirname "$0")/tls_lib.sh"

IMAGE=$T/image SLOT=$T/slot ESP=$T/esp A=$T/art
mkdir -p "$IMAGE" "$SLOT" "$ESP/loader/entries" "$A"
echo cairn-test > "$IMAGE/compatible"
echo 1.0 > "$IMAGE/version"
echo "cairn.slot=a" > "$T/cmdline"
ROOTHASH=$(printf '%064d' 9)
write_conf
mkcert ok
cp "$T/ok.crt" "$TRUST/clients/"

# 200 MB of root image that compresses like a real one would not matter:
# random bytes, so every byte really crosses the wire.
head -c 209715200 /dev/urandom > "$A/root.sqfs"
head -c 100000 /dev/urandom > "$A/root.verity"
head -c 300000 /dev/urandom > "$A/vmlinuz"
head -c 300000 /dev/urandom > "$A/initramfs"
truncate -s 210M "$SLOT/root"
truncate -s 1M "$SLOT/verity"
"$OUT/cairn-image" bundle --key "$T/signer.key" --version 2.0 --compatible cairn-test \
	--roothash "$ROOTHASH" --root "$A/root.sqfs" --verity "$A/root.verity" \
	--kernel "$A/vmlinuz" --initrd "$A/initramfs" --level 1 -o "$T/big.cairnb" 2>"$T/mk.err" ||
	fail "cairn-image: $(cat "$T/mk.err")"
head -c 4096 /dev/urandom > "$T/junk.cairnb"

start_cairnd --update-dir "$T/update" --image-info "$IMAGE" --cmdline "$T/cmdline" --esp-dir "$ESP" --version-file "$IMAGE/version" \
	--update-root "$SLOT/root" --update-verity "$SLOT/verity"
SFP=$(fp "$TLS/server.crt")
"$OUT/cairnctl" remote add edge "https://127.0.0.1:$PORT" --cert "$T/ok.crt" --key "$T/ok.key" \
	--fingerprint "$SFP" >/dev/null || fail "remote add"
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$CAIRND_PID/status"; }
hwm0=$(hwm)

"$OUT/cairnctl" --remote edge update "$T/big.cairnb" >"$T/big.out" 2>"$T/big.err" &
BIG=$!
# While it streams: another request is answered, another upload is 409.
# "Streams" is seen from the slot: its root target (zeros so far) gets its
# first bytes.  (An upload sent before that could claim the installer
# itself and turn the big one away: the product is right, the test not.)
writing() { [ "$(head -c 65536 "$SLOT/root" | tr -d '\0' | wc -c)" -gt 0 ]; }
i=0
until writing; do
	kill -0 $BIG 2>/dev/null || fail "the big install ended before it wrote: $(cat "$T/big.out" "$T/big.err")"
	[ $i -lt 600 ] || fail "the big install wrote nothing in 60 s"
	sleep 0.1; i=$((i + 1))
done
code=$(curl -s -o "$T/second" -w '%{http_code}' --max-time 10 --unix-socket "$RUN/api.sock" \
	-H 'Expect:' --data-binary @"$T/junk.cairnb" http://cairn/1.0/update)
[ "$code" = 409 ] || fail "no 409 for an upload during another (got $code $(cat "$T/second"))"
grep -q "another update" "$T/second" || fail "409 does not say why: $(cat "$T/second")"
kill -0 $BIG 2>/dev/null || fail "the big install ended before the checks ran"
curl -sf --max-time 5 --unix-socket "$RUN/api.sock" http://cairn/1.0 >/dev/null ||
	fail "cairnd did not answer GET /1.0 during an install"
wait $BIG || fail "remote install failed: $(cat "$T/big.out" "$T/big.err")"
grep -q "installed version 2.0 in slot b" "$T/big.out" || fail "cairnctl said: $(cat "$T/big.out")"
cmp -n 209715200 "$A/root.sqfs" "$SLOT/root" || fail "the root target is not the root image"
cmp "$A/vmlinuz" "$ESP/EFI/cairn/b/vmlinuz" || fail "kernel differs"
hwm1=$(hwm)
echo "cairnd VmHWM: ${hwm0} kB before, ${hwm1} kB after a 200 MB install"
[ $((hwm1 - hwm0)) -lt 16384 ] || fail "cairnd's peak memory grew by $((hwm1 - hwm0)) kB"
# and a second install can start once the first is done (busy released)
code=$(curl -s -o "$T/second" -w '%{http_code}' --max-time 10 --unix-socket "$RUN/api.sock" \
	-H 'Expect:' --data-binary @"$T/junk.cairnb" http://cairn/1.0/update)
[ "$code" = 400 ] || fail "after the install, junk got $code: $(cat "$T/second")"
echo ok
