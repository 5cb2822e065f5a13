#!/bin/sh
# A VM boots under cairnd: its serial console reaches the instance log
# (cairnctl logs), cairnctl status shows QEMU and the guest's run state,
# QEMU runs unprivileged with only the descriptors it needs, and a stop
# through the API presses the power button and the guest powers off.
. "$(dirname "$0")/vm_lib.sh"
guest acpi
vm_section tiny acpi "stop_timeout = 60s" "restart = always" "restart_delay = 200ms" > "$CONF"
start_cairnd
wait_for 900 marker_seen tiny || { cat "$LOG"/tiny.log*; fail "no marker in the log"; }
ctl logs tiny >/dev/null; ctl logs tiny | grep -q CAIRN-GUEST-UP || fail "cairnctl logs does not show the marker"
pid=$(inst_pid tiny)
alive "$pid" || fail "no QEMU pid"
[ "$(stat -c %U /proc/"$pid")" = nobody ] || fail "QEMU does not run as nobody"
fds=$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')
echo "QEMU's fds: $fds"
# what cairnd hands over: the QMP and console listeners, the log pipe;
# nothing of cairnd's own files (state, config, API socket's directory)
for n in 3 4; do
	case "$(readlink /proc/"$pid"/fd/$n)" in socket:*) ;; *) fail "QEMU's fd $n is not its socket" ;; esac
done
case "$(readlink /proc/"$pid"/fd/1)" in pipe:*) ;; *) fail "QEMU's stdout is not the log pipe" ;; esac
for f in /proc/"$pid"/fd/*; do
	case "$(readlink "$f")" in "$T"/*) fail "QEMU holds cairnd's $(readlink "$f")" ;; esac
done
[ -S "$RUN/console/tiny.sock" ] || fail "no console socket"
wait_for 100 sh -c "\"$OUT/cairnctl\" --socket $SOCK status tiny | grep -q 'guest running'" ||
	{ ctl status tiny; fail "status does not show the guest running"; }
# the console: a shell on ttyS0 answers through cairnctl console
(printf 'echo CONSOLE-$((6*7))\n'; sleep 4) | timeout 20 "$OUT/cairnctl" --socket "$SOCK" console tiny >"$T/console.out" 2>&1
grep -q CONSOLE-42 "$T/console.out" || { cat "$T/console.out"; fail "no answer through the console"; }
# QEMU killed: a crash, restarted (restart = always) and booted again
kill -9 "$pid"
wait_for 100 sh -c "p=\$(sed -n 's/^pid //p' $RUN/state/tiny); [ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]" || fail "QEMU not restarted after kill -9"
grep -q "tiny: killed by SIGKILL" "$ERR" || fail "the kill was not seen as a crash"
wait_for 900 sh -c "[ \$(grep -c CAIRN-GUEST-UP $LOG/tiny.log) -ge 2 ]" || fail "no second boot"
pid=$(inst_pid tiny)
ctl status tiny
ctl stop tiny || fail "stop refused"
wait_for 600 state_is tiny stopped || fail "the guest did not stop"
grep -q "guest powered off" "$ERR" || { cat "$LOG"/tiny.log; fail "no SHUTDOWN from the guest"; }
grep -q "did not power off" "$ERR" && fail "had to quit a guest that handles the button"
[ -e "$RUN/console/tiny.sock" ] && fail "console socket left behind"
alive "$pid" && fail "QEMU still running"
echo ok
