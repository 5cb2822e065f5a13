#!/bin/sh
# t_seed: first boot takes its configuration from a USB-stick-like disk, a
# FAT file system labelled CAIRN-SEED holding /cairn/seed.conf + .sig
# (found with libblkid, mounted read-only), before the image's built-in
# demo; the accepted seed is stored as the current configuration.
. "$(dirname "$0")/lib.sh"
setup                          # a fresh disk: no configuration on /var yet
conf=$(test_conf)              # demo + the test shell, signed with the image's signer
{ cat "$conf"; printf '\n[service seeded]\nexec = /bin/sh -c "echo from-the-seed; exec sleep 100000"\n'; } >"$W/seed.conf"
key=${SIGNING_KEY:-build/keys/dev-signer.key}
openssl dgst -sha256 -sign "$key" -out "$W/seed.conf.sig" "$W/seed.conf" || fail "cannot sign the seed"

# the stick: FAT, label CAIRN-SEED, made and filled without mounting
truncate -s 16M "$W/seed.img"
mkfs.vfat -n CAIRN-SEED "$W/seed.img" >/dev/null || fail "mkfs.vfat"
mmd -i "$W/seed.img" ::/cairn || fail "mmd"
mcopy -i "$W/seed.img" "$W/seed.conf" ::/cairn/seed.conf || fail "mcopy"
mcopy -i "$W/seed.img" "$W/seed.conf.sig" ::/cairn/seed.conf.sig || fail "mcopy sig"

QEMU_EXTRA="-drive file=$W/seed.img,format=raw,if=virtio,readonly=on"
boot
wait_ready
grep -Eq "cairnd: configuration: seed" "$CONSOLE" || fail "the console does not say the seed was taken"
wait_shell 60
list=$(gsh 'cairnctl list') || fail "cairnctl list failed: $list"
echo "$list"
echo "$list" | grep -E '^ *seeded ' | grep -q running || fail "the seed's own service is not running"
gsh 'grep -q "^\[service seeded\]" /var/lib/cairn/config/current.conf' ||
	fail "the seed was not stored as the current configuration"
gsh 'cairnctl logs seeded' | grep -q from-the-seed || fail "no output from the seeded service"
log "ok"
