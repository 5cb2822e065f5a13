# image-build/disk.sh - GPT disk assembly without loop devices, sourced by
# mkimage.sh.  A layout is a list of lines "LABEL TYPE SIZE_MIB FILE" (FILE
# "-" for an empty partition); partitions are placed in order, 1 MiB
# aligned, and their content is dd'ed in at the computed offset, so the
# builder needs no privileges beyond writing a file.  The A/B issue adds
# the ESP and slot b by adding lines, nothing else.

# Partition type GUIDs (UAPI Group Discoverable Partitions Specification).
GPT_ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
GPT_ROOT_X86_64=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
GPT_ROOT_VERITY_X86_64=2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5
GPT_VAR=4D21B016-B534-45C2-A9FB-5C16E091FD1D

# uuid_for TEXT: a stable UUID derived from TEXT, so that two builds of the
# same layout give the same partition table bytes.
uuid_for() {
	printf '%s' "$1" | md5sum |
		sed 's/^\(........\)\(....\)\(...\)\(...\)\(............\).*/\1-\2-4\3-a\4-\5/'
}

# mkdisk DISK LAYOUTFILE: write a GPT image at DISK (replacing it).
mkdisk() {
	disk=$1 layout=$2
	total=2 # MiB: 1 before the first partition, 1 for the backup GPT
	while read -r _ _ size _; do total=$((total + size)); done <"$layout"
	rm -f "$disk"
	truncate -s "${total}M" "$disk"
	{
		echo "label: gpt"
		echo "label-id: $(uuid_for "cairn-disk")"
		echo "unit: sectors"
		echo "first-lba: 2048"
		start=1
		while read -r label type size _; do
			echo "start=$((start * 2048)), size=$((size * 2048)), type=$type, name=\"$label\", uuid=$(uuid_for "cairn-part-$label")"
			start=$((start + size))
		done <"$layout"
	} | sfdisk -q --no-reread --no-tell-kernel "$disk" >/dev/null ||
		die "sfdisk failed on $disk"
	start=1
	while read -r label _ size file; do
		if [ "$file" != - ]; then
			fsize=$(stat -c %s "$file")
			[ "$fsize" -le $((size * 1048576)) ] ||
				die "$label: $file ($fsize bytes) does not fit in $size MiB"
			dd if="$file" of="$disk" bs=1M seek="$start" conv=notrunc,sparse status=none
		fi
		start=$((start + size))
	done <"$layout"
}
