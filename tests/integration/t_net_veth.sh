#!/bin/sh
# Workload networking (supervisor/net/wnet.h) through the test tool
# $OUT/tools/wnet, in a network namespace of its own: cairnd makes
# [network br0] 10.0.3.1/24; two processes started with `unshare -n sleep`
# get a veth each (host end vc-* under br0, the other end eth0 in their
# namespace with an address, a MAC and a default route); from inside they
# ping the bridge and each other.  Without an address (dhcp) the link is
# only brought up.  Bad input: an unknown bridge, a link that is not a
# bridge, a process that is gone, a taken host name, a gateway that cannot
# be reached: a clear error and no link left behind.  Detach removes the
# pair; a tap joins the bridge with master + up.  Link names stay within
# 15 bytes and differ for long names that share a prefix.
if [ -z "${NET_NS_DONE:-}" ]; then
	command -v ip >/dev/null || { echo "FAIL: no ip (iproute2) in the build root"; exit 1; }
	NET_NS_DONE=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/sup_lib.sh"
W=$OUT/tools/wnet
[ -x "$W" ] || fail "no $W (make helpers)"
PIDS=
trap 'for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done; cleanup' EXIT INT TERM

# netns: a process in a network namespace of its own; its pid in NS
netns() {
	unshare -n sleep 600 &
	NS=$!
	PIDS="$PIDS $NS"
	wait_for 50 sh -c "[ \"\$(readlink /proc/$NS/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]" ||
		fail "no namespace for $NS"
}
in_ns() { p=$1; shift; nsenter -t "$p" -n -- "$@"; }
no_link() { ! ip link show "$1" >/dev/null 2>&1; }

ip link set lo up
cat > "$CONF" <<C
[host]
generation = 1

[network br0]
address = 10.0.3.1/24
nat = yes
C
start_cairnd
wait_for 50 sh -c "ip -o addr show dev br0 | grep -q ' 10.0.3.1/24 '" || fail "no br0"

# names
[ "$("$W" name vc- web)" = vc-web ] || fail "short name: $("$W" name vc- web)"
a=$("$W" name vc- a-very-long-container-1) || fail "long name"
b=$("$W" name vc- a-very-long-container-2) || fail "long name"
[ ${#a} = 15 ] && [ ${#b} = 15 ] || fail "long names not 15 bytes: $a $b"
[ "$a" != "$b" ] || fail "long names collide: $a"
"$W" name vc- "" 2>/dev/null && fail "an empty name was named"

# two containers
netns; A=$NS
netns; B=$NS
"$W" attach "$A" br0 vc-a eth0 10.0.3.10/24 10.0.3.1 02:00:00:00:03:0a 2>"$T/err" ||
	fail "attach A: $(cat "$T/err")"
"$W" attach "$B" br0 vc-b eth0 10.0.3.11/24 10.0.3.1 2>"$T/err" || fail "attach B: $(cat "$T/err")"
ip link show vc-a | grep -q "master br0" || fail "vc-a not on br0: $(ip link show vc-a)"
ip link show vc-a | grep -q "[<,]UP[,>]" || fail "vc-a not up"
in_ns "$A" ip -o addr show dev eth0 | grep -q " 10.0.3.10/24 " || fail "no address in A"
in_ns "$A" ip link show eth0 | grep -q "02:00:00:00:03:0a" || fail "MAC not set in A"
in_ns "$A" ip link show lo | grep -q "[<,]UP[,>]" || fail "lo not up in A"
in_ns "$A" ip route show default | grep -q "via 10.0.3.1 dev eth0" || fail "no default route in A"
wait_for 150 in_ns "$A" busybox ping -c1 -W1 10.0.3.1 || fail "A cannot ping the bridge"
wait_for 150 in_ns "$B" busybox ping -c1 -W1 10.0.3.1 || fail "B cannot ping the bridge"
wait_for 150 in_ns "$A" busybox ping -c1 -W1 10.0.3.11 || fail "A cannot reach B"
in_ns "$B" busybox ping -c1 -W1 10.0.3.10 >/dev/null || fail "B cannot reach A"

# dhcp: no address, the link only up
netns; C=$NS
"$W" attach "$C" br0 vc-c eth0 - - 2>"$T/err" || fail "attach C: $(cat "$T/err")"
in_ns "$C" ip link show eth0 | grep -q "[<,]UP[,>]" || fail "eth0 not up in C"
in_ns "$C" ip -o -4 addr show dev eth0 | grep -q inet && fail "C got an address"

# bad input: a clear error, nothing left behind
expect_refused() {   # expect_refused WHAT HOSTIF ATTACH-ARGS...
	what=$1 hif=$2; shift 2
	"$W" attach "$@" 2>"$T/err" && fail "$what: accepted"
	grep -q "$what" "$T/err" || fail "$what: not said: $(cat "$T/err")"
}
netns; D=$NS
expect_refused "no bridge nosuch" vc-d "$D" nosuch vc-d eth0 10.0.3.20/24 -
no_link vc-d || fail "unknown bridge: vc-d left behind"
expect_refused "lo is not a bridge" vc-d "$D" lo vc-d eth0 10.0.3.20/24 -
no_link vc-d || fail "not a bridge: vc-d left behind"
expect_refused "link vc-a exists already" vc-a "$D" br0 vc-a eth0 10.0.3.20/24 -
in_ns "$D" ip link show eth0 2>/dev/null && fail "taken name: eth0 made in D"
expect_refused "default route via 192.0.2.1" vc-d "$D" br0 vc-d eth0 10.0.3.20/24 192.0.2.1
no_link vc-d || fail "unreachable gateway: vc-d left behind"
in_ns "$D" ip link show eth0 2>/dev/null && fail "unreachable gateway: eth0 left in D"
expect_refused "bad address" vc-d "$D" br0 vc-d eth0 10.0.3.300/24 -
sh -c 'exit 0' & GONE=$!
wait "$GONE"
expect_refused "process $GONE is gone" vc-g "$GONE" br0 vc-g eth0 10.0.3.30/24 -
no_link vc-g || fail "gone process: vc-g left behind"
[ "$(ip -o link show master br0 | wc -l)" = 3 ] || fail "ports on br0: $(ip -o link show master br0)"

# detach: the pair goes; twice is fine
"$W" detach vc-a 2>"$T/err" || fail "detach: $(cat "$T/err")"
no_link vc-a || fail "vc-a still there"
in_ns "$A" ip link show eth0 2>/dev/null && fail "eth0 still in A"
"$W" detach vc-a 2>"$T/err" || fail "a second detach failed: $(cat "$T/err")"
# the namespace dies: its pair with it
kill -KILL "$B"; wait "$B" 2>/dev/null
wait_for 50 no_link vc-b || fail "vc-b outlived its namespace"

# a VM's tap: master + up
if ip tuntap add dev vt-vm mode tap 2>/dev/null; then
	"$W" master vt-vm br0 2>"$T/err" || fail "master: $(cat "$T/err")"
	"$W" up vt-vm 2>"$T/err" || fail "up: $(cat "$T/err")"
	ip link show vt-vm | grep -q "master br0" || fail "tap not on br0"
	ip link show vt-vm | grep -q "[<,]UP[,>]" || fail "tap not up"
	"$W" master vt-vm nosuch 2>"$T/err" && fail "master to no bridge: accepted"
	grep -q "no bridge nosuch" "$T/err" || fail "master: not said: $(cat "$T/err")"
else
	# no /dev/net/tun here: a veth end stands in for the tap
	ip link add vt-vm type veth peer name vt-vmp || fail "no link for master"
	"$W" master vt-vm br0 2>"$T/err" || fail "master: $(cat "$T/err")"
	"$W" up vt-vm 2>"$T/err" || fail "up: $(cat "$T/err")"
	ip link show vt-vm | grep -q "master br0" || fail "link not on br0"
fi
"$W" up nosuch 2>"$T/err" && fail "up of no link: accepted"
grep -q "no link nosuch" "$T/err" || fail "up: not said: $(cat "$T/err")"
kill -0 "$CAIRND_PID" || fail "cairnd died"
echo ok
