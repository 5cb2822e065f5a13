#!/bin/sh
# stdout and stderr are captured into LOG/NAME.log, rotated at log_max
# (4096) keeping log_keep (2) files, cut at line boundaries, and the kept
# files hold the newest lines without a gap.
. "$(dirname "$0")/sup_lib.sh"

cat > "$T/chatty.sh" <<'S'
echo to-stderr >&2
i=0
while [ $i -lt 400 ]; do
	printf 'line %05d %s\n' $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
	i=$((i + 1))
done
S
cat > "$CONF" <<C
[service chatty]
exec = /bin/sh $T/chatty.sh
restart = no
log_max = 4096
log_keep = 2
C
start_cairnd
wait_for 100 state_is chatty stopped || fail "chatty did not finish"
ls -l "$LOG"
[ -f "$LOG/chatty.log" ] && [ -f "$LOG/chatty.log.1" ] && [ -f "$LOG/chatty.log.2" ] ||
	fail "expected chatty.log, .1, .2"
[ -e "$LOG/chatty.log.3" ] && fail "kept more than log_keep files"
for f in "$LOG"/chatty.log*; do
	s=$(stat -c %s "$f")
	[ "$s" -le 4096 ] || fail "$f is $s bytes, over log_max"
	[ -z "$(tail -c 1 "$f")" ] || fail "$f does not end with a whole line"
done
# oldest to newest: consecutive numbers ending at 399
cat "$LOG/chatty.log.2" "$LOG/chatty.log.1" "$LOG/chatty.log" | grep '^line' |
	awk '{ n = $2 + 0; if (NR > 1 && n != prev + 1) { print "gap at " n; exit 1 } prev = n }
	     END { if (prev != 399) { print "last " prev; exit 1 } }' || fail "lines missing"
# a rotation with nothing lost overall: 400 lines of 101 bytes in > 8 KiB
# were written; the newest 2 rotated + current hold the tail
[ "$(grep -c '^line' "$LOG/chatty.log.2")" -gt 30 ] || fail ".2 too small"
# stderr is captured too (and is the oldest output, so rotated away):
# check it through a second run that only writes to stderr
cat > "$CONF" <<C
[service errs]
exec = /bin/sh -c "echo only-stderr >&2"
restart = no
C
sign_config "$CONF"
kill -HUP "$CAIRND_PID"
wait_for 50 grep -q only-stderr "$LOG/errs.log" || fail "stderr not captured"
echo ok
