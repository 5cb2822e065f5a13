#!/bin/sh
# A Debian system container: a debootstrap --variant=minbase trixie root
# with systemd (ct_debian.sh, built once and cached in build/ct-debian/)
# boots under cairnd to multi-user.target (systemd makes its own cgroups
# in the cgroup delegated to it), `cairnctl exec` reaches it, and
# `cairnctl stop` halts it through SIGRTMIN+3: systemd shuts down and
# exits 0 within the stop timeout, leaving nothing behind.
. "$(dirname "$0")/ct_lib.sh"

dir=$(cd "$(dirname "$0")/../.." && pwd)/build/ct-debian
[ -f "$dir/debian.sqfs" ] || echo "t_ct_debian: no cached image: building it (1-2 minutes, once)"
img=$("$(dirname "$0")/ct_debian.sh" "$dir") || fail "cannot build the Debian image (ct_debian.sh)"
sha=$(sha256sum "$img" | cut -d' ' -f1)
cat > "$T/conf" <<C
[container deb]
type = system
image = $img
sha256 = $sha
stop_timeout = 60s
restart = no
C
ns_start "$T/conf"
t0=$(date +%s)

echo "checking: systemd boots to multi-user.target"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q 'systemd' /var/log/cairn/deb.log" ||
	fail "no systemd on the console: $(ct_log deb)"
# the manager answers once its private socket is up; then wait for the
# boot's jobs to end
manager_up() {
	# (or given up: a systemd that cannot boot exits)
	inside "[ -S /proc/$(field deb pid)/root/run/systemd/private ]" || ! state_is deb running
}
wait_for 600 manager_up && state_is deb running ||
	fail "systemd never came up (deb $(field deb state)): $(ct_log deb | tail -30)"
state=$(ctl exec deb -- timeout 150 systemctl is-system-running --wait)
echo "  is-system-running: $state ($(($(date +%s) - t0))s)"
if [ "$state" != running ]; then
	echo "--- failed units"; ctl exec deb -- systemctl --no-pager --failed
fi
case $state in
running|degraded) ;;
*) fail "system state '$state': $(ct_log deb | tail -40)" ;;
esac
[ "$(ctl exec deb -- systemctl is-active multi-user.target)" = active ] || fail "multi-user.target not active"
ctl exec deb -- systemctl --no-pager --failed | grep -q "0 loaded units listed" ||
	echo "  (degraded: $(ctl exec deb -- systemctl --no-pager --failed --plain --no-legend | cut -d' ' -f1 | tr '\n' ' '))"

echo "checking: PID 1 is systemd, in a container, its cgroups its own"
[ "$(ctl exec deb -- cat /proc/1/comm)" = systemd ] || fail "PID 1 is not systemd"
virt=$(ctl exec deb -- systemd-detect-virt --container) || fail "systemd-detect-virt: $virt"
echo "  systemd-detect-virt: $virt"
inside "[ -d /sys/fs/cgroup/cairn/deb/init.scope ]" ||
	fail "systemd made no init.scope: $(inside 'ls /sys/fs/cgroup/cairn/deb')"
own=$(inside "stat -c '%u %n' /sys/fs/cgroup/cairn/deb /sys/fs/cgroup/cairn/deb/cgroup.procs /sys/fs/cgroup/cairn/deb/cgroup.subtree_control /sys/fs/cgroup/cairn/deb/cgroup.max.depth")
echo "$own" | sed 's/^/  /'
[ "$(echo "$own" | grep -c '^131072 ')" = 3 ] && echo "$own" | grep -q '^0 .*cgroup.max.depth$' ||
	fail "the cgroup is not delegated to the container's root (131072), or its limits are too"
# exec joins the cgroup init is in now, not the top one systemd left
[ "$(ctl exec deb -- grep "^0::" /proc/self/cgroup)" = "0::/init.scope" ] ||
	fail "exec is not in init.scope: $(ctl exec deb -- cat /proc/self/cgroup)"
echo "checking: what systemd expects of a container"
[ "$(ctl exec deb -- cat /run/systemd/container)" = cairn ] || fail "/run/systemd/container is not 'cairn'"
[ "$(ctl exec deb -- findmnt -n -o FSTYPE /run)" = tmpfs ] || fail "/run is not a tmpfs"
[ "$(ctl exec deb -- hostname)" = deb ] || fail "host name is not the configured one: $(ctl exec deb -- hostname)"

echo "checking: cairnctl stop halts it (SIGRTMIN+3), cleanly"
t1=$(date +%s)
ctl stop deb >/dev/null || fail "stop"
wait_for 700 state_is deb stopped || fail "deb not stopped: $(field deb state)"
echo "  stopped in $(($(date +%s) - t1))s; the console's last words:"
ct_log deb | tr -d '\r' | tail -4 | sed 's/^/  | /'
# systemd ends with reboot(2) (it holds CAP_SYS_BOOT): in a pid namespace
# the kernel reports a halt by killing its init with SIGINT, which cairnd
# takes as a clean end of a system container: exit 0, never SIGKILL.
code=$(field deb exit_code) sig=$(field deb exit_signal)
[ "$code" = 0 ] && [ "$sig" = 0 ] ||
	fail "deb ended with exit code '$code' signal '$sig', not a clean halt: $(ct_log deb | tail -20)"
ct_log deb | grep -q "Reached target halt.target" && ct_log deb | grep -Eq "Halting system|Exiting container" ||
	fail "no systemd shutdown on the console: $(ct_log deb | tail -20)"
ct_no_residue deb
echo PASS
