# tests/system/slots_lib.sh - sourced by the A/B slot tests after lib.sh:
# configs with [host] blessing keys, the ESP's loader entries read with
# mtools (no mounts), boots through firmware that end in a reboot.

# slot_conf GENERATION [HOST_LINE...]: config/demo.conf with generation
# GENERATION and the given [host] lines, plus the test shell; signed as
# test_conf signs.  Prints the file's path ($W.conf, replaced by the next call).
slot_conf() {
	gen=$1; shift
	f=$W.conf   # putconf takes it at once; lib.sh cleans it up
	mkdir -p "$(dirname "$W")"   # a fresh tree has no work dir yet
	awk -v gen="$gen" -v extra="$(printf '%s\n' "$@")" '
		/^generation = / { print "generation = " gen; if (extra != "") print extra; next }
		{ print }' config/demo.conf >"$f"
	cat "$SYS/shell.conf" >>"$f"
	key=${SIGNING_KEY:-build/keys/dev-signer.key}
	openssl dgst -sha256 -sign "$key" -out "$f.sig" "$f" || fail "cannot sign $f"
	echo "$f"
}

# esp_entries: the loader entries on the work disk's ESP, one per line.
export MTOOLS_SKIP_CHECK=1
esp_off() { python3 "$GPT" "$W/disk.img" ESP | cut -d' ' -f1; }
esp_entries() {
	mdir -b -i "$W/disk.img@@$(esp_off)" ::/loader/entries | sed 's|.*/||' | tr -d '\r' | sort
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
