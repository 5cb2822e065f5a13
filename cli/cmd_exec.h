/* cmd_exec.h - cairnctl exec NAME -- CMD...: run CMD inside a running
 * container (cmd_exec.c). */
#ifndef CAIRN_CMD_EXEC_H
#define CAIRN_CMD_EXEC_H

#include "client.h"

/* Exit status: CMD's own, or 1 (failed) / 2 (bad usage). */
int ctl_exec_command(const struct ctl_target *t, int nargs, char **args);

#endif
