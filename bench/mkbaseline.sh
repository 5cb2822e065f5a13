#!/bin/sh
# bench/mkbaseline.sh IMG - make IMG/initramfs-baseline.img: the image's
# own initramfs (same busybox, modules and module list) with
# bench/baseline-init.sh as /init instead of cairn-init.  Runs inside the
# build root (bench/boot.sh calls it through mk/inroot.sh).
set -eu
IMG=${1:-build/image}
. image-build/lib.sh
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
zstd -dc "$IMG/initramfs.img" | (cd "$d" && cpio --quiet -id)
cp bench/baseline-init.sh "$d/init"
chmod 755 "$d/init"
mkcpio "$d" "$IMG/initramfs-baseline.img.tmp"
mv -f "$IMG/initramfs-baseline.img.tmp" "$IMG/initramfs-baseline.img"
