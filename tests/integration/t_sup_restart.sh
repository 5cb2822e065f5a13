#!/bin/sh
# A service that exits 1 is restarted with growing delays (200, 400, 800 ms)
# and ends `failed` once a 5th start would exceed burst = 4 in 30 s.
. "$(dirname "$0")/sup_lib.sh"

cat > "$CONF" <<C
[service crash]
exec = /bin/sh -c "date +%s%N; exit 1"
restart = on-failure
restart_delay = 200ms
restart_delay_max = 5s
burst = 4
burst_interval = 30s
C
start_cairnd
wait_for 100 state_is crash failed || fail "crash did not end failed"
[ "$(field crash restarts)" = 3 ] || fail "expected 3 restarts, got $(field crash restarts)"
grep -q "^reason restart burst exceeded (4 in 30s)" "$RUN/state/crash" || fail "reason"
[ "$(grep -c . "$LOG/crash.log")" = 4 ] || fail "expected 4 runs in the log"
# gaps between the runs: at least 200, 400, 800 ms, each larger than the last
prev=; last=0; k=0
for t in $(cat "$LOG/crash.log"); do
	if [ -n "$prev" ]; then
		gap=$(( (t - prev) / 1000000 ))
		want=$(( 200 << k ))
		echo "gap $k: ${gap}ms (want >= ${want}ms)"
		[ "$gap" -ge "$want" ] || fail "gap $k too short: $gap < $want"
		[ "$gap" -gt "$last" ] || fail "delays did not grow"
		last=$gap; k=$((k + 1))
	fi
	prev=$t
done
[ "$k" = 3 ] || fail "expected 3 gaps"
# failed for good: no process, no marker, cairnd still up
[ "$(inst_pid crash)" = 0 ] || fail "failed instance has a pid"
[ -z "$(ls "$RUN/pids")" ] || fail "markers left: $(ls "$RUN/pids")"
sleep 1
state_is crash failed || fail "failed instance came back"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo ok
