/* forkexec.h - start a program and know whether it got as far as exec.
 *
 * The child's failures before exec (dup2, setuid, exec itself...) travel
 * back over a close-on-exec pipe, so the caller gets an error ("exec:
 * /bin/nope: No such file or directory") instead of a process that exits
 * 127.  Services (spawn.c) and QEMU (vm/kind.c) start this way. */
#ifndef CAIRN_FORKEXEC_H
#define CAIRN_FORKEXEC_H

#include <sys/types.h>

#define FORKEXEC_STEP 32

/* In the child: tell the parent that step failed with errno, and exit. */
_Noreturn void child_fail(int status_fd, const char *step);

/* In the child: default dispositions for every signal, an empty mask and
 * a session of its own, as a freshly exec'ed daemon expects. */
void child_reset(void);

/* Fork; the child runs fn(arg, status_fd), which ends in exec or
 * child_fail(status_fd, ...) and must not allocate.  0 once the child has
 * exec'ed, with *pid and a CLOEXEC *pidfd.  Otherwise a negative errno
 * and step says where ("pipe", "fork", "pidfd_open" or the child's step);
 * the child is reaped. */
int fork_exec(void (*fn)(void *arg, int status_fd), void *arg, pid_t *pid, int *pidfd,
	      char step[FORKEXEC_STEP]);

#endif
