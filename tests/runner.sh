#!/bin/sh
# tests/runner.sh LEVEL CMD...: run each test script or binary named on the
# command line (one test case per file), with a per-test time limit, print
# "ok"/"FAIL" lines and a closing "LEVEL: N passed, N failed" line.
# A failing test's output is shown; a passing one's goes to build/test-logs/.
# TEST_NETNS=1 runs each test in a network namespace of its own with only
# loopback up, so that what it (or the cairnd it starts: bridges, NAT
# tables, taps) does to links never reaches the machine's own network.
set -u
level=$1; shift
limit=${TEST_TIMEOUT:-300}
logdir=${TEST_LOGDIR:-build/test-logs}/$level
mkdir -p "$logdir"
pass=0; fail=0; failed=""
for t in "$@"; do
	name=$(basename "$t")
	log="$logdir/$name.log"
	start=$(date +%s)
	if [ "${TEST_NETNS:-}" = 1 ]; then
		set -- unshare --net -- sh -c 'ip link set lo up && exec "$0"' "$t"
	else
		set -- "$t"
	fi
	if timeout -k 5 "$limit" "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $level/$name ($(( $(date +%s) - start ))s)"
	else
		rc=$?
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $level/$name (exit $rc, $(( $(date +%s) - start ))s)"
		sed 's/^/    | /' "$log" | tail -60
	fi
done
echo "$level: $pass passed, $fail failed"
[ "$fail" = 0 ]
