#!/bin/sh
# [pool] sections, on loop devices made from sparse files in the test's
# temp dir, everything in a private mount namespace (nothing shows on the
# host; the loop devices are detached by the cleanup trap):
#   blank + format = if-blank   -> ext4, mounted
#   ext4 + format = if-blank    -> mounted as it is (a marker survives)
#   partition table, no fs      -> not blank: error, never formatted
#   blank + format = never      -> error, not formatted
#   LABEL=                      -> resolved by libblkid, mounted
#   LABEL= of nothing           -> missing; cairnd goes on serving
#   fs = dir                    -> a bind mount
# `cairnctl pool list` (table and JSON) shows them; a reload without two of
# the pools unmounts them, the busy one lazily, and says so.
if [ -z "${POOL_NS_DONE:-}" ]; then
	command -v losetup >/dev/null || { echo "FAIL: no losetup in the build root"; exit 1; }
	POOL_NS_DONE=1 exec unshare --mount --propagation private -- "$0" "$@"
fi
. "$(dirname "$0")/sup_lib.sh"
POOLS=$T/pools
LOOPS=
HOLDER=
TAG=cp$$            # labels unique to this run (max 16 characters for ext4)

pool_cleanup() {
	[ -n "$HOLDER" ] && kill -KILL "$HOLDER" 2>/dev/null
	if [ -n "$CAIRND_PID" ]; then stop_cairnd TERM; fi
	# unmount before anything is removed: rm must never reach into a pool
	for m in "$POOLS"/*; do
		[ -d "$m" ] && umount -R -l "$m" 2>/dev/null
	done
	for l in $LOOPS; do losetup -d "$l" || echo "cannot detach $l"; done
	cleanup
}
trap pool_cleanup EXIT INT TERM

# newloop NAME: a 64 MiB sparse file attached to a free loop device, whose
# path goes to $NAME (not a command substitution: LOOPS must be kept)
newloop() {
	truncate -s 64M "$T/$1.img" || fail "truncate"
	l=$(losetup -f --show "$T/$1.img") || fail "losetup -f --show $1"
	LOOPS="$LOOPS $l"
	eval "$1=\$l"
}
newloop fresh
newloop used
newloop parted
newloop never
newloop labelled

mkfs.ext4 -q "$used" || fail "mkfs.ext4 $used"
mkdir "$T/m" && mount "$used" "$T/m" && echo keep-me > "$T/m/marker" && umount "$T/m" ||
	fail "cannot write the marker"
printf 'label: dos\n2048,8192,83\n' | sfdisk -q "$parted" >/dev/null 2>&1 ||
	fail "sfdisk $parted"
mkfs.ext4 -q -L "$TAG" "$labelled" || fail "mkfs.ext4 -L $TAG"
mkdir -p "$T/srv/home" && echo hello > "$T/srv/home/file"

cat > "$CONF" <<C
[host]
generation = 1

[pool fresh]
source = $fresh
format = if-blank

[pool used]
source = $used
format = if-blank

[pool parted]
source = $parted
format = if-blank

[pool never]
source = $never

[pool lbl]
source = LABEL=$TAG

[pool gone]
source = LABEL=${TAG}x
fs = xfs

[pool home]
source = $T/srv/home
fs = dir
C
start_cairnd --pools-dir "$POOLS"

# pool_json NAME KEY: one value of GET /1.0/pools (cJSON's one-line
# output, members in a fixed order; no value holds a '"' or a '}')
pool_json() {
	ctl --format json pool list | sed 's/},{/}\n{/g' | grep "\"name\":\"$1\"" |
		sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}
fstype() { blkid -p -o value -s TYPE "$1" 2>/dev/null; }
is_mounted() { mountpoint -q "$POOLS/$1"; }

[ "$(pool_json fresh state)" = ready ] || fail "fresh not ready: $(pool_json fresh reason)"
[ "$(fstype "$fresh")" = ext4 ] || fail "fresh not formatted ext4: $(fstype "$fresh")"
is_mounted fresh || fail "fresh not mounted"
grep -q "pool fresh: $fresh is blank: .*mkfs.ext4 -q $fresh" "$ERR" || fail "no word about mkfs"
[ "$(pool_json fresh size)" -gt 0 ] || fail "fresh has no size"

[ "$(pool_json used state)" = ready ] || fail "used not ready: $(pool_json used reason)"
[ "$(cat "$POOLS/used/marker" 2>&1)" = keep-me ] || fail "used was reformatted: marker gone"
grep -q "pool used: .* is blank" "$ERR" && fail "used was taken for blank"

[ "$(pool_json parted state)" = error ] || fail "parted not in error: $(pool_json parted state)"
pool_json parted reason | grep -q "is not blank (dos partition table) and has no ext4 file system" ||
	fail "parted's reason: $(pool_json parted reason)"
[ -z "$(fstype "$parted")" ] || fail "parted got a file system: $(fstype "$parted")"
sfdisk -d "$parted" 2>/dev/null | grep -q "start=        2048" || fail "parted's table changed"
is_mounted parted && fail "parted mounted"

[ "$(pool_json never state)" = error ] || fail "never not in error"
pool_json never reason | grep -q "is blank and format = never" ||
	fail "never's reason: $(pool_json never reason)"
[ -z "$(fstype "$never")" ] || fail "never was formatted"

[ "$(pool_json lbl state)" = ready ] || fail "lbl not ready: $(pool_json lbl reason)"
[ "$(pool_json lbl device)" = "$labelled" ] ||
	[ "$(readlink -f "$(pool_json lbl device)")" = "$labelled" ] ||
	fail "LABEL=$TAG resolved to $(pool_json lbl device), not $labelled"

[ "$(pool_json gone state)" = missing ] || fail "gone not missing: $(pool_json gone state)"
pool_json gone reason | grep -q "no device has LABEL=${TAG}x" ||
	fail "gone's reason: $(pool_json gone reason)"
kill -0 "$CAIRND_PID" || fail "cairnd died"
ctl list >/dev/null || fail "cairnd does not serve with a pool missing"

[ "$(pool_json home state)" = ready ] || fail "home not ready: $(pool_json home reason)"
[ "$(cat "$POOLS/home/file")" = hello ] || fail "home not bind-mounted"

# the table
ctl pool list > "$T/table" || fail "cairnctl pool list failed"
head -1 "$T/table" | grep -q "^NAME *STATE *FS *SIZE *USED *SOURCE" || fail "bad table header"
for p in fresh used parted never lbl gone home; do
	grep -q "^$p " "$T/table" || fail "no row for $p"
done
grep -q "^fresh *ready *ext4 *[0-9.]*M *[0-9.]*[KM]* *$fresh" "$T/table" || fail "bad row for fresh"
grep -q "^gone *missing *xfs *- *- *LABEL=${TAG}x *no device" "$T/table" || fail "bad row for gone"
grep -q "^home *ready *dir " "$T/table" || fail "bad row for home"

# a restarted cairnd finds its pools mounted: nothing formatted, nothing moved
stop_cairnd KILL
mv "$ERR" "$T/cairnd.err.1"
start_cairnd --pools-dir "$POOLS"
[ "$(pool_json fresh state)" = ready ] || fail "fresh not ready after a restart"
grep -q "pool fresh: .* is blank" "$ERR" && fail "fresh formatted again"
grep -q "pool fresh:" "$ERR" && fail "a mounted pool is not left alone: $(grep "pool fresh:" "$ERR")"
[ "$(grep -c "$POOLS/fresh" /proc/self/mountinfo)" = 1 ] || fail "fresh mounted twice"

# a reload without fresh, home and lbl: all three unmounted; lbl is
# busy (a process has its cwd there), so it is detached lazily
(cd "$POOLS/lbl" && exec sleep 60) &
HOLDER=$!
sleep 0.2
cat > "$CONF" <<C
[host]
generation = 2

[pool used]
source = $used
format = if-blank
C
sign_config "$CONF"
kill -HUP "$CAIRND_PID"
wait_for 50 sh -c "! mountpoint -q $POOLS/fresh" || fail "fresh still mounted after the reload"
wait_for 50 sh -c "! mountpoint -q $POOLS/home" || fail "home still mounted"
wait_for 50 sh -c "! mountpoint -q $POOLS/lbl" || fail "lbl still mounted"
grep -q "pool lbl: $POOLS/lbl is busy: detached lazily" "$ERR" ||
	fail "no word about the lazy unmount of lbl"
grep -q "pool fresh: unmounted $POOLS/fresh" "$ERR" || fail "no word about fresh's unmount"
[ "$(cat "$T/srv/home/file")" = hello ] || fail "home's source touched"
is_mounted used || fail "used unmounted by the reload"
[ "$(ctl --format json pool list | grep -o '"name":' | wc -l)" = 1 ] ||
	fail "pool list after the reload: $(ctl --format json pool list)"
echo "--- cairnd stderr"; grep "pool" "$ERR"
echo ok
