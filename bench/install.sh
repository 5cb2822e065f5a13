#!/bin/sh
# bench/install.sh [OUT] [MB] - update install throughput into a
# file-backed slot, side by side: cairn (cairnctl update -> cairnd),
# `rauc install` of an equivalent bundle, and the floor `zstd -d | dd`.
# Inside the build root; see install-inroot.sh.
set -eu
exec mk/inroot.sh bench/install-inroot.sh "${1:-build/out}" "${2:-300}"
