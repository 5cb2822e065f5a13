# common_lib.sh - helpers for every integration test (sourced, not a test).
# The other *_lib.sh files source it, so a test sources only its own lib;
# a test without a lib sources this one.

# fail MESSAGE: the test's verdict (the *_lib.sh files replace it with one
# that also shows their daemon's output).
fail() { echo "FAIL: $*"; exit 1; }

# wait_for TENTHS CMD...: retry CMD every 0.1 s, at most TENTHS times.
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
