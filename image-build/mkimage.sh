#!/bin/sh
# image-build/mkimage.sh OUT IMG - build the bootable cairn image from the
# programs in OUT into IMG (vmlinuz, initramfs.img, root.sqfs, root.verity,
# roothash, cmdline, disk.img).  Runs inside the Debian 13 build root (make image), so the
# kernel, modules, busybox and libraries are trixie's, never the host's.
#
# Sequence: kernel -> initramfs (stage 1) -> squashfs root (stage 2) ->
# dm-verity hash tree and root hash -> kernel command line -> GPT disk
# (cairn-data left blank: cairnd --prepare-data formats it on first boot).  Everything is built under IMG/.tmp and
# renamed into place at the end, so a failed build leaves the old image.
#
# The ESP (image-build/esp.sh) is the first partition: systemd-boot and
# slot a's kernel, initramfs and loader entry, for a boot through firmware.
#
# Environment: SOURCE_DATE_EPOCH (fixed timestamps, default 1),
# CAIRN_DEMO_CONF (default config/demo.conf), ROOT_MIB, DATA_MIB,
# SIGNING_KEY (the signer of the demo config, whose .pub the image trusts;
# default build/keys/dev-signer.key, made if missing: a DEVELOPMENT key),
# SIGNING_PUB (default: SIGNING_KEY with .pub for .key, or derived),
# VERITY_MIB (the hash partition; default fits a full ROOT_MIB root),
# ESP_MIB (default 64).
set -eu
[ $# = 2 ] || { echo "usage: mkimage.sh OUT IMG" >&2; exit 100; }
OUT=$1 IMG=$2
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/disk.sh"
. "$HERE/esp.sh"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1}
DEMO_CONF=${CAIRN_DEMO_CONF:-config/demo.conf}
ROOT_MIB=${ROOT_MIB:-256}   # one slot: room for a much larger root later
DATA_MIB=${DATA_MIB:-256}   # /var; grown to the disk's end on first boot
# sha256 tree of 4 KiB blocks: 32 bytes per block, 1/128 of the root, plus
# the upper levels and the superblock.
VERITY_MIB=${VERITY_MIB:-$(( (ROOT_MIB + 127) / 128 + 1 ))}

# Modules stage 1 loads to reach the root and /var (crc32c: ext4 and jbd2
# checksums need it, and it is only a softdep, absent from modules.dep;
# dm_mod + dm_verity: the verified root).
INITRD_MODULES="virtio_blk crc32c_generic squashfs ext4 dm_mod dm_verity"
# Modules stage 2 loads: network, ACPI power button (QMP system_powerdown)
# and its input events, entropy, and what containers will want; nftables
# with NAT for [network] nat = yes (loaded at boot, so nft never depends on
# the kernel's module requests).
ROOT_MODULES="virtio_net virtio_rng button evdev loop overlay tun veth bridge vfat nls_cp437 nls_ascii nls_utf8 nf_tables nft_chain_nat nft_masq xfs"
# Modules in the image that nothing loads at boot: the kernel asks
# modprobe (kmod) for them when they are needed, e.g. btrfs at the mount
# of a btrfs pool (its RAID6 self-test at load would slow every boot).
ONDEMAND_MODULES="btrfs"

for p in cairn-init cairnd cairnctl; do
	[ -x "$OUT/$p" ] || die "$OUT/$p missing: run make first"
done
[ -f "$DEMO_CONF" ] || die "$DEMO_CONF missing"
[ -f /packages.txt ] || die "/packages.txt missing (made with the build root)"
# The image's version: /usr/share/cairn/version and the loader entry's
# `version` (systemd-boot boots the higher one among entries with tries).
VERSION=$(cat VERSION) || die "VERSION missing"
echo "$VERSION" | grep -Eqx '[A-Za-z0-9.+~^_-]{1,63}' || die "VERSION '$VERSION': expected 1-63 of A-Z a-z 0-9 . + ~ ^ _ -"

# The newest packaged kernel in the build root.
KVER=$(ls /lib/modules | sort -V | tail -1)
[ -f "/boot/vmlinuz-$KVER" ] || die "no /boot/vmlinuz-$KVER in the build root"
# VMs: KVM and vhost-net, where the kernel has them.  The vendor modules
# are listed with the CPU flag they need (init/modules.c): only the one
# for this CPU is loaded.
for m in kvm kvm_intel kvm_amd vhost_net; do
	modprobe -S "$KVER" --show-depends "$m" >/dev/null 2>&1 && ROOT_MODULES="$ROOT_MODULES $m"
done

# --- signing: the image trusts one signer and its demo config is signed ------
# cairnd applies nothing unsigned, not even the built-in demo.  The signer's
# public key goes to /etc/cairn/trust/; an operator client certificate's
# fingerprint to /etc/cairn/trust/clients.txt, so the remote API of a
# `make run` guest answers the developer (build/keys/operator.crt, .key).
DEV_KEY=build/keys/dev-signer.key
SIGNING_KEY=${SIGNING_KEY:-$DEV_KEY}
dev_warning() {
	cat >&2 <<W
mkimage: ################################################################
mkimage: WARNING: signing with the DEVELOPMENT signer $DEV_KEY$1
mkimage: Anyone holding that file can reconfigure every host built from
mkimage: this image.  For a real deployment build with your own signer:
mkimage:     make image SIGNING_KEY=path/to/ops.key   (see docs/signing.md)
mkimage: ################################################################
W
}
prepare_keys() {
	if [ "$SIGNING_KEY" = "$DEV_KEY" ]; then
		if [ ! -f "$DEV_KEY" ]; then
			mkdir -p build/keys
			"$OUT/cairnctl" keygen --out build/keys/dev-signer >/dev/null ||
				die "cannot make $DEV_KEY"
			dev_warning " (made just now)"
		else
			dev_warning ""
		fi
	fi
	[ -r "$SIGNING_KEY" ] || die "SIGNING_KEY=$SIGNING_KEY: cannot read it (the build runs in the build root, which sees only this checkout: keep the key under it, e.g. build/keys/)"
	SIGNING_PUB=${SIGNING_PUB:-${SIGNING_KEY%.key}.pub}
	if [ ! -f "$SIGNING_PUB" ]; then
		SIGNING_PUB=/tmp/mkimage.signer.pub
		openssl pkey -in "$SIGNING_KEY" -pubout -out "$SIGNING_PUB" 2>/dev/null ||
			die "$SIGNING_KEY: not a private key openssl can read"
	fi
	if [ ! -f build/keys/operator.crt ]; then
		mkdir -p build/keys
		"$OUT/cairnctl" cert create --out build/keys/operator --cn operator --days 3650 >/dev/null ||
			die "cannot make build/keys/operator.crt"
		say "made an operator client certificate build/keys/operator.crt (+ .key) for the remote API"
	fi
}
# sign_demo ROOT: trust the signer, sign the demo, check it as cairnd will.
sign_demo() {
	name=$(basename "$SIGNING_PUB")
	[ "$name" != mkimage.signer.pub ] || name=$(basename "${SIGNING_KEY%.key}").pub
	mkdir -p "$1/etc/cairn/trust"
	cp "$SIGNING_PUB" "$1/etc/cairn/trust/$name"
	"$OUT/cairnctl" sign --key "$SIGNING_KEY" "$1/etc/cairn/demo.conf" >/dev/null ||
		die "cannot sign the demo config with $SIGNING_KEY"
	"$OUT/cairnctl" verify --trust "$1/etc/cairn/trust" "$1/etc/cairn/demo.conf" >/dev/null ||
		die "the demo config does not verify against $1/etc/cairn/trust"
	fp=$("$OUT/cairnctl" cert fingerprint build/keys/operator.crt) || die "operator fingerprint"
	echo "$fp" >>"$1/etc/cairn/trust/clients.txt"
	say "demo config signed by $name; trusted client build/keys/operator.crt ($fp)"
}
prepare_keys

TMP=$IMG/.tmp
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$TMP" /tmp/mkimage.*' EXIT

# --- kernel -----------------------------------------------------------------
cp "/boot/vmlinuz-$KVER" "$TMP/vmlinuz"

# --- initramfs: cairn-init stage 1, busybox for cairn.debug, modules -------
I=$TMP/initrd
mkdir -p "$I/bin" "$I/etc/cairn" "$I/dev" "$I/proc" "$I/sys" "$I/newroot"
cp "$OUT/cairn-init" "$I/init"
cp /usr/bin/busybox "$I/bin/busybox"
ln -s busybox "$I/bin/sh"
mknod -m 600 "$I/dev/console" c 5 1   # the kernel opens it before /init runs
copy_modules "$KVER" "$I" $INITRD_MODULES
# cairn-init reads modules.dep (and modules.builtin, to tell built-in from
# missing); drop depmod's other indexes.
find "$I/lib/modules/$KVER" -maxdepth 1 -type f ! -name modules.dep \
	! -name modules.builtin -delete
printf '%s\n' $INITRD_MODULES >"$I/etc/cairn/modules"
echo "cairn initramfs" >"$I/etc/initrd-release"
mkcpio "$I" "$TMP/initramfs.img"

# --- root: squashfs, merged /usr ---------------------------------------------
R=$TMP/root
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib" "$R/usr/lib64" \
	"$R/usr/share/cairn" "$R/etc/cairn"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done
for d in proc sys dev run tmp var root; do mkdir -p "$R/$d"; done
chmod 1777 "$R/tmp"
chmod 700 "$R/root"
cp -R rootfs/. "$R/"
cp "$OUT/cairn-init" "$R/usr/sbin/cairn-init"
ln -s cairn-init "$R/usr/sbin/init"
cp "$OUT/cairnd" "$R/usr/sbin/cairnd"
cp "$OUT/cairnctl" "$R/usr/bin/cairnctl"
# The time service for [host] ntp (trixie's busybox has no ntpd applet).
cp /usr/sbin/chronyd "$R/usr/sbin/chronyd"
# NAT for [network] nat = yes: cairnd writes its table with nft -f.
cp /usr/sbin/nft "$R/usr/sbin/nft"
# VMs ([vm] sections): QEMU, qemu-img and the firmware they load.
install_qemu "$R"
# cairnd --prepare-data formats and grows /var (before busybox, whose
# applets of the same names must not take their place).
install_e2fsprogs "$R"
# mkfs.xfs, mkfs.btrfs and kmod's modprobe for [pool]s (also before busybox)
install_pool_tools "$R"
install_busybox "$R"
cp "$DEMO_CONF" "$R/etc/cairn/demo.conf"
sign_demo "$R"
ln -sfn /run/resolv.conf "$R/etc/resolv.conf"
ln -sfn /proc/self/mounts "$R/etc/mtab"
copy_modules "$KVER" "$R" $ROOT_MODULES $ONDEMAND_MODULES
for m in $ROOT_MODULES; do
	case $m in
	kvm_intel) echo "$m cpu:vmx" ;;
	kvm_amd) echo "$m cpu:svm" ;;
	*) echo "$m" ;;
	esac
done >"$R/etc/cairn/modules"
cp /packages.txt "$R/usr/share/cairn/packages.txt"
echo "$KVER" >"$R/usr/share/cairn/kernel-release"
# What this image is, for updates (docs/updates.md): bundles must match it.
echo "${CAIRN_COMPATIBLE:-cairn-x86_64}" >"$R/usr/share/cairn/compatible"
echo "$VERSION" >"$R/usr/share/cairn/version"
copy_libs "$R"
# -all-root: ownership does not depend on who built it; fixed times and
# mksquashfs's sorted directories make the bytes reproducible (it refuses
# SOURCE_DATE_EPOCH together with the options, hence env -u).
env -u SOURCE_DATE_EPOCH mksquashfs "$R" "$TMP/root.sqfs" -quiet -noappend -comp zstd -Xcompression-level 19 \
	-all-root -mkfs-time "$SOURCE_DATE_EPOCH" -all-time "$SOURCE_DATE_EPOCH" \
	-no-progress >/dev/null

# --- verity: the hash tree of the root; its root hash is the trust anchor ----
# veritysetup's default layout: a superblock (block count, salt, algorithm)
# in the first 4 KiB of the hash partition, the tree after it; stage 1
# reads the superblock and takes the root hash from the command line.
# Salt and uuid are derived from the root image's bytes, so the same
# inputs give the same tree and root hash, and a different root a
# different salt.
salt=$(sha256sum "$TMP/root.sqfs" | cut -c1-64)
veritysetup format --hash=sha256 --data-block-size=4096 --hash-block-size=4096 \
	--salt="$salt" --uuid="$(uuid_for "cairn-verity-$salt")" \
	--root-hash-file="$TMP/roothash" "$TMP/root.sqfs" "$TMP/root.verity" >/dev/null ||
	die "veritysetup format failed"
ROOTHASH=$(cat "$TMP/roothash")
echo "$ROOTHASH" | grep -Eqx '[0-9a-f]{64}' || die "veritysetup gave no sha256 root hash"
echo "$ROOTHASH" >"$TMP/roothash"
# The one place the image's kernel command line is made: run.sh, the
# system tests and bench/boot.sh read IMG/cmdline and add only what their
# console needs (the A/B work puts the same words in the loader entries).
echo "cairn.slot=a cairn.roothash=$ROOTHASH" >"$TMP/cmdline"

# --- disk: GPT, partitions found by label ---------------------------------------
# cairn-data is left blank (mkdisk's zeroes, no signature for libblkid to
# find): the first boot grows it to the end of the real disk, then
# formats it, so the file system is made for the size it will have.
# The ESP comes first: systemd-boot and slot a's loader entry, whose
# options are the direct boot's words (console, panic) plus IMG/cmdline.
# Slot b has the same sizes and starts blank: no loader entry names it
# until an update has written it (docs/slots.md).
mkesp "$TMP/esp.img" "$TMP/vmlinuz" "$TMP/initramfs.img" \
	"console=ttyS0 panic=-1 $(cat "$TMP/cmdline")" "$VERSION"
cat >"$TMP/layout" <<EOF
ESP $GPT_ESP $ESP_MIB $TMP/esp.img
cairn-root-a $GPT_ROOT_X86_64 $ROOT_MIB $TMP/root.sqfs
cairn-verity-a $GPT_ROOT_VERITY_X86_64 $VERITY_MIB $TMP/root.verity
cairn-root-b $GPT_ROOT_X86_64 $ROOT_MIB -
cairn-verity-b $GPT_ROOT_VERITY_X86_64 $VERITY_MIB -
cairn-data $GPT_VAR $DATA_MIB -
EOF
mkdisk "$TMP/disk.img" "$TMP/layout"

# --- publish: rename each artifact into place ---------------------------------
for f in vmlinuz initramfs.img root.sqfs root.verity roothash disk.img cmdline; do
	mv -f "$TMP/$f" "$IMG/$f"
done
rm -f "$IMG/data.ext4" # made by older builds; the data partition is now blank

size() { du -h --apparent-size "$1" | cut -f1; }
say "kernel $KVER"
say "  $IMG/vmlinuz        $(size "$IMG/vmlinuz")"
say "  $IMG/initramfs.img  $(size "$IMG/initramfs.img")  (modules: $INITRD_MODULES)"
say "  $IMG/root.sqfs      $(size "$IMG/root.sqfs")  sha256 $(sha256sum "$IMG/root.sqfs" | cut -c1-16)"
say "  $IMG/root.verity    $(size "$IMG/root.verity")  root hash $ROOTHASH"
say "  $IMG/cmdline        $(cat "$IMG/cmdline")"
say "  $IMG/disk.img       $(size "$IMG/disk.img") (sparse, $(du -h "$IMG/disk.img" | cut -f1) used): ESP ${ESP_MIB}M, cairn-root-a ${ROOT_MIB}M, cairn-verity-a ${VERITY_MIB}M, cairn-root-b ${ROOT_MIB}M (blank), cairn-verity-b ${VERITY_MIB}M (blank), cairn-data ${DATA_MIB}M (blank)"
