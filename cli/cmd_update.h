/* cmd_update.h - cairnctl update: send an update bundle to cairnd (local
 * or --remote), or check one offline (--check). */
#ifndef CAIRN_CMD_UPDATE_H
#define CAIRN_CMD_UPDATE_H

#include <stdbool.h>

#include "client.h"

#define CTL_TRUST_DEFAULT "/etc/cairn/trust"

/* update FILE [--reboot] | update --check [--trust DIR] FILE.
 * Returns the exit status: 0 done, 1 failed, 2 bad usage. */
int ctl_update_command(const struct ctl_target *t, bool json, int nargs, char **args);

#endif
