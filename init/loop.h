/* loop.h - stage 2's supervision loop: PID 1's steady state. */
#ifndef CAIRN_INIT_LOOP_H
#define CAIRN_INIT_LOOP_H

#include "opts.h"

/* Serve until a shutdown request, then run the shutdown sequence.
 * sigfd comes from signals_setup().  Never returns. */
_Noreturn void supervise(const struct init_opts *o, int sigfd);

#endif
