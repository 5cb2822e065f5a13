/* backoff.c - exponential restart delay and burst accounting (see backoff.h
 * for the rules).  No clocks, no I/O: the supervisor passes the time in. */
#include "backoff.h"

#include <string.h>

uint64_t backoff_delay(const struct backoff_policy *p, unsigned n)
{
	uint64_t d = p->delay_ms;

	if (n == 0)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if (d >= p->delay_max_ms)
			break;
		d *= 2;
	}
	return d > p->delay_max_ms ? p->delay_max_ms : d;
}

void backoff_note_start(struct backoff *b, uint64_t now)
{
	if (b->n_starts == BACKOFF_HIST) {
		memmove(b->starts, b->starts + 1, sizeof(b->starts[0]) * (BACKOFF_HIST - 1));
		b->n_starts--;
	}
	b->starts[b->n_starts++] = now;
}

unsigned backoff_starts_in_window(const struct backoff *b,
				  const struct backoff_policy *p, uint64_t now)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->n_starts; i++)
		if (b->starts[i] <= now && now - b->starts[i] < p->burst_interval_ms)
			n++;
	return n;
}

bool backoff_next(struct backoff *b, const struct backoff_policy *p,
		  uint64_t now, uint64_t run_ms, uint64_t *delay_ms)
{
	uint64_t healthy = p->delay_max_ms > p->burst_interval_ms ?
			   p->delay_max_ms : p->burst_interval_ms;
	uint64_t d;

	if (run_ms > healthy)
		b->consecutive = 0;
	d = backoff_delay(p, b->consecutive + 1);
	/* The next start would happen at now + d: count the starts that would
	 * still be inside the window then, plus that one. */
	if (backoff_starts_in_window(b, p, now + d) + 1 > p->burst)
		return false;
	b->consecutive++;
	*delay_ms = d;
	return true;
}

void backoff_reset(struct backoff *b)
{
	memset(b, 0, sizeof(*b));
}
