#!/bin/sh
# cairnctl poweroff and reboot go through cairnd to cairn-init, which runs
# its shutdown sequence: cairnd stops every workload with its stop signal
# (the service records it), everything else is killed, and init ends with
# reboot(2): in a pid namespace that kills init with SIGINT (power-off)
# or SIGHUP (reboot).
. "$(dirname "$0")/ns_lib.sh"

cat > "$T/conf" <<'C'
[service polite]
exec = /bin/sh /var/lib/polite.sh
C
cat > "$T/polite.sh" <<'S'
trap 'echo stopped >> /var/lib/polite.out; exit 0' TERM
echo started >> /var/lib/polite.out
while :; do sleep 0.1; done
S

for action in poweroff reboot; do
	ns_start "$T/conf" "$T/polite.sh"
	wait_for 50 inside 'grep -q started /var/lib/polite.out' || fail "polite never started"
	inside "$OUT/cairnctl $action" || fail "cairnctl $action failed"
	ns_wait_exit 300 || fail "init did not end within 30 s of cairnctl $action"
	case $action in
	poweroff) want=130 ;;   # SIGINT
	reboot)   want=129 ;;   # SIGHUP
	esac
	[ "$NS_STATUS" = "$want" ] || fail "$action: init ended with status $NS_STATUS, not $want"
	# the trap's exit 0 on SIGTERM: stopped by its stop signal, not killed
	grep -q "cairnd: polite: exited 0" "$T/console" || fail "$action: polite was not stopped with SIGTERM"
	grep -q "cairnd: stopping every workload" "$T/console" || fail "$action: workloads not stopped by cairnd"
	echo "$action: init ended with $NS_STATUS after cairnd stopped the workloads"
	mv "$T/console" "$T/console.$action"
done
echo ok
