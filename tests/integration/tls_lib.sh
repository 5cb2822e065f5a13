# tls_lib.sh - shared by the t_tls_*.sh tests (sourced, not a test).
# Each test runs in its own network namespace (so port 8443 never clashes
# with the host or another test) and pid namespace (whatever it started
# dies with it), with a temp dir $T holding the config, run and log dirs,
# the server identity (tls/), the trust dir (trust/) and client certs.
set -u
: "${OUT:?OUT must name the directory holding cairnd and cairnctl}"
. "$(dirname "$0")/common_lib.sh"
if [ -z "${T_TLS_INNER:-}" ]; then
	exec env T_TLS_INNER=1 unshare --net --pid --fork --mount-proc --propagation unchanged \
		-- "$0" "$@"
fi
ip link set lo up || { echo "FAIL: cannot bring lo up"; exit 1; }

T=$(mktemp -d /tmp/t_tls.XXXXXX)
RUN=$T/run LOG=$T/log CONF=$T/cairn.conf ERR=$T/cairnd.err
TLS=$T/tls TRUST=$T/trust
PORT=8443
URL=https://127.0.0.1:$PORT
mkdir -p "$RUN" "$LOG" "$TRUST/clients"
export CAIRN_CONFIG_DIR=$T/ctl
CAIRND_PID=

fail() {
	echo "FAIL: $*"
	echo "--- cairnd stderr"; cat "$ERR" 2>/dev/null
	exit 1
}

cleanup() {
	[ -n "$CAIRND_PID" ] && kill -TERM "$CAIRND_PID" 2>/dev/null
	i=0; while [ -n "$CAIRND_PID" ] && kill -0 "$CAIRND_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# mkcert NAME [openssl req args...]: a self-signed P-256 client cert.
mkcert() {
	n=$1; shift
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$T/$n.key" -out "$T/$n.crt" -subj "/CN=$n" -days 30 "$@" \
		>/dev/null 2>&1 || fail "openssl could not make $n"
}

# fp FILE: SHA-256 fingerprint of a PEM certificate, cairn's way.
fp() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
		tr 'A-F' 'a-f'
}

write_conf() {
	cat > "$CONF" <<'C'
[host]
hostname = tlshost
generation = 5

[service web]
exec = /bin/sh -c "echo web-started; exec sleep 1000"
restart = on-failure
C
	sign_conf "$CONF"
}

# The config is signed by a signer the trust dir holds (cairnd applies
# nothing else); made with openssl so the test needs no cairnctl keygen.
sign_conf() {
	[ -f "$T/signer.key" ] || {
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/signer.key" \
			2>/dev/null && openssl pkey -in "$T/signer.key" -pubout -out "$TRUST/signer.pub" \
			2>/dev/null || fail "openssl: signer key"
	}
	openssl dgst -sha256 -sign "$T/signer.key" -out "$1.sig" "$1" || fail "openssl: signing $1"
}

# Options of a cairnd that has a config store: no seed or demo lookups.
store_opts() {
	"$OUT/cairnd" --help 2>&1 | grep -q -- --seed-label && echo "--seed-label= --demo="
}

start_cairnd() {
	# shellcheck disable=SC2046
	"$OUT/cairnd" --config "$CONF" --log-dir "$LOG" --run-dir "$RUN" --tls-dir "$TLS" \
		--trust-dir "$TRUST" --listen "127.0.0.1:$PORT" $(store_opts) "$@" 2>>"$ERR" &
	CAIRND_PID=$!
	wait_for 100 grep -q "cairnd: ready" "$ERR" || fail "cairnd never said ready"
	grep -q "cairnd: api https://127.0.0.1:$PORT fingerprint " "$ERR" ||
		fail "no https/fingerprint line on the console"
}

# scurl NAME ARGS...: curl with client certificate NAME, server pinned by
# its certificate (CN cairn, reached by that name).
scurl() {
	n=$1; shift
	curl -sS --max-time 20 --cert "$T/$n.crt" --key "$T/$n.key" --cacert "$TLS/server.crt" \
		--resolve "cairn:$PORT:127.0.0.1" "$@"
}
SURL=https://cairn:$PORT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$CAIRND_PID/status"; }
