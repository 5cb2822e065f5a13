#!/bin/sh
# t_update_ab: the whole A/B update flow through firmware (OVMF +
# systemd-boot), pushed from the host over the HTTPS API as an operator
# would (`cairnctl --remote guest update FILE --reboot`), three boots of
# one disk copy:
#   1. a fresh image boots slot a and blesses it; a bundle of version
#      0.2.0 goes into slot b and the guest reboots.  Each bundle's root
#      is the image's with its version file saying the bundle's version
#      (update_lib.sh variant_bundle: a new root hash, so verity checks a
#      root that really differs), so the running version each boot
#      compares against is the slot's own.
#   2. systemd-boot prefers b (cairn-b+3.conf, a higher version); cairnd
#      blesses it: `cairnctl slots` says b active 0.2.0, a good.  A bundle
#      of 0.3.0 goes back into slot a, reboot.
#   3. slot a boots 0.3.0 and is blessed; b is good.
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
. "$SYS/update_lib.sh"
setup "$(slot_conf 1 'bless_after = 2s')"
VERSION=$(cat VERSION)
variant_bundle 0.2.0 "$W/v2.cairnb"
variant_bundle 0.3.0 "$W/v3.cairnb"

# push FILE VERSION SLOT: the remote update, which reboots the guest.
push() {
	out=$(ctl --remote guest update "$1" --reboot 2>&1) || { echo "$out"; fail "update $1 refused"; }
	echo "$out" | tail -3
	echo "$out" | grep -q "installed version $2 in slot $3" || fail "no 'installed version $2 in slot $3'"
	wait_exit 120 || fail "the guest did not reboot after the update"
}

log "1. fresh image: slot a, blessed, then 0.2.0 pushed"
boot_slot a "boot 1"
wait_blessed a
remote_add
slot_line a | grep -q "^a active $VERSION yes" || fail "slot a: $(slot_line a)"
push "$W/v2.cairnb" 0.2.0 b
grep -aq 'cairnd: update: version 0.2.0 installed in slot b (signed by .*), rebooting' "$CONSOLE" ||
	fail "no install line on the console"
expect_entries "after the install" cairn-a.conf cairn-b+3.conf

log "2. slot b boots 0.2.0 and is blessed; 0.3.0 pushed into a"
boot_slot b "boot 2"
wait_blessed b
slots
slot_line b | grep -q "^b active 0.2.0 yes" || fail "slot b: $(slot_line b)"
wait_shell 60
[ "$(gsh 'cat /usr/share/cairn/version')" = 0.2.0 ] || fail "slot b's root does not say 0.2.0"
grep -aq "cairn.roothash=$(cat "$W/root-0.2.0/roothash")" "$CONSOLE" || fail "not 0.2.0's root hash"
slot_line a | grep -q "^a good $VERSION yes" || fail "slot a: $(slot_line a)"
push "$W/v3.cairnb" 0.3.0 a
expect_entries "after the second install" cairn-a+3.conf cairn-b.conf

log "3. slot a boots 0.3.0 and is blessed"
boot_slot a "boot 3"
wait_blessed a
slots
slot_line a | grep -q "^a active 0.3.0 yes" || fail "slot a: $(slot_line a)"
wait_shell 60
[ "$(gsh 'cat /usr/share/cairn/version')" = 0.3.0 ] || fail "slot a's root does not say 0.3.0"
slot_line b | grep -q "^b good 0.2.0 yes" || fail "slot b: $(slot_line b)"
expect_entries "at the end" cairn-a.conf cairn-b.conf
stop_qemu
log "ok"
