#!/bin/sh
# bench/vm.sh [OUT] [ROUNDS] [N] - VM supervision: start-to-marker through
# cairnd against the same QEMU by hand, and cairnd's memory per VM; run
# inside the build root (its QEMU and kernel).  See vm-inroot.sh.
set -eu
exec mk/inroot.sh bench/vm-inroot.sh "${1:-build/out}" "${2:-5}" "${3:-8}"
