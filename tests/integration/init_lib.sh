# init_lib.sh - shared by the t_init_*.sh tests (sourced, not a test).
# Each test runs cairn-init as PID 1 of a new pid+mount+uts+net namespace
# with a fake cairnd from the temp dir $W; init's console goes to
# $W/init.log.  U is unshare's pid, I is init's (as seen from outside);
# cleanup kills only those two.
set -u
: "${OUT:?OUT must name the build output}"
. "$(dirname "$0")/common_lib.sh"
W=$(mktemp -d "/var/tmp/$(basename "$0" .sh).XXXXXX")
U=
cleanup() {
	[ -n "$U" ] && kill -KILL "$U" 2>/dev/null
	[ -n "${I:-}" ] && kill -KILL "$I" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- init log"; cat "$W/init.log"; exit 1; }

# idle_cairnd [CMD]: $W/cairnd runs CMD (if any), says it is up by touching
# $W/ready and idles until SIGTERM, on which it exits 0 at once.
idle_cairnd() {
	cat >"$W/cairnd" <<EOS
#!/bin/sh
${1:-}
trap 'exit 0' TERM
touch $W/ready
while :; do sleep 1 & wait \$!; done
EOS
	chmod +x "$W/cairnd"
}

# start_init [ARGS...]: cairn-init --stage2 with $W/cairnd and ARGS, in the
# background; sets U.
start_init() {
	unshare --pid --fork --mount --uts --net --mount-proc --propagation unchanged \
		"$OUT/cairn-init" --stage2 --container --cairnd "$W/cairnd" "$@" \
		>"$W/init.log" 2>&1 &
	U=$!
}

# wait_init WHAT [CMD...]: wait up to 10 s until cairnd is up, CMD (if any)
# succeeds and init's pid is known; sets I, or fails saying WHAT did not
# come up.
wait_init() {
	what=$1; shift
	I=
	wait_for 100 init_up "$@" || fail "$what did not come up"
	I=${I% }
}
init_up() {
	[ -f "$W/ready" ] || return 1
	[ $# = 0 ] || "$@" || return 1
	I=$(cat /proc/$U/task/$U/children 2>/dev/null) && [ -n "$I" ]
}

# inns CMD...: run CMD inside the namespace (its root, its /proc).
inns() { timeout 30 nsenter -t "$I" -m -p -r -w -- "$@"; }

# init_end SECS: wait at most SECS for the namespace to end (init's
# reboot(2) kills it: 128 + SIGHUP for a restart, + SIGINT for power-off);
# unshare's exit status goes to rc.
init_end() {
	timeout "$1" sh -c "while kill -0 $U 2>/dev/null; do sleep 0.05; done" ||
		fail "init did not end within $1 s"
	rc=0
	wait "$U" || rc=$?
	U=
}
