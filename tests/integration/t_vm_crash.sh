#!/bin/sh
# QEMU killed with SIGKILL under restart = always: a crash, restarted after
# the backoff delay (500 ms, then 1 s), each time a fresh QEMU with fresh
# sockets; a burst of crashes (a 3rd start within burst_interval, burst =
# 2) ends `failed`, with the reason, nothing running and nothing left.
. "$(dirname "$0")/vm_lib.sh"
guest acpi
vm_section crashy acpi "restart = always" "restart_delay = 500ms" "restart_delay_max = 10s" \
	"burst = 2" "burst_interval = 20s" > "$CONF"
start_cairnd
ms() { echo $(( $(date +%s%N) / 1000000 )); }
is_qemu() { [ "$(cat /proc/"$1"/comm 2>/dev/null)" = qemu-system-x86 ]; }
new_pid() { p=$(inst_pid crashy); [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$1" ]; }

wait_for 100 state_is crashy running || fail "not running"
p1=$(inst_pid crashy)
is_qemu "$p1" || fail "pid $p1 is not QEMU ($(cat /proc/"$p1"/comm))"
# 1st crash: restarted, not before the 500 ms delay
t0=$(ms)
kill -9 "$p1"
wait_for 100 new_pid "$p1" || fail "not restarted after the 1st kill -9"
dt=$(( $(ms) - t0 ))
p2=$(inst_pid crashy)
echo "restarted after ${dt}ms: $p1 -> $p2"
[ "$dt" -ge 500 ] || fail "restarted after ${dt}ms, before the 500ms delay"
is_qemu "$p2" || fail "the restart is not QEMU"
grep -q "crashy: killed by SIGKILL" "$ERR" || fail "the kill was not seen as a crash"
[ "$(field crashy restarts)" = 1 ] || fail "restarts: $(field crashy restarts)"
wait_for 50 test -S "$RUN/vm/crashy.qmp" || fail "no QMP socket for the restart"
wait_for 100 sh -c "\"$OUT/cairnctl\" --socket $SOCK status crashy | grep -q 'qemu pid $p2'" ||
	{ ctl status crashy; fail "status does not show the new QEMU"; }
# 2nd crash: a 3rd start within 20 s exceeds burst = 2: failed
kill -9 "$p2"
wait_for 100 state_is crashy failed || { ctl status crashy; fail "not failed after the burst"; }
grep -q "^reason restart burst exceeded (2 in 20s)" "$RUN/state/crashy" || fail "reason: $(field crashy reason)"
[ "$(grep -c 'crashy: started, pid' "$ERR")" = 2 ] || fail "expected 2 starts"
[ "$(inst_pid crashy)" = 0 ] || fail "failed instance has a pid"
alive "$p2" && fail "QEMU still running"
pgrep -f 'qemu-system-x86_64 -name crashy' && fail "a QEMU is left"
[ -e "$RUN/vm/crashy.qmp" ] && fail "QMP socket left behind"
[ -e "$RUN/console/crashy.sock" ] && fail "console socket left behind"
sleep 2
state_is crashy failed || fail "failed instance came back"
# failed until started by hand: a start runs it again
ctl start crashy || fail "start refused"
wait_for 100 state_is crashy running || fail "not running after a start by hand"
is_qemu "$(inst_pid crashy)" || fail "the start by hand is not QEMU"
echo ok
