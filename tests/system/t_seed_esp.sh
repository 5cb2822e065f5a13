#!/bin/sh
# t_seed_esp: a seed written to the ESP after flashing (/cairn/seed.conf +
# .sig on the FAT partition labelled ESP, the image's first partition) is
# taken on first boot, before the image's demo.
. "$(dirname "$0")/lib.sh"
setup                          # a fresh disk: no configuration on /var yet
conf=$(test_conf)
{ cat "$conf"; printf '\n[service from-esp]\nexec = /bin/sh -c "echo seeded-by-the-esp; exec sleep 100000"\n'; } >"$W/seed.conf"
sign_conf "$W/seed.conf"

# The ESP is the first partition, 1 MiB into the disk: mtools reaches it
# with FILE@@OFFSET, as an operator's tooling would after dd.
esp="$W/disk.img@@1M"
mmd -i "$esp" ::/cairn 2>/dev/null || true   # may already exist; mcopy says if not
mcopy -o -i "$esp" "$W/seed.conf" ::/cairn/seed.conf || fail "mcopy seed.conf onto the ESP"
mcopy -o -i "$esp" "$W/seed.conf.sig" ::/cairn/seed.conf.sig || fail "mcopy seed.conf.sig onto the ESP"

boot
wait_ready
grep -Eq "cairnd: configuration: seed" "$CONSOLE" || fail "the console does not say the seed was taken"
wait_shell 60
gsh 'cairnctl list' | grep -E '^ *from-esp ' | grep -q running || fail "the ESP seed's service is not running"
gsh 'cairnctl logs from-esp' | grep -q seeded-by-the-esp || fail "no output from the ESP seed's service"
log "ok"
