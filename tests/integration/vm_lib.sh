# vm_lib.sh - shared by the t_vm_*.sh tests (sourced, not a test): the
# supervisor test lib, a tiny guest (vm_guest.sh) and a disk directory
# under /var (VM disks outside a pool must live there).  QEMU runs as
# nobody: the build root has no cairn-vm user.
. "$(dirname "$0")/sup_lib.sh"
VMDISK=$(mktemp -d /var/tmp/t_vm.XXXXXX)
chmod 755 "$VMDISK"
G=$VMDISK/guest   # readable by QEMU's user, unlike $T
# --vm-dir under $VMDISK: QEMU's user must reach its UEFI variables store
CAIRND_ARGS="$CAIRND_ARGS --vm-user nobody --vm-dir $VMDISK/vmstate --pools-dir $T/pools"
vm_cleanup() { rm -rf "$VMDISK"; cleanup; }
trap vm_cleanup EXIT INT TERM

# guest MODE: build the guest into $G/MODE (vmlinuz, initrd).
guest() {
	sh "$(dirname "$0")/vm_guest.sh" "$G/$1" "$1" || fail "cannot build the $1 guest"
	chmod 755 "$G" "$G/$1"
}

# vm_section NAME MODE [EXTRA...]: a [vm] section booting guest MODE.
vm_section() {
	n=$1; m=$2; shift 2
	printf '[vm %s]\nmemory = 128M\nkernel = %s\ninitrd = %s\ncmdline = console=ttyS0 quiet panic=-1\n' \
		"$n" "$G/$m/vmlinuz" "$G/$m/initrd"
	for x in "$@"; do printf '%s\n' "$x"; done
}

# Generous: the guest boots under TCG on a shared 2-core machine.
marker_seen() { grep -q "${2:-CAIRN-GUEST-UP}" "$LOG/$1.log"; }
