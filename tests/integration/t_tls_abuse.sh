#!/bin/sh
# t_tls_abuse.sh - the HTTPS side under misbehaving clients: oversized
# headers (431) and bodies (413, refused from Content-Length), 50 silent
# TCP connections held open while a real client is still served, 200
# concurrent clients all answered; cairnd alive and its memory bounded.
. "$(dirname "$0")/tls_lib.sh"

write_conf
mkcert ok
cp "$T/ok.crt" "$TRUST/clients/"
start_cairnd

# raw REQUEST-FILE: send bytes over TLS, print the answer.
raw() {
	timeout 20 openssl s_client -quiet -ign_eof -connect "127.0.0.1:$PORT" \
		-cert "$T/ok.crt" -key "$T/ok.key" <"$1" 2>/dev/null
}
for i in $(seq 1 20); do scurl ok "$SURL/1.0" >/dev/null || fail "warm-up request $i"; done
RSS0=$(rss_kb)

# -- oversized header block: 431
big=$(head -c 20000 /dev/zero | tr '\0' 'a')
printf 'GET /1.0 HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n' "$big" > "$T/req"
raw "$T/req" | head -1 | grep -q "^HTTP/1.1 431" || fail "oversized header not 431"
code=$(scurl ok -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$SURL/1.0")
[ "$code" = 431 ] || fail "curl: oversized header gave $code"

# -- oversized body, announced: 413 before the body is read
printf 'PUT /1.0/config HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n' > "$T/req"
raw "$T/req" | head -1 | grep -q "^HTTP/1.1 413" || fail "oversized body not 413"
# ... and sent for real, 2 MiB
head -c 2097152 /dev/zero > "$T/body"
code=$(scurl ok -o /dev/null -w '%{http_code}' -X PUT -H 'Expect:' --data-binary @"$T/body" \
	"$SURL/1.0/config" 2>/dev/null)
case $code in 413|000) ;; *) fail "2 MiB body gave $code" ;; esac

# -- 50 silent TCP connections held open; a real client still served
mkfifo "$T/silence"
exec 3<>"$T/silence"   # held open, never written: busybox nc sends nothing, ever
pids=
for i in $(seq 1 50); do
	busybox nc 127.0.0.1 "$PORT" <"$T/silence" >/dev/null 2>&1 &
	pids="$pids $!"
done
sleep 1
start=$(date +%s)
scurl ok "$SURL/1.0/instances" | grep -q '"web"' || fail "real client not served beside 50 silent ones"
[ $(( $(date +%s) - start )) -le 3 ] || fail "real client waited behind the silent ones"
alive=0; for p in $pids; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
[ "$alive" -ge 45 ] || fail "the silent connections did not stay open ($alive of 50)"
kill $pids 2>/dev/null
wait $pids 2>/dev/null
exec 3>&-

# -- 200 concurrent clients
pids=
for i in $(seq 1 200); do
	scurl ok -o /dev/null -w '%{http_code}\n' "$SURL/1.0" > "$T/c.$i" 2>&1 &
	pids="$pids $!"
done
wait $pids
ok=$(cat "$T"/c.* | grep -c '^200$')
[ "$ok" = 200 ] || fail "only $ok of 200 concurrent clients answered: $(cat "$T"/c.* | sort | uniq -c)"

# -- still alive, still serving, memory bounded
kill -0 "$CAIRND_PID" || fail "cairnd died"
scurl ok "$SURL/1.0" >/dev/null || fail "not serving after the crowd"
sleep 1
RSS1=$(rss_kb)
[ "$RSS1" -lt $((RSS0 + 20000)) ] || fail "RSS grew from $RSS0 kB to $RSS1 kB"
echo "ok (rss $RSS0 -> $RSS1 kB)"
