#!/bin/sh
# tests/integration/run.sh OUT: run every tests/integration/t_*.sh inside
# the build root (root, private namespaces).  Each script is one test case;
# it finds the binaries in $OUT and the helper programs in $OUT/helpers.
set -u
OUT=$(cd "${1:-build/out}" && pwd)
export OUT
export TEST_TIMEOUT=${TEST_TIMEOUT:-120}
export TEST_NETNS=1   # every test in its own network namespace (runner.sh)
# t_ct_debian's image, made once (1-2 minutes) before the per-test time
# limit runs; should this fail, the test tries again and fails with why
tests/integration/ct_debian.sh >/dev/null || echo "integration: the Debian container image could not be made"
exec tests/runner.sh integration tests/integration/t_*.sh
