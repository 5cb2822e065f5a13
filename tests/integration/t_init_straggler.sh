#!/bin/sh
# t_init_straggler.sh - at shutdown a process that ignores SIGTERM is
# SIGKILLed once the kill timeout (3 s here) has passed, and init then
# ends in reboot(2), all within a bound.
. "$(dirname "$0")/init_lib.sh"
now() { date +%s.%N; }

# cairnd leaves a straggler behind (ignored signals survive exec), and
# itself stops at once on SIGTERM, as the real one does.
idle_cairnd "sh -c \"trap '' TERM; exec sleep 100007\" &"

# Is the straggler (seen from outside the namespace) alive?
straggler() {
	for f in /proc/[0-9]*/cmdline; do
		case "$(tr '\0' ' ' <"$f" 2>/dev/null)" in
		"sleep 100007 "*) return 0 ;;
		esac
	done
	return 1
}

echo "starting cairn-init (--kill-timeout 3) with a cairnd that leaves a straggler"
start_init --stop-timeout 10 --kill-timeout 3
wait_init "init, cairnd or the straggler" straggler

echo "checking: after SIGTERM to init the straggler survives SIGTERM for a while"
t0=$(now)
kill -TERM "$I"
sleep 1.5
straggler || fail "the straggler was gone 1.5 s after shutdown began (before the kill timeout)"
echo "  still alive at 1.5 s"

echo "checking: init ends (reboot: SIGHUP) after the kill timeout, within 8 s"
init_end 10
t1=$(now)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "  init ended after $took s with status $rc"
[ "$rc" = 129 ] || fail "unshare exited $rc, expected 129 (SIGHUP from reboot)"
awk -v t="$took" 'BEGIN { exit !(t >= 2.9 && t <= 8) }' ||
	fail "shutdown took $took s; expected the 3 s kill timeout, at most 8 s"
straggler && fail "the straggler is still alive"
grep -q "sending SIGKILL" "$W/init.log" || fail "init did not say it sent SIGKILL"
grep -q "still running: .*(sleep)" "$W/init.log" || fail "init did not name the straggler"
echo "--- init log"; cat "$W/init.log"
echo "PASS"
