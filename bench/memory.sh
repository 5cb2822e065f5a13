#!/bin/sh
# bench/memory.sh [OUT] [N] - supervision memory, cairn against s6, run inside
# the build root (same libraries as the image).  See memory-inroot.sh.
set -eu
exec mk/inroot.sh bench/memory-inroot.sh "${1:-build/out}" "${2:-100}"
