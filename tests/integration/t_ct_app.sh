#!/bin/sh
# An app container from a squashfs made now (busybox) runs under cairnd:
# its output is in its log, it is PID 1 of its own namespaces as root of
# its own 65536-id range, it sees its image id-mapped (files owned by its
# root) and writes to a throwaway upper.  A long-running one survives a
# cairnd crash (re-adopted, same pid), is stopped with its halt signal and
# then SIGKILL, and leaves nothing behind: no cgroup, no mount of its own;
# both share the image's one read-only host mount and loop device.
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"
cat > "$T/conf" <<C
[host]
hostname = cthost

[container hello]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
exec = /bin/sh -c 'echo "hello from \$(hostname) pid \$\$ uid \$(id -u)"; cat /proc/self/uid_map; stat -c "bin owner %u" /bin/busybox; echo x > /written && echo wrote upper; ls /proc | grep -c "^[0-9]"'
restart = no

[container svc]
type = app
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
idmap = 1000000
hostname = svc-box
exec = /bin/sh -c 'while :; do echo tick; sleep 0.2; done'
restart = always
stop_timeout = 1s
C
ns_start "$T/conf" "$T/ct.sqfs"

echo "checking: hello ran and exited 0, its output in its log"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q 'hello from' /var/log/cairn/hello.log" ||
	fail "no output from hello: $(ct_log hello)"
wait_for 50 state_is hello stopped || fail "hello not stopped: $(field hello state)"
log=$(ct_log hello); echo "$log"
echo "$log" | grep -q "hello from hello pid 1 uid 0" || fail "not PID 1 as root named hello"
echo "$log" | grep -Eq "^ *0 +131072 +65536" || fail "uid_map is not the first auto range"
echo "$log" | grep -q "bin owner 0" || fail "image files not owned by the container's root"
echo "$log" | grep -q "wrote upper" || fail "cannot write its upper"
[ "$(echo "$log" | tail -1)" -le 3 ] || fail "sees more than its own processes"
inside "cat /var/lib/cairn/containers/hello/idmap" | grep -qx 131072 || fail "auto idmap not kept"
ct_no_residue hello

echo "checking: svc runs with its explicit range and hostname"
wait_for 100 state_is svc running || fail "svc not running"
p1=$(field svc pid)
inside "grep -q '^ *0 *1000000 *65536' /proc/$p1/uid_map" || fail "svc's uid_map: $(inside "cat /proc/$p1/uid_map")"
[ "$(inside "nsenter -t $p1 -u hostname")" = svc-box ] || fail "svc's hostname"
inside "[ -d /sys/fs/cgroup/cairn/svc ]" || fail "no cgroup for svc"
inside "grep -q $p1 /sys/fs/cgroup/cairn/svc/cgroup.procs" || fail "svc's init not in its cgroup"
[ "$(inside "readlink /proc/$p1/ns/net")" != "$(inside "readlink /proc/self/ns/net")" ] || fail "svc shares the host's net namespace"

echo "checking: cairnctl exec joins svc: namespaces, cgroup, ids, caps, seccomp"
out=$(ctl exec svc -- /bin/sh -c "'echo in \$(hostname) pid \$\$; cat /proc/self/uid_map; grep CapEff /proc/self/status; cat /proc/self/cgroup; ct_escape mount userns; echo rc=\$?'") ||
	fail "exec failed: $out"
echo "$out"
echo "$out" | grep -q "^in svc-box pid [0-9]" || fail "exec not in svc's uts/pid namespaces"
echo "$out" | grep -Eq "^ *0 +1000000 +65536" || fail "exec not in svc's user namespace"
echo "$out" | grep -q "CapEff:.*a80425fb" || fail "exec does not have the app capability set"
echo "$out" | grep -q "^0::/$" || fail "exec not at the root of svc's cgroup namespace"
echo "$out" | grep -q "^blocked mount" && echo "$out" | grep -q "^blocked userns" || fail "exec without seccomp"
echo "$out" | grep -q "^rc=0" || fail "an escape worked from exec"
st=0; ctl exec svc -- /bin/sh -c "'exit 7'" || st=$?
[ "$st" = 7 ] || fail "exec's exit status is $st, not 7"
out=$(inside "script -qec '$OUT/cairnctl --socket /run/cairn/api.sock exec svc -- tty' /dev/null" </dev/null) || fail "exec with a pty: $out"
echo "pty: $out"
echo "$out" | grep -aq "/dev/pts/[0-9]" || fail "exec with a terminal got no pty: $out"

echo "checking: cairnd killed, svc keeps running and is adopted"
d1=$(cairnd_pid)
inside "kill -KILL $d1"
wait_for 100 sh -c '[ "$(grep -c "cairnd: ready" '"$T/console"')" -ge 2 ]' || fail "cairnd not restarted by init"
inside "kill -0 $p1" || fail "svc died with cairnd"
state_is svc running && [ "$(field svc pid)" = "$p1" ] || fail "svc not adopted"
n1=$(inside "grep -c tick /var/log/cairn/svc.log"); sleep 1
n2=$(inside "grep -c tick /var/log/cairn/svc.log")
[ "$n2" -gt $((n1 + 2)) ] || fail "svc's output no longer captured ($n1 -> $n2)"

echo "checking: stop (halt signal ignored by sh as PID 1, then SIGKILL) cleans up"
ctl stop svc >/dev/null || fail "cairnctl stop svc"
wait_for 50 state_is svc stopped || fail "svc not stopped: $(field svc state)"
inside "! kill -0 $p1 2>/dev/null" || fail "svc's init still alive"
wait_for 20 inside "[ ! -e /sys/fs/cgroup/cairn/svc ]" || fail "cgroup of svc left after an adopted exit"
ct_no_residue svc
# the image stays mounted once on the host (read-only, at
# /run/cairn/images/SHA) while the config names it: one loop device for
# both containers, one page cache
[ "$(inside "losetup -j /var/lib/ct.sqfs" | wc -l)" = 1 ] || fail "not one loop device for the image: $(inside "losetup -j /var/lib/ct.sqfs")"
inside "grep -q ' /run/cairn/images/$CT_SHA ' /proc/self/mountinfo" || fail "no shared image mount"
echo PASS
