# image-build/lib.sh - helpers sourced by mkimage.sh (POSIX sh, run inside
# the Debian 13 build root).  Each one fills a staging tree; none of them
# touches the build root itself.

die() { echo "mkimage: $*" >&2; exit 1; }
say() { echo "mkimage: $*"; }

# copy_modules KVER DEST MOD...: copy each module and its dependency closure
# (modprobe --show-depends, which also follows softdeps such as ext4's
# crc32c) from /lib/modules/KVER into DEST/lib/modules/KVER, keeping the
# kernel/... layout and the .ko.xz compression (the kernel decompresses
# them itself), then let depmod write modules.dep for exactly that set.
copy_modules() {
	kver=$1 dest=$2; shift 2
	src=/lib/modules/$kver
	mkdir -p "$dest/lib/modules/$kver"
	for m in "$@"; do
		modprobe -S "$kver" --show-depends "$m" >/tmp/mkimage.deps ||
			die "module $m: not found for $kver"
		while read -r verb path _; do
			[ "$verb" = insmod ] || continue   # "builtin X": nothing to copy
			rel=${path#"$src"/}
			mkdir -p "$dest/lib/modules/$kver/$(dirname "$rel")"
			cp "$path" "$dest/lib/modules/$kver/$rel"
		done </tmp/mkimage.deps
	done
	# depmod wants the builtin lists to tell builtins from missing modules.
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$src/$f" "$dest/lib/modules/$kver/"
	done
	depmod -b "$dest" "$kver" || die "depmod failed for $dest"
}

# copy_libs DEST: give every dynamically linked ELF under DEST the shared
# libraries it needs, resolved now by the build root's loader (ldd), so the
# image never depends on what a target machine might have.  Each library
# lands under the real directory of the path ldd names, with the name ldd
# names (the soname), as a regular file.  Needs DEST's /lib, /lib64 links.
# Libraries cairn opens only when it needs them (dlopen), which ldd of
# the binaries cannot see: libcrypto for bulk SHA-256 (lib/sha256.c).
DLOPEN_LIBS="/usr/lib/x86_64-linux-gnu/libcrypto.so.3"
copy_libs() {
	dest=$1
	{
		find "$dest" -type f -perm -u+x | sort | while read -r f; do
			readelf -l "$f" 2>/dev/null | grep -q 'program interpreter' || continue
			ldd "$f" || die "ldd $f failed"
		done
		for l in $DLOPEN_LIBS; do
			[ -f "$l" ] || die "$l missing in the build root"
			echo "	$(basename "$l") => $l (0x0)"
			ldd "$l" || die "ldd $l failed"
		done
	} >/tmp/mkimage.ldd
	# Lines: "libx.so.1 => /path (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)",
	# "linux-vdso.so.1 (0x...)" (no file: skipped), "not found" (fatal).
	grep -q 'not found' /tmp/mkimage.ldd && die "unresolved libraries: $(grep 'not found' /tmp/mkimage.ldd)"
	sed -n 's/.*=> \(\/[^ ]*\) (.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' /tmp/mkimage.ldd |
		sort -u | while read -r lib; do
			dir=$(readlink -f "$(dirname "$lib")")
			mkdir -p "$dest$dir"
			cp -L "$lib" "$dest$dir/$(basename "$lib")"
		done
}

# install_e2fsprogs DEST: mke2fs (and its mkfs.ext4 name), e2fsck and
# resize2fs with mke2fs.conf, for cairnd --prepare-data; copy_libs brings
# their libraries.
install_e2fsprogs() {
	dest=$1
	for p in mke2fs e2fsck resize2fs; do
		cp /usr/sbin/$p "$dest/usr/sbin/$p"
	done
	ln -sf mke2fs "$dest/usr/sbin/mkfs.ext4"
	mkdir -p "$dest/etc"
	cp /etc/mke2fs.conf "$dest/etc/mke2fs.conf"
}

# install_pool_tools DEST: what [pool] sections need beyond e2fsprogs.
install_pool_tools() {
	dest=$1
	# [pool] fs = xfs, btrfs: cairnd runs mkfs.FS for a blank device
	cp /usr/sbin/mkfs.xfs "$dest/usr/sbin/mkfs.xfs"
	cp /usr/sbin/mkfs.btrfs "$dest/usr/sbin/mkfs.btrfs"
	# the kernel's modprobe (kmod): a module that is in the image but not
	# loaded at boot (btrfs) is loaded when a mount asks for it
	cp /usr/bin/kmod "$dest/usr/bin/kmod"
	ln -sf ../bin/kmod "$dest/usr/sbin/modprobe"
}

# install_qemu DEST: what the VM kind runs (supervisor/vm/vm_host.h):
# qemu-system-x86_64 and qemu-img (copy_libs brings their libraries), the
# files QEMU opens for the command line the kind builds (q35, -nodefaults,
# -kernel, the NIC with romfile= empty; found with strace: SeaBIOS,
# linuxboot_dma.bin, kvmvapic.bin), at the paths this QEMU looks in, as
# files (cp -L), and OVMF for firmware = uefi.
install_qemu() {
	dest=$1
	cp /usr/bin/qemu-system-x86_64 /usr/bin/qemu-img "$dest/usr/bin/"
	mkdir -p "$dest/usr/share/qemu" "$dest/usr/share/seabios" "$dest/usr/share/OVMF"
	for f in qemu/linuxboot_dma.bin qemu/linuxboot.bin qemu/kvmvapic.bin \
		seabios/bios-256k.bin OVMF/OVMF_CODE_4M.fd OVMF/OVMF_VARS_4M.fd; do
		[ -f "/usr/share/$f" ] || die "/usr/share/$f missing (packages qemu-system-x86, seabios, ovmf)"
		cp -L "/usr/share/$f" "$dest/usr/share/$f"
	done
}

# install_busybox DEST: /usr/bin/busybox (static) plus a symlink per applet
# where Debian would put it, except names already taken (cairn-init is
# /sbin/init).  The root is merged-/usr, so bin/ and sbin/ land in usr/.
install_busybox() {
	dest=$1
	cp /usr/bin/busybox "$dest/usr/bin/busybox"
	/usr/bin/busybox --list-full | sort | while read -r p; do
		case $p in
		bin/*|usr/bin/*)   d=usr/bin  t=busybox ;;
		sbin/*|usr/sbin/*) d=usr/sbin t=../bin/busybox ;;
		*) continue ;;
		esac
		n=$(basename "$p")
		[ -e "$dest/$d/$n" ] || [ -L "$dest/$d/$n" ] || ln -s "$t" "$dest/$d/$n"
	done
}

# mkcpio DIR OUT: a reproducible newc archive of DIR (sorted names, fixed
# times, zero inode/device numbers), zstd-compressed (CONFIG_RD_ZSTD).
mkcpio() {
	dir=$1 out=$2
	find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | zstd -q -19 -T0 -f -o "$out"
}
