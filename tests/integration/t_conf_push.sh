#!/bin/sh
# A signed config pushed over the API (cairnctl push, Unix socket) is
# verified, stored (current + previous) and reconciled; `config diff`
# says beforehand what the push changes.  Then every kind of bad push is
# refused with a message that says why, and changes nothing: a bad
# signature, an unknown signer, a truncated and a garbage .sig, no .sig,
# an older and an equal generation, a config that does not parse.
. "$(dirname "$0")/sup_lib.sh"

start_store_cairnd
grep -q "no valid configuration (current: missing; seed: none found" "$ERR" ||
	fail "no waiting message"

cat > "$T/g1.conf" <<C
[host]
hostname = push
generation = 1

[service keep]
exec = /bin/sleep 1001

[service change]
exec = /bin/sleep 1002

[service gone]
exec = /bin/sleep 1003
C
sign_config "$T/g1.conf"
out=$(ctl push "$T/g1.conf" 2>&1) || fail "push g1: $out"
for s in keep change gone; do wait_for 50 state_is $s running || fail "$s not running"; done
cmp -s "$T/g1.conf" "$STORE/current.conf" && cmp -s "$T/g1.conf.sig" "$STORE/current.conf.sig" ||
	fail "g1 not stored as current"
[ "$(cat "$STORE/generation")" = 1 ] || fail "floor not 1"
ctl info | grep -q "generation.*1" || fail "info: $(ctl info)"
kp=$(inst_pid keep); cp=$(inst_pid change); gp=$(inst_pid gone)

cat > "$T/g2.conf" <<C
[host]
hostname = push
generation = 2

[service keep]
exec   =   /bin/sleep 1001

[service change]
exec = /bin/sleep 2002
restart = always

[service new]
exec = /bin/sleep 1004
C
sign_config "$T/g2.conf"
diff=$(ctl config diff "$T/g2.conf") || fail "config diff: $diff"
echo "$diff"
echo "$diff" | grep -q "generation 1 -> 2" || fail "diff: generation"
echo "$diff" | grep -Eq "change +changed \(restarts\): exec, restart" || fail "diff: change"
echo "$diff" | grep -Eq "new +added" || fail "diff: new"
echo "$diff" | grep -Eq "gone +removed" || fail "diff: gone"
echo "$diff" | grep -q "keep" && fail "diff: keep listed"
ctl --format json config diff "$T/g2.conf" | grep -q '"added":\["new"\]' || fail "diff json"

out=$(ctl push "$T/g2.conf" 2>&1) || fail "push g2: $out"
wait_for 50 state_is new running || fail "new not started"
wait_for 50 sh -c "[ ! -e $RUN/state/gone ]" || fail "gone not forgotten"
alive "$gp" && fail "gone's process still alive"
wait_for 50 sh -c "[ \"\$(sed -n 's/^pid //p' $RUN/state/change)\" != $cp ] && \
	[ \"\$(sed -n 's/^state //p' $RUN/state/change)\" = running ]" || fail "change not restarted"
[ "$(inst_pid keep)" = "$kp" ] && alive "$kp" || fail "keep was touched"
cmp -s "$T/g2.conf" "$STORE/current.conf" || fail "g2 not current"
cmp -s "$T/g1.conf" "$STORE/previous.conf" && cmp -s "$T/g1.conf.sig" "$STORE/previous.conf.sig" ||
	fail "g1 not kept as previous"
ctl config show | cmp -s - "$T/g2.conf" || fail "GET /1.0/config is not the stored text"
grep -q "push: generation 2 signed by signer.pub accepted" "$ERR" || fail "no accept line"
ctl config diff "$T/g2.conf" | grep -q "no change to the workloads" || fail "diff of the same file"

# ---- refusals: each says why, and nothing changes ----
before=$(snapshot)
refused() {   # refused NAME FILE EXPECTED-MESSAGE-REGEX
	out=$(ctl push "$2" 2>&1) && fail "$1: accepted"
	echo "$1: $out"
	echo "$out" | grep -Eq "$3" || fail "$1: wrong message: $out"
	[ "$(snapshot)" = "$before" ] || fail "$1: something changed"
}
g3() {
	cat > "$1" <<C
[host]
hostname = push
generation = ${2:-3}

[service keep]
exec = /bin/sleep 1001

[service bad]
exec = /bin/sleep 3003
C
}

g3 "$T/bad.conf"; sign_config "$T/bad.conf"; echo "# edited after signing" >> "$T/bad.conf"
refused "bad signature" "$T/bad.conf" "pushed.conf.sig: no trusted signer matches \(tried 1 key"

"$OUT/cairnctl" keygen --out "$T/stranger" >/dev/null || fail keygen
g3 "$T/stranger.conf"; "$OUT/cairnctl" sign --key "$T/stranger.key" "$T/stranger.conf" >/dev/null
refused "unknown signer" "$T/stranger.conf" "pushed.conf.sig: no trusted signer matches"

g3 "$T/trunc.conf"; sign_config "$T/trunc.conf"
head -c 20 "$T/trunc.conf.sig" > "$T/t.sig" && mv "$T/t.sig" "$T/trunc.conf.sig"
refused "truncated .sig" "$T/trunc.conf" "pushed.conf.sig: not a valid signature"

g3 "$T/garbage.conf"; head -c 70 /dev/urandom > "$T/garbage.conf.sig"
refused "garbage .sig" "$T/garbage.conf" "pushed.conf.sig: not a valid signature"

g3 "$T/nosig.conf"
refused "no .sig" "$T/nosig.conf" "nosig.conf.sig.*(missing|No such file)"

refused "older generation" "$T/g1.conf" "generation 1 not greater than 2"

g3 "$T/equal.conf" 2; sign_config "$T/equal.conf"
refused "equal generation" "$T/equal.conf" "generation 2 not greater than 2"

g3 "$T/parse.conf"; echo "this is not a key" >> "$T/parse.conf"; sign_config "$T/parse.conf"
refused "parse error" "$T/parse.conf" "pushed.conf:10: syntax error"

g3 "$T/invalid.conf"; sed -i 's|/bin/sleep 3003|/bin/nope|' "$T/invalid.conf"; sign_config "$T/invalid.conf"
refused "validation error" "$T/invalid.conf" "exec in \[service bad\]: /bin/nope"

# and a good g3 still goes through afterwards
g3 "$T/g3.conf"; sign_config "$T/g3.conf"
out=$(ctl push "$T/g3.conf" 2>&1) || fail "push g3: $out"
wait_for 50 state_is bad running || fail "g3 not applied"
[ "$(cat "$STORE/generation")" = 3 ] || fail "floor not 3"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo ok
