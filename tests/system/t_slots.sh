#!/bin/sh
# t_slots: A/B slots through firmware (OVMF + systemd-boot), five boots of
# one disk copy:
#   1. a fresh image boots slot a from cairn-a+3.conf (counted: +2-1);
#      cairnd blesses it (cairn-a.conf) and `cairnctl slots` says a is
#      active and blessed.  In the same boot the guest's shell makes an
#      "update" by hand: dd of slot a's root and verity to slot b, then
#      `cairnd --install-boot b` (the slot keeper's slot_install_boot)
#      with version 0.2.0 and slot a's root hash: cairn-b+3.conf.
#   2-4. with a config whose health check fails (health_command = false,
#      a short health_timeout), systemd-boot prefers b (the higher
#      version); cairnd never blesses it and reboots; three tries.
#   5. b has no tries left (cairn-b+0-3.conf): systemd-boot boots a by
#      itself; cairnd reports the failed update on the console, records
#      0.2.0 in /var/lib/cairn/update/failed-versions, and `cairnctl
#      slots` says b failed, with the version and the reason.
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
setup "$(slot_conf 1 'bless_after = 2s')"
[ "$(esp_entries)" = cairn-a+3.conf ] || fail "a fresh image's entries: $(esp_entries)"
ROOTHASH=$(cat "$IMG/roothash")
VERSION=$(cat VERSION)

log "1. fresh image: slot a boots and is blessed"
boot_slot a "boot 1"
wait_blessed a
wait_shell 60
slots=$(gsh 'cairnctl slots') || fail "cairnctl slots: $slots"
echo "$slots"
echo "$slots" | grep -Eq "^a +active +$VERSION +yes " || fail "slot a is not active and blessed"
echo "$slots" | grep -Eq "^b +empty " || fail "slot b is not empty"
status=$(gsh 'cairnctl status') || fail "cairnctl status: $status"
echo "$status" | grep -Eq "^a +active" || fail "cairnctl status shows no slots"

log "1b. an update by hand: slot a's root and verity to slot b, cairn-b+3.conf"
mib=$(( ($(stat -c %s "$IMG/root.sqfs") + 1048575) / 1048576 ))
gsh "dd if=/dev/$(partdev cairn-root-a) of=/dev/$(partdev cairn-root-b) bs=1M count=$mib 2>&1 &&
	dd if=/dev/$(partdev cairn-verity-a) of=/dev/$(partdev cairn-verity-b) bs=1M 2>&1 && sync" 120 ||
	fail "dd to slot b"
out=$(gsh "cairnd --install-boot b /run/cairn/esp/EFI/cairn/a/vmlinuz /run/cairn/esp/EFI/cairn/a/initrd $ROOTHASH 0.2.0 2>&1" 120) ||
	fail "cairnd --install-boot: $out"
echo "$out"
slots=$(gsh 'cairnctl slots') || fail "cairnctl slots: $slots"
echo "$slots"
echo "$slots" | grep -Eq "^b +pending +0\.2\.0 +no +yes +3 left, 0 done" || fail "slot b is not pending 0.2.0"
entry=$(gsh 'cat /run/cairn/esp/loader/entries/cairn-b+3.conf')
echo "$entry"
echo "$entry" | grep -qx "options console=ttyS0 panic=-1 cairn.slot=b cairn.roothash=$ROOTHASH" ||
	fail "cairn-b+3.conf options are not the running entry's words for slot b"
qmp system_powerdown >/dev/null || fail "QMP system_powerdown failed"
wait_exit 60 || fail "no power-off"
expect_entries "after boot 1" cairn-a.conf cairn-b+3.conf

# A config whose health check fails: slot b can never be blessed.
image-build/putconf.sh "$W/disk.img" \
	"$(slot_conf 2 'bless_after = 2s' 'health_command = /bin/false' 'health_timeout = 5s')" ||
	fail "putconf"
slot_b_given_up /bin/false

log "5. back on slot a by itself"
boot_slot a "boot 5"
grep -a 'UPDATE FAILED' "$CONSOLE" | tr -d '\r'
grep -aq "cairnd: UPDATE FAILED: slot b (version 0.2.0) did not come up: not blessed 5 s after boot: health_command /bin/false exited 1; back on slot a (version $VERSION)" "$CONSOLE" ||
	fail "no failed update on the console"
wait_shell 60
slots=$(gsh 'cairnctl slots') || fail "cairnctl slots: $slots"
echo "$slots"
echo "$slots" | grep -Eq "^a +active +$VERSION +yes " || fail "slot a is not active and blessed"
echo "$slots" | grep -Eq "^b +failed +0\.2\.0 +no +- +0 left, 3 done +not blessed 5 s after boot: health_command /bin/false exited 1" ||
	fail "slot b is not failed with its reason"
fv=$(gsh 'cat /var/lib/cairn/update/failed-versions') || fail "no failed-versions"
echo "$fv"
[ "$fv" = "0.2.0 not blessed 5 s after boot: health_command /bin/false exited 1" ] ||
	fail "failed-versions: $fv"
log "ok"
