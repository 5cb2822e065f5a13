#!/bin/sh
# bench/vm-inroot.sh OUT [ROUNDS] [N] - VM supervision figures, on this
# machine in this run (bench/vm.sh calls it through mk/inroot.sh):
#
# 1. start-to-marker: the tiny guest of the VM tests (acpi mode: it prints
#    CAIRN-GUEST-UP on ttyS0 and powers off at the power button), ROUNDS
#    times each, alternating:
#      cairnd: `cairnctl start` -> the marker in the instance log;
#      by hand: exec of the same QEMU command line (taken from cairnd's
#      QEMU, /proc/PID/cmdline; only the descriptor-passed chardevs
#      replaced: the console on stdio, QMP on a socket path) -> the marker
#      on its stdout.
#    Medians and cairnd/hand (goal < 1.05).
# 2. memory per VM: cairnd's RSS with N idle tiny VMs (each booted to its
#    marker) minus its RSS with the same config and no VM, divided by N.
set -eu
OUT=$(realpath "${1:-build/out}")
ROUNDS=${2:-5}
N=${3:-8}
HERE=$(dirname "$(realpath "$0")")
W=$(mktemp -d /var/tmp/bench_vm.XXXXXX)
chmod 755 "$W"
PID=
HP=
cleanup() {
	[ -n "$HP" ] && kill -KILL "$HP" 2>/dev/null
	# cairnd stops its VMs on SIGTERM
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID"
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
sh "$HERE/../tests/integration/vm_guest.sh" "$W/g" acpi
chmod -R a+rX "$W/g"
"$OUT/cairnctl" keygen --out "$W/signer" >/dev/null
mkdir -p "$W/trust" "$W/store"
cp "$W/signer.pub" "$W/trust/"
now() { echo $(( $(date +%s%N) / 1000000 )); }
vm() {
	printf '[vm %s]\nmemory = 128M\nkernel = %s/g/vmlinuz\ninitrd = %s/g/initrd\ncmdline = console=ttyS0 quiet panic=-1\nrestart = no\nstop_timeout = 60s\n' \
		"$1" "$W" "$W"
}
# cairnd CONF TAG: start a cairnd on CONF (signed here), its files in W/TAG.
cairnd() {
	"$OUT/cairnctl" sign --key "$W/signer.key" "$1" >/dev/null
	D=$W/$2; mkdir -p "$D"; : >"$D/err"
	"$OUT/cairnd" --config "$1" --config-dir "$W/store" --trust-dir "$W/trust" --seed-dir "$D/seed" \
		--seed-label= --demo= --no-tls --vm-user nobody --vm-dir "$D/vmstate" \
		--pools-dir "$D/pools" --log-dir "$D/log" --run-dir "$D/run" 2>>"$D/err" &
	PID=$!
	i=0; until grep -q "cairnd: ready" "$D/err"; do i=$((i + 1)); [ $i -lt 100 ] || { cat "$D/err"; exit 1; }; sleep 0.1; done
}
stop_cairnd() { kill -TERM "$PID"; wait "$PID" || true; PID=; }
ctl() { "$OUT/cairnctl" --socket "$D/run/api.sock" "$@"; }
markers() { grep -c CAIRN-GUEST-UP "$1" 2>/dev/null || true; }
# wait_more FILE N [PID]: until FILE holds more than N markers (10 ms
# polls, 5 min; PID, when given, must stay alive).
wait_more() {
	i=0
	while [ "$(markers "$1")" -le "$2" ]; do
		i=$((i + 1)); [ $i -lt 30000 ] || { echo "vm: no marker in $1" >&2; exit 1; }
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || { cat "$1" >&2; echo "vm: $3 ended" >&2; exit 1; }
		sleep 0.01
	done
}
state() { sed -n 's/^state //p' "$D/run/state/$1"; }
wait_state() { i=0; until [ "$(state "$1")" = "$2" ]; do i=$((i + 1)); [ $i -lt 3000 ] || exit 1; sleep 0.1; done; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# --- 1. start-to-marker --------------------------------------------------------
vm bvm0 >"$W/one.conf"
cairnd "$W/one.conf" one
wait_more "$D/log/bvm0.log" 0
qp=$(sed -n 's/^pid //p' "$D/run/state/bvm0")
# cairnd's QEMU command line, with the passed descriptors made plain
tr '\0' '\n' <"/proc/$qp/cmdline" | awk -v q="$W/hand" '
	/^-add-fd$/ { skip = 1; next }
	skip { skip = 0; next }
	/^socket,id=qmp,fd=/ { print "socket,id=qmp,path=" q "/qmp,server=on,wait=off"; next }
	/^socket,id=console,fd=/ { print "stdio,id=console"; next }
	{ print }' >"$W/hand.argv"
echo "vm: by hand: $(tr '\n' ' ' <"$W/hand.argv")"
ctl stop bvm0 >/dev/null; wait_state bvm0 stopped
mkdir "$W/hand"; chown nobody "$W/hand"   # QEMU's user makes its QMP socket there
: >"$W/t.cairnd"; : >"$W/t.hand"
r=1
while [ $r -le "$ROUNDS" ]; do
	n=$(markers "$D/log/bvm0.log")
	t0=$(now); ctl start bvm0 >/dev/null; wait_more "$D/log/bvm0.log" "$n"; t1=$(now)
	echo $((t1 - t0)) >>"$W/t.cairnd"
	ctl stop bvm0 >/dev/null; wait_state bvm0 stopped
	rm -f "$W/hand.out" "$W/hand/qmp"
	t0=$(now)
	# QEMU as cairnd runs it: same user, its pid is $HP (setpriv execs it)
	(
		set --
		while IFS= read -r a; do set -- "$@" "$a"; done <"$W/hand.argv"
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs "$@"
	) </dev/null >"$W/hand.out" 2>&1 &
	HP=$!
	wait_more "$W/hand.out" 0 "$HP"; t1=$(now)
	echo $((t1 - t0)) >>"$W/t.hand"
	kill -TERM "$HP"; wait "$HP" || true; HP=
	echo "vm: round $r: cairnd $(tail -1 "$W/t.cairnd") ms, by hand $(tail -1 "$W/t.hand") ms"
	r=$((r + 1))
done
stop_cairnd
mc=$(median <"$W/t.cairnd"); mh=$(median <"$W/t.hand")
echo "vm: start-to-marker medians over $ROUNDS rounds: cairnd $mc ms, by hand $mh ms, ratio $(awk -v a="$mc" -v b="$mh" 'BEGIN { printf "%.3f", a / b }')"

# --- 2. cairnd's memory per VM -------------------------------------------------
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status"; }
printf '[host]\nhostname = bench\n' >"$W/none.conf"
cairnd "$W/none.conf" none
sleep 2; r0=$(rss); stop_cairnd
: >"$W/many.conf"
k=1; while [ $k -le "$N" ]; do vm "bvm$k" >>"$W/many.conf"; k=$((k + 1)); done
cairnd "$W/many.conf" many
k=1; while [ $k -le "$N" ]; do wait_more "$D/log/bvm$k.log" 0; k=$((k + 1)); done
sleep 2; rn=$(rss)
echo "vm: cairnd RSS: $r0 kB with no VM, $rn kB with $N idle VMs: $(( (rn - r0) / N )) kB per VM"
stop_cairnd
