# tests/system/lib.sh - sourced by each tests/system/t_*.sh (on the host).
#
# Each test boots its own sparse copy of the built disk image in a work
# directory build/test-sys/NAME, so tests never touch build/image nor each
# other.  The guest's console (ttyS0) goes to console.log, which the waits
# poll; QMP is a unix socket there and ttyS1, the second serial port for
# the test shell (see shell.conf), a pair of FIFOs.
# Every wait is bounded; on failure the console log is printed.
# SYS_WORKDIR (default build/test-sys) holds the work directories.
set -eu

IMG=${IMG:-build/image}
SYS=$(dirname "$0")
GPT=image-build/gpt.py
NAME=$(basename "$0" .sh)
W=${SYS_WORKDIR:-build/test-sys}/$NAME
CONSOLE=$W/console.log
QMP=$W/qmp.sock
SHELL_PIPE=$W/shell
QEMU_PID=""

log() { echo "[$NAME $(date +%T)] $*"; }

fail() {
	echo "FAIL: $*"
	if [ -f "$CONSOLE" ]; then
		echo "--- serial console ($CONSOLE), last 80 lines ---"
		tail -80 "$CONSOLE" | tr -d '\r'
		echo "--- end of console ---"
	fi
	exit 1
}

# On exit: QEMU is stopped; a passing test's work dir (its disk copy) goes,
# a failing one's stays for a look.
cleanup() {
	rc=$?
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null || true
		sleep 1
		kill -9 "$QEMU_PID" 2>/dev/null || true
	fi
	[ "$rc" != 0 ] || rm -rf "$W" "$W.conf" "$W.conf.sig"
}
trap cleanup EXIT INT TERM

# free_port: a TCP port nobody listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# setup [CONF]: a fresh work dir and disk copy; CONF (a file) becomes the
# active configuration on the copy's /var.
setup() {
	for f in vmlinuz initramfs.img disk.img; do
		[ -f "$IMG/$f" ] || fail "$IMG/$f missing (make image)"
	done
	rm -rf "$W"
	mkdir -p "$W"
	cp --sparse=always "$IMG/disk.img" "$W/disk.img"
	[ $# = 0 ] || image-build/putconf.sh "$W/disk.img" "$1" || fail "putconf $1"
	HTTP_PORT=$(free_port)
	API_PORT=$(free_port)
}

# sign_conf FILE: sign FILE (FILE.sig) with the key the image trusts,
# after a test has added its own sections to a test_conf.
sign_conf() {
	key=${SIGNING_KEY:-build/keys/dev-signer.key}
	[ -f "$key" ] || fail "$key missing: the image's signer (make image makes it)"
	openssl dgst -sha256 -sign "$key" -out "$1.sig" "$1" || fail "cannot sign $1"
}

# test_conf: config/demo.conf plus the ttyS1 shell service, in the work
# dir, signed (openssl, on the host) with the key the image trusts: the
# build's signer, build/keys/dev-signer.key unless SIGNING_KEY says.
test_conf() {
	mkdir -p "$(dirname "$W")"   # a fresh tree has no work dir yet
	cat config/demo.conf "$SYS/shell.conf" >"$W.conf"
	sign_conf "$W.conf"
	echo "$W.conf"
}

# image_cmdline: the image's own kernel command line words (slot, root
# hash), made by mkimage.sh in IMG/cmdline; an image from before verity
# has none and boots with the slot alone.
image_cmdline() {
	if [ -f "$IMG/cmdline" ]; then cat "$IMG/cmdline"; else echo "cairn.slot=a"; fi
}

# boot [APPEND...]: start QEMU (plus the words of QEMU_EXTRA, e.g. a disk) in the background (TCG; CAIRN_KVM=1 for KVM)
# with the image's command line, or BOOT_CMDLINE instead when it is set,
# plus APPEND.  -no-reboot: a guest reboot or panic ends QEMU, so a test
# cannot loop.  BOOT_UEFI=1: boot the disk through OVMF and the ESP's
# systemd-boot and loader entry instead of -kernel/-initrd/-append (APPEND
# and BOOT_CMDLINE then do not apply); the firmware's variables are a copy
# per test in the work dir.
OVMF_DIR=${OVMF_DIR:-/usr/share/OVMF}
boot() {
	accel=tcg,thread=single  # MTTCG + kernel text patching: rare int3 oopses
	if [ "${CAIRN_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then accel=kvm; fi
	: >"$CONSOLE"
	rm -f "$SHELL_PIPE.in" "$SHELL_PIPE.out"
	mkfifo "$SHELL_PIPE.in" "$SHELL_PIPE.out"
	if [ "${BOOT_UEFI:-0}" = 1 ]; then
		[ -f "$OVMF_DIR/OVMF_CODE_4M.fd" ] || fail "$OVMF_DIR/OVMF_CODE_4M.fd missing (ovmf)"
		[ -f "$W/ovmf-vars.fd" ] || cp "$OVMF_DIR/OVMF_VARS_4M.fd" "$W/ovmf-vars.fd"
		set -- -drive "if=pflash,format=raw,readonly=on,file=$OVMF_DIR/OVMF_CODE_4M.fd" \
			-drive "if=pflash,format=raw,file=$W/ovmf-vars.fd"
	else
		set -- -kernel "$IMG/vmlinuz" -initrd "$IMG/initramfs.img" \
			-append "console=ttyS0 panic=-1 printk.time=1 ${BOOT_CMDLINE-$(image_cmdline)} $*"
	fi
	qemu-system-x86_64 -display none -monitor none -no-reboot \
		-machine q35 -accel "$accel" -cpu max -m 1G -smp 2 \
		"$@" \
		-drive "file=$W/disk.img,format=raw,if=virtio" \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$API_PORT-:8443,hostfwd=tcp:127.0.0.1:$HTTP_PORT-:8080" \
		-device virtio-net-pci,netdev=n0,romfile= \
		-device virtio-rng-pci \
		-qmp "unix:$QMP,server=on,wait=off" \
		-serial "file:$CONSOLE" \
		-serial "pipe:$SHELL_PIPE" \
		${QEMU_EXTRA:-} \
		>"$W/qemu.log" 2>&1 &
	QEMU_PID=$!
	BOOT_START=$(date +%s)
	log "qemu pid $QEMU_PID, http :$HTTP_PORT, api :$API_PORT, work dir $W"
}

# wait_console REGEX SECONDS: until the console shows a line matching REGEX.
wait_console() {
	end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		grep -Eq "$1" "$CONSOLE" 2>/dev/null && return 0
		kill -0 "$QEMU_PID" 2>/dev/null ||
			{ cat "$W/qemu.log"; fail "QEMU exited while waiting for /$1/"; }
		grep -q "Kernel panic" "$CONSOLE" && fail "kernel panic while waiting for /$1/"
		sleep 0.5
	done
	fail "no /$1/ on the console within $2 s"
}

# wait_ready: the contract line of cairnd, within CAIRN_READY_TIMEOUT (120 s).
wait_ready() {
	wait_console 'cairnd: ready' "${CAIRN_READY_TIMEOUT:-120}"
	log "cairnd ready after $(($(date +%s) - BOOT_START)) s (wall clock)"
}

# wait_exit SECONDS: until QEMU has exited.
wait_exit() {
	end=$(($(date +%s) + $1))
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=""
}

# stop_qemu: end the guest now, once a test has seen what it waited for
# (a refused boot need not sit out its reboot delay).
stop_qemu() {
	[ -n "$QEMU_PID" ] || return 0
	kill "$QEMU_PID" 2>/dev/null || true
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=""
}

qmp() { python3 "$SYS/qmp.py" "$QMP" "$@"; }

# gsh COMMAND [TIMEOUT]: run COMMAND in the guest's test shell.
gsh() { python3 "$SYS/guestsh.py" "$SHELL_PIPE" "${2:-20}" "$1"; }

# wait_shell SECONDS: until the test shell answers.
wait_shell() {
	end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ "$(gsh 'echo alive' 3 2>/dev/null)" = alive ] && return 0
		sleep 1
	done
	fail "the test shell on ttyS1 did not answer within $1 s"
}

# http_get PATH SECONDS: body of the forwarded demo web port, retrying.
http_get() {
	end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		curl -fsS -m 5 "http://127.0.0.1:$HTTP_PORT$1" 2>/dev/null && return 0
		sleep 1
	done
	return 1
}
