/* seed.h - the first configuration of a fresh host: a seed.
 *
 * Looked for, in order: DIR/seed.conf (+ .sig) in the seed directory, then
 * partitions whose file system label is one of LABELS, a comma-separated
 * list tried in order (cairnd's default "CAIRN-SEED,ESP": a USB stick the
 * operator plugged in, then the ESP written at flash time), found with libblkid,
 * mounted read-only (vfat, then ext4) on a temporary directory under the
 * run dir, read (/cairn/seed.conf, then /seed.conf) and unmounted at once.
 * A seed is checked like any other config (configstore.h); this only
 * finds the bytes. */
#ifndef CAIRN_SEED_H
#define CAIRN_SEED_H

#include "configstore.h"
#include "err.h"

/* 0 with b filled, -ENOENT ("none found (where)") or another error. dir or
 * labels may be NULL or "" to skip that place. */
int seed_find(const char *dir, const char *labels, const char *run_dir, struct cfg_blob *b,
	      struct cairn_err *e);

#endif
