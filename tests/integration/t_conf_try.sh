#!/bin/sh
# push --try: a provisional config reverts to the previous one on its own
# unless confirmed in time; confirmed, it stays; a trial pending across a
# cairnd SIGKILL + restart is still reverted at its deadline (re-armed for
# the rest of its time, or at once when the deadline passed meanwhile); a
# reverted generation cannot be pushed again.
. "$(dirname "$0")/sup_lib.sh"

gen() {   # gen N [SERVICE]: a config of generation N with keep (+ SERVICE)
	f=$T/g$1.conf
	printf '[host]\ngeneration = %s\n\n[service keep]\nexec = /bin/sleep 1001\n' "$1" > "$f"
	[ -z "${2:-}" ] || printf '\n[service %s]\nexec = /bin/sleep 200%s\n' "$2" "$1" >> "$f"
	sign_config "$f"
	echo "$f"
}

start_store_cairnd
out=$(ctl push "$(gen 1)" 2>&1) || fail "push g1: $out"
wait_for 50 state_is keep running || fail "keep not running"
kp=$(inst_pid keep)
out=$(ctl config confirm 2>&1) && fail "confirm with nothing to confirm: $out"
echo "$out" | grep -q "no provisional configuration to confirm" || fail "confirm said: $out"

# 1. not confirmed: reverted on its own
out=$(ctl push "$(gen 2 trial)" --try 2s 2>&1) || fail "push --try: $out"
echo "$out"
wait_for 50 state_is trial running || fail "trial not running"
[ -f "$STORE/trial" ] || fail "no trial record"
wait_for 80 sh -c "[ ! -e $RUN/state/trial ]" || fail "not reverted within 8 s"
cmp -s "$T/g1.conf" "$STORE/current.conf" || fail "current is not g1 after the revert"
[ ! -e "$STORE/trial" ] || fail "trial record left"
grep -q "trial: generation 2 was not confirmed in time: reverted" "$ERR" || fail "no revert line"
[ "$(inst_pid keep)" = "$kp" ] || fail "keep restarted by the revert"
ctl info | grep -q "generation.*1" || fail "info after revert: $(ctl info)"
out=$(ctl push "$T/g2.conf" 2>&1) && fail "the reverted generation was accepted again"
echo "$out" | grep -q "generation 2 not greater than 2 (the highest ever accepted)" || fail "replay: $out"

# 2. confirmed: kept
out=$(ctl push "$(gen 3 conf)" --try 2s 2>&1) || fail "push g3 --try: $out"
wait_for 50 state_is conf running || fail "g3 not running"
ctl config confirm >/dev/null || fail "confirm"
sleep 3
state_is conf running || fail "confirmed config reverted"
cmp -s "$T/g3.conf" "$STORE/current.conf" || fail "g3 not current"
[ ! -e "$STORE/trial" ] || fail "trial record left after confirm"

# 3. pending across SIGKILL + restart: re-armed, reverted at its deadline
out=$(ctl push "$(gen 4 crash)" --try 4s 2>&1) || fail "push g4 --try: $out"
wait_for 50 state_is crash running || fail "g4 not running"
stop_cairnd KILL
: > "$ERR"
start_store_cairnd
grep -q "trial: generation 4 is provisional: reverts in [0-9]* s" "$ERR" || fail "trial not re-armed"
state_is crash running || fail "crash not adopted"
wait_for 80 sh -c "[ ! -e $RUN/state/crash ]" || fail "not reverted after the restart"
cmp -s "$T/g3.conf" "$STORE/current.conf" || fail "current is not g3 after the revert"
grep -q "trial: generation 4 was not confirmed in time" "$ERR" || fail "no revert line"

# 4. the deadline passes while no cairnd runs: reverted at start
out=$(ctl push "$(gen 5 late)" --try 1s 2>&1) || fail "push g5 --try: $out"
wait_for 50 state_is late running || fail "g5 not running"
stop_cairnd KILL
sleep 2
: > "$ERR"
start_store_cairnd
grep -q "trial: generation 5 was not confirmed in time" "$ERR" || fail "not reverted at start"
wait_for 50 sh -c "[ ! -e $RUN/state/late ]" || fail "late still configured"
cmp -s "$T/g3.conf" "$STORE/current.conf" || fail "current is not g3"
state_is conf running && state_is keep running || fail "g3's services not running"
echo ok
