#!/bin/sh
# A system container (busybox sh as its "init"): its init talks on its
# console, a pty whose output reaches its log and the raw console socket
# /run/cairn/console/NAME.sock, and which takes input from that socket;
# it and its console outlive a cairnd crash (adopted); it is asked to
# halt with SIGRTMIN+3 (and exits cleanly when it handles
# it); its changes persist across a restart (the upper layer is kept,
# owned by its id range); cairnctl exec gets its full capability set
# but the five that only act on the host (SYS_MODULE, SYS_RAWIO,
# SYS_TIME, MAC_ADMIN, MAC_OVERRIDE).
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"
cat > "$T/conf" <<C
[container sys]
type = system
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
exec = /bin/sh -c 'trap "echo halting; exit 0" 37; echo "console says hello on \$(tty)"; [ -f /etc/marker ] && echo "marker: \$(cat /etc/marker)"; echo kept > /etc/marker; while :; do if read -t 1 l; then echo "got \$l"; fi; done'
stop_timeout = 5s
restart = no
C
ns_start "$T/conf" "$T/ct.sqfs"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q 'console says hello' /var/log/cairn/sys.log" ||
	fail "no console output in the log: $(ct_log sys)"
ct_log sys | grep -q "console says hello on /dev/console" || fail "init's stdio is not /dev/console: $(ct_log sys)"
inside "[ -S /run/cairn/console/sys.sock ]" || fail "no console socket"

echo "checking: the console socket is a two-way byte stream"
out=$(inside "(echo ping-console; sleep 1.5) | socat -t 2 - UNIX-CONNECT:/run/cairn/console/sys.sock") || fail "socat: $out"
echo "  console said: $(echo "$out" | tr -d '\r' | tr '\n' '|')"
echo "$out" | grep -q "got ping-console" || fail "no answer on the console socket"
ct_log sys | grep -q "got ping-console" || fail "console answer not in the log"

echo "checking: cairnd killed: sys is adopted, its console still answers"
p1=$(field sys pid)
d1=$(cairnd_pid)
inside "kill -KILL $d1"
wait_for 100 sh -c '[ "$(grep -c "cairnd: ready" '"$T/console"')" -ge 2 ]' || fail "cairnd not restarted by init"
state_is sys running && [ "$(field sys pid)" = "$p1" ] || fail "sys not adopted"
out=$(inside "(echo after-restart; sleep 1.5) | socat -t 2 - UNIX-CONNECT:/run/cairn/console/sys.sock") || fail "socat: $out"
echo "$out" | grep -q "got after-restart" || fail "console gone with cairnd: $out"
wait_for 30 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q 'got after-restart' /var/log/cairn/sys.log" ||
	fail "console output no longer reaches the log"

echo "checking: full capabilities inside (within its user namespace), but the host-only five"
caps=$(ctl exec sys -- /bin/grep CapEff /proc/self/status) || fail "exec: $caps"
echo "  $caps"
# every capability this kernel has, less bits 16, 17, 25, 32, 33
want=$(printf '%016x' $(( ((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1) & ~0x302030000 )))
echo "$caps" | grep -Eq "CapEff:[[:space:]]+$want\$" ||
	fail "system container without the full set less the host-only five ($want): $caps"

echo "checking: stop sends SIGRTMIN+3, which it handles"
ctl stop sys >/dev/null || fail "stop"
wait_for 40 state_is sys stopped || fail "sys not stopped: $(field sys state)"
ct_log sys | grep -q halting || fail "halt signal not delivered: $(ct_log sys | tail -3)"
[ "$(field sys exit_code)" = 0 ] || fail "sys exited $(field sys exit_code) $(field sys exit_signal), not 0 (killed after the timeout?)"
wait_for 20 inside "[ ! -e /run/cairn/console/sys.sock ]" || fail "console socket left"
ct_no_residue sys

echo "checking: its changes persist, owned by its range on the host"
inside "stat -c '%u %n' /var/lib/cairn/containers/sys/rw/upper/etc/marker" | grep -q "^131072 " ||
	fail "upper not kept or not owned by 131072: $(inside "ls -ln /var/lib/cairn/containers/sys/rw/upper/etc")"
ctl start sys >/dev/null || fail "start again"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q 'marker: kept' /var/log/cairn/sys.log" ||
	fail "the marker did not survive a restart: $(ct_log sys)"
echo PASS
