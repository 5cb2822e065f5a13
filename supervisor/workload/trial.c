/* trial.c - provisional configurations: the trial record, the verdict on
 * it, and the supervisor's timer and revert (trial.h). */
#include "sup_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

/* ---- the record ---- */

int trial_write(const char *path, const struct trial *t, struct cairn_err *e)
{
	char buf[160], rep[32];
	int n;

	if (t->have_replaced)
		snprintf(rep, sizeof(rep), "%" PRIu64, t->replaced_gen);
	else
		snprintf(rep, sizeof(rep), "none");
	n = snprintf(buf, sizeof(buf), "deadline %" PRIu64 "\ngeneration %" PRIu64 "\nreplaced %s\n",
		     t->deadline_s, t->gen, rep);
	return cairn_write_atomic(path, buf, (size_t)n, 0600, e);
}

static int field_u64(const char *buf, const char *key, uint64_t *v, bool *none)
{
	const char *p = buf;
	size_t kl = strlen(key);

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;

		if (strncmp(p, key, kl) || p[kl] != ' ')
			continue;
		p += kl + 1;
		if (none && !strncmp(p, "none", 4) && (p[4] == '\n' || !p[4])) {
			*none = true;
			return 0;
		}
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		*v = strtoull(p, &end, 10);
		if (errno || (*end != '\n' && *end))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int trial_read(const char *path, struct trial *t, struct cairn_err *e)
{
	char *buf = NULL;
	size_t len;
	bool none = false;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = cairn_read_file(path, 4096, &buf, &len, e);
	if (ret < 0)
		return ret;
	if (field_u64(buf, "deadline", &t->deadline_s, NULL) < 0 ||
	    field_u64(buf, "generation", &t->gen, NULL) < 0 ||
	    field_u64(buf, "replaced", &t->replaced_gen, &none) < 0)
		ret = cairn_err_set(e, -EINVAL, "%s: not a trial record", path);
	t->have_replaced = !none;
	free(buf);
	return ret;
}

int trial_clear(const char *path, struct cairn_err *e)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return cairn_err_sys(e, -errno, "%s", path);
	return 0;
}

enum trial_verdict trial_judge(const struct trial *t, bool have_active, uint64_t active_gen,
			       uint64_t now_s, uint64_t *left_ms)
{
	*left_ms = 0;
	if (!have_active || active_gen != t->gen)
		return TRIAL_STALE;
	if (now_s >= t->deadline_s)
		return TRIAL_EXPIRED;
	*left_ms = (t->deadline_s - now_s) * 1000;
	return TRIAL_RUNNING;
}

const char *trial_verdict_name(enum trial_verdict v)
{
	switch (v) {
	case TRIAL_STALE: return "stale";
	case TRIAL_EXPIRED: return "expired";
	case TRIAL_RUNNING: return "running";
	}
	return "?";
}

/* ---- the supervisor's side ---- */

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

bool sup_trial_pending(const struct supervisor *s)
{
	return s->trial_on;
}

static void drop(struct supervisor *s)
{
	struct cairn_err e = { "" };

	loop_timer_cancel(s->loop, s->trial_timer);
	s->trial_timer = NULL;
	s->trial_on = false;
	if (trial_clear(s->store.trial, &e) < 0)
		sup_msg("%s", e.msg);
}

int sup_trial_begin(struct supervisor *s, uint64_t gen, unsigned seconds,
		    struct cairn_err *e)
{
	struct trial t = { .deadline_s = now_s() + seconds, .gen = gen };
	int ret;

	if (s->trial_on) {
		/* a trial on a trial: the revert still goes to the good one */
		t.have_replaced = s->trial.have_replaced;
		t.replaced_gen = s->trial.replaced_gen;
	} else if (s->config) {
		t.have_replaced = true;
		t.replaced_gen = s->config->host.generation;
	}
	ret = trial_write(s->store.trial, &t, e);
	if (ret < 0)
		return cairn_err_prefix(e, ret, "recording the trial");
	s->trial = t;    /* the timer is (re-)armed once the push is applied */
	s->trial_on = true;
	return 0;
}

/* Back to the previous pair; with none, back to no configuration. */
static void revert(struct supervisor *s, bool at_boot)
{
	struct cairn_config *prev = NULL;
	struct cairn_err e = { "" };
	struct cfg_blob b = { 0 };
	int ret;

	ret = cstore_revert(&s->store, &e);
	if (ret < 0 && ret != -ENOENT) {
		/* the store cannot be written: keep the trial, try again later */
		sup_msg("trial: cannot revert: %s (retrying in 10 s)", e.msg);
		if (!at_boot)
			sup_trial_arm(s, 10000);
		return;
	}
	if (ret == 0) {
		ret = cfg_blob_read(&b, s->store.current, &e);
		if (ret == 0)
			ret = cstore_check(&b, s->trust_dir, s->root, &prev, NULL, 0, &e);
		if (ret < 0)
			sup_msg("trial: the previous configuration does not check any more: %s", e.msg);
	} else {
		sup_msg("trial: no previous configuration to go back to: running none");
	}
	drop(s);
	sup_msg("trial: generation %" PRIu64 " was not confirmed in time: reverted to %s",
		s->trial.gen, prev ? "the previous configuration" : "no configuration");
	if (prev)
		sup_msg("trial: now generation %" PRIu64 " (%s)", prev->host.generation, b.name);
	if (at_boot) {
		/* nothing runs yet: adoption starts from this one */
		cairn_config_free(s->config);
		s->config = prev;
		cfg_blob_move(&s->active, &b);
	} else {
		sup_apply(s, prev, prev ? &b : NULL, NULL, NULL);
	}
	cfg_blob_free(&b);
}

static void on_deadline(struct loop *l, void *data)
{
	struct supervisor *s = data;

	s->trial_timer = NULL;
	/* shutting down: the record stays, the next start reverts */
	if (s->trial_on && !s->shutting_down)
		revert(s, false);
}

void sup_trial_arm(struct supervisor *s, uint64_t ms)
{
	loop_timer_cancel(s->loop, s->trial_timer);
	s->trial_timer = loop_timer_add(s->loop, ms ? ms : 1, on_deadline, s);
	if (!s->trial_timer)
		sup_msg("trial: out of memory arming the revert timer");
}

int sup_trial_confirm(struct supervisor *s, struct cairn_err *e)
{
	if (!s->trial_on)
		return cairn_err_set(e, -EALREADY, "no provisional configuration to confirm");
	sup_msg("trial: generation %" PRIu64 " confirmed", s->trial.gen);
	drop(s);
	return 0;
}

void sup_trial_boot(struct supervisor *s)
{
	struct cairn_err e = { "" };
	struct trial t;
	uint64_t left;
	int ret = trial_read(s->store.trial, &t, &e);

	if (ret == -ENOENT)
		return;
	if (ret < 0) {
		sup_msg("trial: %s: dropped", e.msg);
		trial_clear(s->store.trial, NULL);
		return;
	}
	s->trial = t;
	switch (trial_judge(&t, s->config != NULL, s->config ? s->config->host.generation : 0,
			    now_s(), &left)) {
	case TRIAL_STALE:
		sup_msg("trial: record for generation %" PRIu64 " is not about the config in force: dropped",
			t.gen);
		trial_clear(s->store.trial, NULL);
		break;
	case TRIAL_EXPIRED:
		s->trial_on = true;
		revert(s, true);
		break;
	case TRIAL_RUNNING:
		s->trial_on = true;
		sup_msg("trial: generation %" PRIu64 " is provisional: reverts in %" PRIu64
			" s unless confirmed", t.gen, left / 1000);
		sup_trial_arm(s, left);
		break;
	}
}
