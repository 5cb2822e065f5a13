#!/bin/sh
# t_sign_openssl.sh - cairnctl's keys, signatures and certificates agree
# with openssl's: cairnctl signs, openssl verifies; openssl signs (SEC1 and
# PKCS#8 keys), cairnctl verifies; fingerprints of `cairnctl cert create`
# match `openssl x509 -fingerprint -sha256`.  Plus the exit codes and
# messages an operator sees.
set -u
: "${OUT:?OUT must name the directory holding cairnctl}"
command -v openssl >/dev/null || { echo "FAIL: openssl is not in the build root (mk/buildroot.packages)"; exit 1; }

T=$(mktemp -d /tmp/t_sign.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T"
ctl() { "$OUT/cairnctl" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

printf '[host]\nhostname = edge1\ngeneration = 4\n' >site.conf
mkdir trust

# cairnctl keygen + sign, openssl verifies.
out=$(ctl keygen --out ops) || fail "keygen: $out"
[ "$(stat -c %a ops.key)" = 600 ] || fail "ops.key mode $(stat -c %a ops.key)"
grep -q 'BEGIN PUBLIC KEY' ops.pub || fail "ops.pub is not a PEM public key"
openssl pkey -pubin -in ops.pub -noout -text 2>/dev/null | grep -q 'prime256v1\|P-256' ||
	fail "openssl does not see a P-256 key in ops.pub"
out=$(ctl sign --key ops.key site.conf) || fail "sign: $out"
[ "$out" = "site.conf.sig: signed with ops.key" ] || fail "sign said: $out"
openssl dgst -sha256 -verify ops.pub -signature site.conf.sig site.conf >/dev/null 2>&1 ||
	fail "openssl does not verify cairnctl's signature"
cp ops.pub trust/
out=$(ctl verify --trust trust site.conf) || fail "verify: $out"
[ "$out" = "site.conf: signature ok (signer ops.pub)" ] || fail "verify said: $out"

# Default prefix, and no overwriting.
ctl keygen >/dev/null || fail "keygen without --out"
[ -f cairn-signer.key ] && [ -f cairn-signer.pub ] || fail "default prefix cairn-signer"
before=$(sha256sum ops.key)
out=$(ctl keygen --out ops 2>&1); rc=$?
[ $rc = 1 ] || fail "keygen over an existing key: exit $rc"
echo "$out" | grep -q "ops.key: already exists, not overwriting" || fail "overwrite message: $out"
[ "$(sha256sum ops.key)" = "$before" ] || fail "keygen changed an existing key"

# openssl keys (SEC1 and PKCS#8) and signatures, cairnctl verifies.
openssl ecparam -genkey -name prime256v1 -noout -out sec1.key 2>/dev/null || fail "openssl ecparam"
openssl ec -in sec1.key -pubout -out trust/sec1.pub 2>/dev/null || fail "openssl ec -pubout"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p8.key 2>/dev/null || fail "openssl genpkey"
openssl pkey -in p8.key -pubout -out trust/p8.pub 2>/dev/null || fail "openssl pkey -pubout"
for k in sec1 p8; do
	openssl dgst -sha256 -sign $k.key -out site.conf.sig site.conf || fail "openssl sign ($k)"
	out=$(ctl verify --trust trust site.conf) || fail "openssl's $k signature: $out"
	[ "$out" = "site.conf: signature ok (signer $k.pub)" ] || fail "verify ($k) said: $out"
	# ... and cairnctl signs with openssl's key.
	ctl sign --key $k.key site.conf >/dev/null || fail "cairnctl sign with openssl's $k key"
	openssl dgst -sha256 -verify trust/$k.pub -signature site.conf.sig site.conf >/dev/null 2>&1 ||
		fail "openssl does not verify cairnctl's signature with the $k key"
done

# Refusals, each with its reason and exit 1.
expect_refusal() { # DIR MESSAGE
	out=$(ctl verify --trust "$1" site.conf 2>&1); rc=$?
	[ $rc = 1 ] || fail "verify ($2): exit $rc, said: $out"
	[ "$out" = "$2" ] || fail "verify said \"$out\", not \"$2\""
}
printf 'x' >>site.conf
expect_refusal trust "site.conf.sig: no trusted signer matches (tried 3 keys in trust)"
ctl sign --key ops.key site.conf >/dev/null || fail "re-sign"
head -c 20 site.conf.sig >short && mv short site.conf.sig
expect_refusal trust "site.conf.sig: not a valid signature (malformed DER)"
printf 'garbage' >site.conf.sig
expect_refusal trust "site.conf.sig: not a valid signature (malformed DER)"
: >site.conf.sig
expect_refusal trust "site.conf.sig: not a valid signature (empty)"
rm site.conf.sig
expect_refusal trust "site.conf.sig: missing"
ctl sign --key cairn-signer.key site.conf >/dev/null || fail "sign with another key"
expect_refusal trust "site.conf.sig: no trusted signer matches (tried 3 keys in trust)"
mkdir empty
expect_refusal empty "empty: no trusted signer keys (*.pub)"

# Bad usage: exit 2.
for args in "sign site.conf" "verify site.conf" "sign --key" "cert" "cert create" \
	    "keygen --bogus" "cert create --out x --days 0"; do
	ctl $args >/dev/null 2>&1; rc=$?
	[ $rc = 2 ] || fail "cairnctl $args: exit $rc, not 2"
done

# Certificates: cairnctl's fingerprint is openssl's, without colons, lowercased.
out=$(ctl cert create --out client --cn "ops laptop" --days 30) || fail "cert create: $out"
[ "$(stat -c %a client.key)" = 600 ] || fail "client.key mode $(stat -c %a client.key)"
fp=$(echo "$out" | sed -n 's/^sha256 fingerprint: //p')
ossl=$(openssl x509 -in client.crt -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
[ ${#ossl} = 64 ] || fail "openssl fingerprint: $ossl"
[ "$fp" = "$ossl" ] || fail "cert create printed $fp, openssl says $ossl"
[ "$(ctl cert fingerprint client.crt)" = "$ossl" ] || fail "cert fingerprint disagrees with openssl"
openssl x509 -in client.crt -noout -subject | grep -q 'CN *= *ops laptop' || fail "subject: $(openssl x509 -in client.crt -noout -subject)"
openssl verify -CAfile client.crt client.crt >/dev/null 2>&1 || fail "openssl verify of the self-signed certificate"
openssl x509 -in client.crt -noout -checkend $((29 * 86400)) >/dev/null || fail "expires before 29 days"
openssl x509 -in client.crt -noout -checkend $((31 * 86400)) >/dev/null && fail "valid past 31 days"
# The key belongs to the certificate.
[ "$(openssl x509 -in client.crt -noout -pubkey)" = "$(openssl pkey -in client.key -pubout)" ] ||
	fail "client.key does not match client.crt"
# A certificate made by openssl, fingerprinted by cairnctl.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout o.key -out o.crt \
	-subj /CN=o -days 1 2>/dev/null || fail "openssl req"
ossl=$(openssl x509 -in o.crt -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
[ "$(ctl cert fingerprint o.crt)" = "$ossl" ] || fail "fingerprint of openssl's certificate"
out=$(ctl cert create --out client 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "already exists, not overwriting" || fail "cert create over existing: $rc $out"
echo ok
