#!/bin/sh
# bench/run.sh - every benchmark (make bench); figures go in docs/benchmarks.md.
set -eu
for b in "boot.sh build/image" "boot_uefi.sh build/image" "memory.sh build/out" \
	"push.sh build/out" "tls.sh build/out" "install.sh build/out" \
	"cli_start.sh build/out" "ct_start.sh build/out" "density.sh build/out" "vm.sh build/out"; do
	echo "== bench/$b"
	# shellcheck disable=SC2086  # "NAME ARG": split on purpose
	bench/$b
done
