#!/bin/sh
# t_ct_net: containers on a bridge, in the appliance (its kernel, modules,
# nft and cairnd; tests/integration/t_ct_bridge.sh does the same in a
# namespace of the build host).  [network br0] 10.0.3.1/24 with nat = yes;
# an app container "site" (10.0.3.10) runs busybox httpd serving a page with
# a token made by this test; the appliance host fetches it over the
# bridge; a second container "client" (10.0.3.11, gateway from [network])
# fetches it by address, then fetches a second token from an HTTP server
# on the build host through QEMU's user network (10.0.2.2 is the build
# host's loopback), which needs NAT: the conntrack entry shows the
# connection leaving with the appliance's own address.  Each container's
# host end vc-NAME is a port of br0 while it runs and is gone once it
# has stopped.  The busybox image travels on a second disk, an ext4 pool.
. "$(dirname "$0")/lib.sh"

# On exit the build host's HTTP server goes too, then lib.sh's cleanup
# runs with the test's status in $? (set +e: a failing "(exit 1)" under
# set -e would end the trap before QEMU is stopped).
NAT_PID=""
ct_net_cleanup() {
	rc=$?
	set +e
	[ -z "$NAT_PID" ] || kill "$NAT_PID" 2>/dev/null
	(exit "$rc")
	cleanup
}
trap ct_net_cleanup EXIT INT TERM

setup
TOKEN=site-$(openssl rand -hex 8)
NAT_TOKEN=nat-$(openssl rand -hex 8)

# The containers' programs, in the image (no quoting through the config).
mkdir -p "$W/ctbin" "$W/natwww"
cat >"$W/ctbin/site.sh" <<'S'
#!/bin/sh
# site.sh TOKEN: serve a page with TOKEN on port 80
mkdir -p /tmp/www && echo "page $1" >/tmp/www/index.html && exec httpd -f -p 80 -h /tmp/www
S
cat >"$W/ctbin/client.sh" <<'S'
#!/bin/sh
# client.sh SITE-URL NAT-URL: show eth0 and the routes, fetch both (retrying:
# site may start later, the appliance's DHCP lease may come later)
ip -4 addr show eth0; ip route
# fetch WHAT URL SECONDS
fetch() {
	end=$(($(date +%s) + $3))
	until out=$(wget -q -T 3 -O- "$2" 2>&1); do
		[ "$(date +%s)" -lt "$end" ] || { echo "$1 failed: $2: $out"; return 1; }
		sleep 1
	done
	echo "$1 says: $out"
}
fetch site "$1" 60; a=$?
fetch nat "$2" 60; b=$?
[ $a = 0 ] && [ $b = 0 ]
S
echo "$NAT_TOKEN" >"$W/natwww/token.txt"

mk/inroot.sh sh -eu -c '
	W=$1; r=$W/ctroot
	rm -rf "$r"; mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$W/pool"
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
	install -m 755 "$W/ctbin/site.sh" "$W/ctbin/client.sh" "$r/bin/"
	mksquashfs "$r" "$W/pool/ct.sqfs" -noappend -quiet -all-root >/dev/null
	truncate -s 32M "$W/pool.img"
	mkfs.ext4 -q -F -L ctimg -d "$W/pool" "$W/pool.img"
	sha256sum "$W/pool/ct.sqfs" | cut -d" " -f1 > "$W/sha"
' sh "$W" || fail "cannot make the container image disk"
sha=$(cat "$W/sha")

# The build host's end of the NAT check: QEMU's user network takes the
# guest's connections to 10.0.2.2:PORT to 127.0.0.1:PORT here.
NAT_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$W/natwww" "$NAT_PORT" \
	>"$W/natsrv.log" 2>&1 &
NAT_PID=$!
end=$(($(date +%s) + 20))
until curl -fsS -m 2 "http://127.0.0.1:$NAT_PORT/token.txt" 2>/dev/null | grep -q "$NAT_TOKEN"; do
	[ "$(date +%s)" -lt "$end" ] || fail "the build host's HTTP server on :$NAT_PORT did not answer: $(cat "$W/natsrv.log")"
	sleep 0.5
done

conf=$(test_conf)
cat >>"$conf" <<C

[pool ctimg]
source = LABEL=ctimg

[network br0]
type = bridge
address = 10.0.3.1/24
nat = yes

[container site]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
network = bridge:br0
address = 10.0.3.10/24
exec = /bin/site.sh $TOKEN
restart = always
stop_timeout = 2s

[container client]
image = /var/lib/cairn/pools/ctimg/ct.sqfs
sha256 = $sha
network = bridge:br0
address = 10.0.3.11/24
exec = /bin/client.sh http://10.0.3.10/ http://10.0.2.2:$NAT_PORT/token.txt
restart = no
C
sign_conf "$conf"
image-build/putconf.sh "$W/disk.img" "$conf" || fail "putconf"
QEMU_EXTRA="-drive file=$W/pool.img,format=raw,if=virtio"
boot
wait_ready
grep -q "cairnd: current configuration refused" "$CONSOLE" && fail "the test configuration was refused"
wait_shell 60

# state NAME: the instance's state, as cairnctl status says it
state() { gsh "cairnctl status $1" 10 | sed -n 's/^state: *//p'; }
# wait_state NAME STATES SECONDS: until its state matches STATES (an ERE)
wait_state() {
	end=$(($(date +%s) + $3))
	until state "$1" | grep -Eqx "$2"; do
		[ "$(date +%s)" -lt "$end" ] ||
			fail "$1 is not $2 after $3 s: $(gsh "cairnctl status $1; tail -20 /var/log/cairn/$1.log")"
		sleep 2
	done
}

grep -q "cairnd: network br0: bridge made, address 10.0.3.1/24, nat" "$CONSOLE" ||
	fail "the console did not show br0 made"

log "site on br0"
wait_state site running 60
gsh 'ip link show vc-site' | grep -q "master br0" ||
	fail "vc-site is not a port of br0: $(gsh 'ip link show vc-site; ip link')"

log "the appliance host fetches site's page over the bridge"
end=$(($(date +%s) + 60))
until page=$(gsh 'wget -q -T 3 -O- http://10.0.3.10/' 10) && [ "$page" = "page $TOKEN" ]; do
	[ "$(date +%s)" -lt "$end" ] ||
		fail "the host cannot fetch site's page (got '$page'): $(gsh 'ip addr; ip route; tail /var/log/cairn/site.log')"
	sleep 2
done

log "client fetches site's page by address and the build host's token through NAT"
wait_state client 'stopped|failed' 150   # its two fetches give up after 60 s each
clog=$(gsh 'cat /var/log/cairn/client.log') || true
echo "$clog"
code=$(gsh 'cairnctl status client' | sed -n 's/^last exit code: *//p')
[ "$code" = 0 ] || fail "client exited $code (its log is above)"
echo "$clog" | grep -q "inet 10.0.3.11/24" || fail "client's eth0 lacks 10.0.3.11/24"
echo "$clog" | grep -q "^default via 10.0.3.1 dev eth0" ||
	fail "client's default route is not the bridge's address"
echo "$clog" | grep -qx "site says: page $TOKEN" || fail "client did not get site's page with the token"
echo "$clog" | grep -qx "nat says: $NAT_TOKEN" || fail "client did not get the build host's token"
# the masquerade, seen by conntrack: from 10.0.3.11 out, back to the
# appliance's own address on eth0 (QEMU's user network gives 10.0.2.15)
ct=$(gsh "grep 'src=10.0.3.11 dst=10.0.2.2 .* dport=$NAT_PORT ' /proc/net/nf_conntrack") || true
echo "$ct"
echo "$ct" | grep -q "src=10.0.2.2 dst=10.0.2.15 sport=$NAT_PORT " ||
	fail "no masqueraded connection from client in conntrack: $(gsh 'cat /proc/net/nf_conntrack')"

log "a stopped container's vc-NAME is gone"
# link_gone LINK WHAT: within 20 s (a dying namespace takes its end along
# asynchronously), else fail
link_gone() {
	end=$(($(date +%s) + 20))
	until gsh "! ip link show $1 2>/dev/null"; do
		[ "$(date +%s)" -lt "$end" ] || fail "$1 left behind after $2 stopped: $(gsh 'ip link')"
		sleep 1
	done
}
link_gone vc-client client
gsh 'cairnctl stop site' 30 || fail "cannot stop site"
wait_state site stopped 30
link_gone vc-site site
gsh 'wget -q -T 2 -O- http://10.0.3.10/' 10 && fail "site still answers once stopped"
gsh '[ -d /sys/class/net/br0/bridge ]' || fail "br0 went with its last port"
log "ok"
