#!/bin/sh
# The slot keeper on a fake ESP directory, a fake kernel command line and
# an update dir in the test's temp dir (cairnd --esp-dir --cmdline
# --update-dir --version-file): booted from slot a's counting entry
# cairn-a+2-1.conf, with slot b's newer entry out of tries (cairn-b+0-3.conf):
#   - at start cairnd reports b's failed update (console, failed-versions
#     with the reason slot b's boot left in update/unblessed, GET /1.0/slots)
#   - while health_command fails the boot is not blessed, and says why;
#     once it passes (and health_address accepts), cairn-a+2-1.conf becomes
#     cairn-a.conf; `cairnctl slots` says a active, blessed
#   - a boot that stays unblessed past health_timeout is given up: the
#     reason goes to update/unblessed and cairnd asks init to reboot (no
#     init here: it says it cannot)
#   - cairnd --install-boot writes slot b's files and cairn-b+3.conf with
#     the running entry's console words; refused for the booted slot
. "$(dirname "$0")/sup_lib.sh"
ESP=$T/esp
UPD=$T/update
E=$ESP/loader/entries
mkdir -p "$E" "$UPD"
echo "console=ttyS0 panic=-1 cairn.slot=a cairn.roothash=aa" >"$T/cmdline"
echo 0.1.0 >"$T/version"
printf 'title cairn 0.1.0 (slot a)\nversion 0.1.0\nsort-key cairn\noptions console=ttyS0,115200 panic=-1 cairn.slot=a cairn.roothash=aa\n' \
	>"$E/cairn-a+2-1.conf"
printf 'title cairn 0.2.0 (slot b)\nversion 0.2.0\nsort-key cairn\noptions console=ttyS0 cairn.slot=b cairn.roothash=aa\n' \
	>"$E/cairn-b+0-3.conf"
echo "b 0.2.0 not blessed 300 s after boot: essential web is failed" >"$UPD/unblessed"
SLOT_ARGS="--esp-dir $ESP --cmdline $T/cmdline --update-dir $UPD --version-file $T/version"
PORT=$((20000 + $$ % 20000))
mkdir -p "$T/www"

cat >"$CONF" <<C
[host]
generation = 1
bless_after = 1s
health_command = /bin/sh -c 'test -e $T/healthy'
health_address = 127.0.0.1:$PORT

[service web]
exec = /bin/busybox httpd -f -p 127.0.0.1:$PORT -h $T/www
essential = yes
C
# shellcheck disable=SC2086
start_cairnd $SLOT_ARGS

grep -q "cairnd: UPDATE FAILED: slot b (version 0.2.0) did not come up: not blessed 300 s after boot: essential web is failed; back on slot a (version 0.1.0)" "$ERR" ||
	fail "no failed update reported"
[ "$(cat "$UPD/failed-versions")" = "0.2.0 not blessed 300 s after boot: essential web is failed" ] ||
	fail "failed-versions: $(cat "$UPD/failed-versions")"
[ -e "$UPD/unblessed" ] && fail "the note of the failed boot was left"
json=$(ctl --format json slots) || fail "GET /1.0/slots: $json"
echo "$json"
echo "$json" | grep -q '^\[{"name":"a","state":"active","version":"0.1.0","blessed":false,"next_boot":true,"tries_left":2,"tries_done":1,"reason":""},{"name":"b","state":"failed","version":"0.2.0","blessed":false,"next_boot":false,"tries_left":0,"tries_done":3,"reason":"not blessed 300 s after boot: essential web is failed"}\]$' ||
	fail "GET /1.0/slots"

wait_for 100 grep -q "cairnd: slot a not blessed yet: health_command /bin/sh exited 1" "$ERR" ||
	fail "no word on the failing health check"
sleep 1
[ -f "$E/cairn-a+2-1.conf" ] || fail "blessed while the health check fails"
touch "$T/healthy"
wait_for 100 grep -q "cairnd: slot a blessed: cairn-a+2-1.conf -> cairn-a.conf" "$ERR" ||
	fail "not blessed once healthy"
[ -f "$E/cairn-a.conf" ] && [ ! -e "$E/cairn-a+2-1.conf" ] || fail "entries: $(ls "$E")"
ctl slots | tee "$T/slots"
grep -Eq '^a +active +0\.1\.0 +yes +yes +- ' "$T/slots" || fail "slot a not active and blessed"
grep -Eq '^b +failed +0\.2\.0 +no +- +0 left, 3 done +not blessed 300 s' "$T/slots" || fail "slot b not failed"
stop_cairnd

echo "--- health_address refused: given up after health_timeout"
mv "$E/cairn-a.conf" "$E/cairn-a+1-2.conf"
sed -i "s/^bless_after = 1s/bless_after = 1s\nhealth_timeout = 1s/; s/127.0.0.1:$PORT\$/127.0.0.1:$((PORT + 1))/" "$CONF"
: >"$ERR"
# shellcheck disable=SC2086
start_cairnd $SLOT_ARGS
grep -q "UPDATE FAILED" "$ERR" || fail "the failed update is not told again at the next start"
wait_for 150 grep -q "cairnd: slot a NOT blessed 1 s after boot: health_address 127.0.0.1:$((PORT + 1)): Connection refused; rebooting" "$ERR" ||
	fail "the boot was not given up"
wait_for 20 grep -q "cairnd: cannot reboot to give the boot up: no init channel" "$ERR" ||
	fail "no reboot asked"
grep -q "^a 0.1.0 not blessed 1 s after boot: health_address 127.0.0.1:$((PORT + 1)): Connection refused" "$UPD/unblessed" ||
	fail "update/unblessed: $(cat "$UPD/unblessed")"
[ -f "$E/cairn-a+1-2.conf" ] || fail "the entry changed: $(ls "$E")"
stop_cairnd

echo "--- cairnd --install-boot"
echo KERNEL >"$T/k"; echo INITRD >"$T/i"
# shellcheck disable=SC2086
"$OUT/cairnd" $SLOT_ARGS --install-boot a "$T/k" "$T/i" bb 0.3.0 2>"$T/ib.err" &&
	fail "install-boot on the booted slot"
grep -q "slot a is the one running" "$T/ib.err" || fail "$(cat "$T/ib.err")"
# shellcheck disable=SC2086
"$OUT/cairnd" $SLOT_ARGS --install-boot b "$T/k" "$T/i" 0123abcd 0.3.0 || fail "install-boot b"
[ ! -e "$E/cairn-b+0-3.conf" ] || fail "the old entry of slot b stayed"
grep -qx "options console=ttyS0,115200 panic=-1 cairn.slot=b cairn.roothash=0123abcd" "$E/cairn-b+3.conf" ||
	fail "cairn-b+3.conf: $(cat "$E/cairn-b+3.conf")"
grep -qx "version 0.3.0" "$E/cairn-b+3.conf" || fail "no version line"
[ "$(cat "$ESP/EFI/cairn/b/vmlinuz")" = KERNEL ] || fail "kernel not copied"
{ ls -A "$E"; ls -A "$ESP/EFI/cairn/b"; } | grep -q tmp && fail "a temporary file was left"
echo ok
