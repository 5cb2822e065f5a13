#!/bin/sh
# t_boot: the image boots to cairnd's ready line within the bound, through
# both stages of cairn-init, with no kernel panic on the way and every
# module it lists loaded (but the KVM module for the other CPU vendor).
. "$(dirname "$0")/lib.sh"
setup
boot
wait_ready
grep -q 'cairn-init: ' "$CONSOLE" || fail "no cairn-init lines on the console"
grep -q 'Kernel panic' "$CONSOLE" && fail "kernel panic"
# every module of both lists loads; of the KVM vendor modules only the one
# for this CPU is tried (the guest's CPU has either vmx or svm, not both)
mods=$(grep -a 'cairn-init: modules from /etc/cairn/modules: ' "$CONSOLE" | tr -d '\r')
[ "$(echo "$mods" | wc -l)" = 2 ] || fail "expected two module lists: $mods"
echo "$mods" | grep -v ' 0 failed' && fail "a module failed to load"
echo "$mods" | tail -1 | grep -q ', 0 failed, 1 not for this CPU$' ||
	fail "the root list did not skip exactly one KVM vendor module: $mods"
grep 'cairn-init: \|cairnd: ready' "$CONSOLE" | tr -d '\r' | head -40
log "ok"
