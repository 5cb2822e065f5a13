/* shutdown.h - the orderly end of the system, as one sequence. */
#ifndef CAIRN_INIT_SHUTDOWN_H
#define CAIRN_INIT_SHUTDOWN_H

#include "cairnd.h"
#include "opts.h"
#include "power.h"

/* Stop cairnd (bounded by o->stop_timeout), SIGTERM everything, wait
 * o->kill_timeout, SIGKILL what is left, sync, unmount, reboot(2).
 * sigfd is the loop's signalfd (for SIGCHLD while waiting).  Never returns. */
_Noreturn void shutdown_run(enum power_action a, const struct init_opts *o, int sigfd,
			    struct cairnd_sup *cairnd);

/* The last step alone: sync and reboot(2) with a's command.  Used by
 * stage 1's failure path too.  Never returns (hangs if reboot fails). */
_Noreturn void power_final(enum power_action a, bool container);

#endif
