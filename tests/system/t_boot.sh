#!/bin/sh
# t_boot: the image boots to cairnd's ready line within the bound, through
# both stages of cairn-init, with no kernel panic on the way.
. "$(dirname "$0")/lib.sh"
setup
boot
wait_ready
grep -q 'cairn-init: ' "$CONSOLE" || fail "no cairn-init lines on the console"
grep -q 'Kernel panic' "$CONSOLE" && fail "kernel panic"
grep 'cairn-init: \|cairnd: ready' "$CONSOLE" | tr -d '\r' | head -40
log "ok"
