/* instance_sm.h - the instance state machine as data (instance.c).
 *
 * The supervisor turns what happens (an operator request, a process exit
 * judged against the restart policy, a timer) into one event, steps the
 * table, and carries out the action the table names.  The table knows no
 * processes, so it is tested on its own (tests/unit/test_instance.c). */
#ifndef CAIRN_INSTANCE_SM_H
#define CAIRN_INSTANCE_SM_H

#include "instance.h"

enum inst_event {
	EV_START,          /* operator start, or the config added it */
	EV_STOP,           /* operator stop, removed from config, shutdown */
	EV_DEPS_READY,     /* every after= dependency runs, no backoff pending */
	EV_BACKOFF_DONE,   /* the restart delay has passed */
	EV_SPAWN_FAILED,   /* fork/exec failed: a clear failure, no crash loop */
	EV_EXIT_RESTART,   /* exited; policy and burst allow a restart */
	EV_EXIT_DONE,      /* exited; policy says stay down (clean exit) */
	EV_EXIT_FAILED,    /* exited; policy says failed (error, or burst) */
	EV_STOP_TIMEOUT,   /* stop signal ignored for stop_timeout */
	EV_ADOPT,          /* found running at startup, pid verified */
	INST__N_EVENTS
};

enum inst_action {
	ACT_NONE,
	ACT_BEGIN,         /* reset restart counters, then check dependencies */
	ACT_CHECK_DEPS,    /* feed EV_DEPS_READY if dependencies run */
	ACT_SPAWN,         /* fork + exec */
	ACT_BACKOFF,       /* arm the restart delay */
	ACT_CANCEL,        /* cancel a pending backoff */
	ACT_TERM,          /* send stop_signal, arm stop timeout */
	ACT_KILL,          /* SIGKILL */
	ACT_DOWN,          /* process gone for good: cancel timers, drop log pipe */
	ACT_WATCH,         /* adopted: watch the pidfd */
};

struct inst_transition {
	enum inst_state next;
	enum inst_action action;
	int valid;         /* 0: the event makes no sense in this state */
};

/* Look up state x event.  Returns 0 and fills *t, or -EINVAL for an event
 * that is refused in this state (state unchanged). */
int inst_step(enum inst_state s, enum inst_event ev, struct inst_transition *t);

const char *inst_event_name(enum inst_event ev);
const char *inst_action_name(enum inst_action a);

#endif
