#!/bin/sh
# t_net_nat: a [network] bridge with NAT on the real image: its kernel
# modules (bridge, nf_tables, nft_chain_nat, nft_masq) load at boot and the
# image's nft writes cairnd's table.  The demo config plus [network br0]
# address = 10.0.3.1/24, nat = yes: br0 is a bridge with the address, up;
# `nft list table ip cairn` shows the masquerade of 10.0.3.0/24; IPv4
# forwarding is on; the console says so.
. "$(dirname "$0")/lib.sh"
conf=$(test_conf)
cat >>"$conf" <<'C'

[network br0]
address = 10.0.3.1/24
nat = yes
C
sign_conf "$conf"
setup "$conf"
boot
wait_ready
wait_shell 60

grep -q "cairnd: network br0: bridge made, address 10.0.3.1/24, nat" "$CONSOLE" ||
	fail "the console did not show br0 made"
grep -q "cairnd: network: NAT rules set" "$CONSOLE" || fail "the console did not show the NAT rules"
gsh 'ip -o addr show dev br0' | grep -q " 10.0.3.1/24 " || fail "no 10.0.3.1/24 on br0: $(gsh 'ip addr')"
gsh '[ -d /sys/class/net/br0/bridge ]' || fail "br0 is not a bridge"
gsh 'ip link show br0' | grep -q "UP" || fail "br0 not up"
log "br0: a bridge with 10.0.3.1/24, up"
rules=$(gsh 'nft list table ip cairn') || fail "no table ip cairn: $rules"
echo "$rules"
echo "$rules" | grep -q 'ip saddr 10.0.3.0/24 oifname != "br0" masquerade' || fail "no masquerade rule"
[ "$(gsh 'cat /proc/sys/net/ipv4/ip_forward')" = 1 ] || fail "forwarding is off"
log "nft table ip cairn masquerades 10.0.3.0/24, forwarding on"
log "ok"
