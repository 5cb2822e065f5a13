#!/bin/sh
# t_ct_limits: cgroup v2 limits on containers, in the appliance (the build
# host's cgroup2 has no controllers).  A busybox squashfs made on the build
# root travels on a second disk, an ext4 pool; three app containers from
# it: a fork bomb stops at pids (the forking subshell dies of it, its
# init lives on), a memory hog is OOM-killed inside its
# cgroup (and only it: cairnd and the shell stay up), a CPU hog at cpu =
# 0.25 gets about a quarter of a CPU.  And the escape attempts of the
# integration test that need a full kernel's /proc (kcore, sysrq-trigger).
. "$(dirname "$0")/lib.sh"
setup_pool_disk() {
	mk/inroot.sh sh -eu -c '
		W=$1; r=$W/ctroot
		rm -rf "$r"; mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$W/pool"
		cp /bin/busybox "$r/bin/busybox"
		for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
		# the escape helper and its C library, for the masks of a real kernel
		make -s -f mk/build.mk build/out/helpers/ct_escape
		cp build/out/helpers/ct_escape "$r/bin/"
		for l in $(ldd build/out/helpers/ct_escape | grep -o "/[^ ]*"); do
			mkdir -p "$r$(dirname "$l")"; cp -L "$l" "$r$l"
		done
		mksquashfs "$r" "$W/pool/ct.sqfs" -noappend -quiet -all-root >/dev/null
		truncate -s 64M "$W/pool.img"
		mkfs.ext4 -q -F -L ctimg -d "$W/pool" "$W/pool.img"
		sha256sum "$W/pool/ct.sqfs" | cut -d" " -f1 > "$W/sha"
	' sh "$W" || fail "cannot make the container image disk"
}
setup
setup_pool_disk
sha=$(cat "$W/sha")
conf=$(test_conf)
cat >>"$conf" <<C

[pool ctimg]
source = LABEL=ctimg

[container bomb]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
pids = 16
exec = /bin/sh -c '(n=0; while [ \$n -lt 60 ]; do sleep 1000 & n=\$((n+1)); done) 2>/dev/null; echo forked; exec sleep 100000'
restart = no

[container hog]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
memory = 24M
memory_swap = 0
exec = /bin/sh -c 'echo hogging; tail /dev/zero'
restart = no

[container jail]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
exec = /bin/sh -c '/bin/ct_escape sysrq kcore proc-sys mount module mknod-block userns keyctl bpf reboot ptrace; grep -E " /proc/(sysrq-trigger|kcore) " /proc/self/mountinfo'
restart = no

[container spin]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
cpu = 0.25
exec = /bin/sh -c 'while :; do :; done'
restart = no
C
sign_conf "$conf"
image-build/putconf.sh "$W/disk.img" "$conf" || fail "putconf"
QEMU_EXTRA="-drive file=$W/pool.img,format=raw,if=virtio"
boot
wait_ready
wait_shell 60
gsh 'cat /sys/fs/cgroup/cgroup.controllers'

log "fork bomb: pids = 16"
end=$(($(date +%s) + 90))
until gsh 'grep -q forked /var/log/cairn/bomb.log' 5; do
	[ "$(date +%s)" -lt "$end" ] || fail "bomb never finished forking: $(gsh 'cairnctl status bomb; cat /var/log/cairn/bomb.log')"
	sleep 2
done
cur=$(gsh 'cat /sys/fs/cgroup/cairn/bomb/pids.current') || fail "no pids.current"
ev=$(gsh 'sed -n "s/^max //p" /sys/fs/cgroup/cairn/bomb/pids.events') || fail "no pids.events"
log "pids.current $cur, refused forks $ev"
[ "$cur" -le 16 ] || fail "bomb has $cur tasks, limit 16"
[ "$ev" -gt 0 ] || fail "no fork was refused"
gsh 'cairnctl status bomb' | grep -q running || fail "bomb's init did not survive its own limit"

log "memory hog: memory = 24M, no swap"
end=$(($(date +%s) + 120))
until gsh 'cairnctl status hog' 5 | grep -q "killed by SIGKILL"; do
	[ "$(date +%s)" -lt "$end" ] || fail "hog not OOM-killed: $(gsh 'cairnctl status hog; cat /sys/fs/cgroup/cairn/hog/memory.events')"
	sleep 2
done
gsh 'dmesg | grep -q "oom_memcg=/cairn/hog"' || fail "the OOM kill was not inside hog's cgroup: $(gsh 'dmesg | grep -i oom | tail')"
gsh 'cairnctl list' | grep -E '^ *shell ' | grep -q running || fail "the shell did not survive"
gsh 'cairnctl info' >/dev/null || fail "cairnd did not survive the OOM"
gsh '[ ! -e /sys/fs/cgroup/cairn/hog ]' || fail "hog's cgroup left behind"

log "escape attempts against the appliance's kernel (its /proc has kcore and sysrq-trigger)"
gsh 'cat /var/log/cairn/jail.log'
gsh 'cat /var/log/cairn/jail.log' | grep -q ESCAPED && fail "an escape worked"
gsh 'grep -q " /proc/sysrq-trigger ro," /var/log/cairn/jail.log' || fail "sysrq-trigger not mounted read-only"
gsh 'grep -q " /proc/kcore .* - devtmpfs " /var/log/cairn/jail.log' || fail "kcore not masked with /dev/null"
gsh 'grep -q "^blocked kcore (No data available)" /var/log/cairn/jail.log' || fail "kcore not masked"
[ "$(gsh 'grep -c ^blocked /var/log/cairn/jail.log')" = 11 ] || fail "not every attempt has its verdict"

log "CPU hog: cpu = 0.25"
gsh 'cat /sys/fs/cgroup/cairn/spin/cpu.max' | grep -q "^25000 100000" || fail "cpu.max of spin: $(gsh 'cat /sys/fs/cgroup/cairn/spin/cpu.max')"
u1=$(gsh 'sed -n "s/^usage_usec //p" /sys/fs/cgroup/cairn/spin/cpu.stat'); t1=$(gsh 'cat /proc/uptime')
sleep 10
u2=$(gsh 'sed -n "s/^usage_usec //p" /sys/fs/cgroup/cairn/spin/cpu.stat'); t2=$(gsh 'cat /proc/uptime')
thr=$(gsh 'sed -n "s/^nr_throttled //p" /sys/fs/cgroup/cairn/spin/cpu.stat')
share=$(awk -v a="$u1" -v b="$u2" -v s="${t1%% *}" -v e="${t2%% *}" 'BEGIN { printf "%.3f", (b - a) / 1e6 / (e - s) }')
log "spin used $share of a CPU, throttled $thr times"
awk -v x="$share" 'BEGIN { exit !(x > 0.10 && x < 0.33) }' || fail "spin's share $share is not about 0.25"
[ "$thr" -gt 0 ] || fail "spin was never throttled"
log "ok"
