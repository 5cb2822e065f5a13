#!/bin/sh
# after= order: a service starts only once its dependency runs; while it
# waits, its status says for what; it starts as soon as the dependency does.
. "$(dirname "$0")/sup_lib.sh"

cat > "$CONF" <<C
[service db]
exec = /bin/sleep 1000

[service app]
exec = /bin/sleep 1000
after = db
C
start_cairnd
ctl() { "$OUT/cairnctl" --socket "$RUN/api.sock" "$@"; }
wait_for 50 state_is app running || fail "app not running"
ctl stop app >/dev/null || fail "stop app"
ctl stop db >/dev/null || fail "stop db"
wait_for 50 state_is db stopped || fail "db not stopped"
ctl start app >/dev/null || fail "start app"
sleep 0.5
ctl status app >"$T/st" 2>&1 || fail "status app"
grep -q "state: *starting" "$T/st" || fail "app started without db: $(cat "$T/st")"
grep -q "waiting for db (stopped)" "$T/st" || fail "app does not say what it waits for: $(cat "$T/st")"
ctl start db >/dev/null || fail "start db"
wait_for 50 state_is app running || fail "app did not start once db ran"
ctl status app | grep -q "reason: *-" || fail "reason not cleared once running: $(ctl status app)"
echo ok
