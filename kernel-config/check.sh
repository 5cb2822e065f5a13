#!/bin/sh
# kernel-config/check.sh FRAGMENT CONFIG - hold a kernel's .config against
# cairn's fragment.  In FRAGMENT, CONFIG_X=y demands built-in, CONFIG_X=m
# accepts built-in or module, and a specific value (CONFIG_X=42, "str")
# must match exactly.  Each option is one case: a line per failure, then
# "kernel: N passed, N failed"; exit 1 if any failed.
set -eu
[ $# = 2 ] || { echo "usage: check.sh FRAGMENT CONFIG" >&2; exit 100; }
frag=$1 config=$2
[ -r "$config" ] || { echo "check: cannot read $config" >&2; exit 1; }
pass=0 fail=0
while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	opt=${line%%=*} want=${line#*=}
	have=$(sed -n "s/^$opt=//p" "$config" | tail -1)
	[ -n "$have" ] || {
		grep -q "^# $opt is not set" "$config" && have="not set" || have=missing
	}
	case $want:$have in
	y:y|m:y|m:m) ok=1 ;;
	y:m) ok=0 ;;
	*) [ "$want" = "$have" ] && ok=1 || ok=0 ;;
	esac
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $opt: want $want, have $have"
	fi
done <"$frag"
echo "kernel: $pass passed, $fail failed ($(basename "$config"))"
[ $fail = 0 ]
