#!/bin/sh
# A VM booted by UEFI firmware from a qcow2 disk cairnd creates: the disk
# is made with qemu-img (qcow2, the size asked), the VM gets its own copy
# of OVMF's variables store under --vm-dir, and OVMF runs on the VM's
# serial console, which reaches the instance log.  The disk is blank, so
# the firmware finds nothing to boot: seeing it try is the point.
. "$(dirname "$0")/vm_lib.sh"
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || fail "no OVMF in the build root"
cat > "$CONF" <<C
[vm fw]
memory = 256M
firmware = uefi
disk = $VMDISK/boot.qcow2,format=qcow2,size=64M
restart = no
stop_timeout = 5s
C
start_cairnd
wait_for 100 test -f "$VMDISK/boot.qcow2" || fail "no disk made: $(cat "$ERR")"
qemu-img info -U "$VMDISK/boot.qcow2" > "$T/info" || fail "qemu-img info"
grep -q "file format: qcow2" "$T/info" || fail "not a qcow2 disk: $(cat "$T/info")"
grep -q "virtual size: 64 MiB" "$T/info" || fail "not 64 MiB: $(cat "$T/info")"
wait_for 100 test -s "$VMDISK/vmstate/fw/OVMF_VARS.fd" || fail "no per-VM variables store: $(ls -R "$VMDISK/vmstate" 2>&1)"
cmp -s "$VMDISK/vmstate/fw/OVMF_VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd ||
	fail "the variables store is not a copy of OVMF_VARS_4M.fd"
# OVMF's boot manager on the serial console: it looked for something to boot
wait_for 1200 grep -Eq "BdsDxe|Boot0|UEFI|Shell" "$LOG/fw.log" ||
	{ tail -c 2000 "$LOG/fw.log"; fail "no firmware output in the log"; }
ctl stop fw >/dev/null || fail "stop refused"
wait_for 150 state_is fw stopped || fail "fw did not stop"
echo ok
