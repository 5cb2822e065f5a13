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
 * Any failing step is reported through forkexec.h's status pipe. */
#include "spawn.h"

#include "forkexec.h"
#include "kind.h"
#include "sup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct child_arg {
	const struct spawn_req *r;
	char *const *envp;
};

/* Runs in the child only: no allocation, async-signal-safe calls. */
static void child(void *arg, int st)
{
	const struct child_arg *ca = arg;
	const struct spawn_req *r = ca->r;
	const struct cairn_service *s = r->svc;
	int fd;

	child_reset();
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
	execve(r->path ? r->path : s->argv[0], s->argv, ca->envp);
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
	struct child_arg ca = { .r = r };
	char step[FORKEXEC_STEP];
	char **env;
	int ret;

	if (!s->argv || !s->argv[0])
		return cairn_err_set(e, -EINVAL, "no exec line");
	env = build_env(s);
	if (!env)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	ca.envp = env;
	ret = fork_exec(child, &ca, pid_out, pidfd_out, step);
	free(env);
	if (ret == 0)
		return 0;
	if (!strcmp(step, "exec"))
		return cairn_err_set(e, ret, "exec: %s: %s", r->path ? r->path : s->argv[0],
				     strerror(-ret));
	if (!strcmp(step, "chdir"))
		return cairn_err_set(e, ret, "chdir: %s: %s", s->workdir ? s->workdir : "/",
				     strerror(-ret));
	return cairn_err_set(e, ret, "%s: %s", step, strerror(-ret));
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
