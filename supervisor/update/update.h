/* update.h - cairnd's side of an update: where things are on this host,
 * which slot an upload goes to, and the slot keeper's hooks (slot.h)
 * around the installer core (install.h). */
#ifndef CAIRN_UPDATE_H
#define CAIRN_UPDATE_H

#include <stdbool.h>

#include "err.h"
#include "install.h"

#define UPDATE_DIR_DEFAULT     "/var/lib/cairn/update"
#define UPDATE_SHARE_DEFAULT   "/usr/share/cairn"
#define UPDATE_CMDLINE_DEFAULT "/proc/cmdline"

struct update_opts {
	const char *trust_dir;     /* signers, as for configs */
	const char *state_dir;     /* failed-versions, temporaries (UPDATE_DIR_DEFAULT) */
	const char *share_dir;     /* compatible and version of the running image */
	const char *cmdline;       /* where cairn.slot= is read */
	const char *root_target;   /* NULL: the inactive slot's partitions (slot.h); */
	const char *verity_target; /* set: these files or devices (tests) */
};

/* Everything an install needs, with the strings it points into. */
struct update_plan {
	struct install_plan plan;
	char compatible[BUNDLE_COMPAT_MAX + 1];
	char running[BUNDLE_VERSION_MAX + 1];
	char failed[4096];
	char root[4096], verity[4096];
	char keep[256];               /* plan.keep's text */
};

/* Which slot to write (the one that did not boot), its targets, this
 * image's compatible and version.  Fails with a message when the running
 * image says neither which slot booted nor what it is. */
int update_plan_make(const struct update_opts *o, struct update_plan *u, struct cairn_err *e);

/* One install at a time, whoever starts it (an API upload, a stick):
 * update_claim is false while another holds it.  cairnd's loop thread
 * only. */
bool update_claim(const char *who);
const char *update_holder(void);   /* NULL when free */
void update_release(void);

#endif
