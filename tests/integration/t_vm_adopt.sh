#!/bin/sh
# Re-adoption of a VM, with the real pair (cairn-init as PID 1, cairnd
# under it): cairnd SIGKILLed while the guest runs is restarted by init
# and adopts the same QEMU (no second one), reconnects QMP (the status
# still shows the guest's run state), keeps the serial log (the pipe was
# parked with init), and a stop through the API still presses the power
# button and the guest powers off.
# Then records that lie: a recorded pid that now belongs to another
# process (start time differs) is not adopted, that process is left
# alone, and the VM starts afresh; a record that names a non-QEMU process
# with its very start time is refused by the VM kind too (not QEMU).
. "$(dirname "$0")/ns_lib.sh"
VMDISK=$(mktemp -d /var/tmp/t_vm.XXXXXX)
chmod 755 "$VMDISK"
trap 'cleanup; rm -rf "$VMDISK"' EXIT INT TERM
sh "$(dirname "$0")/vm_guest.sh" "$VMDISK/acpi" acpi || fail "cannot build the guest"
chmod 755 "$VMDISK/acpi"
NS_CAIRND_ARGS="--vm-user nobody"
cat > "$T/conf" <<C
[vm tiny]
memory = 128M
kernel = $VMDISK/acpi/vmlinuz
initrd = $VMDISK/acpi/initrd
cmdline = console=ttyS0 quiet panic=-1
restart = always
restart_delay = 200ms
stop_timeout = 60s
C
ns_start "$T/conf"
field() { inside "sed -n 's/^$2 //p' /run/cairn/state/$1 2>/dev/null"; }
state_is() { [ "$(field "$1" state)" = "$2" ]; }
ctl() { inside "$OUT/cairnctl $*"; }
procs() { inside 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = '"$1"' ] && echo ${p#/proc/}; done'; }
cairnd_pid() { procs cairnd | head -1; }
readies() { grep -c "cairnd: ready" "$T/console"; }
in_log() { inside "grep -q '$1' /var/log/cairn/tiny.log"; }
new_qemu() { p=$(field tiny pid); [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$1" ] && [ "$p" != "$2" ] &&
	[ "$(procs qemu-system-x86)" = "$p" ]; }
# kill_cairnd_with EDIT: cairnd frozen, QEMU killed (a zombie of the
# frozen cairnd, reaped by init later), EDIT run on the record, cairnd
# killed: its successor reads the edited record.
kill_cairnd_with() {
	d=$(cairnd_pid); n=$(readies); q=$(field tiny pid)
	inside "kill -STOP $d; kill -KILL $q; $1; kill -KILL $d" || fail "cannot set the scene"
	wait_for 100 sh -c "[ \$(grep -c 'cairnd: ready' $T/console) -gt $n ]" || fail "cairnd not restarted"
}

wait_for 900 in_log CAIRN-GUEST-UP || fail "no marker"
wait_for 100 sh -c "nsenter -t $INIT -m -p -r -w -- $OUT/cairnctl status tiny | grep -q 'guest running'" ||
	{ ctl status tiny; fail "status does not show the guest running"; }
q1=$(field tiny pid)
[ "$(procs qemu-system-x86)" = "$q1" ] || fail "QEMU: $(procs qemu-system-x86), recorded $q1"

# 1. cairnd killed while the guest runs: the same QEMU adopted
d1=$(cairnd_pid)
inside "kill -KILL $d1"
wait_for 100 sh -c "[ \$(grep -c 'cairnd: ready' $T/console) -ge 2 ]" || fail "cairnd not restarted by init"
[ "$(cairnd_pid)" != "$d1" ] || fail "no new cairnd"
grep -q "tiny: adopted pid $q1\$" "$T/console" || fail "QEMU $q1 not adopted"
state_is tiny running && [ "$(field tiny pid)" = "$q1" ] || fail "not running as pid $q1"
sleep 1
[ "$(procs qemu-system-x86)" = "$q1" ] || fail "QEMUs after adoption: $(procs qemu-system-x86)"
wait_for 100 sh -c "nsenter -t $INIT -m -p -r -w -- $OUT/cairnctl status tiny | grep -q 'qemu pid $q1, adopted, guest running'" ||
	{ ctl status tiny; fail "QMP not reconnected: no guest state in the status"; }
# the serial log is still captured: a line typed on the console shows
(printf 'echo ADOPTED-$((6*7))\n'; sleep 4) | timeout 20 nsenter -t "$INIT" -m -p -r -w -- \
	"$OUT/cairnctl" console tiny >"$T/console.out" 2>&1
grep -q ADOPTED-42 "$T/console.out" || { cat "$T/console.out"; fail "no answer through the console"; }
wait_for 50 in_log ADOPTED-42 || fail "the serial log is no longer captured"
# a stop through the API powers the guest off
ctl stop tiny || fail "stop refused"
wait_for 600 state_is tiny stopped || fail "the adopted VM did not stop"
grep -q "tiny: guest powered off" "$T/console" || fail "no SHUTDOWN from the adopted guest"
grep -q "tiny: the guest did not power off" "$T/console" && fail "had to quit the adopted guest"
[ -z "$(procs qemu-system-x86)" ] || fail "QEMU still running"

# 2. the recorded pid now belongs to another process (a pid reused):
# not adopted, not touched, the VM starts afresh
ctl start tiny || fail "start refused"
wait_for 100 state_is tiny running || fail "not running again"
q2=$(field tiny pid)
s1=$(inside 'sleep 1000 </dev/null >/dev/null 2>&1 & echo $!')
[ -n "$s1" ] || fail "no decoy"
kill_cairnd_with "sed -i 's/^pid $q2\$/pid $s1/' /run/cairn/state/tiny"
wait_for 100 new_qemu "$q2" "$s1" || fail "no fresh QEMU after a stale record (pid $(field tiny pid))"
grep -q "tiny: adopted pid $s1" "$T/console" && fail "the stale pid $s1 was adopted"
inside "kill -0 $s1" || fail "the process that took the pid was killed"

# 3. a record naming a non-QEMU process with its own start time
q3=$(field tiny pid)
st=$(inside "awk '{print \$22}' /proc/$s1/stat")
kill_cairnd_with "sed -i -e 's/^pid $q3\$/pid $s1/' -e 's/^starttime .*/starttime $st/' /run/cairn/state/tiny"
wait_for 100 grep -q "tiny: adopted pid $s1 is not QEMU (sleep): killing it" "$T/console" ||
	fail "a non-QEMU process was taken for the VM"
wait_for 100 new_qemu "$q3" "$s1" || fail "no fresh QEMU after a non-QEMU record"
inside "kill -0 $s1" 2>/dev/null && fail "the non-QEMU process still runs as the VM"
wait_for 100 sh -c "nsenter -t $INIT -m -p -r -w -- $OUT/cairnctl status tiny | grep -Eq 'qemu pid $(field tiny pid), (tcg|kvm)'" ||
	{ ctl status tiny; fail "status does not show the fresh QEMU"; }
echo ok
