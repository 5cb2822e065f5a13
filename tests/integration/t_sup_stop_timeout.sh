#!/bin/sh
# SIGTERM to cairnd stops every workload: a polite one at once, one that
# ignores SIGTERM is SIGKILLed at its stop_timeout (1 s), then cairnd
# exits 0.
. "$(dirname "$0")/sup_lib.sh"

cat > "$T/stubborn.sh" <<'S'
trap '' TERM
echo up
while :; do sleep 0.2; done
S
cat > "$CONF" <<C
[service stubborn]
exec = /bin/sh $T/stubborn.sh
stop_timeout = 1s

[service polite]
exec = /bin/sleep 1000
stop_timeout = 20s
C
start_cairnd
wait_for 50 state_is stubborn running || fail "stubborn not running"
wait_for 50 grep -q up "$LOG/stubborn.log" || fail "stubborn not up (trap not set yet)"
sp=$(inst_pid stubborn); pp=$(inst_pid polite)
alive "$sp" && alive "$pp" || fail "services not alive"
t0=$(date +%s%N)
kill -TERM "$CAIRND_PID"
wait "$CAIRND_PID"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
CAIRND_PID=
echo "cairnd exited $rc after ${ms}ms"
[ "$rc" = 0 ] || fail "cairnd exit status $rc"
[ "$ms" -ge 900 ] || fail "stopped too early (${ms}ms): stop_timeout not honoured"
[ "$ms" -lt 5000 ] || fail "took ${ms}ms"
alive "$sp" && fail "stubborn still alive"
alive "$pp" && fail "polite still alive"
grep -q "stubborn: did not stop within 1000ms: SIGKILL" "$ERR" || fail "no SIGKILL message"
grep -q "stubborn: killed by SIGKILL" "$ERR" || fail "stubborn not reported killed by SIGKILL"
grep -q "polite: killed by SIGTERM" "$ERR" || fail "polite not stopped by SIGTERM"
echo ok
