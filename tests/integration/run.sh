#!/bin/sh
# tests/integration/run.sh OUT: run every tests/integration/t_*.sh inside
# the build root (root, private namespaces).  Each script is one test case;
# it finds the binaries in $OUT and the helper programs in $OUT/helpers.
set -u
OUT=$(cd "${1:-build/out}" && pwd)
export OUT
export TEST_TIMEOUT=${TEST_TIMEOUT:-120}
export TEST_NETNS=1   # every test in its own network namespace (runner.sh)
exec tests/runner.sh integration tests/integration/t_*.sh
