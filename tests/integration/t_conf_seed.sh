#!/bin/sh
# Boot order: with no current config a seed (the seed dir) is taken and
# stored as current; next start runs current.  With nothing valid anywhere
# (no current, a seed and a demo that do not verify), cairnd says why for
# each, runs no workload, and the API answers, ready for a push.
. "$(dirname "$0")/sup_lib.sh"

mkdir -p "$T/seed"
cat > "$T/seed/seed.conf" <<C
[host]
hostname = seeded
generation = 4

[service seedling]
exec = /bin/sleep 1004
C
sign_config "$T/seed/seed.conf"
start_store_cairnd
wait_for 50 state_is seedling running || fail "seed not applied"
grep -q "configuration: seed, generation 4" "$ERR" || fail "no seed line"
cmp -s "$T/seed/seed.conf" "$STORE/current.conf" && cmp -s "$T/seed/seed.conf.sig" "$STORE/current.conf.sig" ||
	fail "seed not stored as current"
[ "$(cat "$STORE/generation")" = 4 ] || fail "floor not 4"

stop_cairnd TERM
rm -rf "$T/seed"
: > "$ERR"
start_store_cairnd
grep -q "configuration: current, generation 4" "$ERR" || fail "current not used at the next start"
wait_for 50 state_is seedling running || fail "seedling not running from current"
stop_cairnd TERM

# nothing valid: an empty store, a seed signed by a stranger, a damaged demo
rm -rf "$STORE"; mkdir -p "$STORE" "$T/seed"
"$OUT/cairnctl" keygen --out "$T/stranger" >/dev/null || fail keygen
printf '[host]\ngeneration = 1\n' > "$T/seed/seed.conf"
"$OUT/cairnctl" sign --key "$T/stranger.key" "$T/seed/seed.conf" >/dev/null
printf '[host]\nhostname = demo\ngeneration = 1\n' > "$T/demo.conf"
sign_config "$T/demo.conf"
echo "# edited" >> "$T/demo.conf"
: > "$ERR"
start_store_cairnd --demo "$T/demo.conf"
cat "$ERR"
grep -q "cairnd: no valid configuration (current: missing; seed: .*seed.conf.sig: no trusted signer matches.*; demo: .*demo.conf.sig: no trusted signer matches.*): waiting for a push" "$ERR" ||
	fail "no waiting line that says why"
out=$(ctl info) || fail "the API does not answer: $out"
[ -z "$(ls "$RUN/state")" ] || fail "instances without a config"
ctl list >/dev/null || fail "list"
out=$(ctl config show 2>&1) && fail "config show with no config: $out"
[ ! -e "$STORE/current.conf" ] || fail "something stored"

# a push ends the wait
printf '[host]\ngeneration = 1\n\n[service pushed]\nexec = /bin/sleep 1005\n' > "$T/p.conf"
sign_config "$T/p.conf"
out=$(ctl push "$T/p.conf" 2>&1) || fail "push while waiting: $out"
wait_for 50 state_is pushed running || fail "pushed not running"
echo ok
