/* trial.h - provisional configurations (`cairnctl push --try`).
 *
 * A trial record (/var/lib/cairn/config/trial) is written atomically
 * before a provisional config is applied:
 *
 *   deadline 1732390000      realtime seconds
 *   generation 43            the provisional config
 *   replaced 42              the config it replaced ("none": there was none)
 *
 * Unless sup_confirm() removes it in time, a loop timer reverts to the
 * previous config at the deadline.  A record outlives cairnd and reboots:
 * at start, a record whose deadline has passed is reverted before
 * anything starts, a running one gets its timer again for the rest, and
 * one that does not describe the config in force (a crash before the
 * store was written) is stale and dropped. */
#ifndef CAIRN_TRIAL_H
#define CAIRN_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct supervisor;

struct trial {
	uint64_t deadline_s;      /* CLOCK_REALTIME seconds */
	uint64_t gen;             /* generation of the provisional config */
	bool have_replaced;
	uint64_t replaced_gen;    /* generation it replaced */
};

int trial_write(const char *path, const struct trial *t, struct cairn_err *e);
/* -ENOENT: no trial; -EINVAL: a damaged record (e says why). */
int trial_read(const char *path, struct trial *t, struct cairn_err *e);
int trial_clear(const char *path, struct cairn_err *e);

enum trial_verdict {
	TRIAL_STALE,     /* not about the config in force: drop the record */
	TRIAL_EXPIRED,   /* the deadline has passed: revert now */
	TRIAL_RUNNING,   /* *left_ms to go */
};
enum trial_verdict trial_judge(const struct trial *t, bool have_active, uint64_t active_gen,
			       uint64_t now_s, uint64_t *left_ms);
const char *trial_verdict_name(enum trial_verdict v);

/* ---- the supervisor's side (trial.c) ---- */

/* Write the record for a provisional config of generation gen applied now,
 * confirm within seconds. */
int sup_trial_begin(struct supervisor *s, uint64_t gen, unsigned seconds,
		    struct cairn_err *e);
/* Arm the revert timer (the record is written). */
void sup_trial_arm(struct supervisor *s, uint64_t ms);
/* Keep the provisional config: drop the record and the timer.
 * -EALREADY when there is none. */
int sup_trial_confirm(struct supervisor *s, struct cairn_err *e);
bool sup_trial_pending(const struct supervisor *s);
/* At start, before anything is adopted or started: judge the record and
 * revert (the config in force is replaced, not applied) or re-arm. */
void sup_trial_boot(struct supervisor *s);

#endif
