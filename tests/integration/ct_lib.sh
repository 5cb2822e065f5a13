# ct_lib.sh - sourced by the container tests (t_ct_*.sh): the ns_lib pair
# (cairn-init as PID 1, cairnd under it), plus a busybox image made at
# test time and helpers to read what happened inside.
. "$(dirname "$0")/ns_lib.sh"

# The namespace ends through cairn-init's shutdown (SIGTERM): cairnd stops
# every container and removes its cgroup, which lives in the build host's
# own cgroup2 tree, not in the test's namespace.
ct_cleanup() {
	if [ -n "$INIT" ] && kill -TERM "$INIT" 2>/dev/null; then
		wait_for 150 sh -c "! kill -0 $U 2>/dev/null"
	fi
	cleanup
}
trap ct_cleanup EXIT INT TERM

# ct_image OUT [EXTRA_DIR]: a squashfs of a static busybox root (every
# applet a link), EXTRA_DIR's files copied over it.  Prints nothing;
# CT_SHA is its sha256.
ct_image() {
	r=$T/imgroot
	rm -rf "$r"; mkdir -p "$r/bin" "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root" "$r/data"
	cp /bin/busybox "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	echo "root:x:0:0:root:/root:/bin/sh" > "$r/etc/passwd"
	echo "root:x:0:" > "$r/etc/group"
	chmod 1777 "$r/tmp"
	# the escape helper, its C library, and a setuid-root copy of it
	if [ -x "$OUT/helpers/ct_escape" ]; then
		cp "$OUT/helpers/ct_escape" "$r/bin/ct_escape"
		cp "$OUT/helpers/ct_escape" "$r/bin/ct_suid"
		chmod 4755 "$r/bin/ct_suid"
		for l in $(ldd "$OUT/helpers/ct_escape" | grep -o '/[^ ]*'); do
			mkdir -p "$r$(dirname "$l")"; cp -L "$l" "$r$l"
		done
	fi
	[ $# -gt 1 ] && cp -R "$2/." "$r/"
	mksquashfs "$r" "$1" -noappend -quiet -all-root >/dev/null || fail "mksquashfs"
	CT_SHA=$(sha256sum "$1" | cut -d' ' -f1)
}

# ct_log NAME: the container's captured output.
ct_log() { inside "cat /var/log/cairn/$1.log 2>/dev/null"; }
ctl() { inside "$OUT/cairnctl --socket /run/cairn/api.sock $*"; }
# ct_no_residue NAME: nothing of NAME left on the host: no cgroup, no
# mount under /var/lib/cairn (but the pools themselves) or
# /run/cairn/containers.
ct_no_residue() {
	wait_for 20 inside "[ ! -e /sys/fs/cgroup/cairn/$1 ]" || fail "cgroup of $1 left behind"
	left=$(inside "grep ' /var/lib/cairn\| /run/cairn/containers' /proc/self/mountinfo | grep -v ' /var/lib/cairn/pools/[^/ ]* '")
	[ -z "$left" ] || fail "mounts left behind: $left"
}
# ct_no_loop IMAGE: no loop device reads IMAGE (a path inside) any more.
ct_no_loop() {
	wait_for 30 sh -c "[ -z \"\$($(command -v nsenter) -t $INIT -m -- losetup -j $1)\" ]" ||
		fail "loop device left over $1: $(inside "losetup -j $1")"
}

# Supervisor state of an instance, as t_sup_adopt reads it.
field() { inside "sed -n 's/^$2 //p' /run/cairn/state/$1 2>/dev/null"; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
cairnd_pid() { inside 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = cairnd ] && echo ${p#/proc/}; done' | head -1; }
