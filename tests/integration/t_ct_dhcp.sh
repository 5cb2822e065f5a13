#!/bin/sh
# DHCP inside a container: a container on [network br0] with no address
# of its own gets one from a DHCP server on the bridge (busybox udhcpd on
# the host, as a LAN's server would be), because its eth0 comes up
# without one.  A system container: configuring its own interface needs
# CAP_NET_ADMIN in its namespaces, which app containers do not have.
# (The test has a network namespace of its own: runner.sh TEST_NETNS.)
. "$(dirname "$0")/ct_lib.sh"

mkdir -p "$T/extra/etc"
cat > "$T/extra/etc/udhcpc.script" <<'S'
#!/bin/sh
# udhcpc's hook: only the lease matters here
case $1 in
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface" || exit 1
	[ -z "$router" ] || ip route add default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
S
chmod 755 "$T/extra/etc/udhcpc.script"
ct_image "$T/ct.sqfs" "$T/extra"
cat > "$T/conf" <<C
[network br0]
address = 10.0.5.1/24

[container dyn]
type = system
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
network = bridge:br0
exec = /bin/sh -c 'ip -4 addr show eth0 | grep -q inet && echo "already had an address"; udhcpc -i eth0 -f -q -n -t 30 -T 1 -s /etc/udhcpc.script 2>&1; ip -4 addr show eth0; ip route; ping -c 1 -W 2 10.0.5.1 >/dev/null && echo "pinged the host"'
restart = no
C
cat > "$T/udhcpd.conf" <<D
start 10.0.5.100
end 10.0.5.110
interface br0
lease_file $T/udhcpd.leases
option subnet 255.255.255.0
option router 10.0.5.1
D
: > "$T/udhcpd.leases"
DHCPD=
stop_dhcpd() { [ -z "$DHCPD" ] || kill "$DHCPD" 2>/dev/null; ct_cleanup; }
trap stop_dhcpd EXIT INT TERM

# the bridge comes from cairnd, so the server starts after it; udhcpc
# asks again every second until it answers
ns_start "$T/conf" "$T/ct.sqfs"
wait_for 50 sh -c 'ip -4 addr show br0 | grep -q "inet 10.0.5.1/24"' || fail "br0 has no 10.0.5.1/24"
busybox udhcpd -f "$T/udhcpd.conf" 2>"$T/udhcpd.err" &
DHCPD=$!
sleep 0.3
kill -0 "$DHCPD" 2>/dev/null || fail "udhcpd did not start: $(cat "$T/udhcpd.err")"

echo "checking: dyn leased an address from the bridge's DHCP server"
wait_for 300 state_is dyn stopped || fail "dyn did not finish: $(field dyn state) $(field dyn reason) $(ct_log dyn)"
log=$(ct_log dyn); echo "$log"
echo "$log" | grep -q "already had an address" && fail "eth0 had an address before DHCP"
echo "$log" | grep -Eq "inet 10\.0\.5\.1(0[0-9]|10)/24" || fail "dyn's eth0 has no leased address"
echo "$log" | grep -q "default via 10.0.5.1" || fail "dyn has no default route from the lease"
echo "$log" | grep -q "pinged the host" || fail "dyn cannot reach the host with its leased address"
echo ok
