#!/bin/sh
# bench/density-inroot.sh OUT [N] - container density, cairn vs LXC, run
# inside the build root by bench/density.sh: N (500) idle app containers
# (busybox `sleep 1000000`) and what supervising them costs in memory.
#
# Isolation: a private mount and pid namespace (tmpfs on /run and
# /var/lib/cairn) and, since both cairnd and LXC make cgroups in the build
# host's one cgroup2 tree, a cgroup namespace rooted at a cgroup of this
# run's own (DENSITY_CG below /sys/fs/cgroup), removed at the end: the
# 2N cgroups of the run cannot meet a test's, and LXC's `lxc.pivot` is
# not left at the host's top.  Nothing of the build root changes.
#
# Memory is read from /proc/PID/smaps_rollup: Pss (a shared page divided
# among the processes that map it: the primary figure, fair to N monitors
# sharing liblxc) and Rss (every mapped page counted whole).
#
# cairn: one signed config with N `[container cK]` (type app, the busybox
# squashfs made here, exec = /bin/sleep 1000000; network, restart, idmap
# at their defaults: none, always, auto).  cairnd runs first with a
# config of no container, then with the N; the supervision memory per
# container is (cairnd with N running - cairnd with none) / N.  Each
# container's init (the sleep) must be cairnd's direct child and cairnd
# must have no other child: cairn keeps no per-container process.
#
# LXC: N containers, each a config file written here (no lxc-create):
# the same squashfs mounted read-only once (id-mapped into the container,
# lxc.rootfs.options = idmap=container, as cairn's), lxc.init.cmd =
# /bin/sleep 1000000, its own 65536-id range (131072 + 65536 K, as cairn's
# idmap = auto), network `empty` (loopback only, as cairn's none),
# autodev, proc:mixed sys:ro; started with `lxc-start -d -P DIR`.  Each
# has a monitor process (`[lxc monitor] DIR cK`, the container init's
# parent): LXC's per-container memory is the monitors' Pss (Rss) / N.
#
# Also printed, informative only: the time from the first start to all N
# running, and MemAvailable before and after (/proc/meminfo: the kernel's
# view of everything the N containers cost, their sleeps, namespaces,
# mounts, tmpfs uppers and page tables included; noisy on a shared host).
set -eu
OUT=${1:-build/out}
N=${2:-500}
SETTLE=3   # s between "all running" and the measurement

# --- outside the namespaces: the cgroup of this run -------------------------
if [ -z "${DENSITY_INNER:-}" ]; then
	[ -x "$OUT/cairnd" ] && [ -x "$OUT/cairnctl" ] || { echo "density: $OUT/cairnd, cairnctl missing" >&2; exit 1; }
	for c in lxc-start lxc-stop lxc-ls mksquashfs busybox; do
		command -v $c >/dev/null || { echo "density: $c missing" >&2; exit 1; }
	done
	# mk/inroot.sh's mount namespace is private: this cgroup2 mount goes
	# with it.
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	orig=$(sed -n 's/^0:://p' /proc/self/cgroup)
	CG=/sys/fs/cgroup/cairn-density.$$
	mkdir "$CG"
	drop_cg() {
		echo $$ >"/sys/fs/cgroup${orig%/}/cgroup.procs" 2>/dev/null || :
		i=0
		while [ -d "$CG" ] && [ $i -lt 50 ]; do
			find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.2
			i=$((i + 1))
		done
		[ ! -d "$CG" ] || { echo "density: cgroup $CG left behind: $(find "$CG" -type d)" >&2; exit 1; }
	}
	trap drop_cg EXIT
	trap 'exit 130' INT TERM
	echo $$ >"$CG/cgroup.procs"
	rc=0
	env DENSITY_INNER=1 unshare --cgroup --mount --propagation private --pid --fork --mount-proc -- \
		"$0" "$@" || rc=$?
	exit $rc
fi

# --- inside -----------------------------------------------------------------
OUT=$(cd "$OUT" && pwd)
mount -t tmpfs tmpfs /run
mkdir -p /var/lib/cairn
mount -t tmpfs tmpfs /var/lib/cairn
mount -t cgroup2 cgroup2 /sys/fs/cgroup   # this run's cgroup is its root
W=/var/lib/cairn/bench RUN=/run/cairn P=/var/lib/cairn/bench/lxc
mkdir -p "$W/root/bin" "$W/root/proc" "$W/root/sys" "$W/root/dev" "$W/root/tmp" "$W/trust" "$RUN" "$P"
CAIRND_PID= LXC_UP=
cleanup() {
	if [ -n "$CAIRND_PID" ]; then
		kill -TERM "$CAIRND_PID" 2>/dev/null || :
		wait "$CAIRND_PID" 2>/dev/null || :
	fi
	if [ -n "$LXC_UP" ]; then
		j=1
		while [ $j -le "$N" ]; do lxc-stop -n "c$j" -k -P "$P" >/dev/null 2>&1 || :; j=$((j + 1)); done
	fi
	umount "$W/rootfs" 2>/dev/null || :
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # cleanup once, through EXIT
fail() { echo "density: $*" >&2; tail -5 "$W/cairnd.err" >&2 2>/dev/null; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# rollup PID: "PSS RSS" in kB
rollup() { awk '/^Pss:/ { p = $2 } /^Rss:/ { r = $2 } END { print p + 0, r + 0 }' "/proc/$1/smaps_rollup"; }
memavail() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# procs: "pid ppid comm" of every process of this pid namespace
procs() {
	cat /proc/[0-9]*/stat 2>/dev/null | sed -n 's/^\([0-9]*\) (\(.*\)) . \([0-9]*\) .*/\1 \3 \2/p'
}

# the image: a static busybox root, one squashfs for both
cp /bin/busybox "$W/root/bin/busybox"
ln -s busybox "$W/root/bin/sleep"; ln -s busybox "$W/root/bin/sh"
mksquashfs "$W/root" "$W/ct.sqfs" -noappend -quiet -all-root >/dev/null
sha=$(sha256sum "$W/ct.sqfs" | cut -d' ' -f1)
"$OUT/cairnctl" keygen --out "$W/signer" >/dev/null || fail keygen
cp "$W/signer.pub" "$W/trust/"

# --- cairn ------------------------------------------------------------------
# cairnd_up NAME: cairnd on the signed config $W/NAME/current.conf, its
# stderr in $W/cairnd.err, a fresh run dir; waits for "ready".
cairnd_up() {
	rm -rf "$RUN" "$W/log"; mkdir -p "$RUN" "$W/log"
	"$OUT/cairnctl" sign --key "$W/signer.key" "$W/$1/current.conf" >/dev/null || fail sign
	"$OUT/cairnd" --config-dir "$W/$1" --seed-dir "$W/seed" --seed-label= --demo= --no-tls \
		--log-dir "$W/log" --run-dir "$RUN" --trust-dir "$W/trust" 2>"$W/cairnd.err" &
	CAIRND_PID=$!
	i=0
	until grep -q "cairnd: ready" "$W/cairnd.err"; do
		i=$((i + 1)); [ $i -lt 600 ] || fail "cairnd never said ready"
		kill -0 "$CAIRND_PID" 2>/dev/null || fail "cairnd exited"
		sleep 0.05
	done
}
cairnd_down() {
	kill -TERM "$CAIRND_PID"
	i=0
	while kill -0 "$CAIRND_PID" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 1200 ] || fail "cairnd did not stop in 60 s"
		sleep 0.05
	done
	wait "$CAIRND_PID" 2>/dev/null || :
	CAIRND_PID=
}
# running: how many of c1..cN cairnd's records say running
running() { grep -lx 'state running' "$RUN"/state/c* 2>/dev/null | wc -l; }

mkdir -p "$W/none" "$W/many"
: >"$W/none/current.conf"
k=1
while [ $k -le "$N" ]; do
	printf '[container c%d]\ntype = app\nimage = %s/ct.sqfs\nsha256 = %s\nexec = /bin/sleep 1000000\n\n' \
		$k "$W" "$sha"
	k=$((k + 1))
done >"$W/many/current.conf"

# cairnd with no container
cairnd_up none
sleep "$SETTLE"
set -- $(rollup "$CAIRND_PID"); c0p=$1 c0r=$2
c0f=$(ls "/proc/$CAIRND_PID/fd" | wc -l)
cairnd_down

# cairnd with N
ma0=$(memavail)
t0=$(now_ms)
cairnd_up many
i=0
until [ "$(running)" -eq "$N" ]; do
	i=$((i + 1)); [ $i -lt 6000 ] || fail "only $(running) of $N running after 10 min"
	kill -0 "$CAIRND_PID" 2>/dev/null || fail "cairnd exited"
	sleep 0.1
done
t1=$(now_ms)
ct_ms=$((t1 - t0))
sleep "$SETTLE"
[ "$(running)" -eq "$N" ] || fail "$(running) of $N still running after ${SETTLE} s"
set -- $(rollup "$CAIRND_PID"); cNp=$1 cNr=$2
cNf=$(ls "/proc/$CAIRND_PID/fd" | wc -l)
ma1=$(memavail)
procs >"$W/cairn.procs"
# cairnd's children: the N inits (sleep), nothing else; no other process
# in the namespace but this script, cairnd and them
kids=$(awk -v c="$CAIRND_PID" '$2 == c' "$W/cairn.procs")
nk=$(echo "$kids" | awk '$3 == "sleep"' | wc -l)
other=$(echo "$kids" | awk '$3 != "sleep"')
[ "$nk" -eq "$N" ] && [ -z "$other" ] || fail "cairnd's children: $nk sleeps (want $N), others: $other"
stray=$(awk -v c="$CAIRND_PID" '$1 != 1 && $1 != c && !($2 == c && $3 == "sleep") && $3 != "cat" && $3 != "sed"' "$W/cairn.procs")
[ -z "$stray" ] || fail "processes besides cairnd and the containers: $stray"
api=$("$OUT/cairnctl" --socket "$RUN/api.sock" list | awk '$2 == "running"' | wc -l)
[ "$api" -eq "$N" ] || fail "cairnctl list: $api running, want $N"
cairnd_down
left=$(ls /sys/fs/cgroup/cairn 2>/dev/null | grep '^c[0-9]' || :)
[ -z "$left" ] || fail "cgroups left by cairnd: $left"
[ -z "$(procs | awk '$3 == "sleep"')" ] || fail "sleeps left after cairnd stopped"

# --- LXC --------------------------------------------------------------------
mkdir -p "$W/rootfs"
mount -o loop,ro "$W/ct.sqfs" "$W/rootfs"
k=1
while [ $k -le "$N" ]; do
	mkdir -p "$P/c$k"
	base=$((131072 + 65536 * (k - 1)))
	cat >"$P/c$k/config" <<C
lxc.uts.name = c$k
lxc.rootfs.path = dir:$W/rootfs
lxc.rootfs.options = idmap=container
lxc.init.cmd = /bin/sleep 1000000
lxc.idmap = u 0 $base 65536
lxc.idmap = g 0 $base 65536
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.autodev = 1
lxc.mount.auto = proc:mixed sys:ro
C
	k=$((k + 1))
done
ma2=$(memavail)
LXC_UP=1
t0=$(now_ms)
k=1
while [ $k -le "$N" ]; do
	lxc-start -n "c$k" -d -P "$P" -o "$W/lxc.log" || fail "lxc-start c$k: $(tail -5 "$W/lxc.log")"
	k=$((k + 1))
done
i=0
until [ "$(lxc-ls --running -1 -P "$P" | wc -l)" -eq "$N" ]; do
	i=$((i + 1)); [ $i -lt 6000 ] || fail "only $(lxc-ls --running -1 -P "$P" | wc -l) of $N LXC containers running"
	sleep 0.1
done
t1=$(now_ms)
lxc_ms=$((t1 - t0))
sleep "$SETTLE"
[ "$(lxc-ls --running -1 -P "$P" | wc -l)" -eq "$N" ] || fail "LXC containers stopped"
ma3=$(memavail)
procs >"$W/lxc.procs"
mons=
for p in $(awk '$3 == "lxc-start" { print $1 }' "$W/lxc.procs"); do
	case $(tr '\0' ' ' <"/proc/$p/cmdline") in "[lxc monitor] $P c"*) mons="$mons $p" ;; esac
done
nm=$(echo $mons | wc -w)
[ "$nm" -eq "$N" ] || fail "$nm LXC monitors, want $N"
lp=0 lr=0 lf=0
for p in $mons; do
	set -- $(rollup "$p"); lp=$((lp + $1)) lr=$((lr + $2))
	lf=$((lf + $(ls "/proc/$p/fd" | wc -l)))
	kids=$(awk -v m="$p" '$2 == m { print $3 }' "$W/lxc.procs")
	[ "$kids" = sleep ] || fail "monitor $p's children: $kids (want one sleep)"
done
stray=$(awk '$1 != 1 && $3 != "lxc-start" && $3 != "sleep" && $3 != "cat" && $3 != "sed"' "$W/lxc.procs")
[ -z "$stray" ] || fail "processes besides the monitors and containers: $stray"
k=1
while [ $k -le "$N" ]; do
	lxc-stop -n "c$k" -k -P "$P" || fail "lxc-stop c$k"
	k=$((k + 1))
done
LXC_UP=
[ -z "$(procs | awk '$3 == "sleep" || $3 == "lxc-start"')" ] || fail "LXC processes left after lxc-stop"
left=$(ls /sys/fs/cgroup | grep '^lxc\.\(payload\|monitor\)' || :)
[ -z "$left" ] || fail "cgroups left by LXC: $(echo $left | head -c 200)"
umount "$W/rootfs"

# --- figures ----------------------------------------------------------------
lxcv=$(lxc-start --version)
echo "density: $N idle app containers (busybox sleep), memory from smaps_rollup (kB; Pss primary):"
printf '  cairnd, no container:        Pss %6d  Rss %6d\n' "$c0p" "$c0r"
printf '  cairnd, %4d running:        Pss %6d  Rss %6d\n' "$N" "$cNp" "$cNr"
awk -v n="$N" -v a="$c0p" -v b="$cNp" -v c="$c0r" -v d="$cNr" 'BEGIN {
	printf "  cairn per container (cairnd N - 0)/N:  Pss %.1f  Rss %.1f  (no per-container process)\n", (b - a) / n, (d - c) / n }'
awk -v n="$N" -v p="$lp" -v r="$lr" -v v="$lxcv" 'BEGIN {
	printf "  LXC %s per container (its monitor):  Pss %.1f  Rss %.1f  (%d monitors: Pss %d, Rss %d)\n", v, p / n, r / n, n, p, r }'
awk -v n="$N" -v a="$c0p" -v b="$cNp" -v p="$lp" -v c="$c0r" -v d="$cNr" -v r="$lr" 'BEGIN {
	printf "  ratio cairn/LXC per container: Pss %.3f, Rss %.3f\n", (b - a) / p, (d - c) / r }'
echo "  informative:"
printf '    start all %d: cairn %d ms (cairnd start to all running), LXC %d ms (lxc-start -d one by one)\n' "$N" "$ct_ms" "$lxc_ms"
awk -v n="$N" -v a="$c0f" -v b="$cNf" -v l="$lf" 'BEGIN {
	printf "    open descriptors: cairnd %d with none, %d with %d (%.1f per container); an LXC monitor %.1f\n", a, b, n, (b - a) / n, l / n }'
awk -v n="$N" -v a="$ma0" -v b="$ma1" -v c="$ma2" -v d="$ma3" 'BEGIN {
	printf "    MemAvailable drop per container (everything, kernel included): cairn %.0f kB, LXC %.0f kB\n", (a - b) / n, (c - d) / n }'
