#!/bin/sh
# t_api_cli.sh - the API end to end: a real cairnd in its own pid
# namespace, driven only through `cairnctl --socket`.  list, status, logs
# (tail and follow), stop/start/restart, --format json, errors and their
# exit codes, info, reload (good and bad), config check.
set -u
: "${OUT:?OUT must name the directory holding cairnd and cairnctl}"
. "$(dirname "$0")/common_lib.sh"
if [ -z "${T_API_INNER:-}" ]; then
	# PID 1 of a fresh namespace: whatever cairnd started dies with us.
	exec env T_API_INNER=1 unshare --pid --fork --mount-proc --propagation unchanged -- "$0" "$@"
fi

T=$(mktemp -d /tmp/t_api.XXXXXX)
RUN=$T/run LOG=$T/log CONF=$T/cairn.conf ERR=$T/cairnd.err
mkdir -p "$RUN" "$LOG"
SOCK=$RUN/api.sock
CAIRND_PID=

ctl() { "$OUT/cairnctl" --socket "$SOCK" "$@"; }
# configs are signed by a throwaway signer that this cairnd trusts
mkdir -p "$T/trust"
"$OUT/cairnctl" keygen --out "$T/signer" >/dev/null || { echo "FAIL: keygen"; exit 1; }
cp "$T/signer.pub" "$T/trust/"
sign() { "$OUT/cairnctl" sign --key "$T/signer.key" "$CONF" >/dev/null || fail "sign"; }

fail() {
	echo "FAIL: $*"
	echo "--- cairnd stderr"; cat "$ERR" 2>/dev/null
	exit 1
}

cleanup() {
	[ -n "$CAIRND_PID" ] && kill -TERM "$CAIRND_PID" 2>/dev/null
	i=0; while [ -n "$CAIRND_PID" ] && kill -0 "$CAIRND_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

state_of() { ctl status "$1" | sed -n 's/^state: *//p'; }
is_state() { [ "$(state_of "$1")" = "$2" ]; }
pid_of() { ctl status "$1" | sed -n 's/^pid: *//p'; }

cat > "$CONF" <<'C'
[host]
hostname = testhost
generation = 7

[service web]
exec = /bin/sh -c "echo web-started; exec sleep 1000"
restart = on-failure

[service ticker]
exec = /bin/sh -c "i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done"
restart = always
C

# No daemon yet: a clear message and exit 1.
out=$(ctl list 2>&1); rc=$?
[ $rc = 1 ] || fail "list without cairnd: exit $rc"
echo "$out" | grep -q "cannot connect to $SOCK.*(is cairnd running?)" || fail "no-daemon message: $out"

sign
"$OUT/cairnd" --config "$CONF" --trust-dir "$T/trust" --seed-label= --demo= --no-tls \
	--run-dir "$RUN" --log-dir "$LOG" 2>>"$ERR" &
CAIRND_PID=$!
wait_for 100 grep -q "cairnd: ready" "$ERR" || fail "cairnd never said ready"
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "socket mode is $(stat -c %a "$SOCK"), not 600"

# list / status
wait_for 50 is_state web running || fail "web not running: $(ctl status web 2>&1)"
wait_for 50 is_state ticker running || fail "ticker not running"
out=$(ctl list) || fail "list failed"
echo "$out" | head -1 | grep -q '^NAME *STATE *PID *RESTARTS *UPTIME *REASON' || fail "list header: $out"
echo "$out" | grep -q '^web  *running  *[0-9]' || fail "list row for web: $out"
ctl status web | grep -q '^kind: *service' || fail "status web"
ctl status web | grep -q "^log: *$LOG/web.log" || fail "status web log path"

# --format json, for scripts
ctl --format json list | grep -q '"name":"web"' || fail "json list"
ctl status web --format=json | grep -q '"state":"running"' || fail "json status"
ctl --format json info | grep -q '"config_generation":7' || fail "json info"
ctl info | grep -q '^name: *testhost' || fail "info: $(ctl info)"

# logs: tail and follow
wait_for 50 sh -c "\"$OUT/cairnctl\" --socket \"$SOCK\" logs web | grep -q web-started" ||
	fail "logs web: $(ctl logs web 2>&1)"
n=$(ctl logs ticker -n 3 | wc -l)
[ "$n" -le 3 ] || fail "logs -n 3 gave $n lines"
timeout 2 "$OUT/cairnctl" --socket "$SOCK" logs ticker -f -n 1 > "$T/follow.out"
rc=$?
[ $rc = 124 ] || fail "logs -f ended by itself (exit $rc)"
n=$(grep -c '^tick' "$T/follow.out")
[ "$n" -ge 4 ] || fail "logs -f saw only $n new lines in 2 s: $(cat "$T/follow.out")"

# stop / start / restart
ctl stop web >/dev/null || fail "stop web"
wait_for 100 is_state web stopped || fail "web did not stop: $(state_of web)"
ctl start web >/dev/null || fail "start web"
wait_for 50 is_state web running || fail "web did not start again"
p1=$(pid_of web)
ctl restart web >/dev/null || fail "restart web"
wait_for 100 sh -c "p=\$(\"$OUT/cairnctl\" --socket \"$SOCK\" status web | sed -n 's/^pid: *//p'); [ -n \"\$p\" ] && [ \"\$p\" != - ] && [ \"\$p\" != $p1 ]" ||
	fail "restart did not change the pid ($p1)"

# errors: unknown instance -> 1 with the server's message; bad usage -> 2
out=$(ctl status nosuch 2>&1); rc=$?
[ $rc = 1 ] || fail "status nosuch: exit $rc"
echo "$out" | grep -q "no such instance: nosuch" || fail "status nosuch said: $out"
out=$(ctl stop nosuch 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "no such instance" || fail "stop nosuch: $rc $out"
# without a name: the host and its slots (none here: not a slot's boot)
out=$(ctl status 2>&1); rc=$?
[ $rc = 0 ] && echo "$out" | grep -Eq '^b +empty ' || fail "status without a name: exit $rc: $out"
ctl status a b >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "status with two names: exit $rc"
ctl frobnicate >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || fail "unknown command: exit $rc"

# reload: an added service, then a broken file that changes nothing
cat >> "$CONF" <<'C'

[service extra]
exec = /bin/sleep 1000
C
sign
out=$(ctl reload) || fail "reload: $out"
echo "$out" | grep -q '^added *extra' || fail "reload said: $out"
wait_for 50 is_state extra running || fail "extra not running after reload"
echo "[service broken" >> "$CONF"
sign
out=$(ctl reload 2>&1); rc=$?
[ $rc = 1 ] || fail "bad reload: exit $rc"
echo "$out" | grep -q "$CONF:[0-9][0-9]*:" || fail "bad reload message: $out"
is_state extra running || fail "a bad reload changed something"

# config check, local
head -n -1 "$CONF" > "$T/good.conf"
out=$("$OUT/cairnctl" config check "$T/good.conf") || fail "config check good: $out"
[ "$out" = "$T/good.conf: ok" ] || fail "config check said: $out"
out=$("$OUT/cairnctl" config check "$CONF" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "$CONF:[0-9][0-9]*:" || fail "config check bad: $rc $out"

kill -0 "$CAIRND_PID" || fail "cairnd died"
echo ok
