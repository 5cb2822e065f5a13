#!/bin/sh
# SIGHUP reconciles: the changed section restarts, the added one starts,
# the removed one stops and is forgotten, the unchanged one keeps its pid.
# Then a broken config: FILE:LINE on stderr and nothing changes.
. "$(dirname "$0")/sup_lib.sh"

cat > "$CONF" <<C
[host]
hostname = reload

[service keep]
exec = /bin/sleep 1001

[service change]
exec = /bin/sleep 1002

[service gone]
exec = /bin/sleep 1003
C
start_cairnd
for s in keep change gone; do
	wait_for 50 state_is $s running || fail "$s not running"
done
kp=$(inst_pid keep); cp=$(inst_pid change); gp=$(inst_pid gone)

cat > "$CONF" <<C
[host]
hostname = reload

# a comment and new spacing do not count as a change
[service keep]
exec   =   /bin/sleep 1001

[service change]
exec = /bin/sleep 2002

[service new]
exec = /bin/sleep 1004
C
sign_config "$CONF"
kill -HUP "$CAIRND_PID"
wait_for 50 state_is new running || fail "new not started"
wait_for 50 sh -c "! kill -0 $gp" || fail "gone's process $gp still alive"
wait_for 50 sh -c "[ ! -e $RUN/state/gone ]" || fail "gone not forgotten"
wait_for 50 sh -c "[ \"\$(sed -n 's/^pid //p' $RUN/state/change)\" != $cp ] && \
	[ \"\$(sed -n 's/^state //p' $RUN/state/change)\" = running ]" || fail "change not restarted"
alive "$cp" && fail "change's old process $cp still alive"
ncp=$(inst_pid change)
grep -q "sleep 2002" "/proc/$ncp/cmdline" 2>/dev/null ||
	tr '\0' ' ' < "/proc/$ncp/cmdline" | grep -q "2002" || fail "change runs the old definition"
[ "$(inst_pid keep)" = "$kp" ] && alive "$kp" || fail "keep was touched"
grep -q "reload: change changed" "$ERR" || fail "no 'changed' report"
grep -q "reload: new added" "$ERR" || fail "no 'added' report"
grep -q "reload: gone removed" "$ERR" || fail "no 'removed' report"
grep -q "reload: keep" "$ERR" && fail "keep reported as changed"

# a broken config: refused with file:line, nothing touched
np=$(inst_pid new)
cat > "$CONF" <<C
[service keep]
exec = /bin/sleep 1001
this line is not a key
C
sign_config "$CONF"
kill -HUP "$CAIRND_PID"
wait_for 50 grep -q "reload refused" "$ERR" || fail "bad config not refused"
grep "reload refused" "$ERR"
grep -q "reload refused.*$CONF:3:" "$ERR" || fail "no FILE:LINE in the error"
sleep 0.5
[ "$(inst_pid keep)" = "$kp" ] && alive "$kp" || fail "keep touched by a bad reload"
[ "$(inst_pid change)" = "$ncp" ] && alive "$ncp" || fail "change touched by a bad reload"
[ "$(inst_pid new)" = "$np" ] && alive "$np" || fail "new touched by a bad reload"
kill -0 "$CAIRND_PID" || fail "cairnd died on a bad config"
echo ok
