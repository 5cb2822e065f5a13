#!/bin/sh
# image-build/putconf.sh DISK FILE - install FILE as the active configuration
# (/var/lib/cairn/config/current.conf) on the cairn-data partition of the
# disk image DISK, offline, with debugfs on the partition's byte offset (no
# loop device, no mount).  Used by run.sh (CAIRN_CONF) and the system tests.
# Configs must be signed: FILE.sig goes along (cairnd refuses FILE without it).
set -eu
[ $# = 2 ] || { echo "usage: putconf.sh DISK FILE" >&2; exit 100; }
disk=$1 file=$2
HERE=$(dirname "$0")
part=$("$HERE/gpt.py" "$disk" cairn-data) ||
	{ echo "putconf: $disk has no cairn-data partition" >&2; exit 1; }
off=${part% *} size=${part#* }
# A fresh image's data partition is blank (the guest formats it on first
# boot): format it here as cairnd --prepare-data would, when libblkid
# finds no signature there at all (blkid -p exits 2 for "nothing").
rc=0
blkid -p -O "$off" -S "$size" "$disk" >/dev/null 2>&1 || rc=$?
if [ "$rc" = 2 ]; then
	mkfs.ext4 -q -F -L cairn-data -E "offset=$off" "$disk" "$((size / 1024))k" ||
		{ echo "putconf: cannot format cairn-data in $disk" >&2; exit 1; }
fi
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
{
	# mkdir of an existing directory only complains; rm of a missing file too.
	echo "mkdir lib"; echo "mkdir lib/cairn"; echo "mkdir lib/cairn/config"
	echo "rm lib/cairn/config/current.conf"
	echo "write $file lib/cairn/config/current.conf"
	if [ -f "$file.sig" ]; then
		echo "rm lib/cairn/config/current.conf.sig"
		echo "write $file.sig lib/cairn/config/current.conf.sig"
	fi
} >"$cmds"
debugfs -w -f "$cmds" "$disk?offset=$off" >/dev/null 2>&1
# Check it landed rather than trusting debugfs's exit status.
debugfs -R "stat lib/cairn/config/current.conf" "$disk?offset=$off" 2>/dev/null |
	grep -q "Size: $(stat -c %s "$file")" ||
	{ echo "putconf: could not write the config into $disk" >&2; exit 1; }
