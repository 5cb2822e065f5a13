/* test_instance.c - the instance state table, cell by cell: every valid
 * transition, and every other state x event pair refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "instance_sm.h"

#define S(x) INST_##x
#define A(x) ACT_##x

static const struct {
	enum inst_state from;
	enum inst_event ev;
	enum inst_state to;
	enum inst_action act;
} valid[] = {
	{ S(STOPPED),  EV_START,        S(STARTING), A(BEGIN) },
	{ S(STOPPED),  EV_STOP,         S(STOPPED),  A(NONE) },
	{ S(STOPPED),  EV_ADOPT,        S(RUNNING),  A(WATCH) },
	{ S(STARTING), EV_START,        S(STARTING), A(NONE) },
	{ S(STARTING), EV_STOP,         S(STOPPED),  A(CANCEL) },
	{ S(STARTING), EV_DEPS_READY,   S(RUNNING),  A(SPAWN) },
	{ S(STARTING), EV_BACKOFF_DONE, S(STARTING), A(CHECK_DEPS) },
	{ S(RUNNING),  EV_START,        S(RUNNING),  A(NONE) },
	{ S(RUNNING),  EV_STOP,         S(STOPPING), A(TERM) },
	{ S(RUNNING),  EV_SPAWN_FAILED, S(FAILED),   A(DOWN) },
	{ S(RUNNING),  EV_EXIT_RESTART, S(STARTING), A(BACKOFF) },
	{ S(RUNNING),  EV_EXIT_DONE,    S(STOPPED),  A(DOWN) },
	{ S(RUNNING),  EV_EXIT_FAILED,  S(FAILED),   A(DOWN) },
	{ S(STOPPING), EV_STOP,         S(STOPPING), A(NONE) },
	{ S(STOPPING), EV_STOP_TIMEOUT, S(STOPPING), A(KILL) },
	{ S(STOPPING), EV_EXIT_RESTART, S(STOPPED),  A(DOWN) },
	{ S(STOPPING), EV_EXIT_DONE,    S(STOPPED),  A(DOWN) },
	{ S(STOPPING), EV_EXIT_FAILED,  S(STOPPED),  A(DOWN) },
	{ S(FAILED),   EV_START,        S(STARTING), A(BEGIN) },
	{ S(FAILED),   EV_STOP,         S(STOPPED),  A(NONE) },
};

static int expected(enum inst_state s, enum inst_event ev)
{
	for (size_t k = 0; k < sizeof(valid) / sizeof(valid[0]); k++)
		if (valid[k].from == s && valid[k].ev == ev)
			return (int)k;
	return -1;
}

static void every_cell(void **state)
{
	size_t n_valid = 0;

	for (int s = 0; s < INST__N_STATES; s++) {
		for (int ev = 0; ev < INST__N_EVENTS; ev++) {
			struct inst_transition t = { .next = INST__N_STATES };
			int k = expected((enum inst_state)s, (enum inst_event)ev);
			int ret = inst_step((enum inst_state)s, (enum inst_event)ev, &t);

			if (k < 0) {
				assert_int_equal(ret, -EINVAL);
				assert_int_equal(t.next, INST__N_STATES); /* untouched */
				continue;
			}
			assert_int_equal(ret, 0);
			assert_int_equal(t.next, valid[k].to);
			assert_int_equal(t.action, valid[k].act);
			n_valid++;
		}
	}
	assert_int_equal(n_valid, sizeof(valid) / sizeof(valid[0]));
}

static void out_of_range_is_refused(void **state)
{
	struct inst_transition t;

	assert_int_equal(inst_step(INST__N_STATES, EV_START, &t), -EINVAL);
	assert_int_equal(inst_step(INST_STOPPED, INST__N_EVENTS, &t), -EINVAL);
	assert_int_equal(inst_step((enum inst_state)-1, EV_START, &t), -EINVAL);
}

/* A whole life: start, spawn, crash, backoff, spawn, stop, timeout, exit. */
static void a_life(void **state)
{
	static const enum inst_event evs[] = {
		EV_START, EV_DEPS_READY, EV_EXIT_RESTART, EV_BACKOFF_DONE,
		EV_DEPS_READY, EV_STOP, EV_STOP_TIMEOUT, EV_EXIT_FAILED,
	};
	static const enum inst_state states[] = {
		S(STARTING), S(RUNNING), S(STARTING), S(STARTING),
		S(RUNNING), S(STOPPING), S(STOPPING), S(STOPPED),
	};
	enum inst_state s = INST_STOPPED;

	for (size_t k = 0; k < sizeof(evs) / sizeof(evs[0]); k++) {
		struct inst_transition t;

		assert_int_equal(inst_step(s, evs[k], &t), 0);
		s = t.next;
		assert_int_equal(s, states[k]);
	}
}

static void names(void **state)
{
	assert_string_equal(inst_state_name(INST_STOPPED), "stopped");
	assert_string_equal(inst_state_name(INST_STARTING), "starting");
	assert_string_equal(inst_state_name(INST_RUNNING), "running");
	assert_string_equal(inst_state_name(INST_STOPPING), "stopping");
	assert_string_equal(inst_state_name(INST_FAILED), "failed");
	assert_string_equal(inst_state_name(INST__N_STATES), "?");
	for (int ev = 0; ev < INST__N_EVENTS; ev++)
		assert_string_not_equal(inst_event_name((enum inst_event)ev), "?");
	for (int a = ACT_NONE; a <= ACT_WATCH; a++)
		assert_string_not_equal(inst_action_name((enum inst_action)a), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cell),
		cmocka_unit_test(out_of_range_is_refused),
		cmocka_unit_test(a_life),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
