# ns_lib.sh - sourced by tests that run the real pair, cairn-init as PID 1
# of a fresh pid + mount namespace and cairnd under it, as on the appliance.
#
# cairn-init passes no arguments to cairnd, so cairnd gets its default
# paths inside the namespace: tmpfs on /run, /var/log and /var/lib, the
# signed config at /var/lib/cairn/config/current.conf, and a wrapper that
# adds only what a test needs (its trust dir, no seed probe, no HTTPS,
# and the test's NS_CAIRND_ARGS if it sets them before ns_start).
# Files go through /var/lib, since init mounts a fresh /run and /tmp.
set -u
: "${OUT:?}"
. "$(dirname "$0")/common_lib.sh"
[ -x "$OUT/cairn-init" ] || { echo "FAIL: no $OUT/cairn-init"; exit 1; }
T=$(mktemp -d /tmp/t_ns.XXXXXX)
U=
INIT=
NS_STATUS=
cleanup() {
	[ -n "$U" ] && kill -KILL "$U" 2>/dev/null  # unshare: its pid ns dies with init
	[ -n "$INIT" ] && kill -KILL "$INIT" 2>/dev/null
	sleep 0.2
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- console"; cat "$T/console"; exit 1; }

# ns_start CONF [FILE...]: sign CONF, boot init + cairnd with it; FILEs are
# copied to /var/lib/ inside.  Sets U (unshare's pid) and INIT.
ns_start() {
	conf=$1; shift
	mkdir -p "$T/trust" "$T/files"
	[ -f "$T/signer.key" ] || "$OUT/cairnctl" keygen --out "$T/signer" >/dev/null || fail "keygen"
	cp "$T/signer.pub" "$T/trust/"
	cp "$conf" "$T/cairn.conf"
	"$OUT/cairnctl" sign --key "$T/signer.key" "$T/cairn.conf" >/dev/null || fail "sign"
	[ $# -gt 0 ] && cp "$@" "$T/files/"
	cat > "$T/cairnd" <<W
#!/bin/sh
exec "$OUT/cairnd" --trust-dir /var/lib/trust --seed-label= --no-tls ${NS_CAIRND_ARGS:-} "\$@"
W
	chmod +x "$T/cairnd"
	unshare --pid --fork --mount-proc --mount --propagation private sh -c '
		set -e
		mount -t tmpfs -o mode=755 tmpfs /run
		mount -t tmpfs tmpfs /var/log
		mount -t tmpfs tmpfs /var/lib
		mkdir -p /var/lib/cairn/config /var/log/cairn
		cp "$1/cairn.conf" /var/lib/cairn/config/current.conf
		cp "$1/cairn.conf.sig" /var/lib/cairn/config/current.conf.sig
		cp -R "$1/trust" /var/lib/trust
		cp "$1/files/." /var/lib/ -R
		cp "$1/cairnd" /var/lib/cairnd
		exec "$2/cairn-init" --stage2 --container --cairnd /var/lib/cairnd \
			--stop-timeout 20 --kill-timeout 3
	' sh "$T" "$OUT" >"$T/console" 2>&1 &
	U=$!
	wait_for 50 sh -c "[ -n \"\$(cat /proc/$U/task/$U/children)\" ]" || fail "no init"
	INIT=$(cat /proc/$U/task/$U/children | tr -d ' ')
	wait_for 100 grep -q "cairnd: ready" "$T/console" || fail "cairnd never ready under init"
}

# inside CMD: run a shell command in the namespace (its root, its /run).
inside() { nsenter -t "$INIT" -m -p -r -w -- sh -c "$1"; }

# ns_wait_exit TENTHS: wait for the namespace's init to end; its status
# (128 + signal: reboot(2) in a pid namespace kills init with SIGHUP for a
# restart, SIGINT for a power-off or halt) goes to NS_STATUS.
ns_wait_exit() {
	wait_for "$1" sh -c "! kill -0 $U" || return 1
	wait "$U"; NS_STATUS=$?
	U=; INIT=
}
