#!/bin/sh
# t_init_straggler.sh - at shutdown a process that ignores SIGTERM is
# SIGKILLed once the kill timeout (3 s here) has passed, and init then
# ends in reboot(2), all within a bound.
set -u
: "${OUT:?OUT must name the build output}"
W=$(mktemp -d /var/tmp/t_init_straggler.XXXXXX)
U=
cleanup() {
	[ -n "$U" ] && kill -KILL "$U" 2>/dev/null
	[ -n "${I:-}" ] && kill -KILL "$I" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- init log"; cat "$W/init.log"; exit 1; }
now() { date +%s.%N; }

# cairnd leaves a straggler behind (ignored signals survive exec), and
# itself stops at once on SIGTERM, as the real one does.
cat >"$W/cairnd" <<EOS
#!/bin/sh
sh -c "trap '' TERM; exec sleep 100007" &
trap 'exit 0' TERM
touch $W/ready
while :; do sleep 1 & wait \$!; done
EOS
chmod +x "$W/cairnd"

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
unshare --pid --fork --mount --uts --net --mount-proc --propagation unchanged \
	"$OUT/cairn-init" --stage2 --container --cairnd "$W/cairnd" \
	--stop-timeout 10 --kill-timeout 3 >"$W/init.log" 2>&1 &
U=$!
I=
for _ in $(seq 100); do
	[ -f "$W/ready" ] && straggler && I=$(cat /proc/$U/task/$U/children 2>/dev/null) &&
		[ -n "$I" ] && break
	sleep 0.1
done
[ -n "$I" ] || fail "init, cairnd or the straggler did not come up"
I=${I% }

echo "checking: after SIGTERM to init the straggler survives SIGTERM for a while"
t0=$(now)
kill -TERM "$I"
sleep 1.5
straggler || fail "the straggler was gone 1.5 s after shutdown began (before the kill timeout)"
echo "  still alive at 1.5 s"

echo "checking: init ends (reboot: SIGHUP) after the kill timeout, within 8 s"
timeout 10 sh -c "while kill -0 $U 2>/dev/null; do sleep 0.05; done" || fail "init did not end within 10 s"
t1=$(now)
rc=0
wait "$U" || rc=$?
U=
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
