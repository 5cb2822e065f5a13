#!/bin/sh
# A VM on a bridge: [network br0] (10.0.3.1/24, made by cairnd) and a VM
# with network = bridge:br0: its tap (vm-NAME) is a port of br0 while
# QEMU runs, the guest's virtio-net eth0 (10.0.3.20) pings the bridge, the
# host pings the guest, the MAC is the stable one derived from the name,
# and the tap is gone once the VM stops.  (Own network namespace:
# runner.sh TEST_NETNS.)
. "$(dirname "$0")/vm_lib.sh"
guest net
{
	printf '[network br0]\naddress = 10.0.3.1/24\n\n'
	vm_section web net "network = bridge:br0" "stop_timeout = 20s" "restart = no"
} > "$CONF"
start_cairnd
wait_for 50 sh -c 'ip link show vm-web 2>/dev/null | grep -q "master br0"' ||
	fail "no tap vm-web on br0: $(ip link show 2>&1 | grep -A1 vm- ; cat "$ERR")"
wait_for 900 grep -q CAIRN-PING-OK "$LOG/web.log" ||
	{ tail -c 3000 "$LOG/web.log"; fail "the guest could not ping the bridge"; }
busybox ping -c1 -W2 10.0.3.20 >/dev/null || fail "the host cannot ping the guest"
mac=$(ip neigh show 10.0.3.20 dev br0 | awk '{ print $3 }')
case "$mac" in 52:54:00:*) ;; *) fail "guest MAC '$mac' is not 52:54:00:..." ;; esac
ctl stop web || fail "stop refused"
wait_for 300 state_is web stopped || fail "web did not stop"
wait_for 50 sh -c '! ip link show vm-web 2>/dev/null' || fail "tap vm-web left behind"
echo ok
