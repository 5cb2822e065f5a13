/* reload.c - sup_reload: load (verify, parse, validate), plan, apply.
 * Until the new config has passed every check nothing is touched; then
 * the plan is applied in one go on the loop thread:
 *   changed   -> stop, then start with the new definition
 *   added     -> start (after= order is kept by sup_kick)
 *   removed   -> stop, then forget (state file, init's log pipe)
 *   unchanged -> untouched, same process */
#include "sup_int.h"

#include <errno.h>
#include <stdlib.h>

#include "reconcile.h"
#include "svcdef.h"

static void apply_changed(struct inst *i, const struct cairn_service *ns)
{
	struct cairn_service *copy = svcdef_dup(ns);

	if (!copy) {
		sup_msg("%s: out of memory: keeps its old definition", ns->name);
		return;
	}
	svcdef_free(i->next_svc);
	i->next_svc = copy;   /* swapped in by sup_kick once stopped */
	i->pending_start = true;
	if (i->state == INST_RUNNING || i->state == INST_STARTING)
		sup_feed(i, EV_STOP);
	else
		sup_kick(i->sup);
}

int sup_reload(struct supervisor *s, sup_change_cb cb, void *data, struct cairn_err *e)
{
	struct cairn_config *next;
	const struct cairn_service **old;
	struct rec_plan plan;
	int ret;

	ret = reconcile_load(s->config_path, s->root, s->verify, s->verify_data, &next, e);
	if (ret < 0)
		return ret;
	old = calloc(s->n ? s->n : 1, sizeof(*old));
	if (!old) {
		cairn_config_free(next);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < s->n; k++)
		old[k] = s->insts[k]->next_svc ? s->insts[k]->next_svc : s->insts[k]->svc;
	ret = reconcile_plan(old, s->n, next, &plan, e);
	free(old);
	if (ret < 0) {
		cairn_config_free(next);
		return ret;
	}

	s->kicking = true; /* apply everything, then start in order */
	for (size_t k = 0; k < plan.n; k++) {
		const struct rec_item *it = &plan.items[k];
		struct inst *i = sup_find(s, it->name);

		switch (it->what) {
		case REC_UNCHANGED:
			break;
		case REC_CHANGED:
			if (i)
				apply_changed(i, it->new_svc);
			break;
		case REC_ADDED:
			i = sup_inst_new(s, it->new_svc);
			if (i)
				sup_feed(i, EV_START);
			else
				sup_msg("%s: out of memory: not added", it->name);
			break;
		case REC_REMOVED:
			if (!i)
				break;
			i->remove = true;
			i->pending_start = false;
			if (i->state == INST_RUNNING || i->state == INST_STARTING)
				sup_feed(i, EV_STOP);
			break;
		}
		if (it->what != REC_UNCHANGED) {
			sup_msg("reload: %s %s", it->name, reconcile_what_name(it->what));
			if (cb)
				cb(reconcile_what_name(it->what), it->name, data);
		}
	}
	s->kicking = false;
	reconcile_plan_free(&plan);
	cairn_config_free(s->config);
	s->config = next;
	sup_kick(s);
	return 0;
}
