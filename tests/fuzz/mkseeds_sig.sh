#!/bin/sh
# tests/fuzz/mkseeds_sig.sh: (re)make the seed signatures for fuzz_sig in
# tests/fuzz/corpus/fuzz_sig/ with openssl.  Run once by hand; the seeds are
# committed, the throw-away key is not.
set -eu
out=tests/fuzz/corpus/fuzz_sig
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
printf '[host]\nhostname = fuzz\ngeneration = 1\n' >"$tmp/data"
openssl ecparam -genkey -name prime256v1 -noout -out "$tmp/k.pem"
openssl dgst -sha256 -sign "$tmp/k.pem" -out "$out/valid" "$tmp/data"
n=$(wc -c <"$out/valid")
head -c $((n - 1)) "$out/valid" >"$out/truncated-1"
head -c $((n / 2)) "$out/valid" >"$out/truncated-half"
cat "$out/valid" >"$out/trailing-byte"; printf '\000' >>"$out/trailing-byte"
printf 'garbage, not DER at all\n' >"$out/garbage"
printf '\060\006\002\001\001\002\001\001' >"$out/tiny"
echo "fuzz_sig seeds: $(ls "$out" | tr '\n' ' ')"
