# tests/system/slots_lib.sh - sourced by the A/B slot tests after lib.sh:
# configs with [host] blessing keys, the ESP's loader entries read with
# mtools (no mounts), boots through firmware of a given slot (until cairnd
# is ready, or until the guest reboots).
command -v mdir >/dev/null || fail "mdir missing (mtools)"

# slot_conf GENERATION [HOST_LINE...]: config/demo.conf with generation
# GENERATION and the given [host] lines, plus the test shell; signed
# (lib.sh sign_conf).  Prints the file's path ($W.conf, replaced by the next call).
slot_conf() {
	gen=$1; shift
	f=$W.conf   # putconf takes it at once; lib.sh cleans it up
	mkdir -p "$(dirname "$W")"   # a fresh tree has no work dir yet
	awk -v gen="$gen" -v extra="$(printf '%s\n' "$@")" '
		/^generation = / { print "generation = " gen; if (extra != "") print extra; next }
		{ print }' config/demo.conf >"$f"
	cat "$SYS/shell.conf" >>"$f"
	sign_conf "$f"
	echo "$f"
}

# esp_entries: the loader entries on the work disk's ESP, one per line.
export MTOOLS_SKIP_CHECK=1
esp_off() { python3 "$GPT" "$W/disk.img" ESP | cut -d' ' -f1; }
esp_entries() {
	mdir -b -i "$W/disk.img@@$(esp_off)" ::/loader/entries | sed 's|.*/||' | tr -d '\r' | sort
}

# expect_entries WHAT ENTRY...: the ESP's loader entries are exactly
# ENTRY... (in esp_entries' order); WHAT says when, in the failure.
expect_entries() {
	_when=$1; shift
	[ "$(esp_entries | tr '\n' ' ')" = "$* " ] ||
		fail "entries $_when: $(esp_entries | tr '\n' ' ')"
}

# partdev LABEL: the guest's name of a partition (vdaN, N its GPT place).
partdev() { echo "vda$(python3 "$GPT" "$W/disk.img" | awk -v l="$1" '$1 == l { print NR }')"; }

# uefi_boot_until_reboot WHAT SECONDS: boot through firmware and wait for
# the guest to reboot by itself (-no-reboot: QEMU exits); WHAT names the
# boot in the log.  The console of the boot stays in $CONSOLE.
uefi_boot_until_reboot() {
	BOOT_UEFI=1 boot
	wait_exit "$2" || fail "$1: the guest did not reboot within $2 s"
	log "$1: rebooted after $(($(date +%s) - BOOT_START)) s"
}

# booted_slot: the slot the last boot's kernel command line named.
booted_slot() {
	tr -d '\r' <"$CONSOLE" | sed -n 's/.*Kernel command line:.*cairn\.slot=\([ab]\).*/\1/p' | head -1
}

# boot_slot SLOT WHAT: boot through firmware until cairnd is ready; the
# boot loader must have picked slot SLOT (WHAT names the boot in the failure).
boot_slot() {
	BOOT_UEFI=1 boot
	CAIRN_READY_TIMEOUT=180 wait_ready
	[ "$(booted_slot)" = "$1" ] || fail "$2: slot $(booted_slot), not $1"
}

# wait_blessed SLOT: cairnd blesses slot SLOT's first counted boot
# (cairn-SLOT+2-1.conf -> cairn-SLOT.conf).
wait_blessed() {
	wait_console "cairnd: slot $1 blessed: cairn-$1\\+2-1\\.conf -> cairn-$1\\.conf" 90
}

# slot_b_given_up CMD: boots 2-4 through firmware pick slot b, whose
# health_command CMD exits 1: cairnd gives each boot up (a reboot), and
# after the third b has no tries left.
slot_b_given_up() {
	for try in 2 3 4; do
		uefi_boot_until_reboot "$try. slot b, health fails" 240
		[ "$(booted_slot)" = b ] || fail "boot $try: slot $(booted_slot), not b"
		grep -aq "cairnd: slot b NOT blessed .*health_command $1 exited 1; rebooting" "$CONSOLE" ||
			fail "boot $try: cairnd did not give slot b up"
		log "entries: $(esp_entries | tr '\n' ' ')"
	done
	expect_entries "after three tries" cairn-a.conf cairn-b+0-3.conf
}
