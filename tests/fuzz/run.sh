#!/bin/sh
# tests/fuzz/run.sh OUT SECONDS: run every libFuzzer target for SECONDS,
# starting from its seed corpus (tests/fuzz/corpus/TARGET).  Each target is
# one case; a crash, leak or sanitizer report fails it.  `make check` runs
# a short smoke pass; `make fuzz FUZZ_SECONDS=600` is the long run.
set -u
O=${1:-build/out}
secs=${2:-60}
work=$(mktemp -d)
mkdir -p build/fuzz-artifacts
trap 'rm -rf "$work"' EXIT
pass=0; fail=0
for bin in "$O"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/$name
	mkdir -p "$work/$name"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work/$name"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build/fuzz-artifacts/" "$work/$name" >"$work/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   fuzz/$name ($(grep -c . "$work/$name.log") log lines, $(ls "$work/$name" | wc -l) corpus files)"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz/$name"
		tail -40 "$work/$name.log" | sed 's/^/    | /'
		ls build/fuzz-artifacts/*  2>/dev/null | sed 's/^/    artifact: /'
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
