/* verity.c - placeholder for dm-verity; see verity.h for the plan.
 *
 * A root hash on the command line means someone expects verification:
 * booting unverified then would be a silent downgrade, so it fails. */
#include "verity.h"

#include <errno.h>
#include <stdio.h>

#include "console.h"

int verity_setup(const struct init_opts *o, const char *raw_dev, char *out, size_t size)
{
	if (o->roothash[0]) {
		say("cairn.roothash=%s given, but dm-verity is not implemented yet: "
		    "refusing to mount %s unverified", o->roothash, raw_dev);
		return -ENOSYS;
	}
	say("dm-verity: not set up (arrives with the A/B work); mounting %s directly", raw_dev);
	if (snprintf(out, size, "%s", raw_dev) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}
