/* ct_spawn.h - start a container and undo what is left when it is gone
 * (spawn.c); kind.c is their only user. */
#ifndef CAIRN_CT_SPAWN_H
#define CAIRN_CT_SPAWN_H

#include <sys/types.h>

#include "config.h"
#include "err.h"

/* Start s (a container of config c) with stdout/stderr to out_fd: its
 * init's pid and a pidfd.  On failure nothing is left: no cgroup, mount
 * or loop device. */
int ct_spawn(const struct cairn_config *c, const struct cairn_service *s, int out_fd,
	     pid_t *pid, int *pidfd, struct cairn_err *e);
/* The container's init is gone (ours or adopted): its cgroup and run
 * dir, and the images no container of c (the config in force) uses. */
void ct_cleanup(const struct cairn_config *c, const char *name);
/* An O_PATH fd of the host directory kept for the overlay's upper and
 * work dirs (persistent = yes): CT_LIB_DIR/NAME/rw, or
 * containers/NAME resolved inside the storage pool, which must be
 * mounted.  Made when missing. */
int ct_upper_open(const struct cairn_service *s, struct cairn_err *e);

#endif
