#!/bin/sh
# tests/unit/run.sh OUT: run every cmocka unit test binary, plain and
# with ASan+UBSan; one runner line per binary.
set -u
O=${1:-build/out}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
exec tests/runner.sh unit $(ls "$O"/unit/* "$O"/unit-san/* 2>/dev/null)
