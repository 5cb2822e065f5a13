#!/bin/sh
# bench/ct_start.sh [OUT] [N] - container start to exit: a one-shot app
# container running /bin/true through cairnd's API, against `crun run` of
# an OCI bundle with the same busybox root and namespaces, N (100) of each
# in the same run, inside the build root.  See ct-start-inroot.sh.
set -eu
exec mk/inroot.sh bench/ct-start-inroot.sh "${1:-build/out}" "${2:-100}"
