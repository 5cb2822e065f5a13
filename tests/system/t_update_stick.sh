#!/bin/sh
# t_update_stick: an air-gapped update from a USB stick (a FAT image
# labelled CAIRNUPDATE on an extra virtio disk, made with mkfs.vfat and
# mtools, no mounts), through firmware, three boots of one disk copy:
#   1. a fresh image boots slot a with stick 1 (bundle 0.2.0 at
#      /cairn/update.cairnb) plugged in: cairnd finds it at boot,
#      installs it into slot b and reboots by itself.
#   2. slot b boots 0.2.0 with stick 1 still in: the bundle is not newer
#      than the running version, skipped with a console line (no loop),
#      and b is blessed.  Stick 2 (0.3.0) is hot-plugged (QMP
#      blockdev-add + device_add on a PCIe root port); it is a GPT disk
#      whose partition is named CAIRN-UPDATE (its FAT label is OTHER):
#      cairnd sees the block device appear (uevent), finds it by that
#      name, installs 0.3.0 into slot a and reboots.
#   3. slot a boots 0.3.0, not blessed yet, with stick 1 (0.2.0) and
#      stick 3 (0.4.0) in: stick 1 is skipped (not newer); stick 3 waits,
#      because slot b (0.2.0) is the only known-good fallback until a is
#      blessed; once it is, cairnd looks again, installs 0.4.0 into
#      slot b and reboots.
. "$(dirname "$0")/lib.sh"
. "$SYS/slots_lib.sh"
. "$SYS/update_lib.sh"
command -v mkfs.vfat >/dev/null || fail "mkfs.vfat missing (dosfstools)"
setup "$(slot_conf 1 'bless_after = 2s')"
variant_bundle 0.2.0 "$W/v2.cairnb"
variant_bundle 0.3.0 "$W/v3.cairnb"
variant_bundle 0.4.0 "$W/v4.cairnb"

# mkstick IMG BUNDLE: a 64 MiB FAT superfloppy labelled CAIRNUPDATE with
# BUNDLE at /cairn/update.cairnb.
mkstick() {
	rm -f "$1"
	mkfs.vfat -C -n CAIRNUPDATE "$1" 65536 >/dev/null &&
		mmd -i "$1" ::/cairn && mcopy -i "$1" "$2" ::/cairn/update.cairnb ||
		fail "cannot make the stick $1"
}
# mkstick_gpt IMG BUNDLE: a stick with a GPT table whose one partition is
# named CAIRN-UPDATE, holding a FAT file system labelled OTHER: found by
# its partition name, not its label.  (sfdisk from the build root.)
mkstick_gpt() {
	rm -f "$1" "$1.part"
	mkfs.vfat -C -n OTHER "$1.part" 65536 >/dev/null &&
		mmd -i "$1.part" ::/cairn && mcopy -i "$1.part" "$2" ::/cairn/update.cairnb ||
		fail "cannot make the file system of $1"
	truncate -s 66M "$1"
	printf 'label: gpt\nstart=2048, size=131072, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="CAIRN-UPDATE"\n' |
		mk/inroot.sh sfdisk -q "/src/$1" >/dev/null || fail "sfdisk $1"
	dd if="$1.part" of="$1" bs=1M seek=1 conv=notrunc status=none || fail "dd $1"
	rm -f "$1.part"
}
mkstick "$W/stick1.img" "$W/v2.cairnb"
mkstick_gpt "$W/stick2.img" "$W/v3.cairnb"
mkstick "$W/stick3.img" "$W/v4.cairnb"
STICK1="-drive file=$W/stick1.img,format=raw,if=virtio,readonly=on"
HOTPORT="-device pcie-root-port,id=hp0,chassis=9,slot=9"

log "1. fresh image, stick 1 (0.2.0) plugged in at boot"
QEMU_EXTRA="$STICK1 $HOTPORT" BOOT_UEFI=1 boot
CAIRN_READY_TIMEOUT=180 wait_ready
[ "$(booted_slot)" = a ] || fail "booted slot $(booted_slot), not a"
wait_console 'cairnd: update stick: installing version 0\.2\.0 from /dev/vdb:/cairn/update\.cairnb into slot b' 60
wait_console 'cairnd: update stick: version 0\.2\.0 installed in slot b from /dev/vdb:/cairn/update\.cairnb \(signed by [^)]*\); rebooting into it' 180
wait_exit 120 || fail "the guest did not reboot after installing from the stick"
grep -a 'update stick' "$CONSOLE" | tr -d '\r'
esp_entries | grep -qx 'cairn-b+3.conf' || fail "no cairn-b+3.conf: $(esp_entries | tr '\n' ' ')"

log "2. slot b, stick 1 still in: skipped; stick 2 (0.3.0) hot-plugged"
QEMU_EXTRA="$STICK1 $HOTPORT" BOOT_UEFI=1 boot
CAIRN_READY_TIMEOUT=180 wait_ready
[ "$(booted_slot)" = b ] || fail "boot 2: slot $(booted_slot), not b"
wait_console 'cairnd: update stick: /dev/vdb:/cairn/update\.cairnb skipped: update: version 0\.2\.0 is not newer than the running 0\.2\.0' 60
wait_blessed b
grep -aq 'update stick: installing' "$CONSOLE" && fail "boot 2 installed from stick 1 again"
qmp blockdev-add "{\"driver\": \"raw\", \"node-name\": \"stick2\", \"read-only\": true,
	\"file\": {\"driver\": \"file\", \"filename\": \"$PWD/$W/stick2.img\", \"read-only\": true}}" >/dev/null ||
	fail "QMP blockdev-add"
qmp device_add '{"driver": "virtio-blk-pci", "drive": "stick2", "id": "stick2", "bus": "hp0"}' >/dev/null ||
	fail "QMP device_add"
wait_console 'cairnd: update stick: /dev/vd[a-z]+1 partition named CAIRN-UPDATE' 60
wait_console 'cairnd: update stick: installing version 0\.3\.0 from /dev/vd[a-z]+1:/cairn/update\.cairnb into slot a' 60
wait_console 'cairnd: update stick: version 0\.3\.0 installed in slot a .*; rebooting into it' 180
wait_exit 120 || fail "the guest did not reboot after the hot-plugged stick"
grep -a 'update stick' "$CONSOLE" | tr -d '\r'
esp_entries | grep -qx 'cairn-a+3.conf' || fail "no cairn-a+3.conf: $(esp_entries | tr '\n' ' ')"

log "3. slot a boots 0.3.0 with sticks 1 (0.2.0) and 3 (0.4.0): 3 waits for the blessing"
STICK3="-drive file=$W/stick3.img,format=raw,if=virtio,readonly=on"
QEMU_EXTRA="$STICK1 $HOTPORT $STICK3" BOOT_UEFI=1 boot   # the same PCI layout first: OVMF keeps its boot order
CAIRN_READY_TIMEOUT=180 wait_ready
[ "$(booted_slot)" = a ] || fail "boot 3: slot $(booted_slot), not a"
wait_console 'cairnd: update stick: /dev/vdb:/cairn/update\.cairnb skipped: update: version 0\.2\.0 is not newer than the running 0\.3\.0' 60
wait_console 'cairnd: update stick: /dev/vd[a-z]+:/cairn/update\.cairnb waits: update: slot a is running but not blessed yet; slot b \(version 0\.2\.0\) is the known-good fallback and is kept' 60
wait_blessed a
wait_console 'cairnd: update stick: installing version 0\.4\.0 from /dev/vd[a-z]+:/cairn/update\.cairnb into slot b' 60
tr -d '\r' < "$CONSOLE" | grep -a -m1 -n 'installing version 0\.4\.0' | cut -d: -f1 > "$W/inst.line"
tr -d '\r' < "$CONSOLE" | grep -a -m1 -n 'slot a blessed' | cut -d: -f1 > "$W/bless.line"
[ "$(cat "$W/inst.line")" -gt "$(cat "$W/bless.line")" ] || fail "0.4.0 was installed before slot a was blessed"
wait_console 'cairnd: update stick: version 0\.4\.0 installed in slot b .*; rebooting into it' 180
wait_exit 120 || fail "the guest did not reboot after the stick that waited"
grep -a 'update stick' "$CONSOLE" | tr -d '\r'
expect_entries "at the end" cairn-a.conf cairn-b+3.conf
log "ok"
