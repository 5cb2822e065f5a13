/* stages.h - the two lives of cairn-init.
 *
 * Stage 1 runs from the initramfs and ends by exec'ing stage 2 in the real
 * root; stage 2 runs until the machine goes down.  Neither returns. */
#ifndef CAIRN_INIT_STAGES_H
#define CAIRN_INIT_STAGES_H

#include "opts.h"

#define STAGE2_PATH "/usr/sbin/cairn-init"

_Noreturn void stage1_run(struct init_opts *o);
_Noreturn void stage2_run(struct init_opts *o);

#endif
