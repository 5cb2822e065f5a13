/* spawn.c - fork + exec of one service (see spawn.h).
 *
 * The child's steps, in order; the order is the argument:
 *   1. setsid                  (no controlling terminal, own group to kill)
 *   2. signal mask + dispositions back to defaults (cairnd blocks signals
 *      for its signalfd; a service must not inherit that)
 *   3. stdin /dev/null, stdout+stderr -> log pipe
 *   4. chdir (before dropping privileges: root can reach the directory)
 *   5. setgroups, setgid, setuid  (groups first, uid last)
 *   6. execve with the service's environment plus PATH
 * Any failing step writes {errno, step} to the status pipe and _exits. */
#include "spawn.h"

#include "kind.h"
#include "sup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct child_err {
	int err;
	char step[32];
};

static void child_fail(int fd, const char *step)
{
	struct child_err ce = { .err = errno };

	snprintf(ce.step, sizeof(ce.step), "%s", step);
	if (write(fd, &ce, sizeof(ce)) < 0) {
		/* nothing more we can say */
	}
	_exit(127);
}

/* Runs in the child only: no allocation, async-signal-safe calls. */
static void child(const struct spawn_req *r, char *const envp[], int st)
{
	const struct cairn_service *s = r->svc;
	sigset_t all;
	int fd;

	if (setsid() < 0)
		child_fail(st, "setsid");
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* EINVAL on SIGKILL/SIGSTOP/RT internals: fine */
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		child_fail(st, "/dev/null");
	if (dup2(fd, 0) < 0 || dup2(r->out_fd, 1) < 0 || dup2(r->out_fd, 2) < 0)
		child_fail(st, "dup2");
	if (fd > 2)
		close(fd);

	if (chdir(s->workdir ? s->workdir : "/") < 0)
		child_fail(st, "chdir");
	if (setgroups(1, &r->gid) < 0)
		child_fail(st, "setgroups");
	if (setgid(r->gid) < 0)
		child_fail(st, "setgid");
	if (setuid(r->uid) < 0)
		child_fail(st, "setuid");
	execve(r->path ? r->path : s->argv[0], s->argv, envp);
	child_fail(st, "exec");
}

/* The service's environment plus a PATH unless it sets one. */
static char **build_env(const struct cairn_service *s)
{
	size_t n = 0;
	int has_path = 0;
	char **env;

	for (char **p = s->env; p && *p; p++, n++)
		if (!strncmp(*p, "PATH=", 5))
			has_path = 1;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		env[i] = s->env[i];
	if (!has_path)
		env[n++] = (char *)DEFAULT_PATH;
	return env;
}

int spawn_service(const struct spawn_req *r, pid_t *pid_out, int *pidfd_out,
		  struct cairn_err *e)
{
	const struct cairn_service *s = r->svc;
	struct child_err ce;
	int st[2], pidfd, ret;
	char **env;
	ssize_t n;
	pid_t pid;

	if (!s->argv || !s->argv[0])
		return cairn_err_set(e, -EINVAL, "no exec line");
	env = build_env(s);
	if (!env)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	if (pipe2(st, O_CLOEXEC) < 0) {
		free(env);
		return cairn_err_sys(e, -errno, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(st[0]);
		close(st[1]);
		free(env);
		return cairn_err_sys(e, ret, "fork");
	}
	if (pid == 0) {
		close(st[0]);
		child(r, env, st[1]);
	}
	close(st[1]);
	free(env);
	/* The pidfd before anything else: it pins the pid until we reap. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	do
		n = read(st[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(st[0]);
	if (n == (ssize_t)sizeof(ce)) {
		/* The child failed before exec: reap it here, it never ran. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (pidfd >= 0)
			close(pidfd);
		ce.step[sizeof(ce.step) - 1] = 0;
		if (!strcmp(ce.step, "exec"))
			return cairn_err_set(e, -ce.err, "exec: %s: %s",
					     r->path ? r->path : s->argv[0], strerror(ce.err));
		if (!strcmp(ce.step, "chdir"))
			return cairn_err_set(e, -ce.err, "chdir: %s: %s",
					     s->workdir ? s->workdir : "/", strerror(ce.err));
		return cairn_err_set(e, -ce.err, "%s: %s", ce.step, strerror(ce.err));
	}
	if (pidfd < 0) {
		ret = -errno;
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return cairn_err_sys(e, ret, "pidfd_open");
	}
	*pid_out = pid;
	*pidfd_out = pidfd;
	return 0;
}

/* A service: the host's own program, as its user. */
static int service_spawn(struct inst *i, int out_fd, pid_t *pid, int *pidfd,
			 struct cairn_err *e)
{
	struct spawn_req r = { .svc = i->svc, .out_fd = out_fd };
	char path[4096];

	/* ids and program from the running system: that is where it runs */
	if (cairn_service_ids(i->svc, "/", &r.uid, &r.gid, e) < 0 ||
	    cairn_service_exec_path(i->svc, "/", path, sizeof(path), e) < 0)
		return -EINVAL;
	r.path = path;
	return spawn_service(&r, pid, pidfd, e);
}

const struct kind_ops service_kind = { .spawn = service_spawn };
