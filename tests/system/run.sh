#!/bin/sh
# tests/system/run.sh [IMG] - the system tests: boot the built image (IMG,
# default build/image) in QEMU, once per test, on the host.  Each
# tests/system/t_*.sh is one case; tests/runner.sh reports them.
set -eu
export IMG=${1:-build/image}
for f in vmlinuz initramfs.img disk.img; do
	[ -f "$IMG/$f" ] || { echo "system: $IMG/$f missing (make image)" >&2; exit 1; }
done
# 900: t_vm boots a guest inside the guest (nested TCG, about 7 minutes)
TEST_TIMEOUT=${TEST_TIMEOUT:-900} exec tests/runner.sh system tests/system/t_*.sh
