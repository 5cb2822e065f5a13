#!/bin/sh
# t_vm: a VM inside the appliance (nested TCG): the tiny guest of the VM
# integration tests (tests/integration/vm_guest.sh, acpi mode), built in
# the build root, reaches the appliance on an extra virtio disk, an ext4
# labelled cairn-vmguest made without mounting (mke2fs -d) that a [pool]
# mounts by label.  cairnd runs QEMU as cairn-vm (the image's QEMU and
# SeaBIOS): the guest's marker shows in `cairnctl logs tiny`, the status
# shows the guest running under TCG, and `cairnctl stop` presses the
# power button: the guest powers off.
. "$(dirname "$0")/lib.sh"
mkdir -p "$W.guest"
# the guest's files go with the work dir: kept when the test fails
trap 'st=$?; set +e; [ $st != 0 ] || rm -rf "$W.guest"; (exit $st); cleanup' EXIT INT TERM
mk/inroot.sh sh -c "sh tests/integration/vm_guest.sh '$W.guest/files' acpi && chmod -R a+rX '$W.guest/files' &&
	mke2fs -q -t ext4 -L cairn-vmguest -d '$W.guest/files' '$W.guest/disk.img' 64M" ||
	fail "cannot build the guest disk"
conf=$(test_conf)
cat >>"$conf" <<'C'

[pool guest]
source = LABEL=cairn-vmguest
fs = ext4

[vm tiny]
memory = 128M
kernel = /var/lib/cairn/pools/guest/vmlinuz
initrd = /var/lib/cairn/pools/guest/initrd
cmdline = console=ttyS0 quiet panic=-1
restart = no
stop_timeout = 300s
C
sign_conf "$conf"
setup "$conf"
# writable: the pool is mounted read-write (a read-only disk refuses that)
QEMU_EXTRA="-drive file=$W.guest/disk.img,format=raw,if=virtio"
boot
wait_ready
wait_shell 60

gsh 'cairnctl status tiny' 10 || fail "no instance tiny"
end=$(($(date +%s) + 900))
until gsh 'cairnctl logs tiny | grep -q CAIRN-GUEST-UP' 30; do
	[ "$(date +%s)" -lt "$end" ] || fail "no marker from the guest in 900 s: $(gsh 'cairnctl status tiny; cairnctl logs tiny | tail -20' 30)"
	sleep 5
done
log "the guest's marker is in cairnctl logs tiny"
st=$(gsh 'cairnctl status tiny' 10) || fail "cairnctl status failed"
echo "$st"
echo "$st" | grep -q 'tcg, guest running' || fail "status does not show the guest running under TCG"
grep -q "vm: .*VMs run with TCG" "$CONSOLE" || fail "cairnd did not say TCG"
gsh "ps -o user,comm | grep -q '^cairn-vm *qemu-system'" 10 ||
	fail "QEMU does not run as cairn-vm: $(gsh 'ps -o user,pid,comm' 10)"
gsh 'cairnctl stop tiny' 10 || fail "stop refused"
end=$(($(date +%s) + 600))
until gsh 'cairnctl status tiny | grep -q stopped' 30; do
	[ "$(date +%s)" -lt "$end" ] || fail "the guest did not stop: $(gsh 'cairnctl status tiny' 30)"
	sleep 5
done
grep -q "tiny: guest powered off" "$CONSOLE" || fail "no power off from the guest"
grep -q "tiny: the guest did not power off" "$CONSOLE" && fail "had to quit the guest"
log "ok"
