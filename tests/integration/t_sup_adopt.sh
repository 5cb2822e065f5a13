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
set -u
: "${OUT:?}"
[ -x "$OUT/cairn-init" ] || { echo "FAIL: no $OUT/cairn-init"; exit 1; }
T=$(mktemp -d /tmp/t_sup_adopt.XXXXXX)
U=
cleanup() {
	[ -n "$U" ] && kill -KILL "$U" 2>/dev/null  # unshare: its pid ns dies with init
	[ -n "${INIT:-}" ] && kill -KILL "$INIT" 2>/dev/null
	sleep 0.2
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- console"; cat "$T/console"; exit 1; }
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

cat > "$T/cairn.conf" <<'C'
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
mkdir -p "$T/trust"
"$OUT/cairnctl" keygen --out "$T/signer" >/dev/null || fail "keygen"
cp "$T/signer.pub" "$T/trust/"
"$OUT/cairnctl" sign --key "$T/signer.key" "$T/cairn.conf" >/dev/null || fail "sign"
cat > "$T/cairnd" <<W
#!/bin/sh
exec "$OUT/cairnd" --trust-dir /var/lib/trust --seed-label= --no-tls "\$@"
W
chmod +x "$T/cairnd"
# flap fails twice, then stays up: restarts = 2 to carry over
cat > "$T/flap.sh" <<'S'
n=$(cat /var/lib/flap.n 2>/dev/null || echo 0)
echo $((n + 1)) > /var/lib/flap.n
[ "$n" -ge 2 ] || exit 1
exec sleep 1000
S

unshare --pid --fork --mount-proc --mount --propagation private sh -c '
	set -e
	mount -t tmpfs -o mode=755 tmpfs /run
	mount -t tmpfs tmpfs /var/log
	mount -t tmpfs tmpfs /var/lib
	mkdir -p /var/lib/cairn/config /var/log/cairn
	cp "$1/cairn.conf" /var/lib/cairn/config/current.conf
	cp "$1/cairn.conf.sig" /var/lib/cairn/config/current.conf.sig
	cp "$1/flap.sh" /var/lib/flap.sh
	cp -R "$1/trust" /var/lib/trust
	cp "$1/cairnd" /var/lib/cairnd    # init mounts a fresh /tmp
	exec "$2/cairn-init" --stage2 --container --cairnd /var/lib/cairnd
' sh "$T" "$OUT" >"$T/console" 2>&1 &
U=$!
wait_for 50 sh -c "[ -n \"\$(cat /proc/$U/task/$U/children)\" ]" || fail "no init"
INIT=$(cat /proc/$U/task/$U/children | tr -d ' ')
# run a command inside the test's namespaces
inside() { nsenter -t "$INIT" -m -p -r -w -- sh -c "$1"; }
field() { inside "sed -n 's/^$2 //p' /run/cairn/state/$1 2>/dev/null"; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
cairnd_pid() { inside 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = cairnd ] && echo ${p#/proc/}; done' | head -1; }

wait_for 100 grep -q "cairnd: ready" "$T/console" || fail "cairnd never ready under init"
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
