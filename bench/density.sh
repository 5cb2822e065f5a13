#!/bin/sh
# bench/density.sh [OUT] [N] - container density: N (500) idle app
# containers (busybox sleep) under cairnd, against N LXC containers, in
# the same run, inside the build root: cairnd's memory and what it adds
# per container, against LXC's per-container monitor.  See
# density-inroot.sh.
set -eu
exec mk/inroot.sh bench/density-inroot.sh "${1:-build/out}" "${2:-500}"
