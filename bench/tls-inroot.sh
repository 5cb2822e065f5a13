#!/bin/sh
# bench/tls-inroot.sh OUT [SECS] [CONNS] [ROUNDS] [CPU] - API throughput over
# kept-alive mTLS, cairnd against nginx, on this machine in this run.
# Runs inside the build root (bench/tls.sh calls it through mk/inroot.sh),
# in a private network and pid namespace: the ports exist only there and
# whatever started dies with it.
#
# Both servers get the same load (bench/tlsload.c): CONNS connections,
# handshaken before the clock starts, each sending `GET /1.0` one at a time
# for SECS seconds; complete 200 responses per second are counted.  Both
# offer the same TLS: TLS 1.2/1.3, ECDHE + AEAD only, a P-256 server key, a
# required client certificate (the same self-signed one, trusted directly);
# the client holds both to TLS 1.3 with TLS_AES_128_GCM_SHA256.
#   cairnd: its own HTTPS API, one supervision loop serving every
#           established connection (handshakes on a helper thread);
#   nginx:  Debian's, worker_processes 1 (one event loop, as cairnd),
#           serving cairnd's own GET /1.0 answer as a static file, access
#           log off, open_file_cache on, keepalive_requests unbounded.
# Server and load generator are pinned to one CPU (CPU, default the last;
# `-` pins nothing): the pair is then CPU-bound on that CPU, so requests per
# second measure what a request costs the server, and neither cross-CPU
# wake-ups nor how much of its second CPU a shared host lends the run move
# the figure (unpinned, rounds vary by 2x on this host).  Rounds run both
# back to back, alternating which goes first; the ratio
# printed is the median of the rounds' ratios, because a shared host's
# spare CPU changes from one minute to the next (a neighbour's TCG guest)
# and a pair of adjacent runs sees the same host.  The server's CPU time
# per request (/proc/PID/stat, every thread) is printed too: it does not
# depend on how much CPU the host lent the run.
set -eu
OUT=${1:-build/out}
SECS=${2:-4}
CONNS=${3:-8}
ROUNDS=${4:-5}
CPU=${5:-$(($(nproc) - 1))}
if [ -z "${TLS_BENCH_INNER:-}" ]; then
	[ -x "$OUT/cairnd" ] || { echo "tls: $OUT/cairnd missing" >&2; exit 1; }
	command -v nginx >/dev/null || { echo "tls: no nginx in the build root (mk/buildroot.packages)" >&2; exit 1; }
	mkdir -p build/bench
	gcc -O2 -Wall -Wextra -std=gnu11 -o build/bench/tlsload bench/tlsload.c \
		-lmbedtls -lmbedx509 -lmbedcrypto
	exec env TLS_BENCH_INNER=1 unshare --net --pid --fork --mount-proc -- "$0" "$@"
fi
ip link set lo up
PIN=
[ "$CPU" = - ] || PIN="taskset -c $CPU"
OUT=$(cd "$OUT" && pwd)
LOAD=$(pwd)/build/bench/tlsload
W=$(mktemp -d /tmp/tlsbench.XXXXXX)
CPORT=8443 NPORT=8444
CAIRND_PID='' NGINX_PID=''

cleanup() {
	[ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null
	[ -n "$CAIRND_PID" ] && kill -TERM "$CAIRND_PID" 2>/dev/null
	i=0
	while [ $i -lt 50 ] && { kill -0 "${CAIRND_PID:-0}" 2>/dev/null ||
		kill -0 "${NGINX_PID:-0}" 2>/dev/null; }; do sleep 0.1; i=$((i + 1)); done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
fail() { echo "tls: $*" >&2; tail -5 "$W/cairnd.err" "$W/nginx.err" 2>/dev/null >&2; exit 1; }

# wait_for TENTHS CMD...: retry CMD every 0.1 s, at most TENTHS times.
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# p256cert NAME CN: a self-signed P-256 certificate and key.
p256cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$W/$1.key" -out "$W/$1.crt" -subj "/CN=$2" -days 30 >/dev/null 2>&1 ||
		fail "openssl: $1 certificate"
}

# ticks PID...: user + system CPU clock ticks of the processes (all threads).
ticks() {
	t=0
	for p in "$@"; do
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
		t=$((t + v))
	done
	echo "$t"
}

# --- cairnd ------------------------------------------------------------------
mkdir -p "$W/run" "$W/log" "$W/trust/clients" "$W/www"
p256cert client operator
cp "$W/client.crt" "$W/trust/clients/"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/signer.key" 2>/dev/null &&
	openssl pkey -in "$W/signer.key" -pubout -out "$W/trust/signer.pub" 2>/dev/null ||
	fail "openssl: signer key"
cat >"$W/cairn.conf" <<'C'
[host]
hostname = bench
generation = 1

[service web]
exec = /usr/bin/sleep 100000
C
openssl dgst -sha256 -sign "$W/signer.key" -out "$W/cairn.conf.sig" "$W/cairn.conf"
store=
"$OUT/cairnd" --help 2>&1 | grep -q -- --seed-label && store="--seed-label= --demo="
# shellcheck disable=SC2086
$PIN "$OUT/cairnd" --config "$W/cairn.conf" --log-dir "$W/log" --run-dir "$W/run" \
	--tls-dir "$W/tls" --trust-dir "$W/trust" --listen "127.0.0.1:$CPORT" $store \
	2>"$W/cairnd.err" &
CAIRND_PID=$!
wait_for 100 grep -q "cairnd: ready" "$W/cairnd.err" || fail "cairnd never said ready"
wait_for 100 grep -q "cairnd: api https://127.0.0.1:$CPORT" "$W/cairnd.err" || fail "cairnd: no https"

# nginx serves what cairnd answers, byte for byte, at the same path.
curl -sS --max-time 10 --cert "$W/client.crt" --key "$W/client.key" --cacert "$W/tls/server.crt" \
	--resolve "cairn:$CPORT:127.0.0.1" "https://cairn:$CPORT/1.0" >"$W/www/1.0" ||
	fail "curl GET /1.0 from cairnd"

# --- nginx ---------------------------------------------------------------------
p256cert nginx nginx
chmod 755 "$W" "$W/www"; chmod 644 "$W/www/1.0"
mkdir -p "$W/ng"
cat >"$W/nginx.conf" <<C
daemon off;
master_process on;
worker_processes 1;
pid $W/ng/nginx.pid;
error_log $W/nginx.err warn;
events { worker_connections 256; }
http {
	access_log off;
	server_tokens off;
	client_body_temp_path $W/ng/body;
	proxy_temp_path $W/ng/proxy;
	fastcgi_temp_path $W/ng/fastcgi;
	uwsgi_temp_path $W/ng/uwsgi;
	scgi_temp_path $W/ng/scgi;
	keepalive_requests 1000000000;
	keepalive_timeout 60s;
	open_file_cache max=16;
	types { }
	default_type application/json;
	server {
		listen 127.0.0.1:$NPORT ssl;
		root $W/www;
		ssl_certificate $W/nginx.crt;
		ssl_certificate_key $W/nginx.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
		ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
		ssl_session_tickets off;
		ssl_verify_client on;
		ssl_client_certificate $W/client.crt;
		location / { }
	}
}
C
# shellcheck disable=SC2086
$PIN nginx -p "$W/ng" -c "$W/nginx.conf" -e "$W/nginx.err" 2>>"$W/nginx.err" &
NGINX_PID=$!
wait_for 100 curl -sS --max-time 5 --cert "$W/client.crt" --key "$W/client.key" \
	--cacert "$W/nginx.crt" --resolve "nginx:$NPORT:127.0.0.1" -o /dev/null \
	"https://nginx:$NPORT/1.0" || fail "nginx does not answer"
curl -s --max-time 5 --cacert "$W/nginx.crt" --resolve "nginx:$NPORT:127.0.0.1" \
	"https://nginx:$NPORT/1.0" | grep -q config_generation &&
	fail "nginx answers a client without a certificate"
ngpids() {
	awk -v m="$NGINX_PID" '$1 == m || $4 == m { print $1 }' /proc/[0-9]*/stat 2>/dev/null
}

# --- rounds --------------------------------------------------------------------
# run WHO: one load run; prints "rps server-CPU-us-per-request
# server-CPU-seconds client-CPU-seconds version suite".
run() {
	if [ "$1" = cairnd ]; then
		port=$CPORT name=cairn crt=$W/tls/server.crt pids=$CAIRND_PID
	else
		port=$NPORT name=nginx crt=$W/nginx.crt pids=$(ngpids)
	fi
	# shellcheck disable=SC2086
	c0=$(ticks $pids)
	# shellcheck disable=SC2086
	res=$(timeout $((SECS + 30)) $PIN "$LOAD" 127.0.0.1 $port $name "$crt" "$W/client.crt" \
		"$W/client.key" "$CONNS" "$SECS" /1.0) || fail "tlsload against $1 failed"
	# shellcheck disable=SC2086
	c1=$(ticks $pids)
	echo "$res" | awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s %.1f %.2f %s %s %s\n", $3, c / hz * 1e6 / $1, c / hz, $6, $4, $5 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "tls (GET /1.0, $CONNS kept-alive mTLS connections, $SECS s per run, body" \
	"$(wc -c <"$W/www/1.0") bytes, $(nproc) CPUs, pinned to: ${PIN:-nothing}):"
: >"$W/detail"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then order="cairnd nginx"; else order="nginx cairnd"; fi
	line="  round $r:"
	for who in $order; do
		res=$(run $who) || exit 1
		# shellcheck disable=SC2086
		set -- $res
		line="$line $who $1 req/s ($2 us CPU/req),"
		echo "$r $who $*" >>"$W/detail"
	done
	echo "${line%,}"
	r=$((r + 1))
done
grep -q "refused" "$W/cairnd.err" && fail "cairnd refused a client: $(grep refused "$W/cairnd.err" | head -1)"
awk '{ printf "    round %s %s: %s CPU-s server, %s CPU-s client, %s %s\n", $1, $2, $5, $6, $7, $8 }' "$W/detail"
# col WHO N: column N of WHO's runs; ratio: cairnd/nginx of req/s per round.
col() { awk -v w="$1" -v c="$2" '$2 == w { print $c }' "$W/detail"; }
ratio() {
	awk '{ v[$1, $2] = $3 } END { for (k in v) { split(k, a, SUBSEP);
		if (a[2] == "cairnd") print v[a[1], "cairnd"] / v[a[1], "nginx"] } }' "$W/detail"
}
c=$(col cairnd 3 | median) n=$(col nginx 3 | median)
cu=$(col cairnd 4 | median) nu=$(col nginx 4 | median)
echo "  median of $ROUNDS: cairnd $c req/s, nginx $n req/s; server CPU per request: cairnd $cu us, nginx $nu us"
ratio | median | awk '{ printf "  cairnd/nginx = %.2f (median of the rounds'"'"' ratios; each round runs both back to back)\n", $1 }'
awk -v c="$cu" -v n="$nu" 'BEGIN { printf "  requests per server CPU-second, cairnd/nginx = %.2f\n", n / c }'
