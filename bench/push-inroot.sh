#!/bin/sh
# bench/push-inroot.sh OUT [N] - push-to-running: the time from `cairnctl
# push` of a signed configuration that adds one service to that service
# being `running`, N pushes over mTLS (`--remote`, what an operator does)
# then N over the local Unix socket.  Runs inside the build root
# (bench/push.sh calls it through mk/inroot.sh), in a private network and
# pid namespace.
#
# Push k carries generation k+1: the services of push k-1 unchanged plus
# one new `sleep`; signing it is not timed.  The clock starts just before
# cairnctl runs (date +%s%N) and stops when cairnd's own record of the new
# instance ($RUN/state/NAME, written when the state changes) says running,
# polled in a fork-free shell loop; the API is then asked once, untimed,
# to agree.  The store and run dirs are on disk (build/bench), so the
# store's fsyncs are paid as on a device.  Medians and p90 are printed.
set -eu
OUT=${1:-build/out}
N=${2:-20}
if [ -z "${PUSH_BENCH_INNER:-}" ]; then
	[ -x "$OUT/cairnd" ] && [ -x "$OUT/cairnctl" ] || { echo "push: $OUT/cairnd, cairnctl missing" >&2; exit 1; }
	mkdir -p build/bench
	exec env PUSH_BENCH_INNER=1 unshare --net --pid --fork --mount-proc -- "$0" "$@"
fi
ip link set lo up
OUT=$(cd "$OUT" && pwd)
W=$(mktemp -d "$(pwd)/build/bench/push.XXXXXX")
RUN=$W/run PORT=8443
export CAIRN_CONFIG_DIR=$W/ctl
CAIRND_PID=

cleanup() {
	[ -n "$CAIRND_PID" ] && kill -TERM "$CAIRND_PID" 2>/dev/null
	i=0
	while [ -n "$CAIRND_PID" ] && kill -0 "$CAIRND_PID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
fail() { echo "push: $*" >&2; tail -5 "$W/cairnd.err" >&2; exit 1; }
ctl() { "$OUT/cairnctl" "$@"; }

wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# running NAME: cairnd's record of NAME says running (no fork).
running() {
	[ -f "$RUN/state/$1" ] || return 1
	while read -r rk rv; do
		[ "$rk" = state ] && { [ "$rv" = running ]; return; }
	done <"$RUN/state/$1" 2>/dev/null
	return 1
}

# conf GEN: generation GEN, services s1..s(GEN-1), signed.
conf() {
	f=$W/g$1.conf
	{
		printf '[host]\nhostname = bench\ngeneration = %d\n' "$1"
		i=1
		while [ $i -lt "$1" ]; do
			printf '\n[service s%d]\nexec = /usr/bin/sleep %d\n' $i $((100000 + i))
			i=$((i + 1))
		done
	} >"$f"
	ctl sign --key "$W/signer.key" "$f" >/dev/null || fail "sign $f"
}

mkdir -p "$RUN" "$W/log" "$W/store" "$W/trust/clients"
ctl keygen --out "$W/signer" >/dev/null || fail "keygen"
cp "$W/signer.pub" "$W/trust/"
ctl cert create --out "$W/op" --cn operator --days 2 >/dev/null || fail "cert create"
cp "$W/op.crt" "$W/trust/clients/"
conf 1
cp "$W/g1.conf" "$W/store/current.conf"; cp "$W/g1.conf.sig" "$W/store/current.conf.sig"
"$OUT/cairnd" --config-dir "$W/store" --seed-dir "$W/seed" --seed-label= --demo= \
	--log-dir "$W/log" --run-dir "$RUN" --tls-dir "$W/tls" --trust-dir "$W/trust" \
	--listen "127.0.0.1:$PORT" 2>"$W/cairnd.err" &
CAIRND_PID=$!
wait_for 100 grep -q "cairnd: ready" "$W/cairnd.err" || fail "cairnd never said ready"
wait_for 100 grep -q "cairnd: api https://127.0.0.1:$PORT" "$W/cairnd.err" || fail "cairnd: no https"
ctl remote add bench "https://127.0.0.1:$PORT" --cert "$W/op.crt" --key "$W/op.key" \
	--fingerprint "$(ctl cert fingerprint "$W/tls/server.crt")" >/dev/null || fail "remote add"
ctl --remote bench info >/dev/null || fail "cairnctl --remote info"

# series HOW FIRST: N pushes from generation FIRST on, through HOW
# (--remote bench or --socket RUN/api.sock); "ms-to-return ms-to-running"
# per push into $W/HOW.ms.
series() {
	how=$1 g=$2 k=0
	: >"$W/$how.ms"
	while [ $k -lt "$N" ]; do
		conf "$g"
		name=s$((g - 1))
		t0=$(date +%s%N)
		# shellcheck disable=SC2086
		ctl $3 push "$W/g$g.conf" >"$W/push.out" 2>&1 || fail "push g$g: $(cat "$W/push.out")"
		t1=$(date +%s%N)
		i=0
		until running "$name"; do
			i=$((i + 1))
			[ $i -lt 2000000 ] || fail "$name never running"
		done
		t2=$(date +%s%N)
		# shellcheck disable=SC2086
		ctl $3 --format json status "$name" | grep -q '"state":"running"' ||
			fail "the API does not say $name is running"
		echo "$(((t1 - t0) / 1000)) $(((t2 - t0) / 1000))" >>"$W/$how.ms"
		g=$((g + 1)) k=$((k + 1))
	done
}

# noop HOW ARGS: N untimed-config `cairnctl info` round trips, the fixed
# cost of one cairnctl call (start, connect, handshake) in $W/HOW-info.ms.
noop() {
	: >"$W/$1-info.ms"
	k=0
	while [ $k -lt "$N" ]; do
		t0=$(date +%s%N)
		# shellcheck disable=SC2086
		ctl $2 info >/dev/null || fail "cairnctl $2 info"
		t1=$(date +%s%N)
		echo "$(((t1 - t0) / 1000))" >>"$W/$1-info.ms"
		k=$((k + 1))
	done
}

# stats FILE COLUMN: "median p90" in ms of a column of microseconds.
stats() {
	awk -v c="$2" '{ print $c }' "$1" | sort -n |
		awk '{ a[NR] = $1 } END { i = int(NR * 0.9 + 0.5); if (i < 1) i = 1;
			printf "%.1f %.1f", a[int((NR + 1) / 2)] / 1000, a[i] / 1000 }'
}

echo "push-to-running ($N pushes each, each adding one service, generation +1):"
series remote 2 "--remote bench"
series local $((N + 2)) "--socket $RUN/api.sock"
noop remote "--remote bench"
noop local "--socket $RUN/api.sock"
for how in remote local; do
	# shellcheck disable=SC2046
	set -- $(stats "$W/$how.ms" 2) $(stats "$W/$how.ms" 1)
	if [ $how = remote ]; then what="over mTLS (--remote)"; else what="over the Unix socket"; fi
	printf '  %-22s running after median %s ms, p90 %s ms (push returns: median %s ms, p90 %s ms)\n' \
		"$what" "$1" "$2" "$3" "$4"
	awk '{ printf "%s%.0f", (NR > 1 ? " " : "    each, in order (ms): "), $2 / 1000 } END { print "" }' "$W/$how.ms"
done
# shellcheck disable=SC2046
set -- $(stats "$W/remote-info.ms" 1) $(stats "$W/local-info.ms" 1)
printf '  for scale, a `cairnctl info` round trip: median %s ms over mTLS, %s ms over the socket\n' \
	"$1" "$3"
