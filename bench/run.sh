#!/bin/sh
# bench/run.sh - every benchmark (make bench); figures go in docs/benchmarks.md.
set -eu
echo "== bench/boot.sh build/image"
bench/boot.sh build/image
echo "== bench/memory.sh build/out"
bench/memory.sh build/out
