#!/bin/sh
# t_update_rollback: an update that never becomes healthy is tried three
# times, then the machine is back on the old slot by itself, says so, and
# refuses that version from then on; bad bundles are refused with the
# running slot and its entry untouched.  Five boots through firmware.
#
# The bundle built to fail its health check: the image's root with one
# more file, /usr/share/cairn/unhealthy (and its version file saying
# 0.2.0), squashed again with its own verity tree and root hash
# (update_lib.sh variant_root).  The config, the same for both slots since
# it lives on /var, says `health_command = /bin/sh -c "test ! -e
# /usr/share/cairn/unhealthy"`: healthy on the image's root, never on the
# update's.  So the bundle is honest (signed, verified, it boots and
# cairnd runs) and only the health check fails, as an update with a bug
# would; nothing in cairnd or the image is special-cased for the test.
#   1. a fresh image boots slot a, blessed; the bundle (0.2.0) is pushed
#      remotely with --reboot.
#   2-4. slot b boots, cairnd never blesses it and reboots.
#   5. b has no tries left: slot a boots; cairnd reports the failed
#      update; `cairnctl slots` shows b failed with 0.2.0 and the reason;
#      failed-versions lists 0.2.0.  Then, pushed remotely, each refused:
#      the same bundle ("failed here before"), an older version (0.0.9),
#      a bundle (0.2.1) with a byte flipped in an artifact.  The ESP keeps slot
#      a's entry, slot a's root partition is unchanged, a stays active.
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
. "$SYS/update_lib.sh"
MARK=usr/share/cairn/unhealthy
setup "$(slot_conf 1 'bless_after = 2s' 'health_timeout = 5s' \
	"health_command = /bin/sh -c \"test ! -e /$MARK\"")"
VERSION=$(cat VERSION)
variant_bundle 0.2.0 "$W/v2.cairnb" "$MARK"
mkbundle 0.0.9 "$W/old.cairnb"
# A byte flipped in the middle of a bundle of a version never tried
# (0.2.1): inside the root artifact's compressed bytes, which only the
# manifest's sha256 covers.
mkbundle 0.2.1 "$W/flipped.cairnb"
python3 - "$W/flipped.cairnb" <<'PY' || fail "cannot flip a byte"
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(0, 2)
    off = f.tell() // 2
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x20]))
PY
WHY="not blessed 5 s after boot: health_command /bin/sh exited 1"

log "1. fresh image: slot a, blessed, then the unhealthy 0.2.0 pushed"
boot_slot a "boot 1"
wait_blessed a
remote_add
out=$(ctl --remote guest update "$W/v2.cairnb" --reboot 2>&1) || { echo "$out"; fail "update refused"; }
echo "$out" | grep -q "installed version 0.2.0 in slot b" || fail "not installed: $out"
wait_exit 120 || fail "the guest did not reboot after the update"
expect_entries "after the install" cairn-a.conf cairn-b+3.conf

slot_b_given_up /bin/sh

log "5. back on slot a by itself"
boot_slot a "boot 5"
grep -aq "cairnd: UPDATE FAILED: slot b (version 0.2.0) did not come up: $WHY; back on slot a (version $VERSION)" "$CONSOLE" ||
	fail "no failed update on the console"
wait_shell 60
remote_add
slots
slot_line a | grep -q "^a active $VERSION yes" || fail "slot a: $(slot_line a)"
slot_line b | grep -q "^b failed 0.2.0 no - 0 left, 3 done $WHY" || fail "slot b: $(slot_line b)"
fv=$(gsh 'cat /var/lib/cairn/update/failed-versions') || fail "no failed-versions"
[ "$fv" = "0.2.0 $WHY" ] || fail "failed-versions: $fv"
a_sum() { gsh "head -c $(stat -c %s "$IMG/root.sqfs") /dev/$(partdev cairn-root-a) | sha256sum | cut -c1-64" 60; }
sum0=$(a_sum) || fail "cannot read slot a's root"
[ "$sum0" = "$(sha256sum <"$IMG/root.sqfs" | cut -c1-64)" ] || fail "slot a's root is not the image's"

# refused FILE WHY-REGEX: pushed remotely, refused saying WHY.
refused() {
	if out=$(ctl --remote guest update "$1" 2>&1); then
		echo "$out"
		fail "$1 was installed"
	fi
	echo "$out" | tail -1
	echo "$out" | grep -Eq "$2" || fail "$1: the refusal does not say /$2/"
}
refused "$W/v2.cairnb" 'version 0\.2\.0 failed here before'
refused "$W/old.cairnb" "version 0\.0\.9 is not newer than the running $VERSION"
expect_entries "after refusals" cairn-a.conf cairn-b+0-3.conf
refused "$W/flipped.cairnb" 'artifact [a-z.]+: (sha256 mismatch|.*zstd|.*corrupt)'
# A bundle that fails while streaming leaves slot b without an entry;
# slot a's entry and root stay as they were.
expect_entries "after the flipped byte" cairn-a.conf
[ "$(a_sum)" = "$sum0" ] || fail "slot a's root changed"
slot_line a | grep -q "^a active $VERSION yes" || fail "slot a after the refusals: $(slot_line a)"
stop_qemu
log "ok"
