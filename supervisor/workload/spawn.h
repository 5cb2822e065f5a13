/* spawn.h - start one service process.
 *
 * The child: own session, default signal mask and dispositions, stdin from
 * /dev/null, stdout+stderr to out_fd, the service's environment plus PATH,
 * its working directory, its groups/gid/uid, execve.  A failure in the
 * child (chdir, setuid, exec...) travels back over a close-on-exec pipe,
 * so spawn_service() returns it as an error ("exec: /bin/nope: No such
 * file or directory") instead of producing a process that exits 127. */
#ifndef CAIRN_SPAWN_H
#define CAIRN_SPAWN_H

#include <sys/types.h>

#include "config.h"
#include "err.h"

struct spawn_req {
	const struct cairn_service *svc;
	const char *path;          /* the program, resolved (argv[0] if NULL) */
	uid_t uid;
	gid_t gid;
	int out_fd;                /* write end of the log pipe */
};

/* On success *pid and *pidfd (CLOEXEC) are the new process. */
int spawn_service(const struct spawn_req *r, pid_t *pid, int *pidfd,
		  struct cairn_err *e);

#endif
