#!/bin/sh
# Escape attempts from inside an app container, each of which must fail:
# see or signal the host's processes, mount, load a module, mknod a block
# device, write /proc/sysrq-trigger or /proc/sys, read /proc/kcore,
# ptrace, a new user namespace, keyctl, bpf, reboot, the host's hostname
# or clock, setns, open_by_handle_at, a chroot break-out, gain root
# through a setuid binary (as uid 1000), and change the image itself.
. "$(dirname "$0")/ct_lib.sh"

mkdir -p "$T/extra/etc"
cat > "$T/extra/etc/escape.sh" <<'S'
echo "procs: $(ls /proc | grep -c '^[0-9]')"
for c in /proc/[0-9]*/comm; do cat $c; done 2>/dev/null | grep -q -e cairn -e unshare && echo "ESCAPED see-host"
kill -KILL -1 2>/dev/null; echo "killed all I see"
mount -t tmpfs x /mnt 2>/dev/null && echo "ESCAPED busybox-mount"
mknod /tmp/b b 8 0 2>/dev/null && echo "ESCAPED busybox-mknod"
hostname evil 2>/dev/null && echo "ESCAPED busybox-hostname"
echo x >> /etc/passwd && echo x > /bin/new && echo "wrote to my copy of the image"
ls /dev/loop* /dev/sd* /dev/vd* 2>/dev/null && echo "ESCAPED block-devices"
ct_escape mount remount-root module finit_module mknod-block mknod-mem ptrace userns \
	keyctl add_key bpf reboot sethostname settimeofday sysrq kcore proc-sys setns \
	open_by_handle perf chroot-escape
echo "done: $?"
S
ct_image "$T/ct.sqfs" "$T/extra"
cat > "$T/conf" <<C
[container jail]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
exec = /bin/sh /etc/escape.sh
restart = no

[container jail-user]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
user = 1000:1000
exec = /bin/sh -c '/bin/ct_suid ids; grep CapEff /proc/self/status'
restart = no
C
ns_start "$T/conf" "$T/ct.sqfs"
host_name=$(inside hostname)
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q '^done' /var/log/cairn/jail.log" ||
	fail "the escape script did not finish: $(ct_log jail)"
log=$(ct_log jail); echo "$log"
echo "$log" | grep ESCAPED && fail "an escape worked"
for a in mount remount-root module finit_module mknod-block mknod-mem ptrace userns keyctl add_key \
	bpf reboot sethostname settimeofday sysrq kcore proc-sys setns open_by_handle perf chroot-escape; do
	echo "$log" | grep -q "^blocked $a " || fail "no verdict for $a"
done
echo "$log" | grep -q "^done: 0" || fail "ct_escape counted escapes"
[ "$(echo "$log" | sed -n 's/^procs: //p')" -le 5 ] || fail "the container sees more than its processes"

echo "checking: the host is intact"
kill -0 "$INIT" && [ -n "$(cairnd_pid)" ] || fail "kill -1 inside reached the host"
[ "$(inside hostname)" = "$host_name" ] || fail "host name changed"
[ "$(inside "sha256sum /var/lib/ct.sqfs" | cut -d' ' -f1)" = "$CT_SHA" ] || fail "the image changed"

echo "checking: a setuid-root binary does not make uid 1000 root"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q CapEff /var/log/cairn/jail-user.log" ||
	fail "jail-user did not run: $(ct_log jail-user)"
ct_log jail-user
ct_log jail-user | grep -q "^euid=1000 egid=1000" || fail "setuid binary gained ids"
ct_log jail-user | grep -q "CapEff:.*0000000000000000" || fail "uid 1000 holds capabilities"
wait_for 50 state_is jail stopped || fail "jail not stopped"
ct_no_residue jail
ct_no_residue jail-user
echo PASS
