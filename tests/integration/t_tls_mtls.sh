#!/bin/sh
# t_tls_mtls.sh - the HTTPS API's door: a trusted client certificate (by
# file, by fingerprint line, through a client CA) gets in; no certificate,
# an untrusted one, an expired one (even if pinned), TLS 1.0/1.1 and weak
# suites are refused; the server identity is kept across restarts;
# cairnctl pins the server and refuses a wrong fingerprint.
. "$(dirname "$0")/tls_lib.sh"

write_conf
mkcert ok
mkcert listed
mkcert stranger
cp "$T/ok.crt" "$TRUST/clients/"
{ echo "# operators"; fp "$T/listed.crt" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//'; echo "junk line"; } \
	> "$TRUST/clients.txt"
# A client CA, a certificate it signed, and an expired one it signed whose
# fingerprint is also listed: expiry wins over both.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/ca.key" \
	-out "$TRUST/client-ca.crt" -subj /CN=ops-ca -days 30 \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign >/dev/null 2>&1 ||
	fail "openssl: CA"
for n in casigned expired; do
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$T/$n.key" -out "$T/$n.csr" -subj "/CN=$n" >/dev/null 2>&1 || fail "csr"
done
openssl x509 -req -in "$T/casigned.csr" -CA "$TRUST/client-ca.crt" -CAkey "$T/ca.key" \
	-days 10 -out "$T/casigned.crt" >/dev/null 2>&1 || fail "openssl: casigned"
openssl x509 -req -in "$T/expired.csr" -CA "$TRUST/client-ca.crt" -CAkey "$T/ca.key" \
	-not_before 20200101000000Z -not_after 20200201000000Z -out "$T/expired.crt" \
	>/dev/null 2>&1 || fail "openssl: expired"
fp "$T/expired.crt" >> "$TRUST/clients.txt"

start_cairnd
grep -q "clients.txt:3: not a SHA-256 fingerprint" "$ERR" || fail "bad clients.txt line not reported"
[ -f "$TLS/server.key" ] && [ -f "$TLS/server.crt" ] || fail "no server identity made"
[ "$(stat -c %a "$TLS/server.key")" = 600 ] || fail "server.key is not 0600"
SFP=$(fp "$TLS/server.crt")
grep -q "fingerprint $SFP" "$ERR" || fail "console fingerprint is not the certificate's"

# -- let in: by file, by listed fingerprint, through the CA; TLS 1.3 and 1.2
out=$(scurl ok "$SURL/1.0") || fail "trusted client refused: $out"
echo "$out" | grep -q '"name":"tlshost"' || fail "GET /1.0: $out"
echo "$out" | grep -q "\"fingerprint\":\"$SFP\"" || fail "GET /1.0 lacks the fingerprint: $out"
scurl ok "$SURL/1.0/instances" | grep -q '"name":"web"' || fail "GET /1.0/instances"
scurl listed "$SURL/1.0" >/dev/null || fail "client listed in clients.txt refused"
scurl casigned "$SURL/1.0" >/dev/null || fail "client signed by the client CA refused"
scurl ok --tlsv1.2 --tls-max 1.2 "$SURL/1.0" >/dev/null || fail "TLS 1.2 client refused"
scurl ok --tlsv1.3 "$SURL/1.0" >/dev/null || fail "TLS 1.3 client refused"

# -- kept out
if curl -sS --max-time 20 --cacert "$TLS/server.crt" --resolve "cairn:$PORT:127.0.0.1" \
	"$SURL/1.0" >"$T/o" 2>&1; then fail "no client certificate got in: $(cat "$T/o")"; fi
wait_for 30 grep -q "refused: no client certificate" "$ERR" || fail "no log line for a missing cert"
if scurl stranger "$SURL/1.0" >"$T/o" 2>&1; then fail "untrusted client got in"; fi
SFP_STRANGER=$(fp "$T/stranger.crt")
wait_for 30 grep -q "refused: client certificate not trusted (SHA-256 fingerprint $SFP_STRANGER)" "$ERR" ||
	fail "the refusal does not show the untrusted client's fingerprint"
if scurl expired "$SURL/1.0" >"$T/o" 2>&1; then fail "expired client got in"; fi
wait_for 30 grep -q "refused: client certificate expired" "$ERR" || fail "no log line for expiry"

# -- protocol versions and suites (openssl's own floor lowered so that
#    the refusal is the server's)
sclient() {
	timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -cert "$T/ok.crt" -key "$T/ok.key" \
		"$@" </dev/null >"$T/s" 2>&1
	grep -q "^New, TLS" "$T/s"
}
sclient -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' && fail "TLS 1.1 accepted: $(cat "$T/s")"
sclient -tls1 -cipher 'DEFAULT:@SECLEVEL=0' && fail "TLS 1.0 accepted: $(cat "$T/s")"
sclient -tls1_2 -cipher AES128-SHA && fail "AES128-SHA accepted"
sclient -tls1_2 -cipher AES256-GCM-SHA384 && fail "static RSA/GCM suite accepted"
sclient -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256 && fail "ECDHE with CBC accepted"
sclient -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 || fail "ECDHE-ECDSA-AES128-GCM refused"
sclient -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305 || fail "ECDHE-ECDSA-CHACHA20 refused"
sclient -tls1_3 || fail "TLS 1.3 refused"
grep -q "Acceptable client certificate CA names" "$T/s" && fail "CA names sent in the certificate request"

# -- cairnctl: pinned, and refusing a wrong pin
ctl() { "$OUT/cairnctl" "$@"; }
ctl remote add edge "https://127.0.0.1:$PORT" --cert "$T/ok.crt" --key "$T/ok.key" \
	--fingerprint "$SFP" >/dev/null || fail "remote add"
ctl remote list | grep -q "^edge " || fail "remote list"
[ "$(stat -c %a "$CAIRN_CONFIG_DIR/remotes.ini")" = 600 ] || fail "remotes.ini is not 0600"
ctl --remote edge list | grep -q "web" || fail "cairnctl --remote list"
ctl --remote edge info | grep -q "fingerprint: *$SFP" || fail "cairnctl info lacks the fingerprint"
ctl --remote edge config show | grep -q "hostname = tlshost" || fail "config show over TLS"
WRONG=$(echo "$SFP" | tr '0-9a-f' '1-9a-f0')
ctl remote add evil "https://127.0.0.1:$PORT" --cert "$T/ok.crt" --key "$T/ok.key" \
	--fingerprint "$WRONG" >/dev/null || fail "remote add evil"
if ctl --remote evil list >"$T/o" 2>&1; then fail "a wrong pinned fingerprint was accepted"; fi
grep -q "FINGERPRINT MISMATCH" "$T/o" && grep -q "$WRONG" "$T/o" && grep -q "$SFP" "$T/o" ||
	fail "mismatch message lacks both fingerprints: $(cat "$T/o")"
ctl remote add stranger "https://127.0.0.1:$PORT" --cert "$T/stranger.crt" \
	--key "$T/stranger.key" --fingerprint "$SFP" >/dev/null || fail "remote add stranger"
if ctl --remote stranger list >"$T/o" 2>&1; then fail "cairnctl with an untrusted cert got in"; fi
ctl remote remove evil >/dev/null || fail "remote remove"
ctl remote list | grep -q "^evil " && fail "evil still listed"
if ctl --remote nosuch list >"$T/o" 2>&1; then fail "unknown remote"; fi
grep -q 'no remote "nosuch"' "$T/o" || fail "unknown remote message: $(cat "$T/o")"

# -- the identity survives a restart
kill -TERM "$CAIRND_PID"; wait "$CAIRND_PID" 2>/dev/null; CAIRND_PID=
: > "$ERR"
start_cairnd
grep -q "fingerprint $SFP" "$ERR" || fail "the server fingerprint changed across a restart"
ctl --remote edge info >/dev/null || fail "pinned remote after restart"

# -- a port that cannot be bound leaves cairnd running without HTTPS
# shellcheck disable=SC2046
"$OUT/cairnd" --config "$CONF" --log-dir "$LOG" --run-dir "$T/run2" --tls-dir "$TLS" \
	--trust-dir "$TRUST" --listen "127.0.0.1:$PORT" $(store_opts) 2>"$T/err2" &
P2=$!
wait_for 50 grep -q "cairnd: ready" "$T/err2" || fail "second cairnd not ready: $(cat "$T/err2")"
grep -q "no HTTPS on 127.0.0.1:$PORT: cannot listen" "$T/err2" || fail "bind failure not reported: $(cat "$T/err2")"
kill -0 "$P2" || fail "second cairnd died"
kill -TERM "$P2"; wait "$P2" 2>/dev/null
echo "ok"
