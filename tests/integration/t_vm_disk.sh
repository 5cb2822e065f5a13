#!/bin/sh
# A VM's disk outlives its QEMU: cairnd creates it once (size=), the guest
# (disk mode) formats it on its first boot and counts its boots on it;
# after a restart through the API and after a crash (kill -9, restart =
# always) the guest finds what it wrote: CAIRN-BOOTS 1, 2, 3, on the same
# file, which cairnd neither recreated nor truncated.
. "$(dirname "$0")/vm_lib.sh"
guest disk
vm_section data disk "disk = $VMDISK/data.img,size=32M" "stop_timeout = 60s" \
	"restart = always" "restart_delay = 200ms" > "$CONF"
start_cairnd
boots() { grep -q "CAIRN-BOOTS $1" "$LOG/data.log"; }
wait_for 900 boots 1 || { cat "$LOG/data.log"; fail "no first boot on the disk"; }
grep -q "data: created disk $VMDISK/data.img" "$ERR" || fail "the disk was not created by cairnd"
[ "$(stat -c %s "$VMDISK/data.img")" = $((32 << 20)) ] || fail "disk size: $(stat -c %s "$VMDISK/data.img")"
[ "$(stat -c %U "$VMDISK/data.img")" = nobody ] || fail "the disk is not QEMU's user's"
ino=$(stat -c %i "$VMDISK/data.img")
wait_for 100 marker_seen data || fail "no marker after the first boot"
# 1. a restart through the API: power button, then a fresh QEMU
p1=$(inst_pid data)
ctl restart data || fail "restart refused"
wait_for 900 boots 2 || { cat "$LOG/data.log"; fail "the data did not survive a restart"; }
grep -q "data: guest powered off" "$ERR" || fail "the restart did not power the guest off"
[ "$(inst_pid data)" != "$p1" ] || fail "same QEMU after a restart"
# 2. a crash: QEMU killed; the guest synced before its marker
wait_for 100 sh -c "[ \$(grep -c CAIRN-GUEST-UP $LOG/data.log) -ge 2 ]" || fail "no marker after the second boot"
kill -9 "$(inst_pid data)"
wait_for 900 boots 3 || { cat "$LOG/data.log"; fail "the data did not survive a crash"; }
[ "$(stat -c %i "$VMDISK/data.img")" = "$ino" ] || fail "the disk was replaced"
[ "$(grep -c 'created disk' "$ERR")" = 1 ] || fail "the disk was created again"
grep -q "CAIRN-BOOTS 4" "$LOG/data.log" && fail "a boot too many"
echo ok
