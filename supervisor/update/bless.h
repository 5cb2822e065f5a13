/* bless.h - blessing a boot, as systemd-bless-boot does: once the slot
 * that booted from a counting entry (cairn-a+2-1.conf) has its essential
 * instances up for [host] bless_after and its health checks pass, its
 * entry loses the counter (cairn-a.conf) and systemd-boot keeps booting
 * it.  A boot still unblessed [host] health_timeout after the kernel
 * started is recorded (<update_dir>/unblessed) and rebooted through
 * cairn-init, so systemd-boot counts the try down; after the last try it
 * boots the other slot by itself.  Also: finding, at start, that the
 * other slot's newer entry ran out of tries (a failed update). */
#ifndef CAIRN_BLESS_H
#define CAIRN_BLESS_H

#include <stddef.h>

#include "config.h"
#include "entry.h"
#include "err.h"
#include "loop.h"

#define BLESS_UNBLESSED "unblessed"

struct supervisor;
struct bless;

/* Look at the booted slot's entry and, when it still counts tries, watch
 * the instances until it can be blessed or must be given up.  *out is NULL
 * when there is nothing to do.  Reports on stderr (the console). */
int bless_new(struct bless **out, struct loop *l, struct supervisor *s, struct cairn_err *e);
void bless_free(struct bless *b);
/* Call fn(data) once this boot is blessed (the update stick looks again:
 * an install it was refused, to keep the other slot, may go ahead now). */
void bless_on_done(struct bless *b, void (*fn)(void *data), void *data);

/* Rename entries_dir/fname to its name without the counter and fsync the
 * directory; the new name goes to newname.  -EINVAL for a name that is
 * not a counting cairn entry. */
int bless_rename(const char *entries_dir, const char *fname, char *newname, size_t size,
		 struct cairn_err *e);

/* At start: when the slot not booted has an entry with no tries left (its
 * update never got blessed), say so on the console and record its version
 * in failed-versions with the reason.  1 when one was found, 0 if not. */
int rollback_check(struct cairn_err *e);

#endif
