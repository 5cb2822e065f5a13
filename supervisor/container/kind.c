/* kind.c - containers as instances (kind.h).  Not implemented yet: the
 * config refuses [container] sections, so this is never reached. */
#include <errno.h>

#include "kind.h"

static int container_spawn(struct inst *i, int out_fd, pid_t *pid, int *pidfd,
			   struct cairn_err *e)
{
	return cairn_err_set(e, -ENOTSUP, "containers are not supported yet");
}

const struct kind_ops container_kind = { .spawn = container_spawn };
