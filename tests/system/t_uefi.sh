#!/bin/sh
# t_uefi: the disk boots through firmware (OVMF) and the ESP's systemd-boot,
# not QEMU's -kernel: cairnd becomes ready, an orderly power-off follows,
# and on the host the ESP (read with mtools, no mounts) shows that
# systemd-boot counted the try: cairn-a+3.conf is now cairn-a+2-1.conf.
. "$(dirname "$0")/lib.sh"
command -v mdir >/dev/null || fail "mdir missing (mtools)"
setup
off=$(python3 "$GPT" "$W/disk.img" ESP | cut -d' ' -f1) || fail "no ESP partition on $IMG/disk.img"
export MTOOLS_SKIP_CHECK=1
entries() { mdir -b -i "$W/disk.img@@$off" ::/loader/entries | sed 's|.*/||' | tr -d '\r'; }
before=$(entries) || fail "cannot read the ESP at offset $off"
log "loader entries before: $before"
[ "$before" = cairn-a+3.conf ] || fail "expected cairn-a+3.conf on a fresh image, found: $before"
BOOT_UEFI=1 boot
CAIRN_READY_TIMEOUT=${CAIRN_READY_TIMEOUT:-180} wait_ready
grep -q 'cairn-init: ' "$CONSOLE" || fail "no cairn-init lines on the console"
grep -q 'Kernel panic' "$CONSOLE" && fail "kernel panic"
grep -q 'EFI stub\|efi: EFI v' "$CONSOLE" || fail "the kernel did not start through EFI"
sleep 2
qmp system_powerdown >/dev/null || fail "QMP system_powerdown failed"
log "system_powerdown sent"
wait_exit "${CAIRN_POWERDOWN_TIMEOUT:-60}" || fail "QEMU still running 60 s after system_powerdown"
log "QEMU exited"
after=$(entries) || fail "cannot read the ESP after the boot"
log "loader entries after: $after"
[ "$after" = cairn-a+2-1.conf ] || fail "systemd-boot did not count the try: $after"
log "ok"
