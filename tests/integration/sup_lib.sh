# sup_lib.sh - shared by the t_sup_*.sh tests (sourced, not a test).
# Each test gets a temp dir $T with its own run dir, log dir and config;
# every wait is bounded; cleanup kills only what the test started.
set -u
: "${OUT:?OUT must name the directory holding cairnd}"
. "$(dirname "$0")/common_lib.sh"
T=$(mktemp -d /tmp/t_sup.XXXXXX)
RUN=$T/run
LOG=$T/log
CONF=$T/cairn.conf
ERR=$T/cairnd.err
CAIRND_PID=
# Configs must be signed: a throwaway signer for this test, trusted by its
# cairnd (TRUST), and the store (STORE) in the temp dir too.
TRUST=$T/trust
STORE=$T/store
KEY=$T/signer.key
mkdir -p "$TRUST" "$STORE"
"$OUT/cairnctl" keygen --out "$T/signer" >/dev/null || { echo "FAIL: keygen"; exit 1; }
cp "$T/signer.pub" "$TRUST/"

fail() {
	echo "FAIL: $*"
	echo "--- cairnd stderr"; cat "$ERR" 2>/dev/null
	for f in "$RUN"/state/*; do [ -f "$f" ] && { echo "--- $f"; cat "$f"; }; done
	exit 1
}

cleanup() {
	if [ -n "$CAIRND_PID" ] && kill -0 "$CAIRND_PID" 2>/dev/null; then
		kill -TERM "$CAIRND_PID" 2>/dev/null
		i=0; while kill -0 "$CAIRND_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
		kill -KILL "$CAIRND_PID" 2>/dev/null
	fi
	# anything a service left (marker files name their pids)
	for m in "$RUN"/pids/*; do
		p=${m##*/}
		case $p in *.exit|'*') continue ;; esac
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# sign_config FILE: FILE.sig with the test's signer.
sign_config() {
	"$OUT/cairnctl" sign --key "$KEY" "$1" >/dev/null || fail "cannot sign $1"
}

# CAIRND_ARGS: where a test's cairnd keeps and finds its configs; no seed
# device (the build host's disks are not probed), no demo, no HTTPS.
CAIRND_ARGS="--config-dir $STORE --trust-dir $TRUST --seed-dir $T/seed --seed-label= --demo= --no-tls"

# start_cairnd [ARGS]: $CONF (signed here) is the current config.
start_cairnd() {
	[ -f "$CONF" ] && sign_config "$CONF"
	# shellcheck disable=SC2086
	"$OUT/cairnd" --config "$CONF" $CAIRND_ARGS --log-dir "$LOG" --run-dir "$RUN" "$@" 2>>"$ERR" &
	CAIRND_PID=$!
	wait_for 50 grep -q "cairnd: ready" "$ERR" || fail "cairnd never said ready"
}

field() { sed -n "s/^$2 //p" "$RUN/state/$1" 2>/dev/null; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
inst_pid() { field "$1" pid; }
alive() { [ -n "$1" ] && [ "$1" != 0 ] && kill -0 "$1" 2>/dev/null; }

# ---- the config store (t_conf_*.sh) ----
SOCK=$RUN/api.sock
ctl() { "$OUT/cairnctl" --socket "$SOCK" "$@"; }

# start_store_cairnd [ARGS]: no fixed file: cairnd boots from $STORE
# (current.conf), then the seed dir $T/seed, and takes pushes.
start_store_cairnd() {
	# shellcheck disable=SC2086
	"$OUT/cairnd" $CAIRND_ARGS --log-dir "$LOG" --run-dir "$RUN" "$@" 2>>"$ERR" &
	CAIRND_PID=$!
	wait_for 50 grep -q "cairnd: ready" "$ERR" || fail "cairnd never said ready"
}

# stop_cairnd [SIGNAL]: TERM (workloads stop) or KILL (they stay).
stop_cairnd() {
	kill "-${1:-TERM}" "$CAIRND_PID" 2>/dev/null
	wait "$CAIRND_PID" 2>/dev/null
	CAIRND_PID=
}

# snapshot: the store's files and every instance's pid, to prove a refused
# push changed nothing.
snapshot() {
	( cd "$STORE" && for f in *; do [ -f "$f" ] && echo "$f $(md5sum < "$f")"; done )
	for f in "$RUN"/state/*; do [ -f "$f" ] && echo "${f##*/} $(field "${f##*/}" pid)"; done
}
