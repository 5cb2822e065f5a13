/* reload.c - sup_reload and sup_apply: make a checked config the one in
 * force.  Until a config has passed every check (configstore.c) nothing is
 * touched; then the plan is applied in one go on the loop thread:
 *   changed   -> stop, then start with the new definition
 *   added     -> start (after= order is kept by sup_kick)
 *   removed   -> stop, then forget (state file, init's log pipe)
 *   unchanged -> untouched, same process
 * A push (push.c), a reload, and a revert (trial.c) all end here. */
#include "sup_int.h"

#include <errno.h>
#include <inttypes.h>
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

void sup_floor(struct supervisor *s, bool *have, uint64_t *floor)
{
	struct cairn_err e = { "" };
	int ret = cstore_floor_read(&s->store, have, floor, &e);

	if (ret < 0 && ret != -ENOENT)
		sup_msg("%s (the generation floor is ignored)", e.msg);
}

static const struct cairn_config *empty_config(void)
{
	static const struct cairn_config empty = { .path = "(none)" };

	return &empty;
}

void sup_apply(struct supervisor *s, struct cairn_config *next, struct cfg_blob *blob,
	       sup_change_cb cb, void *data)
{
	const struct cairn_service **old;
	struct rec_plan plan = { 0 };
	struct cairn_err e = { "" };

	old = calloc(s->n ? s->n : 1, sizeof(*old));
	if (!old) {
		sup_msg("applying the configuration: out of memory: nothing changed");
		cairn_config_free(next);
		return;
	}
	for (size_t k = 0; k < s->n; k++)
		old[k] = s->insts[k]->next_svc ? s->insts[k]->next_svc : s->insts[k]->svc;
	if (reconcile_plan(old, s->n, next ? next : empty_config(), &plan, &e) < 0) {
		free(old);
		sup_msg("applying the configuration: %s", e.msg);
		cairn_config_free(next);
		return;
	}
	free(old);

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
	if (blob)
		cfg_blob_move(&s->active, blob);
	else
		cfg_blob_free(&s->active);
	if (s->applied)
		s->applied(s, s->config, s->applied_data);
	sup_kick(s);
}

/* Read the stored current pair again; a same-generation reload is the
 * stored config itself, anything else must be newer than all before. */
int sup_reload(struct supervisor *s, sup_change_cb cb, void *data, struct cairn_err *e)
{
	struct cfg_blob b;
	struct cairn_config *next = NULL;
	bool have_floor;
	uint64_t floor;
	int ret;

	ret = cfg_blob_read(&b, s->store.current, e);
	if (ret < 0)
		return ret;
	ret = cstore_check(&b, s->trust_dir, s->root, &next, NULL, 0, e);
	if (ret < 0)
		goto out;
	sup_floor(s, &have_floor, &floor);
	if (s->config && next->host.generation == s->config->host.generation)
		have_floor = false;   /* the stored generation, read again */
	ret = cstore_gen_check(next->host.generation, s->config != NULL,
			       s->config ? s->config->host.generation : 0, have_floor, floor,
			       s->config ? GEN_RELOAD : GEN_FALLBACK, e);
	if (ret < 0) {
		cairn_err_prefix(e, ret, "%s", b.name);
		goto out;
	}
	ret = cstore_floor_raise(&s->store, next->host.generation, e);
	if (ret < 0)
		goto out;
	sup_msg("reload: %s, generation %" PRIu64, b.name, next->host.generation);
	sup_apply(s, next, &b, cb, data);
	next = NULL;
out:
	cairn_config_free(next);
	cfg_blob_free(&b);
	return ret;
}
