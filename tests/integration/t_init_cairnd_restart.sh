#!/bin/sh
# t_init_cairnd_restart.sh - a cairnd that keeps exiting is restarted by
# cairn-init with growing delays: 1 s, 2 s, 4 s (doubling, capped at 30 s).
. "$(dirname "$0")/init_lib.sh"

# A cairnd that records when it started and dies at once.
cat >"$W/cairnd" <<EOS
#!/bin/sh
date +%s.%N >>$W/starts
exit 3
EOS
chmod +x "$W/cairnd"

echo "starting cairn-init as PID 1 of a new namespace with a crashing cairnd"
start_init

echo "checking: cairnd started 4 times within 15 s"
n=0
for _ in $(seq 150); do
	n=$(cat "$W/starts" 2>/dev/null | wc -l)
	[ "$n" -ge 4 ] && break
	sleep 0.1
done
[ "$n" -ge 4 ] || fail "cairnd started only $n times"
I=$(cat /proc/$U/task/$U/children 2>/dev/null); I=${I% }

echo "checking: the delays between starts grow: ~1 s, ~2 s, ~4 s"
gaps=$(head -4 "$W/starts" | awk 'NR > 1 { printf "%.2f ", $1 - prev } { prev = $1 }')
echo "  gaps: $gaps"
set -- $gaps
ok=$(awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN {
	print (a >= 0.9 && a < 1.6 && b >= 1.9 && b < 2.6 && c >= 3.9 && c < 4.6) ? "yes" : "no" }')
[ "$ok" = yes ] || fail "delays $gaps are not 1, 2, 4 s"
grep -q "exited with status 3" "$W/init.log" || fail "init did not log cairnd's exit status"

echo "checking: SIGTERM during a backoff still shuts down promptly (reboot: SIGHUP)"
[ -n "$I" ] || fail "no init pid"
kill -TERM "$I"
init_end 20
[ "$rc" = 129 ] || fail "unshare exited $rc, expected 129 (SIGHUP from reboot)"
echo "--- init log"; cat "$W/init.log"
echo "PASS"
