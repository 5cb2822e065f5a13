#!/bin/sh
# Containers on a bridge: [network br0] gives the host 10.0.3.1/24 on a
# bridge cairnd makes; an app container running busybox httpd at
# 10.0.3.10 is reachable from the host over the bridge, and another
# container reaches it by address.  Each container's veth host end
# (vc-NAME) is a port of br0 while it runs and is gone once it stops.
# (The test has a network namespace of its own: runner.sh TEST_NETNS.)
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"
cat > "$T/conf" <<C
[network br0]
address = 10.0.3.1/24

[container web]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
network = bridge:br0
address = 10.0.3.10/24
exec = /bin/sh -c 'mkdir -p /tmp/www && echo hello-over-the-bridge > /tmp/www/index.html && exec httpd -f -p 80 -h /tmp/www'
restart = always
stop_timeout = 2s

[container client]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
network = bridge:br0
address = 10.0.3.11/24
exec = /bin/sh -c 'ip -4 addr show eth0; ip route; for i in \$(seq 100); do wget -q -O- http://10.0.3.10/ && exit 0; sleep 0.2; done; exit 1'
restart = no
C
ns_start "$T/conf" "$T/ct.sqfs"

echo "checking: the bridge and web's veth on it"
wait_for 100 state_is web running || fail "web not running: $(field web reason)"
wait_for 50 sh -c 'ip -4 addr show br0 | grep -q "inet 10.0.3.1/24"' || fail "br0 has no 10.0.3.1/24: $(ip addr show br0)"
wait_for 50 sh -c 'ip link show vc-web | grep -q "master br0"' || fail "vc-web is not a port of br0: $(ip link show vc-web 2>&1)"

echo "checking: the host reaches web over the bridge"
wait_for 100 sh -c 'busybox wget -q -T 2 -O- http://10.0.3.10/ | grep -q hello-over-the-bridge' ||
	fail "the host cannot fetch http://10.0.3.10/"

echo "checking: client reaches web by address, with its own address and route"
wait_for 150 state_is client stopped || fail "client did not finish: $(field client state) $(field client reason)"
log=$(ct_log client); echo "$log"
[ "$(field client exit_code)" = 0 ] || fail "client exited $(field client exit_code): $log"
echo "$log" | grep -q "inet 10.0.3.11/24" || fail "client's eth0 lacks 10.0.3.11/24"
echo "$log" | grep -q "default via 10.0.3.1" || fail "client's default route is not the bridge (gateway from [network])"
echo "$log" | grep -q hello-over-the-bridge || fail "client did not get web's page"

echo "checking: a stopped container's veth is gone"
wait_for 50 sh -c '! ip link show vc-client 2>/dev/null' || fail "vc-client left behind"
ctl stop web >/dev/null || fail "cannot stop web"
wait_for 100 state_is web stopped || fail "web did not stop"
wait_for 50 sh -c '! ip link show vc-web 2>/dev/null' || fail "vc-web left behind"
ct_no_residue web
echo ok
