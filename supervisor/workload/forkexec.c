/* forkexec.c - start a program, with its pre-exec failures (forkexec.h). */
#include "forkexec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct child_err {
	int err;
	char step[FORKEXEC_STEP];
};

void child_fail(int status_fd, const char *step)
{
	struct child_err ce = { .err = errno };

	snprintf(ce.step, sizeof(ce.step), "%s", step);
	if (write(status_fd, &ce, sizeof(ce)) < 0) {
		/* the parent is gone: nobody to tell */
	}
	_exit(127);
}

void child_reset(void)
{
	sigset_t none;

	setsid();
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);   /* EINVAL on SIGKILL/SIGSTOP: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int fork_exec(void (*fn)(void *arg, int status_fd), void *arg, pid_t *pid_out, int *pidfd_out,
	      char step[FORKEXEC_STEP])
{
	struct child_err ce;
	int st[2], pidfd, ret;
	ssize_t n;
	pid_t pid;

	if (pipe2(st, O_CLOEXEC) < 0) {
		snprintf(step, FORKEXEC_STEP, "pipe");
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(st[0]);
		close(st[1]);
		snprintf(step, FORKEXEC_STEP, "fork");
		return ret;
	}
	if (pid == 0) {
		close(st[0]);
		fn(arg, st[1]);
		child_fail(st[1], "exec");   /* fn returned: it must not */
	}
	close(st[1]);
	/* The pidfd before anything else: it pins the pid until we reap. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ret = pidfd < 0 ? -errno : 0;
	do
		n = read(st[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n == (ssize_t)sizeof(ce)) {
		ce.step[sizeof(ce.step) - 1] = 0;
		snprintf(step, FORKEXEC_STEP, "%s", ce.step);
		ret = -ce.err;
	} else if (ret < 0) {
		snprintf(step, FORKEXEC_STEP, "pidfd_open");
		kill(pid, SIGKILL);
	}
	if (ret < 0) {
		reap(pid);
		if (pidfd >= 0)
			close(pidfd);
		return ret;
	}
	*pid_out = pid;
	*pidfd_out = pidfd;
	return 0;
}
