#!/bin/sh
# bench/memory-inroot.sh OUT [N] - supervision memory for N sleeping
# services, cairn against s6, on this machine in this run.  Runs inside the
# build root (bench/memory.sh calls it through mk/inroot.sh).
#
# Supervision memory is the summed PSS (/proc/PID/smaps_rollup: shared
# pages divided among their users, so a sum is fair) of every process of
# the supervision tree except the services themselves (`sleep`) and the
# harness (`unshare`):
#   cairn: cairn-init --container as PID 1 of a new pid namespace, cairnd,
#          and any helper process they keep per service;
#   s6:    s6-svscan and its N s6-supervise.
# Both run the same `sleep 100000` (coreutils) N times.
set -eu
OUT=${1:-build/out}
N=${2:-100}
W=$(mktemp -d)

# tree PID: "pid comm" for PID and every descendant.
tree() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9]*\) (\(.*\)) . \([0-9]*\) .*/\1 \3 \2/p' |
		awk -v r="$1" '{ p[$1] = $2; c[$1] = $3 }
			END { for (x in p) { y = x; while (y != "" && y != 0 && y != r) y = p[y];
				if (y == r) print x, c[x] } }'
}

# pss PID...: summed Pss in kB.
pss() {
	t=0
	for p in "$@"; do
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# settle PID WHAT: wait (60 s at most) until N sleeps run under PID.
settle() {
	i=0
	while [ "$(tree "$1" | awk '$2 == "sleep"' | wc -l)" -lt "$N" ]; do
		i=$((i + 1))
		[ $i -le 120 ] || { echo "memory: $2: $N services not up in 60 s" >&2; return 1; }
		sleep 0.5
	done
	sleep 2 # let the supervisors finish their start-up allocations
}

# supervisors PID: the pids under PID that are neither services nor harness.
supervisors() { tree "$1" | awk '$2 != "sleep" && $2 != "unshare" { print $1 }'; }

echo "memory ($N sleeping services, summed PSS of the supervision tree):"
# --- s6 ---------------------------------------------------------------------
i=1
while [ $i -le "$N" ]; do
	mkdir -p "$W/s6/s$i"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$W/s6/s$i/run"
	chmod 755 "$W/s6/s$i/run"
	i=$((i + 1))
done
s6-svscan "$W/s6" >/dev/null 2>&1 &
s6pid=$!
settle $s6pid s6
s6n=$(supervisors $s6pid | wc -l)
s6kb=$(pss $(supervisors $s6pid))
s6-svscanctl -t "$W/s6" 2>/dev/null || kill $s6pid
wait $s6pid 2>/dev/null || true
pkill_tree() { for p in $(tree "$1" | awk '{ print $1 }'); do kill -9 "$p" 2>/dev/null || true; done; }
pkill_tree $s6pid
echo "  s6:    $s6kb kB in $s6n processes (s6-svscan + s6-supervise)"

# --- cairn ------------------------------------------------------------------
{
	echo "[host]"
	echo "hostname = bench"
	i=1
	while [ $i -le "$N" ]; do
		printf '\n[service s%d]\nexec = /usr/bin/sleep 100000\nrestart = always\n' $i
		i=$((i + 1))
	done
} >"$W/cairn.conf"
[ -x "$OUT/cairn-init" ] && [ -x "$OUT/cairnd" ] || { echo "memory: $OUT/cairn-init, cairnd missing" >&2; exit 1; }
# The config is signed with a key made for this run; cairnd gets its trust
# dir (and no HTTPS, no seed probe) through a wrapper, since cairn-init
# passes it no arguments.  /var and /run are private tmpfs in the namespace.
"$OUT/cairnctl" keygen --out "$W/signer" >/dev/null
mkdir -p "$W/trust" && cp "$W/signer.pub" "$W/trust/"
"$OUT/cairnctl" sign --key "$W/signer.key" "$W/cairn.conf" >/dev/null
printf '#!/bin/sh\nexec %s/cairnd --trust-dir /var/trust --seed-label= --no-tls "$@"\n' \
	"$(cd "$OUT" && pwd)" >"$W/cairnd"
chmod +x "$W/cairnd"
unshare --pid --fork --mount-proc --mount --propagation private sh -c '
	mount -t tmpfs tmpfs /var
	mkdir -p /var/lib/cairn/config /var/log
	cp "$1/cairn.conf" /var/lib/cairn/config/current.conf
	cp "$1/cairn.conf.sig" /var/lib/cairn/config/current.conf.sig
	cp -R "$1/trust" /var/trust
	cp "$1/cairnd" /var/cairnd
	mount -t tmpfs tmpfs /run
	exec "$2/cairn-init" --container --cairnd /var/cairnd
' sh "$W" "$(cd "$OUT" && pwd)" >"$W/cairn.log" 2>&1 &
upid=$!
settle $upid cairn || { tail -20 "$W/cairn.log" >&2; pkill_tree $upid; exit 1; }
cn=$(supervisors $upid | wc -l)
ckb=$(pss $(supervisors $upid))
tree $upid | awk '$2 != "sleep" && $2 != "unshare"' | sort -n >"$W/cairn.procs"
init=$(tree $upid | awk '$2 == "cairn-init" { print $1 }')
kill -TERM "$init" 2>/dev/null || true
i=0
while kill -0 $upid 2>/dev/null && [ $i -lt 40 ]; do sleep 0.5; i=$((i + 1)); done
pkill_tree $upid
wait $upid 2>/dev/null || true

echo "  cairn: $ckb kB in $cn processes ($(awk '{ print $2 }' "$W/cairn.procs" | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }'))"
awk -v c="$ckb" -v s="$s6kb" 'BEGIN { printf "  cairn/s6 = %.2f\n", c / s }'
rm -rf "$W"
