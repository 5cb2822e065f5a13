/* reconcile.h - from the definitions running now and a new config, the
 * plan: which instances changed (restart with the new definition), which
 * were added (start), removed (stop and forget), or left alone.  Pure:
 * the supervisor applies the plan.
 *
 * Loading a new config is one visible sequence:
 *   1. verify  (the file's detached signature)
 *   2. parse   (grammar, values: "FILE:LINE: ...")
 *   3. validate against the host (executables, users)
 * Nothing is applied unless all three pass.  cairnd runs this sequence on
 * bytes read once (configstore.h: cstore_check); reconcile_load() is the
 * same on a path, with the signature check as a hook, for tools. */
#ifndef CAIRN_RECONCILE_H
#define CAIRN_RECONCILE_H

#include <stddef.h>

#include "config.h"
#include "err.h"

enum rec_what { REC_UNCHANGED, REC_CHANGED, REC_ADDED, REC_REMOVED };

struct rec_item {
	const char *name;
	enum rec_what what;
	const struct cairn_service *old_svc;   /* NULL when added */
	const struct cairn_service *new_svc;   /* NULL when removed */
};

struct rec_plan {
	struct rec_item *items;
	size_t n;
};

/* old: the definitions in force (n_old of them); next: the new config.
 * Items come in the new config's order, removed ones last. */
int reconcile_plan(const struct cairn_service *const *old, size_t n_old,
		   const struct cairn_config *next, struct rec_plan *out,
		   struct cairn_err *e);
void reconcile_plan_free(struct rec_plan *p);
const char *reconcile_what_name(enum rec_what w);

typedef int (*reconcile_verify_fn)(const char *path, void *data, struct cairn_err *e);

/* Steps 1-3 above. root is where validation looks ("/"). */
int reconcile_load(const char *path, const char *root, reconcile_verify_fn verify,
		   void *vdata, struct cairn_config **out, struct cairn_err *e);

#endif
