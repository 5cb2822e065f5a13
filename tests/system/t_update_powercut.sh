#!/bin/sh
# t_update_powercut: the power is cut (QEMU killed with SIGKILL: no flush,
# no shutdown) at three points of an install pushed remotely, and each
# time the next boot comes up on the running slot, with its entry; then
# the same update runs again and succeeds.  Five boots of one disk copy,
# through firmware:
#   0. fresh image, slot a; cut as soon as cairnd says it blessed the boot
#      (cairn-a+2-1.conf renamed to cairn-a.conf on the ESP).  This cut
#      found a bug: vfat writes a renamed file's size into its new
#      directory entry only with the inode, so the directory's fsync alone
#      left an empty cairn-a.conf and nothing to boot; the rename is now
#      followed by an fsync of the file, and the ESP is mounted dirsync.
#   1. slot a; cut 1 s after the push starts (the TLS
#      handshake, the manifest, the first bytes).
#   2. slot a again; cut once cairnctl has sent half the bundle (read
#      from its position in the file, /proc/PID/fdinfo): slot b is being
#      written, its entry already gone.
#   3. slot a again; cut right after the last byte is sent: the guest is
#      still decompressing the tail, fsyncing, writing the kernel and
#      initramfs to the ESP.
#   4. slot a again; the push now succeeds (cairn-b+3.conf).
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
. "$SYS/update_lib.sh"
setup "$(slot_conf 1 'bless_after = 2s')"
VERSION=$(cat VERSION)
variant_bundle 0.2.0 "$W/v2.cairnb"
SIZE=$(stat -c %s "$W/v2.cairnb")

# sent: how far the running cairnctl is in the bundle (0 until it opened it).
sent() {
	for pid in $(pgrep -f "build/out/cairnctl --remote guest update $W/v2.cairnb"); do
		for fd in /proc/$pid/fd/*; do
			case $(readlink "$fd" 2>/dev/null) in
			*/v2.cairnb) sed -n 's/^pos:[[:space:]]*//p' "/proc/$pid/fdinfo/${fd##*/}"; return ;;
			esac
		done
	done
	echo 0
}

# power_cut WHAT BYTES|+SECONDS: push the bundle in the background and kill
# QEMU once cairnctl has sent BYTES of it (or SECONDS after the start).
power_cut() {
	ctl --remote guest update "$W/v2.cairnb" >"$W/push.log" 2>&1 &
	push=$!
	case $2 in
	+*) sleep "${2#+}" ;;
	*)
		end=$(($(date +%s) + 120))
		while [ "$(sent)" -lt "$2" ]; do
			[ "$(date +%s)" -lt "$end" ] || fail "$1: cairnctl did not send $2 bytes in 120 s"
			kill -0 "$push" 2>/dev/null || { cat "$W/push.log"; fail "$1: cairnctl ended early"; }
			sleep 0.05
		done ;;
	esac
	at=$(sent)
	kill -9 "$QEMU_PID"
	log "power cut $1 ($at of $SIZE bytes sent)"
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=""
	wait "$push" && fail "$1: the push succeeded although the power was cut"
	grep -q 'installed version' "$W/push.log" && fail "$1: cairnctl says installed"
	log "entries after the cut: $(esp_entries | tr '\n' ' ')"
	esp_entries | grep -q '^cairn-b' && fail "$1: slot b has an entry after a cut install"
	a_entry_ok "$1"
}

# a_entry_ok WHAT: slot a's entry is on the ESP, whole.
a_entry_ok() {
	esp_entries | grep -qx 'cairn-a.conf' || fail "$1: no cairn-a.conf: $(esp_entries | tr '\n' ' ')"
	mtype -i "$W/disk.img@@$(esp_off)" ::/loader/entries/cairn-a.conf | grep -q 'cairn\.slot=a' ||
		fail "$1: cairn-a.conf is not a whole entry: $(mdir -i "$W/disk.img@@$(esp_off)" ::/loader/entries)"
}

# up N: boot, slot a must come up and be blessed (the first boot's counter
# is used on the boots after a cut until it is blessed).
up() {
	boot_slot a "boot $1"
	wait_console 'cairnd: slot a( blessed: |: boot blessed already)' 90
	remote_add
	slot_line a | grep -q "^a active $VERSION yes" || fail "boot $1: slot a: $(slot_line a)"
}

log "0. cut right after the blessing"
boot_slot a "boot 0"
end=$(($(date +%s) + 90))
until grep -aq 'cairnd: slot a blessed: cairn-a+2-1.conf -> cairn-a.conf' "$CONSOLE"; do
	[ "$(date +%s)" -lt "$end" ] || fail "slot a not blessed within 90 s"
	sleep 0.1
done
kill -9 "$QEMU_PID"
wait "$QEMU_PID" 2>/dev/null || true
QEMU_PID=""
log "power cut right after the blessing"
a_entry_ok "after the blessing"
log "1. cut 1 s into the push"
up 1
power_cut "1 s into the push" +1
log "2. cut at half the bytes"
up 2
power_cut "at half the bytes" $((SIZE / 2))
log "3. cut right after the last byte"
up 3
power_cut "after the last byte" "$SIZE"
log "4. the update again, to the end"
up 4
out=$(ctl --remote guest update "$W/v2.cairnb" 2>&1) || { echo "$out"; fail "the update after the cuts"; }
echo "$out" | tail -1
echo "$out" | grep -q 'installed version 0.2.0 in slot b' || fail "not installed in slot b"
expect_entries "after the update" cairn-a.conf cairn-b+3.conf
stop_qemu
log "ok"
