#!/bin/sh
# image = FILE.tar.zst: unpacked once (libzstd + cairnd's own tar reader)
# into /var/lib/cairn/containers/NAME/rootfs with owners shifted into the
# container's range; the container runs from it and sees the archive's
# owners.  A member written through a symlink of the archive (evil ->
# /var/lib/outside, then evil/pwned) lands inside the root, never on the
# host.  A second start does not unpack again; a tar whose hash differs
# from the pinned one is refused.
. "$(dirname "$0")/ct_lib.sh"

ct_image "$T/ct.sqfs"        # for its busybox root in $T/imgroot
r=$T/imgroot
mkdir -p "$r/home/user"
echo mine > "$r/home/user/file"
chown -R 1000:1000 "$r/home/user"
ln -s busybox "$r/bin/hardtarget"
tar --numeric-owner -C "$r" -cf "$T/a.tar" . || fail "tar"
# the attack: a symlink member, then a member through it
mkdir -p "$T/evil1" "$T/evil2/evil"
ln -s /var/lib/outside "$T/evil1/evil"
echo pwned > "$T/evil2/evil/pwned"
tar -C "$T/evil1" -cf "$T/e1.tar" evil && tar -C "$T/evil2" -cf "$T/e2.tar" evil/pwned || fail "tar evil"
tar -A -f "$T/a.tar" "$T/e1.tar" && tar -A -f "$T/a.tar" "$T/e2.tar" || fail "tar -A"
tar -tf "$T/a.tar" | grep -qx "evil/pwned" || fail "the archive lacks evil/pwned"
zstd -q -19 "$T/a.tar" -o "$T/ct.tar.zst" || fail "zstd"
sha=$(sha256sum "$T/ct.tar.zst" | cut -d' ' -f1)
cat > "$T/conf" <<C
[container t]
image = /var/lib/ct.tar.zst
sha256 = $sha
exec = /bin/sh -c 'stat -c "home %u:%g %n" /home/user/file; cat /home/user/file; stat -c "root %u" /bin/busybox; ls /var/lib/outside/; id -u'
restart = no

[container bad]
image = /var/lib/ct.tar.zst
sha256 = $(echo "$sha" | tr 0-9a-f 1-9a-f0)
exec = /bin/true
restart = no
C
mkdir -p "$T/var-lib-outside"
ns_start "$T/conf" "$T/ct.tar.zst"
wait_for 100 state_is t stopped || fail "t did not run: $(field t state) $(field t reason)"
log=$(ct_log t); echo "$log"
echo "$log" | grep -q "^home 1000:1000 /home/user/file" || fail "archive owners not kept inside"
echo "$log" | grep -q "^mine" || fail "file content"
echo "$log" | grep -q "^root 0" || fail "root's files not root's inside"
echo "$log" | grep -q "^pwned" || fail "the member through the symlink is not inside the root"
inside "[ ! -e /var/lib/outside ]" || fail "the archive wrote outside its root: $(inside "ls -la /var/lib/outside")"
inside "stat -c %u /var/lib/cairn/containers/t/rootfs/home/user/file" | grep -qx $((131072 + 1000)) ||
	fail "owners not shifted on the host"
inside "cat /var/lib/cairn/containers/t/rootfs.sha256" | grep -q "^$sha 131072" || fail "no unpack stamp"
stamp1=$(inside "stat -c %Y.%i /var/lib/cairn/containers/t/rootfs")
sleep 1
ctl start t >/dev/null || fail "second start"
wait_for 100 sh -c "[ \"\$($(command -v nsenter) -t $INIT -m -- grep -c '^mine' /var/log/cairn/t.log)\" = 2 ]" || fail "second run"
[ "$(inside "stat -c %Y.%i /var/lib/cairn/containers/t/rootfs")" = "$stamp1" ] || fail "unpacked again"
wait_for 50 state_is bad failed || fail "bad not failed"
ctl status bad | grep -q "the config pins" || fail "no reason for bad"
inside "[ ! -e /var/lib/cairn/containers/bad/rootfs ]" || fail "bad's archive was unpacked"
ct_no_residue t
ct_no_residue bad
echo PASS
