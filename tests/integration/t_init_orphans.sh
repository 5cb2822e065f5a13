#!/bin/sh
# t_init_orphans.sh - cairn-init as PID 1 of a pid namespace reaps 1000
# orphans that all die at the same instant: afterwards no process in the
# namespace is a zombie.
. "$(dirname "$0")/init_lib.sh"

idle_cairnd

echo "starting cairn-init as PID 1 of a new pid+mount+uts+net namespace"
start_init --kill-timeout 3
wait_init "init or its cairnd"

zombies() {
	inns sh -c 'cat /proc/[0-9]*/stat 2>/dev/null' | sed 's/.*) //' | awk '$1 == "Z"' | wc -l
}

echo "checking: 1000 orphans adopted by PID 1, released at once"
out=$(inns "$OUT/helpers/init_orphans" 1000) || fail "orphan helper failed: $out"
echo "  $out"
case "$out" in
"made 1000 orphans, "*) ;;
*) fail "helper did not make 1000 orphans" ;;
esac
adopted=$(echo "$out" | sed -n 's/.*, \([0-9]*\) of them.*/\1/p')
[ "${adopted:-0}" -ge 1000 ] || fail "only $adopted orphans were re-parented to PID 1"

echo "checking: no zombies left in the namespace (within 5 s)"
z=
for _ in $(seq 50); do
	z=$(zombies)
	[ "$z" = 0 ] && break
	sleep 0.1
done
[ "$z" = 0 ] || fail "$z zombie(s) left in the namespace"
left=$(inns sh -c 'cat /proc/[0-9]*/stat 2>/dev/null' | grep -c '(init_orphans)')
[ "$left" = 0 ] || fail "$left orphan(s) still present"
echo "  0 zombies, 0 orphans left"

echo "checking: SIGTERM to init ends in reboot(2) (namespace init killed by SIGHUP)"
kill -TERM "$I"
init_end 20
[ "$rc" = 129 ] || fail "unshare exited $rc, expected 129 (SIGHUP from reboot)"
echo "--- init log"; cat "$W/init.log"
echo "PASS"
