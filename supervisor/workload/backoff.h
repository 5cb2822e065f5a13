/* backoff.h - restart arithmetic, pure and clock-free (the caller passes
 * monotonic milliseconds), so every rule is unit-testable.
 *
 * Rules:
 *  - delay before the Nth consecutive restart (N >= 1):
 *        restart_delay * 2^(N-1), capped at restart_delay_max.
 *  - burst: at most `burst` starts within any `burst_interval`.  A start
 *    that would be the (burst+1)th inside the window is refused: the
 *    instance goes to `failed` ("restart burst exceeded (B in Is)").
 *  - a run that lasted longer than max(restart_delay_max, burst_interval)
 *    counts as healthy: the consecutive count goes back to 0, so the next
 *    delay is restart_delay again.  (The burst window forgets old starts
 *    on its own, since it only counts starts inside the interval.)
 */
#ifndef CAIRN_BACKOFF_H
#define CAIRN_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_HIST 32   /* start times remembered; bursts above are capped */

struct backoff {
	unsigned consecutive;        /* restarts since the last healthy run */
	unsigned n_starts;           /* valid entries in starts[] */
	uint64_t starts[BACKOFF_HIST]; /* monotonic ms of recent starts, oldest first */
};

struct backoff_policy {
	unsigned delay_ms;
	unsigned delay_max_ms;
	unsigned burst;
	unsigned burst_interval_ms;
};

/* Delay for the nth consecutive restart (n >= 1; n == 0 gives 0). */
uint64_t backoff_delay(const struct backoff_policy *p, unsigned n);

/* Record a start at now. */
void backoff_note_start(struct backoff *b, uint64_t now);

/* Number of recorded starts in (now - burst_interval, now]. */
unsigned backoff_starts_in_window(const struct backoff *b,
				  const struct backoff_policy *p, uint64_t now);

/* A run ended at now after running for run_ms: reset the consecutive count
 * if the run was healthy.  Then decide: true and *delay_ms = the wait
 * before the next start, or false if a start at now + delay would exceed
 * the burst (the caller marks the instance failed).  On true, the
 * consecutive count has been incremented. */
bool backoff_next(struct backoff *b, const struct backoff_policy *p,
		  uint64_t now, uint64_t run_ms, uint64_t *delay_ms);

/* Forget everything (operator start). */
void backoff_reset(struct backoff *b);

#endif
