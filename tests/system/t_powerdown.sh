#!/bin/sh
# t_powerdown: system_powerdown over QMP (the ACPI power button) gives an
# orderly power-off within the bound: QEMU exits by itself, and the data
# partition's ext4 was unmounted cleanly (state clean, no journal to
# replay), checked on the host on the disk image itself.
. "$(dirname "$0")/lib.sh"
setup
boot
wait_ready
# The button driver is a stage-2 module; give the guest a moment after ready.
sleep 2
qmp system_powerdown >/dev/null || fail "QMP system_powerdown failed"
log "system_powerdown sent"
wait_exit "${CAIRN_POWERDOWN_TIMEOUT:-60}" || fail "QEMU still running 60 s after system_powerdown"
log "QEMU exited"

off=$(python3 "$GPT" "$W/disk.img" cairn-data | cut -d' ' -f1) || fail "no cairn-data partition"
sb=$(dumpe2fs -h "$W/disk.img?offset=$off" 2>/dev/null) || fail "dumpe2fs failed"
echo "$sb" | grep -E 'Filesystem state|Mount count|Filesystem features'
echo "$sb" | grep -Eq '^Mount count: +[1-9]' || fail "/var was never mounted"
echo "$sb" | grep -Eq '^Filesystem state: +clean$' || fail "/var not clean after power-off"
echo "$sb" | grep -q needs_recovery && fail "/var journal needs recovery"
log "ok"
