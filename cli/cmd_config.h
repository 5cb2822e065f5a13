/* cmd_config.h - `cairnctl config diff FILE`: what pushing FILE would
 * change on a cairnd (local or --remote). */
#ifndef CAIRN_CMD_CONFIG_H
#define CAIRN_CMD_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "client.h"
#include "config.h"

/* Exit status: 0 done, 1 failed, 2 bad usage. */
int ctl_config_diff(const struct ctl_target *t, bool json, int nargs, char **args);

/* The comparison itself (old may be NULL: no config in force), printed for
 * people or as JSON.  Returns the number of differences, or -ENOMEM. */
int ctl_config_diff_print(FILE *f, const struct cairn_config *old,
			  const struct cairn_config *next, bool json);

#endif
