#!/bin/sh
# tests/check.sh: every level of test, in order, on a built tree (make check).
# Prints each level's summary and a closing total "N passed, N failed".
set -u
total_pass=0; total_fail=0
run_level() {
	level=$1; shift
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	line=$(grep -E "^$level: [0-9]+ passed, [0-9]+ failed" "$out" | tail -1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "check: $level did not report a summary: counted as one failure"
		total_fail=$((total_fail + 1)); return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}
run_level unit        make -s unit
run_level integration make -s integration
run_level system      make -s system
run_level fuzz        make -s fuzz FUZZ_SECONDS=${FUZZ_SECONDS:-10}
run_level kernel      make -s kernel-check
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
