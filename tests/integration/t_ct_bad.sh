#!/bin/sh
# cairnctl image import, then bad container input: each gets a clear error and leaves nothing half-made:
# config errors (unknown pool for storage or a volume, overlapping id
# ranges, no sha256) are refused with FILE:LINE; a missing image or one
# whose hash differs from the pinned one fails the instance with the
# reason (so do a program not in the image and a pool not mounted), and no cgroup, mount, loop device or run directory is left.
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"
check() {  # check WANT CONFIG-BODY: cairnctl config check fails saying WANT
	printf '%s\n' "$2" > "$T/bad.conf"
	out=$("$OUT/cairnctl" config check "$T/bad.conf" 2>&1) && fail "accepted: $2"
	echo "  $out"
	echo "$out" | grep -q -- "$1" || fail "expected '$1' in: $out"
}
echo "checking: cairnctl image import prints the hash; refuses a non-image and an overwrite"
out=$("$OUT/cairnctl" image import "$T/ct.sqfs" --dir "$T/images") || fail "import: $out"
echo "  $out"
[ "$out" = "$CT_SHA  $T/images/ct.sqfs" ] || fail "import printed '$out'"
cmp -s "$T/ct.sqfs" "$T/images/ct.sqfs" || fail "imported copy differs"
out=$("$OUT/cairnctl" image import "$T/ct.sqfs" --dir "$T/images" 2>&1) && fail "imported over an image"
echo "$out" | grep -q "File exists" || fail "overwrite refused without the reason: $out"
echo junk > "$T/junk.img"
out=$("$OUT/cairnctl" image import "$T/junk.img" --dir "$T/images" 2>&1) && fail "imported junk"
echo "$out" | grep -q "not squashfs, erofs, tar or tar.zst" || fail "junk refused without the reason: $out"
[ -z "$(ls -A "$T/images" | grep -v '^ct.sqfs$')" ] || fail "import left files: $(ls -A "$T/images")"

echo "checking: config errors"
check "bad.conf:4: .*storage = nopool: no \[pool nopool\]" "[container a]
image = /x.sqfs
sha256 = $CT_SHA
storage = nopool
exec = /bin/true"
check "bad.conf:4: .*volume from unknown pool 'gone'" "[container a]
image = /x.sqfs
sha256 = $CT_SHA
volume = gone/data:/data
exec = /bin/true"
check "bad.conf:10: \[container b\]: idmap 150000-215535 overlaps \[container a\] (line 4, idmap 131072-196607)" "[container a]
image = /x.sqfs
sha256 = $CT_SHA
idmap = 131072
exec = /bin/true

[container b]
image = /x.sqfs
sha256 = $CT_SHA
idmap = 150000
exec = /bin/true"
check "bad.conf:2: .*image without sha256" "[container a]
image = /x.sqfs
exec = /bin/true"
check "bad.conf:1: .*has no exec" "[container a]
image = /x.sqfs
sha256 = $CT_SHA"
check "bad.conf:4: bad cpu" "[container a]
image = /x.sqfs
sha256 = $CT_SHA
cpu = half"

echo "checking: a missing image and a wrong hash fail at start, leaving nothing"
wrong=$(echo "$CT_SHA" | tr 0-9a-f 1-9a-f0)
cat > "$T/conf" <<C
[container missing]
image = /var/lib/nothing.sqfs
sha256 = $CT_SHA
exec = /bin/true
restart = no

[container wronghash]
image = /var/lib/ct.sqfs
sha256 = $wrong
exec = /bin/true
restart = no

[pool gone]
source = /var/lib/not-there
fs = dir

[container nopool]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
storage = gone
persistent = yes
volume = gone/data:/data
exec = /bin/true
restart = no

[container limited]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
memory = 64M
exec = /bin/sleep 1000
restart = no

[container noprog]
image = /var/lib/ct.sqfs
sha256 = $CT_SHA
exec = /bin/not-there
restart = no
C
ns_start "$T/conf" "$T/ct.sqfs"
wait_for 50 state_is missing failed || fail "missing not failed: $(field missing state)"
wait_for 50 state_is wronghash failed || fail "wronghash not failed: $(field wronghash state)"
ctl status missing | tee "$T/st1"
grep -q "/var/lib/nothing.sqfs: No such file" "$T/st1" || fail "no reason for the missing image"
ctl status wronghash | tee "$T/st2"
grep -q "sha256 is $CT_SHA, the config pins $wrong" "$T/st2" || fail "no reason for the wrong hash"
wait_for 50 state_is noprog failed || fail "noprog not failed: $(field noprog state)"
ctl status noprog | grep -q "exec /bin/not-there inside the container: No such file" || fail "no reason for noprog"
wait_for 50 state_is nopool failed || fail "nopool not failed: $(field nopool state)"
ctl status nopool | grep -q "storage pool gone is not mounted" || fail "no reason for nopool: $(ctl status nopool)"
inside "[ ! -e /var/lib/cairn/pools/gone/containers ]" || fail "nopool wrote into an unmounted pool's directory"
# a limit whose controller the host lacks is an error, never unlimited
if inside "grep -qw memory /sys/fs/cgroup/cgroup.controllers"; then
	wait_for 50 state_is limited running || fail "limited not running: $(field limited reason)"
	inside "cat /sys/fs/cgroup/cairn/limited/memory.max" | grep -qx 67108864 || fail "memory.max not set"
	ctl stop limited >/dev/null
	wait_for 50 state_is limited stopped || fail "limited not stopped"
else
	wait_for 50 state_is limited failed || fail "limited not failed without a memory controller: $(field limited state)"
	ctl status limited | grep -q "the memory controller is not available in /sys/fs/cgroup" ||
		fail "no reason for limited: $(ctl status limited)"
fi
for n in missing wronghash noprog nopool limited; do
	ct_no_residue $n
	inside "[ ! -e /run/cairn/containers/$n ]" || fail "run dir of $n left"
done
# missing and wronghash never got as far as a loop device; noprog's image
# was good: it stays mounted once (read-only, shared) while the config
# names it, and nothing of noprog itself is left
inside "! grep -q ' /run/cairn/images/$wrong' /proc/self/mountinfo" || fail "the wrong-hash image was mounted"
[ "$(inside "losetup -j /var/lib/ct.sqfs" | wc -l)" -le 1 ] || fail "loop devices pile up: $(inside "losetup -j /var/lib/ct.sqfs")"
echo PASS
