#!/bin/sh
# [network NAME] bridges, in a network namespace of its own: cairnd with
# [network br0] address = 10.0.3.1/24, nat = yes makes the bridge with
# its address, up, the nft table "ip cairn" masquerading 10.0.3.0/24 and
# IPv4 forwarding on; a hand-made table of someone else is left alone; a
# reload that changes the address reconfigures the same bridge (a port
# stays attached); a reload without nat removes the table and turns
# forwarding back off; a reload without the section deletes the bridge.
# A link of the same name that is not a bridge is left alone, said so.
if [ -z "${NET_NS_DONE:-}" ]; then
	command -v ip >/dev/null || { echo "FAIL: no ip (iproute2) in the build root"; exit 1; }
	command -v nft >/dev/null || { echo "FAIL: no nft in the build root"; exit 1; }
	NET_NS_DONE=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/sup_lib.sh"

ip link set lo up
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || fail "a fresh namespace forwards already"
# someone else's table: never touched
nft add table inet theirs || fail "cannot use nftables here"
nft add chain inet theirs c '{ type filter hook input priority 0; policy accept; }' || fail "their chain"

# conf GEN [SECTION TEXT]: the config of that generation
conf() { printf '[host]\ngeneration = %s\n\n%b' "$1" "${2:-}" > "$CONF"; }
# reload GEN [SECTION TEXT]: that config, signed, and SIGHUP
reload() { conf "$@"; sign_config "$CONF"; kill -HUP "$CAIRND_PID"; }

conf 1 '[network br0]\naddress = 10.0.3.1/24\nnat = yes\n'
start_cairnd

is_bridge() { ip -d link show "$1" 2>/dev/null | grep -q "bridge "; }
has_addr() { ip -o addr show dev "$1" | grep -q " $2 "; }
wait_for 50 is_bridge br0 || fail "no bridge br0: $(ip -d link show)"
wait_for 50 has_addr br0 10.0.3.1/24 || fail "no 10.0.3.1/24 on br0: $(ip addr show br0)"
ip link show br0 | grep -q "[<,]UP[,>]" || fail "br0 not up: $(ip link show br0)"
wait_for 50 nft list table ip cairn || fail "no nft table ip cairn: $(nft list ruleset)"
nft list table ip cairn | grep -q 'ip saddr 10.0.3.0/24 oifname != "br0" masquerade' ||
	fail "no masquerade rule: $(nft list table ip cairn)"
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || fail "forwarding not on"
nft list table inet theirs | grep -q "chain c" || fail "their table was touched"
grep -q "network br0: bridge made, address 10.0.3.1/24, nat" "$ERR" || fail "no word on br0"

# a port on the bridge, to see that a change keeps it attached
ip link add p0 type veth peer name p1 || fail "no veth here"
ip link set p0 master br0 || fail "cannot attach p0"

# changed address: the same bridge, the old address gone, the rule follows
reload 2 '[network br0]\naddress = 10.0.4.1/24\nnat = yes\n'
wait_for 50 has_addr br0 10.0.4.1/24 || fail "new address not set: $(ip addr show br0)"
wait_for 50 sh -c "! ip -o addr show dev br0 | grep -q ' 10.0.3.1/24 '" || fail "old address kept"
wait_for 50 sh -c "nft list table ip cairn | grep -q 'ip saddr 10.0.4.0/24'" ||
	fail "rule not rewritten: $(nft list table ip cairn)"
nft list table ip cairn | grep -q "10.0.3.0/24" && fail "old rule kept: $(nft list table ip cairn)"
ip link show p0 | grep -q "master br0" || fail "the port was detached by a change"

# nat off: table gone, forwarding back off, bridge stays
reload 3 '[network br0]\naddress = 10.0.4.1/24\n'
wait_for 50 sh -c "! nft list table ip cairn" || fail "table kept without nat: $(nft list ruleset)"
wait_for 50 sh -c "[ \$(cat /proc/sys/net/ipv4/ip_forward) = 0 ]" || fail "forwarding left on"
is_bridge br0 || fail "bridge removed with nat"

# the section goes: the bridge goes, the other table stays
reload 4 '[network br0]\naddress = 10.0.4.1/24\nnat = yes\n'
wait_for 50 nft list table ip cairn || fail "table not made again"
reload 5
wait_for 50 sh -c "! ip link show br0" || fail "bridge not deleted"
wait_for 50 sh -c "! nft list table ip cairn" || fail "table not removed: $(nft list ruleset)"
grep -q "network br0: bridge deleted" "$ERR" || fail "no word on the deletion"
nft list table inet theirs | grep -q "chain c" || fail "their table was touched"
ip link show p0 >/dev/null || fail "the port link itself went away"

# a link of that name that is not a bridge: left alone, said so
ip link add br1 type veth peer name br1p || fail "cannot make br1"
reload 6 '[network br1]\naddress = 10.0.5.1/24\n'
wait_for 50 grep -q "network br1: a link br1 exists and is not a bridge" "$ERR" ||
	fail "no word about br1"
has_addr br1 10.0.5.1/24 && fail "the veth br1 was given the bridge's address"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo "--- cairnd stderr"; cat "$ERR"
echo ok
