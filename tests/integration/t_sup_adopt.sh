#!/bin/sh
# SIGKILL to cairnd leaves its services running; cairn-init (PID 1 of a
# pid namespace) restarts cairnd, which re-adopts them: same pids, state
# running, restart counters kept, output still captured (the log pipes
# were parked with init); a service killed afterwards is restarted by the
# new cairnd, which learns its exit status from init's PID.exit file.
#
# cairn-init passes no arguments to cairnd, so the test gives cairnd its
# default paths inside a private mount namespace: tmpfs on /run, /var/log
# and /var/lib, the signed config at /var/lib/cairn/config/current.conf.
# cairnd itself is a wrapper (in /var/lib: init mounts a fresh /tmp) that
# adds what the build root cannot provide
# at the default places: the test's trust dir (its throwaway signer), no
# seed partition probe, no HTTPS.
. "$(dirname "$0")/ns_lib.sh"

cat > "$T/conf" <<'C'
[host]
hostname = adopt

[service ticker]
exec = /bin/sh -c "while :; do echo tick; sleep 0.1; done"
restart = always
restart_delay = 100ms

[service flap]
exec = /bin/sh /var/lib/flap.sh
restart = on-failure
restart_delay = 100ms
C
# flap fails twice, then stays up: restarts = 2 to carry over
cat > "$T/flap.sh" <<'S'
n=$(cat /var/lib/flap.n 2>/dev/null || echo 0)
echo $((n + 1)) > /var/lib/flap.n
[ "$n" -ge 2 ] || exit 1
exec sleep 1000
S
ns_start "$T/conf" "$T/flap.sh"
field() { inside "sed -n 's/^$2 //p' /run/cairn/state/$1 2>/dev/null"; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
cairnd_pid() { inside 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = cairnd ] && echo ${p#/proc/}; done' | head -1; }

wait_for 50 state_is ticker running || fail "ticker not running"
wait_for 50 sh -c "[ \"\$(nsenter -t $INIT -m -p -r -w -- sed -n 's/^restarts //p' /run/cairn/state/flap)\" = 2 ] && \
	[ \"\$(nsenter -t $INIT -m -p -r -w -- sed -n 's/^state //p' /run/cairn/state/flap)\" = running ]" ||
	fail "flap not running after 2 restarts"
tp=$(field ticker pid); fp=$(field flap pid)
d1=$(cairnd_pid)
[ -n "$d1" ] || fail "no cairnd process"
echo "cairnd $d1, ticker $tp, flap $fp"

inside "kill -KILL $d1"
wait_for 100 sh -c '[ "$(grep -c "cairnd: ready" '"$T/console"')" -ge 2 ]' || fail "cairnd not restarted by init"
d2=$(cairnd_pid)
[ -n "$d2" ] && [ "$d2" != "$d1" ] || fail "no new cairnd"
inside "kill -0 $tp && kill -0 $fp" || fail "services died with cairnd"
state_is ticker running && [ "$(field ticker pid)" = "$tp" ] || fail "ticker not adopted"
state_is flap running && [ "$(field flap pid)" = "$fp" ] || fail "flap not adopted"
[ "$(field flap restarts)" = 2 ] || fail "flap restart count lost: $(field flap restarts)"
grep -q "ticker: adopted pid $tp" "$T/console" || fail "no adoption message"

# output still captured by the new cairnd
n1=$(inside "grep -c tick /var/log/cairn/ticker.log")
sleep 1
n2=$(inside "grep -c tick /var/log/cairn/ticker.log")
echo "ticker.log lines: $n1 -> $n2"
[ "$n2" -gt $((n1 + 3)) ] || fail "ticker's output no longer captured"

# killed now, the adopted service is restarted by the new cairnd
inside "kill -KILL $tp"
wait_for 50 sh -c "p=\$(nsenter -t $INIT -m -p -r -w -- sed -n 's/^pid //p' /run/cairn/state/ticker); \
	[ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ \"\$p\" != $tp ]" || fail "ticker not restarted"
state_is ticker running || fail "ticker not running again"
grep -q "ticker: killed by SIGKILL" "$T/console" || fail "exit status of the adopted process not learnt from init"
inside "[ ! -e /run/cairn/pids/$tp ] && [ ! -e /run/cairn/pids/$tp.exit ]" || fail "markers of $tp left"
echo ok
