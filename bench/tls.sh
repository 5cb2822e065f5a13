#!/bin/sh
# bench/tls.sh [OUT] [SECS] [CONNS] [ROUNDS] [CPU] - API requests per second over
# kept-alive mTLS, cairnd against nginx, run inside the build root in a
# private network namespace.  See tls-inroot.sh.
set -eu
exec mk/inroot.sh bench/tls-inroot.sh "${1:-build/out}" "${2:-4}" "${3:-8}" "${4:-5}" "${5:-}"
