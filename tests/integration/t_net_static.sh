#!/bin/sh
# [interface] static configuration, in a network namespace of its own:
# a dummy link matched by MAC is renamed, gets its MTU, address, default
# route and name server (--resolv-conf); a link added after cairnd started
# is configured when it appears; a reload that changes the address
# replaces it and leaves the unchanged interface alone; the console shows
# the addresses.  Links are dummies (or veths).  Configs are signed with
# sup_lib.sh's throwaway key.
if [ -z "${NET_NS_DONE:-}" ]; then
	command -v ip >/dev/null || { echo "FAIL: no ip (iproute2) in the build root"; exit 1; }
	NET_NS_DONE=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/sup_lib.sh"
RESOLV=$T/resolv.conf

ip link set lo up
# newlink NAME [MAC]: a dummy link, or one end of a veth pair (peer up, so
# the link has a carrier) on kernels without the dummy driver
newlink() {
	ip link add "$1" ${2:+address "$2"} type dummy 2>/dev/null && return
	ip link add "$1" ${2:+address "$2"} type veth peer name "$1-p" &&
		ip link set "$1-p" up
}
newlink d0 02:00:00:00:00:01 || fail "cannot make a link here"

cat > "$CONF" <<C
[host]
generation = 1

[interface lan]
match_mac = 02:00:00:00:00:01
address = 192.0.2.10/24
address = 2001:db8::10/64
gateway = 192.0.2.1
mtu = 1400
dns = 192.0.2.53 2001:db8::53

[interface late]
address = 198.51.100.7/24
C
start_cairnd --resolv-conf "$RESOLV"   # signs $CONF

has_addr() { ip -o addr show dev "$1" | grep -q " $2 "; }
wait_for 50 ip link show lan || fail "d0 not renamed to lan"
ip link show d0 >/dev/null 2>&1 && fail "d0 still there"
wait_for 50 has_addr lan 192.0.2.10/24 || fail "no 192.0.2.10/24 on lan"
has_addr lan 2001:db8::10/64 || fail "no 2001:db8::10/64 on lan"
ip link show lan | grep -q "mtu 1400" || fail "mtu not 1400: $(ip link show lan)"
ip link show lan | grep -q "UP" || fail "lan not up"
ip -4 route show default | grep -q "via 192.0.2.1 dev lan" || fail "no default route: $(ip -4 route)"
wait_for 30 grep -q "nameserver 192.0.2.53" "$RESOLV" || fail "no resolv.conf: $(cat "$RESOLV" 2>&1)"
grep -q "nameserver 2001:db8::53" "$RESOLV" || fail "resolv.conf lacks the v6 server"
wait_for 30 grep -q "cairnd: lan: 192.0.2.10/24" "$ERR" || fail "console did not show lan's address"
grep -q "late: no such link yet" "$ERR" || fail "no word about the missing link"

# a link that appears later
newlink late || fail "cannot make a second link"
wait_for 50 has_addr late 198.51.100.7/24 || fail "late link not configured"
ip link show late | grep -q "UP" || fail "late not up"

# reload: lan's address changes, late is left alone
cat > "$CONF" <<C
[host]
generation = 2

[interface lan]
match_mac = 02:00:00:00:00:01
address = 192.0.2.20/24
gateway = 192.0.2.1
mtu = 1400

[interface late]
address = 198.51.100.7/24
C
sign_config "$CONF"
ip addr add 203.0.113.9/24 dev late   # a hand-made address on an unchanged link stays
: > "$T/mark"
kill -HUP "$CAIRND_PID"
wait_for 50 has_addr lan 192.0.2.20/24 || fail "new address not set"
wait_for 50 sh -c "! ip -o addr show dev lan | grep -q ' 192.0.2.10/24 '" || fail "old address still there"
has_addr lan 2001:db8::10/64 && fail "old v6 address still there"
ip -4 route show default | grep -q "via 192.0.2.1 dev lan" || fail "default route lost on reload"
has_addr late 203.0.113.9/24 || fail "the unchanged link was touched"
wait_for 30 sh -c "! grep -q nameserver '$RESOLV'" || fail "name servers not removed: $(cat "$RESOLV")"
wait_for 30 grep -q "cairnd: lan: 192.0.2.10/24 removed" "$ERR" || fail "console did not show the removal"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo "--- cairnd stderr"; cat "$ERR"
echo ok
