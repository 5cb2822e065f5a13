/* instance.c - the instance state machine: state x event -> next + action.
 *
 * Every transition is one line below.  A missing cell is an event that
 * makes no sense in that state (an exit while stopped, a backoff timer
 * while running): inst_step refuses it and the state does not move.
 * Repeating a request that is already being honoured (START while
 * starting, STOP while stopping) is valid and does nothing. */
#include "instance_sm.h"

#include <errno.h>

#define T(n, a) { .next = INST_##n, .action = ACT_##a, .valid = 1 }

static const struct inst_transition table[INST__N_STATES][INST__N_EVENTS] = {
	[INST_STOPPED] = {
		[EV_START]        = T(STARTING, BEGIN),
		[EV_STOP]         = T(STOPPED, NONE),
		[EV_ADOPT]        = T(RUNNING, WATCH),
	},
	[INST_STARTING] = {
		[EV_START]        = T(STARTING, NONE),
		[EV_STOP]         = T(STOPPED, CANCEL),
		[EV_DEPS_READY]   = T(RUNNING, SPAWN),
		[EV_BACKOFF_DONE] = T(STARTING, CHECK_DEPS),
	},
	[INST_RUNNING] = {
		[EV_START]        = T(RUNNING, NONE),
		[EV_STOP]         = T(STOPPING, TERM),
		[EV_SPAWN_FAILED] = T(FAILED, DOWN),
		[EV_EXIT_RESTART] = T(STARTING, BACKOFF),
		[EV_EXIT_DONE]    = T(STOPPED, DOWN),
		[EV_EXIT_FAILED]  = T(FAILED, DOWN),
	},
	[INST_STOPPING] = {
		[EV_STOP]         = T(STOPPING, NONE),
		[EV_STOP_TIMEOUT] = T(STOPPING, KILL),
		/* however it ended, it was asked to stop */
		[EV_EXIT_RESTART] = T(STOPPED, DOWN),
		[EV_EXIT_DONE]    = T(STOPPED, DOWN),
		[EV_EXIT_FAILED]  = T(STOPPED, DOWN),
	},
	[INST_FAILED] = {
		[EV_START]        = T(STARTING, BEGIN),
		[EV_STOP]         = T(STOPPED, NONE),
	},
};

int inst_step(enum inst_state s, enum inst_event ev, struct inst_transition *t)
{
	if ((unsigned)s >= INST__N_STATES || (unsigned)ev >= INST__N_EVENTS ||
	    !table[s][ev].valid)
		return -EINVAL;
	*t = table[s][ev];
	return 0;
}

const char *inst_state_name(enum inst_state s)
{
	static const char *const names[] = {
		[INST_STOPPED] = "stopped", [INST_STARTING] = "starting",
		[INST_RUNNING] = "running", [INST_STOPPING] = "stopping",
		[INST_FAILED] = "failed",
	};

	return (unsigned)s < INST__N_STATES ? names[s] : "?";
}

const char *inst_event_name(enum inst_event ev)
{
	static const char *const names[] = {
		[EV_START] = "start", [EV_STOP] = "stop",
		[EV_DEPS_READY] = "deps-ready", [EV_BACKOFF_DONE] = "backoff-done",
		[EV_SPAWN_FAILED] = "spawn-failed", [EV_EXIT_RESTART] = "exit-restart",
		[EV_EXIT_DONE] = "exit-done", [EV_EXIT_FAILED] = "exit-failed",
		[EV_STOP_TIMEOUT] = "stop-timeout", [EV_ADOPT] = "adopt",
	};

	return (unsigned)ev < INST__N_EVENTS ? names[ev] : "?";
}

const char *inst_action_name(enum inst_action a)
{
	static const char *const names[] = {
		[ACT_NONE] = "none", [ACT_BEGIN] = "begin",
		[ACT_CHECK_DEPS] = "check-deps", [ACT_SPAWN] = "spawn",
		[ACT_BACKOFF] = "backoff", [ACT_CANCEL] = "cancel",
		[ACT_TERM] = "term", [ACT_KILL] = "kill", [ACT_DOWN] = "down",
		[ACT_WATCH] = "watch",
	};

	return (unsigned)a <= ACT_WATCH ? names[a] : "?";
}
