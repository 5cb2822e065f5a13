#!/bin/sh
# bench/run.sh - every benchmark (make bench); figures go in docs/benchmarks.md.
set -eu
echo "== bench/boot.sh build/image"
bench/boot.sh build/image
echo "== bench/boot_uefi.sh build/image"
bench/boot_uefi.sh build/image
echo "== bench/memory.sh build/out"
bench/memory.sh build/out
echo "== bench/push.sh build/out"
bench/push.sh build/out
echo "== bench/tls.sh build/out"
bench/tls.sh build/out
echo "== bench/install.sh build/out"
bench/install.sh build/out
echo "== bench/ct_start.sh build/out"
bench/ct_start.sh build/out
echo "== bench/vm.sh build/out"
bench/vm.sh build/out
