# sup_lib.sh - shared by the t_sup_*.sh tests (sourced, not a test).
# Each test gets a temp dir $T with its own run dir, log dir and config;
# every wait is bounded; cleanup kills only what the test started.
set -u
: "${OUT:?OUT must name the directory holding cairnd}"
T=$(mktemp -d /tmp/t_sup.XXXXXX)
RUN=$T/run
LOG=$T/log
CONF=$T/cairn.conf
ERR=$T/cairnd.err
CAIRND_PID=

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

start_cairnd() {
	"$OUT/cairnd" --config "$CONF" --log-dir "$LOG" --run-dir "$RUN" "$@" 2>>"$ERR" &
	CAIRND_PID=$!
	wait_for 50 grep -q "cairnd: ready" "$ERR" || fail "cairnd never said ready"
}

# wait_for TENTHS CMD...: retry CMD every 0.1 s, at most TENTHS times.
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

field() { sed -n "s/^$2 //p" "$RUN/state/$1" 2>/dev/null; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
inst_pid() { field "$1" pid; }
alive() { [ -n "$1" ] && [ "$1" != 0 ] && kill -0 "$1" 2>/dev/null; }
