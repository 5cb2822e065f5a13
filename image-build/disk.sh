# image-build/disk.sh - GPT disk assembly without loop devices, sourced by
# mkimage.sh.  A layout is a list of lines "LABEL TYPE SIZE_MIB FILE" (FILE
# "-" for an empty partition); partitions are placed in order, 1 MiB
# aligned, and their content is copied in at its offset by `cairn-image
# disk` (image-build/disk.c), so the builder needs no privileges beyond
# writing a file.

# Partition type GUIDs (UAPI Group Discoverable Partitions Specification).
GPT_ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
GPT_ROOT_X86_64=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
GPT_ROOT_VERITY_X86_64=2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5
GPT_VAR=4D21B016-B534-45C2-A9FB-5C16E091FD1D

# uuid_for TEXT: a stable UUID derived from TEXT (the verity tree's; disk.c
# derives the table's the same way), so two builds give the same bytes.
uuid_for() {
	printf '%s' "$1" | md5sum |
		sed 's/^\(........\)\(....\)\(...\)\(...\)\(............\).*/\1-\2-4\3-a\4-\5/'
}

# mkdisk DISK LAYOUTFILE: write a GPT image at DISK (replacing it) with
# cairn-image disk (image-build/disk.c: libfdisk; stable UUIDs derived from
# the labels, so two builds give the same bytes).
mkdisk() {
	"$OUT/cairn-image" disk "$1" "$2" || die "cairn-image disk $1 failed"
}
