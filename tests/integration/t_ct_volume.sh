#!/bin/sh
# Volumes and storage on a pool: volume = POOL/PATH:/target binds
# /var/lib/cairn/pools/POOL/PATH (made, owned by the container's root)
# read-write or :ro; storage = POOL keeps a persistent upper there.  A
# symlink in a pool (shared/x -> /etc, as a container sharing that volume
# could plant) cannot make cairnd create or bind anything outside the
# pool for another container's volume data/shared/x/evil.
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"
cat > "$T/conf" <<C
[pool data]
source = /var/lib/pooldir
fs = dir

[container vol]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
persistent = yes
storage = data
volume = data/web:/srv/www
volume = data/conf:/conf:ro
volume = data/shared/x/evil:/evil
exec = /bin/sh -c 'echo hello > /srv/www/index.html && echo wrote-rw; echo x > /conf/f 2>/dev/null || echo ro-refused; echo y > /evil/f && echo wrote-evil; echo up > /upper-file; sleep 1000'
restart = no
stop_timeout = 1s
C
mkdir -p "$T/files/pooldir/conf" "$T/files/pooldir/shared"
# what a container with the volume data/shared could have left there
ln -s /etc "$T/files/pooldir/shared/x"
echo cfg > "$T/files/pooldir/conf/app.conf"
ns_start "$T/conf" "$T/ct.sqfs"
wait_for 100 sh -c "$(command -v nsenter) -t $INIT -m -- grep -q wrote-evil /var/log/cairn/vol.log" ||
	fail "vol did not run: $(field vol reason) $(ct_log vol)"
log=$(ct_log vol); echo "$log"
echo "$log" | grep -q wrote-rw || fail "rw volume not writable"
echo "$log" | grep -q ro-refused || fail "ro volume writable"
inside "cat /var/lib/pooldir/web/index.html" | grep -qx hello || fail "the volume's file is not in the pool"
inside "stat -c %u /var/lib/pooldir/web" | grep -qx 131072 || fail "a new volume dir is not the container root's"
echo "checking: the planted symlink led nowhere outside the pool"
inside "[ ! -e /etc/evil ]" || fail "cairnd followed the planted symlink to the host's /etc"
inside "[ -f /var/lib/pooldir/etc/evil/f ]" || fail "the volume behind the symlink is not inside the pool: $(inside "find /var/lib/pooldir")"
echo "checking: storage = data keeps the upper on the pool"
wait_for 20 inside "[ -f /var/lib/pooldir/containers/vol/rw/upper/upper-file ] || [ -f /var/lib/pooldir/containers/vol/upper/upper-file ]" ||
	fail "no upper on the pool: $(inside "find /var/lib/pooldir/containers | head")"
ctl stop vol >/dev/null
wait_for 50 state_is vol stopped || fail "vol not stopped"
ct_no_residue vol
echo PASS
