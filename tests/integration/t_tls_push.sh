#!/bin/sh
# t_tls_push.sh - a signed config pushed remotely (cairnctl push over mTLS)
# is applied and reconciled; pushes with a bad signature, an unknown
# signer, a garbage .sig, an older or equal generation, or a config that
# does not parse are refused with a message saying why, and change nothing;
# an untrusted client cannot push at all.
. "$(dirname "$0")/tls_lib.sh"

write_conf
mkcert ok
mkcert stranger
cp "$T/ok.crt" "$TRUST/clients/"
start_cairnd
SFP=$(fp "$TLS/server.crt")
ctl() { "$OUT/cairnctl" "$@"; }
ctl remote add edge "https://127.0.0.1:$PORT" --cert "$T/ok.crt" --key "$T/ok.key" \
	--fingerprint "$SFP" >/dev/null || fail "remote add"
web_pid() { ctl --remote edge status web --format json | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
wait_for 50 sh -c "$OUT/cairnctl --remote edge status web --format json | grep -q '\"running\"'" ||
	fail "web never running"
pid0=$(web_pid)
[ -n "$pid0" ] || fail "web has no pid"

# gen N: the config at generation N, with one more service
gen() {
	cat > "$T/push.conf" <<C
[host]
hostname = tlshost
generation = $1

[service web]
exec = /bin/sh -c "echo web-started; exec sleep 1000"
restart = on-failure

[service extra]
exec = /bin/sh -c "echo extra-$1; exec sleep 1000"
C
}

# refused WHY-REGEX: the push must fail, say WHY, and change nothing
refused() {
	if ctl --remote edge push "$T/push.conf" >"$T/o" 2>&1; then
		fail "push accepted, expected refusal /$1/: $(cat "$T/o")"
	fi
	grep -Eqi "$1" "$T/o" || fail "refusal does not say /$1/: $(cat "$T/o")"
	ctl --remote edge list | grep -q extra && fail "a refused push changed the instances"
	[ "$(web_pid)" = "$pid0" ] || fail "a refused push restarted web"
	echo "refused as expected: $(tail -1 "$T/o")"
}

# -- bad signature: the signature of another file
gen 6
printf 'something else\n' > "$T/other"
openssl dgst -sha256 -sign "$T/signer.key" -out "$T/push.conf.sig" "$T/other"
refused 'signature|signer'
# -- unknown signer
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/rogue.key" 2>/dev/null
openssl dgst -sha256 -sign "$T/rogue.key" -out "$T/push.conf.sig" "$T/push.conf"
refused 'signer'
# -- garbage and truncated .sig
head -c 40 /dev/urandom > "$T/push.conf.sig"
refused 'signature'
sign_conf "$T/push.conf"; head -c 20 "$T/push.conf.sig" > "$T/s" && mv "$T/s" "$T/push.conf.sig"
refused 'signature'
# -- older and equal generations
gen 4; sign_conf "$T/push.conf"
refused 'generation'
gen 5; sign_conf "$T/push.conf"
refused 'generation'
# -- a config that does not parse (signed all the same)
printf '[host]\ngeneration = 9\n[service broken\n' > "$T/push.conf"; sign_conf "$T/push.conf"
refused 'push.conf:3|:3:'
# -- an untrusted client cannot push
gen 7; sign_conf "$T/push.conf"
ctl remote add stranger "https://127.0.0.1:$PORT" --cert "$T/stranger.crt" \
	--key "$T/stranger.key" --fingerprint "$SFP" >/dev/null || fail "remote add stranger"
if ctl --remote stranger push "$T/push.conf" >"$T/o" 2>&1; then fail "an untrusted client pushed"; fi
ctl --remote edge list | grep -q extra && fail "the untrusted push changed something"

# -- the good push: applied and reconciled (extra added, web untouched)
ctl --remote edge push "$T/push.conf" >"$T/o" 2>&1 || fail "good push refused: $(cat "$T/o")"
wait_for 50 sh -c "$OUT/cairnctl --remote edge list | grep -E '^ *extra ' | grep -q running" ||
	fail "extra not running after the push: $(ctl --remote edge list)"
[ "$(web_pid)" = "$pid0" ] || fail "web was restarted by a push that did not change it"
ctl --remote edge config show | grep -q "generation = 7" || fail "GET /1.0/config is not the pushed one"
echo ok
