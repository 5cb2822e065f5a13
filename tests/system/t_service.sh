#!/bin/sh
# t_service: a demo service runs, and comes back when killed.
# The guest is booted with the demo config plus a `shell` service on ttyS1
# (tests/system/shell.conf) written to its /var, which is how the test runs
# cairnctl and kill inside the guest.  From the host: the web service
# answers on the forwarded port (this also needs the dhcp-eth0 service to have
# configured eth0); inside: `cairnctl list` shows web running; its httpd,
# killed, is restarted with a new pid and answers again.
. "$(dirname "$0")/lib.sh"
# The demo plus [host] ntp, so the image's time service runs too (10.0.2.2
# is QEMU's user-network host: chronyd polls it and finds no server, which
# is fine: the test checks the service is supervised and stays up).
conf=$(test_conf)
sed -i '/^hostname = /a ntp = 10.0.2.2' "$conf"
sign_conf "$conf"
setup "$conf"
boot
wait_ready
wait_shell 60

body=$(http_get / 60) || fail "the web service did not answer on :$HTTP_PORT"
echo "$body" | grep -q cairn || fail "unexpected page: $body"
log "web answers from the host"

list=$(gsh 'cairnctl list') || fail "cairnctl list failed: $list"
echo "$list"
echo "$list" | grep -E '^ *web ' | grep -q running || fail "cairnctl list does not show web running"
# [interface eth0] dhcp = yes: the generated DHCP client runs, and the
# console shows the lease's address (QEMU user networking: 10.0.2.15)
echo "$list" | grep -E '^ *dhcp-eth0 ' | grep -q running || fail "cairnctl list does not show dhcp-eth0 running"
grep -q "cairnd: eth0: 10.0.2.15/24" "$CONSOLE" || fail "the console did not show eth0's address"
gsh 'grep -q "^nameserver 10.0.2.3" /etc/resolv.conf' || fail "no DHCP name server in /etc/resolv.conf"
log "dhcp-eth0 running, eth0 10.0.2.15/24 on the console, resolv.conf written"
echo "$list" | grep -E '^ *ntpd ' | grep -q running || fail "cairnctl list does not show ntpd (chronyd) running"
sleep 2
gsh 'cairnctl status ntpd' | grep -q "restarts: *0" || fail "chronyd does not stay up: $(gsh 'cairnctl status ntpd; cairnctl logs ntpd')"
log "ntpd (chronyd) supervised and up"
# [host] hostname is the machine's name once the config is applied
hn=$(gsh 'hostname') || fail "hostname failed"
echo "$hn" | grep -qx 'cairn-demo' || fail "hostname is '$hn', not cairn-demo from [host]"
log "hostname cairn-demo from the config"

# web's pid as cairnd reports it (the PID column of the table).
webpid() { gsh "cairnctl list | awk '\$1 == \"web\" && \$2 == \"running\" { print \$3 }'" 5; }
pid1=$(webpid) || fail "cairnctl list failed"
[ -n "$pid1" ] || fail "no pid for web"
gsh "kill -0 $pid1" || fail "web's pid $pid1 is not running"
log "killing web's httpd, pid $pid1"
gsh "kill $pid1" || fail "kill $pid1 failed"

pid2=""
end=$(($(date +%s) + 30))
while [ "$(date +%s)" -lt "$end" ]; do
	pid2=$(webpid || true)
	[ -n "$pid2" ] && [ "$pid2" != "$pid1" ] && break
	pid2=""
	sleep 1
done
[ -n "$pid2" ] || fail "web was not restarted within 30 s"
log "web came back as pid $pid2"
gsh 'cairnctl status web' || fail "cairnctl status web failed"
http_get / 30 >/dev/null || fail "the restarted web does not answer"
log "ok"
