# image-build/esp.sh - the EFI system partition, sourced by mkimage.sh (runs
# in the build root: systemd-boot-efi, dosfstools, mtools).  FAT32 made in a
# file with mkfs.vfat and filled with mtools (-i FILE), no mounts or loop
# devices.  Reproducible: a fixed volume id, and mkfs.fat and mtools both
# take their timestamps from SOURCE_DATE_EPOCH, raised to FAT's epoch
# (1980-01-01 UTC: FAT cannot store earlier dates, mtools would wrap 1970
# to 2098), and TZ=UTC, since FAT stores local time.

ESP_MIB=${ESP_MIB:-64}
SDBOOT_EFI=/usr/lib/systemd/boot/efi/systemd-bootx64.efi

# mkesp OUT VMLINUZ INITRD CMDLINE VERSION: write the ESP image OUT holding
# systemd-boot (removable-media path and its own), loader.conf, slot a's
# kernel and initramfs, and slot a's loader entry with a boot counter of 3
# tries (systemd-boot renames cairn-a+3.conf to cairn-a+2-1.conf on a try).
# The entry's `version` and `sort-key` lines are what systemd-boot orders
# cairn's entries by (after putting those with no tries left last), so a
# newer slot with tries left boots first; the same lines as the slot
# keeper writes (supervisor/update/entry.c).  loader.conf names no
# `default`: a default pattern or id could pin an entry that ran out of
# tries, while the order alone falls back to the other slot.
mkesp() {
	out=$1 kernel=$2 initrd=$3 cmdline=$4 version=$5
	sde=$SOURCE_DATE_EPOCH fat_epoch=$SOURCE_DATE_EPOCH
	[ "$fat_epoch" -ge 315532800 ] || fat_epoch=315532800
	[ -f "$SDBOOT_EFI" ] || die "$SDBOOT_EFI missing (systemd-boot-efi in the build root)"
	rm -f "$out"
	truncate -s "${ESP_MIB}M" "$out"
	SOURCE_DATE_EPOCH=$fat_epoch TZ=UTC mkfs.vfat -F 32 -S 512 -s 1 -n ESP -i 0CA1B0E5 "$out" >/dev/null ||
		die "mkfs.vfat failed on $out"
	d=$(dirname "$out")/esp.d
	rm -rf "$d"
	mkdir -p "$d"
	cat >"$d/loader.conf" <<L
timeout 0
editor no
L
	cat >"$d/entry.conf" <<L
title cairn $version (slot a)
version $version
sort-key cairn
linux /EFI/cairn/a/vmlinuz
initrd /EFI/cairn/a/initrd
options $cmdline
L
	cp "$kernel" "$d/vmlinuz"
	cp "$initrd" "$d/initrd"
	cp "$SDBOOT_EFI" "$d/boot.efi"
	touch -d "@$fat_epoch" "$d"/*
	export MTOOLS_SKIP_CHECK=1 TZ=UTC
	# mmd and mcopy read SOURCE_DATE_EPOCH; restored below.
	SOURCE_DATE_EPOCH=$fat_epoch
	mmd -i "$out" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/EFI/cairn ::/EFI/cairn/a \
		::/loader ::/loader/entries || die "mmd failed on $out"
	mcopy -m -i "$out" "$d/boot.efi" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -m -i "$out" "$d/boot.efi" ::/EFI/systemd/systemd-bootx64.efi &&
		mcopy -m -i "$out" "$d/vmlinuz" ::/EFI/cairn/a/vmlinuz &&
		mcopy -m -i "$out" "$d/initrd" ::/EFI/cairn/a/initrd &&
		mcopy -m -i "$out" "$d/loader.conf" ::/loader/loader.conf &&
		mcopy -m -i "$out" "$d/entry.conf" "::/loader/entries/cairn-a+3.conf" ||
		die "mcopy failed on $out"
	SOURCE_DATE_EPOCH=$sde
	rm -rf "$d"
}
