/* kind.c - VMs as instances (kind.h).  Not implemented yet: the config
 * refuses [vm] sections, so this is never reached. */
#include <errno.h>

#include "kind.h"

static int vm_spawn(struct inst *i, int out_fd, pid_t *pid, int *pidfd, struct cairn_err *e)
{
	return cairn_err_set(e, -ENOTSUP, "virtual machines are not supported yet");
}

const struct kind_ops vm_kind = { .spawn = vm_spawn };
