/* cmd_remote.h - cairnctl commands about configurations on a cairnd,
 * local or remote: push FILE [--try DURATION], config confirm, config
 * show.  (`remote add/list/remove` is remote.h.) */
#ifndef CAIRN_CMD_REMOTE_H
#define CAIRN_CMD_REMOTE_H

#include <stdbool.h>

#include "client.h"

/* Exit status: 0 done, 1 failed, 2 bad usage. */
int ctl_push_command(const struct ctl_target *t, bool json, int nargs, char **args);
int ctl_config_confirm(const struct ctl_target *t, bool json, int nargs, char **args);
int ctl_config_show(const struct ctl_target *t, int nargs, char **args);

#endif
