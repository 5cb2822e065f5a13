/* push.c - a pushed configuration (PUT /1.0/config) and its confirmation.
 *
 * One visible sequence; nothing changes unless every step before the
 * store passes:
 *   1. copy the received bytes (they are what is verified, parsed, stored)
 *   2. verify the signature against the trust dir, parse, validate
 *   3. the generation: greater than the one in force and than the floor
 *   4. --try: the trial record, before anything is stored or applied
 *   5. store: previous <- current (kept while a trial is in force),
 *      current <- the new pair, then the floor
 *   6. apply: reconcile like a reload
 *   7. --try: arm the revert timer; else a pending trial is settled
 * Only sup_push and sup_confirm live here (the API's seam). */
#include "sup_int.h"

#include <errno.h>
#include <inttypes.h>

int sup_push(struct supervisor *s, const char *conf, size_t conf_len,
	     const unsigned char *sig, size_t sig_len, unsigned try_seconds,
	     struct cairn_err *e)
{
	struct cairn_config *next = NULL;
	struct cfg_blob b;
	char signer[256] = "";
	bool have_floor, in_trial = sup_trial_pending(s);
	struct trial old_trial = s->trial;
	uint64_t floor, gen;
	int ret;

	if (s->shutting_down)
		return cairn_err_set(e, -EBUSY, "shutting down");
	ret = cfg_blob_set(&b, "pushed.conf", conf, conf_len, sig, sig_len, e);
	if (ret < 0)
		goto out;
	ret = cstore_check(&b, s->trust_dir, s->root, &next, signer, sizeof(signer), e);
	if (ret < 0)
		goto out;
	gen = next->host.generation;
	sup_floor(s, &have_floor, &floor);
	ret = cstore_gen_check(gen, s->config != NULL, s->config ? s->config->host.generation : 0,
			       have_floor, floor, GEN_NEWER, e);
	if (ret < 0)
		goto out;
	if (try_seconds) {
		ret = sup_trial_begin(s, gen, try_seconds, e);
		if (ret < 0)
			goto out;
	}
	ret = cstore_save(&s->store, &b, in_trial, e);
	if (ret == 0)
		ret = cstore_floor_raise(&s->store, gen, e);
	if (ret < 0) {
		/* nothing was stored: the trial record goes back as it was */
		if (try_seconds && !in_trial) {
			s->trial_on = false;
			trial_clear(s->store.trial, NULL);
		} else if (try_seconds) {
			s->trial = old_trial;
			trial_write(s->store.trial, &old_trial, NULL);
		}
		goto out;
	}
	sup_msg("push: generation %" PRIu64 " signed by %s accepted%s", gen, signer,
		try_seconds ? " provisionally" : "");
	sup_apply(s, next, &b, NULL, NULL);
	next = NULL;
	if (try_seconds) {
		sup_msg("trial: generation %" PRIu64 " reverts in %u s unless confirmed", gen,
			try_seconds);
		sup_trial_arm(s, (uint64_t)try_seconds * 1000);
	} else if (in_trial) {
		sup_msg("trial: settled by a push without --try");
		sup_trial_confirm(s, NULL);
	}
out:
	cairn_config_free(next);
	cfg_blob_free(&b);
	return ret;
}

int sup_confirm(struct supervisor *s, struct cairn_err *e)
{
	return sup_trial_confirm(s, e);
}
