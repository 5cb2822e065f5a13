#!/bin/sh
# A guest that ignores the power button (deaf) is stopped at the timeout:
# the power button first, QMP `quit` at 3/4 of stop_timeout (QEMU ends
# then, before the SIGKILL), and the log says so.  A QEMU that does not
# even answer `quit` (frozen with SIGSTOP here) gets the supervisor's
# SIGKILL at stop_timeout, and the log says that instead.
. "$(dirname "$0")/vm_lib.sh"
guest deaf
{
	vm_section deaf deaf "stop_timeout = 8s" "restart = no"
	vm_section frozen deaf "stop_timeout = 8s" "restart = no"
} > "$CONF"
start_cairnd
wait_for 900 marker_seen deaf || { cat "$LOG"/deaf.log; fail "deaf: no marker"; }
wait_for 900 marker_seen frozen || { cat "$LOG"/frozen.log; fail "frozen: no marker"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# 1. deaf: powerdown ignored, quit at 6 s, QEMU gone before 8 s
pid=$(inst_pid deaf)
alive "$pid" || fail "deaf: no QEMU"
t0=$(ms)
ctl stop deaf || fail "stop refused"
wait_for 150 state_is deaf stopped || fail "deaf did not stop within 15 s"
dt=$(( $(ms) - t0 ))
echo "deaf stopped after ${dt}ms"
grep -q "deaf: the guest did not power off: quit" "$ERR" || fail "deaf: no quit in the log"
grep -q "deaf: did not stop within" "$ERR" && fail "deaf: SIGKILL although QEMU quit"
grep -q "deaf: guest powered off" "$ERR" && fail "deaf: a deaf guest powered off"
[ "$dt" -ge 5500 ] || fail "deaf: quit too early (${dt}ms, want >= 6000ms)"
[ "$dt" -lt 8000 ] || fail "deaf: stopped only at the timeout (${dt}ms)"
alive "$pid" && fail "deaf: QEMU still running"

# 2. frozen: QEMU answers nothing, SIGKILL at 8 s
pid=$(inst_pid frozen)
alive "$pid" || fail "frozen: no QEMU"
kill -STOP "$pid"
t0=$(ms)
ctl stop frozen || fail "stop refused"
wait_for 150 state_is frozen stopped || fail "frozen did not stop within 15 s"
dt=$(( $(ms) - t0 ))
echo "frozen stopped after ${dt}ms"
grep -q "frozen: the guest did not power off: quit" "$ERR" || fail "frozen: no quit tried first"
grep -q "frozen: did not stop within 8000ms: SIGKILL" "$ERR" || fail "frozen: no SIGKILL in the log"
[ "$dt" -ge 7500 ] || fail "frozen: killed too early (${dt}ms)"
alive "$pid" && fail "frozen: QEMU still running"
[ -e "$RUN/console/frozen.sock" ] && fail "frozen: console socket left behind"
[ -e "$RUN/vm/frozen.qmp" ] && fail "frozen: QMP socket left behind"
echo ok
