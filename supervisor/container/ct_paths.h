/* ct_paths.h - paths inside a container's root (paths.c). */
#ifndef CAIRN_CT_PATHS_H
#define CAIRN_CT_PATHS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum ct_node {
	CT_NODE_DIR,        /* a directory, made (with parents) if missing */
	CT_NODE_FILE,       /* a file, made if missing (a mount point for a node) */
	CT_NODE_EXISTING,   /* whatever is there; -ENOENT (no message) if nothing */
};

/* An O_PATH fd of rel under root_fd, resolved inside it; new directories
 * and files get uid:gid (-1: left as made).  Negative errno on failure. */
int ct_in_root(int root_fd, const char *rel, enum ct_node node, uid_t uid, gid_t gid,
	       struct cairn_err *e);
/* "/proc/self/fd/N": how mount(2) names an fd. */
void ct_fd_path(int fd, char *buf, size_t size);

#endif
