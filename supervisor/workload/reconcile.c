/* reconcile.c - the reload plan and the load sequence (reconcile.h).
 * Sections are compared by their canonical text: equal canon means the
 * operator changed nothing that matters (comments, spacing, key order). */
#include "reconcile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int same(const struct cairn_service *a, const struct cairn_service *b)
{
	if (a->canon && b->canon)
		return !strcmp(a->canon, b->canon);
	return 0; /* no canon to compare: assume changed, the safe side */
}

int reconcile_plan(const struct cairn_service *const *old, size_t n_old,
		   const struct cairn_config *next, struct rec_plan *out,
		   struct cairn_err *e)
{
	size_t n = 0, cap = n_old + next->n_services;
	struct rec_item *it = calloc(cap ? cap : 1, sizeof(*it));

	if (!it)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < next->n_services; i++) {
		const struct cairn_service *ns = &next->services[i], *os = NULL;

		for (size_t j = 0; j < n_old && !os; j++)
			if (!strcmp(old[j]->name, ns->name))
				os = old[j];
		it[n].name = ns->name;
		it[n].old_svc = os;
		it[n].new_svc = ns;
		it[n].what = !os ? REC_ADDED : same(os, ns) ? REC_UNCHANGED : REC_CHANGED;
		n++;
	}
	for (size_t j = 0; j < n_old; j++) {
		bool kept = false;

		for (size_t i = 0; i < next->n_services && !kept; i++)
			kept = !strcmp(next->services[i].name, old[j]->name);
		if (kept)
			continue;
		it[n].name = old[j]->name;
		it[n].old_svc = old[j];
		it[n].what = REC_REMOVED;
		n++;
	}
	out->items = it;
	out->n = n;
	return 0;
}

void reconcile_plan_free(struct rec_plan *p)
{
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

const char *reconcile_what_name(enum rec_what w)
{
	switch (w) {
	case REC_UNCHANGED: return "unchanged";
	case REC_CHANGED: return "changed";
	case REC_ADDED: return "added";
	case REC_REMOVED: return "removed";
	}
	return "?";
}

int reconcile_load(const char *path, const char *root, reconcile_verify_fn verify,
		   void *vdata, struct cairn_config **out, struct cairn_err *e)
{
	struct cairn_config *c = NULL;
	int ret;

	if (verify && (ret = verify(path, vdata, e)) < 0)
		return ret;
	ret = cairn_config_load(path, &c, e);
	if (ret < 0)
		return ret;
	ret = cairn_config_validate(c, root, e);
	if (ret < 0) {
		cairn_config_free(c);
		return ret;
	}
	*out = c;
	return 0;
}
