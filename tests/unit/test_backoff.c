/* test_backoff.c - restart delays, burst accounting, healthy-run reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

static const struct backoff_policy pol = {
	.delay_ms = 1000, .delay_max_ms = 60000, .burst = 5, .burst_interval_ms = 60000,
};

static void delays_double_then_cap(void **state)
{
	assert_int_equal(backoff_delay(&pol, 0), 0);
	assert_int_equal(backoff_delay(&pol, 1), 1000);
	assert_int_equal(backoff_delay(&pol, 2), 2000);
	assert_int_equal(backoff_delay(&pol, 3), 4000);
	assert_int_equal(backoff_delay(&pol, 6), 32000);
	assert_int_equal(backoff_delay(&pol, 7), 60000);
	assert_int_equal(backoff_delay(&pol, 1000), 60000); /* no overflow */
}

static void zero_delay_stays_zero(void **state)
{
	struct backoff_policy p = pol;

	p.delay_ms = 0;
	assert_int_equal(backoff_delay(&p, 10), 0);
}

static void burst_ends_in_failure(void **state)
{
	struct backoff_policy p = { 100, 400, 3, 10000 };
	struct backoff b = { 0 };
	uint64_t now = 1000, d;

	backoff_note_start(&b, now);                   /* start 1 */
	assert_true(backoff_next(&b, &p, now, 0, &d)); /* restart 1 */
	assert_int_equal(d, 100);
	now += d;
	backoff_note_start(&b, now);                   /* start 2 */
	assert_true(backoff_next(&b, &p, now, 0, &d));
	assert_int_equal(d, 200);
	now += d;
	backoff_note_start(&b, now);                   /* start 3 */
	assert_false(backoff_next(&b, &p, now, 0, &d)); /* a 4th: more than 3 */
	assert_int_equal(b.consecutive, 2);
}

static void old_starts_leave_the_window(void **state)
{
	struct backoff_policy p = { 100, 400, 2, 1000 };
	struct backoff b = { 0 };
	uint64_t d;

	backoff_note_start(&b, 0);
	backoff_note_start(&b, 100);
	assert_int_equal(backoff_starts_in_window(&b, &p, 500), 2);
	assert_int_equal(backoff_starts_in_window(&b, &p, 1050), 1);
	assert_false(backoff_next(&b, &p, 200, 0, &d));
	/* much later the window is empty again */
	assert_true(backoff_next(&b, &p, 5000, 0, &d));
}

static void healthy_run_resets_consecutive(void **state)
{
	struct backoff_policy p = { 100, 400, 100, 1000 };
	struct backoff b = { 0 };
	uint64_t d;

	for (int k = 0; k < 4; k++)
		assert_true(backoff_next(&b, &p, 0, 0, &d));
	assert_int_equal(d, 400);
	/* ran 1000ms: not longer than max(400, 1000), no reset */
	assert_true(backoff_next(&b, &p, 0, 1000, &d));
	assert_int_equal(d, 400);
	/* ran 1001ms: healthy */
	assert_true(backoff_next(&b, &p, 0, 1001, &d));
	assert_int_equal(d, 100);
	assert_int_equal(b.consecutive, 1);
}

static void history_is_bounded(void **state)
{
	struct backoff b = { 0 };

	for (uint64_t t = 0; t < 3 * BACKOFF_HIST; t++)
		backoff_note_start(&b, t);
	assert_int_equal(b.n_starts, BACKOFF_HIST);
	assert_int_equal(b.starts[BACKOFF_HIST - 1], 3 * BACKOFF_HIST - 1);
	backoff_reset(&b);
	assert_int_equal(b.n_starts, 0);
	assert_int_equal(b.consecutive, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delays_double_then_cap),
		cmocka_unit_test(zero_delay_stays_zero),
		cmocka_unit_test(burst_ends_in_failure),
		cmocka_unit_test(old_starts_leave_the_window),
		cmocka_unit_test(healthy_run_resets_consecutive),
		cmocka_unit_test(history_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
