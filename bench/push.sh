#!/bin/sh
# bench/push.sh [OUT] [N] - push-to-running: `cairnctl push` of a config
# adding one service until that service runs, N times over mTLS and N over
# the Unix socket, inside the build root.  See push-inroot.sh.
set -eu
exec mk/inroot.sh bench/push-inroot.sh "${1:-build/out}" "${2:-20}"
