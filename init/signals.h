/* signals.h - PID 1's signal policy (the table is at the top of signals.c).
 *
 * Every signal init cares about is blocked and read from a signalfd in the
 * event loop: nothing runs in a signal handler. */
#ifndef CAIRN_INIT_SIGNALS_H
#define CAIRN_INIT_SIGNALS_H

#include "power.h"

/* Block the handled signals, ignore SIGPIPE, and return a nonblocking
 * signalfd for them, or -errno. */
int signals_setup(void);

/* In a freshly forked child, before exec: unblock everything and restore
 * default dispositions, which exec would otherwise keep. */
void signals_reset_child(void);

/* What a signal asks of init: a shutdown action, or POWER_NONE. */
enum power_action signal_action(int sig);

#endif
