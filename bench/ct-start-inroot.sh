#!/bin/bash
# bench/ct-start-inroot.sh OUT [N] - a container's start to exit, cairn vs
# crun, run inside the build root by bench/ct_start.sh, in a private
# mount and pid namespace (tmpfs on /run and /var/lib/cairn, cgroup2 on
# /sys/fs/cgroup: nothing of the build root changes).
#
# cairn: [container t] (app, image = a busybox squashfs made here, exec =
# /bin/true, restart = no).  The clock starts before `cairnctl start t`
# and stops when cairnd's record of t (RUN/state/t, written on every state
# change) says stopped with a newer `since`, polled in a fork-free loop
# that naps 0.2 ms between looks (bash's read -t on an idle FIFO): a busy
# loop took one of the two CPUs from cairnd and the container and made
# cairn's figure 30-40% worse; the nap adds at most 0.2 ms to it.
# Each start pays what a real one does: image hash (cached by
# dev/ino/mtime), loop device, id-mapped squashfs, overlay on a tmpfs,
# /dev, user+mount+pid+net+uts+ipc+cgroup namespaces, /proc and /sys with
# the masks, pivot_root, caps, seccomp, the cgroup made and removed.
#
# crun: `crun run` of a bundle whose rootfs is the same squashfs, mounted
# read-only once (crun mounts no image: that is its caller's job), with
# the same seven namespaces and a 65536-id mapping; the clock covers the
# whole `crun run` process.  Medians and p90 of N each, and the ratio.
set -eu
OUT=${1:-build/out}
N=${2:-100}
if [ -z "${CT_BENCH_INNER:-}" ]; then
	[ -x "$OUT/cairnd" ] && [ -x "$OUT/cairnctl" ] || { echo "ct_start: $OUT/cairnd, cairnctl missing" >&2; exit 1; }
	command -v crun >/dev/null || { echo "ct_start: crun missing" >&2; exit 1; }
	exec env CT_BENCH_INNER=1 unshare --mount --propagation private --pid --fork --mount-proc -- "$0" "$@"
fi
OUT=$(cd "$OUT" && pwd)
mount -t tmpfs tmpfs /run
mkdir -p /var/lib/cairn
mount -t tmpfs tmpfs /var/lib/cairn
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
W=/var/lib/cairn/bench RUN=/run/cairn
mkdir -p "$W/root/bin" "$W/root/proc" "$W/root/sys" "$W/root/dev" "$W/root/tmp" "$W/store" "$W/log" "$W/trust" "$RUN"
CAIRND_PID=
cleanup() {
	[ -n "$CAIRND_PID" ] && kill -TERM "$CAIRND_PID" 2>/dev/null || :
	umount "$W/crun/rootfs" 2>/dev/null || :
}
trap cleanup EXIT INT TERM
fail() { echo "ct_start: $*" >&2; tail -5 "$W/cairnd.err" >&2 2>/dev/null; exit 1; }
ctl() { "$OUT/cairnctl" --socket "$RUN/api.sock" "$@"; }
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}

# the image: a static busybox root, one squashfs for both
cp /bin/busybox "$W/root/bin/busybox"
ln -s busybox "$W/root/bin/true"; ln -s busybox "$W/root/bin/sh"
mksquashfs "$W/root" "$W/ct.sqfs" -noappend -quiet -all-root >/dev/null
sha=$(sha256sum "$W/ct.sqfs" | cut -d' ' -f1)

# --- cairn --------------------------------------------------------------
printf '[container t]\nimage = %s/ct.sqfs\nsha256 = %s\nexec = /bin/true\nrestart = no\n' "$W" "$sha" >"$W/store/current.conf"
"$OUT/cairnctl" keygen --out "$W/signer" >/dev/null || fail keygen
cp "$W/signer.pub" "$W/trust/"
"$OUT/cairnctl" sign --key "$W/signer.key" "$W/store/current.conf" >/dev/null || fail sign
"$OUT/cairnd" --config-dir "$W/store" --seed-dir "$W/seed" --seed-label= --demo= --no-tls \
	--log-dir "$W/log" --run-dir "$RUN" --trust-dir "$W/trust" 2>"$W/cairnd.err" &
CAIRND_PID=$!
wait_for 100 grep -q "cairnd: ready" "$W/cairnd.err" || fail "cairnd never said ready"
# field NAME KEY: a field of cairnd's record (no fork)
field() {
	while read -r fk fv; do [ "$fk" = "$2" ] && { echo "$fv"; return; }; done <"$RUN/state/$1"
}
stopped_after() {   # stopped_after MS: t is stopped, since MS or later
	[ -f "$RUN/state/t" ] || return 1
	st= since=0
	while read -r fk fv; do
		case $fk in state) st=$fv ;; since) since=$fv ;; esac
	done <"$RUN/state/t" 2>/dev/null
	[ "$st" = stopped ] && [ "$since" -ge "$1" ]
}
wait_for 100 stopped_after 0 || fail "t did not run once at startup: $(cat "$W/cairnd.err")"
[ "$(field t exit_code)" = 0 ] || fail "t exited $(field t exit_code): $(cat "$W/log/t.log")"
# --- crun: the same busybox squashfs, mounted once --------------------------
B=$W/crun
mkdir -p "$B/rootfs"
mount -o loop,ro "$W/ct.sqfs" "$B/rootfs"
cat >"$B/config.json" <<J
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": { "uid": 0, "gid": 0 },
    "args": ["/bin/true"], "env": ["PATH=/bin"], "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"],
      "effective": ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"],
      "permitted": ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]
    },
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "t",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","strictatime","mode=755","size=65536k"] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid","noexec","nodev","mode=1777","size=65536k"] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid","noexec","nodev","ro"] }
  ],
  "linux": {
    "uidMappings": [ { "containerID": 0, "hostID": 131072, "size": 65536 } ],
    "gidMappings": [ { "containerID": 0, "hostID": 131072, "size": 65536 } ],
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" },
                    { "type": "mount" }, { "type": "cgroup" }, { "type": "user" } ],
    "maskedPaths": ["/proc/kcore","/proc/keys","/proc/timer_list","/proc/sched_debug","/proc/latency_stats","/proc/acpi","/proc/scsi","/sys/firmware"],
    "readonlyPaths": ["/proc/sys","/proc/sysrq-trigger","/proc/irq","/proc/bus","/proc/fs"]
  }
}
J
crun --root "$RUN/crun" run --bundle "$B" warm >/dev/null 2>"$W/crun.err" || fail "crun run: $(cat "$W/crun.err")"

# --- the runs: one of each in turn, so both see the same machine -------------
# the clock: bash's own ($EPOCHREALTIME in microseconds, no process: a
# `date` per reading added about a millisecond to both figures)
: >"$W/cairn.us"
mkfifo "$W/nap"; exec 9<>"$W/nap"   # never written: read -t on it is a nap
: >"$W/crun.us"
k=0
while [ $k -lt "$N" ]; do
	t0=${EPOCHREALTIME/./}
	ctl start t >/dev/null || fail "start t: $(tail -3 "$W/cairnd.err")"
	i=0
	until stopped_after $((t0 / 1000)); do
		i=$((i + 1)); [ $i -lt 50000 ] || fail "t never stopped"
		read -r -t 0.0002 -u 9 || :
	done
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$W/cairn.us"
	t0=${EPOCHREALTIME/./}
	crun --root "$RUN/crun" run --bundle "$B" "c$k" >/dev/null 2>"$W/crun.err" || fail "crun run: $(cat "$W/crun.err")"
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$W/crun.us"
	k=$((k + 1))
done
[ "$(field t exit_code)" = 0 ] || fail "t exited $(field t exit_code)"
kill -TERM "$CAIRND_PID"; wait "$CAIRND_PID" 2>/dev/null || :; CAIRND_PID=

stats() {
	sort -n "$1" | awk '{ a[NR] = $1 } END { i = int(NR * 0.9 + 0.5); if (i < 1) i = 1;
		printf "%.1f %.1f", a[int((NR + 1) / 2)] / 1000, a[i] / 1000 }'
}
set -- $(stats "$W/cairn.us"); cm=$1 cp=$2
set -- $(stats "$W/crun.us"); rm=$1 rp=$2
echo "container start to exit, /bin/true, $N runs each (ms):"
printf '  %-44s median %6s  p90 %6s\n' "cairn (cairnctl start -> stopped, via API)" "$cm" "$cp"
printf '  %-44s median %6s  p90 %6s\n' "crun $(crun --version | sed -n 's/^crun version //p') (crun run, same root + namespaces)" "$rm" "$rp"
awk -v a="$cm" -v b="$rm" 'BEGIN { printf "  ratio cairn/crun: %.2f\n", a / b }'
