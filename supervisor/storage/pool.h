/* pool.h - storage pools (cairnd): the [pool] sections of the config in
 * force, resolved, probed, formatted when allowed, and mounted under the
 * pools root at NAME.
 *
 * pools_apply() runs with every configuration that comes into force (boot,
 * reload, push).  A pool that is already mounted from its source is left
 * alone; anything mounted under the root that the config no longer names
 * is unmounted (lazily when busy).  A pool that cannot be brought up is an
 * error on that pool, never on cairnd: its state says why, and the next
 * apply tries again.  Mounts outlive cairnd, so a restarted cairnd finds
 * its pools mounted and reports them ready. */
#ifndef CAIRN_POOL_H
#define CAIRN_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

#define POOLS_DIR_DEFAULT "/var/lib/cairn/pools"

enum pool_state { POOL_READY, POOL_MISSING, POOL_ERROR };

/* One pool as the API shows it; the strings belong to the pool set and
 * live until the next pools_apply(). */
struct pool_status {
	const char *name, *source, *fs;
	enum pool_state state;
	const char *reason;       /* "" when ready */
	const char *mountpoint;
	const char *device;       /* what source resolved to ("" if nothing) */
	uint64_t size, used;      /* bytes, from statvfs; 0 unless ready */
};

struct pools;

/* dir: the pools root (made when missing, at the first apply). */
int pools_new(struct pools **out, const char *dir, struct cairn_err *e);
void pools_apply(struct pools *p, const struct cairn_config *c);
size_t pools_count(const struct pools *p);
void pools_status(const struct pools *p, size_t i, struct pool_status *out);
const char *pool_state_name(enum pool_state s);
/* Leaves every pool mounted: the next cairnd takes them over. */
void pools_free(struct pools *p);

/* probe.c, the libblkid side.
 * pool_resolve: source (/dev/..., LABEL=, UUID=, PARTLABEL=) to a device
 * path in *dev (malloc'd): 0, -ENOENT when nothing has that tag or the
 * path does not exist, -ENOTBLK when it is not a block device.
 * pool_probe: 1 when dev is blank (no signature of any kind), 0 when it
 * holds one: type is the file system ("" when it is something else) and
 * what says what it is ("ext4 file system", "gpt partition table",
 * "linux_raid_member (raid)"); -errno when the probe itself failed or was
 * ambivalent: never taken for blank. */
int pool_resolve(const char *source, char **dev);
int pool_probe(const char *dev, char *type, size_t tsize, char *what, size_t wsize);

#endif
