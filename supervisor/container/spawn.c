/* spawn.c - starting one container (the three processes of ct.h), in
 * this order, which is the security argument:
 *
 * cairnd                      stage (host root)          init (PID 1 inside)
 *   seccomp compiled (once),
 *   image hash (cached), its
 *   host mount (once) or tar
 *   unpacked (once), idmap,
 *   cgroup + limits, host dirs,
 *   console pty (system)
 *   clone3 INTO_CGROUP -----> own mount ns (private)
 *                             userns made, maps written
 *                             rootfs under DIR: id-mapped
 *                             image, overlay, volumes, /dev
 *                             setns(user), unshare the rest
 *                             clone(CLONE_PARENT|NEWPID) --> waits for go
 *   <------- pid ------------ exits
 *   net hook(pid), console
 *   keeper (system)
 *   go ----------------------------------------------------> lo up, hostname,
 *                                                             /proc, /sys,
 *                                                             masks, pivot,
 *                                                             nnp, caps, ids,
 *   <------- EOF on exec (or an error) ---------------------- seccomp, exec
 * The init is cairnd's own child (CLONE_PARENT): cairnd watches it like a
 * service's process, and cairn-init reaps it when cairnd is away. */
#include "ct.h"
#include "ct_paths.h"
#include "ct_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum { MSG_PID = 1, MSG_ERR = 2 };
struct ct_msg {
	int type;
	int err;
	pid_t pid;
	char text[440];
};

struct job {
	const struct cairn_service *s;
	struct ct_stage st;
	int out_fd, cg_fd, st_w, go_r, go_w;
	char **env;
};

static void report(int fd, int err, const char *text)
{
	struct ct_msg m = { .type = MSG_ERR, .err = err ? err : -EIO };

	snprintf(m.text, sizeof(m.text), "%s", text);
	if (write(fd, &m, sizeof(m)) < 0) {
		/* cairnd is gone: nobody to tell */
	}
	_exit(127);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* A system container's init talks on its console, as on a machine. */
static int console_stdio(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, TIOCSCTTY, 0) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (fd > 2)
		close(fd);
	return 0;
}

/* PID 1 of the container: runs until exec. */
static void init_main(struct job *j)
{
	const struct cairn_service *s = j->s;
	const struct cairn_container *ct = s->ct;
	struct cairn_err e = { "" };
	char go = 0;
	int ret;

	close(j->go_w);
	if (read(j->go_r, &go, 1) != 1 || go != 'g')
		_exit(126);   /* cairnd gave up on us */
	close(j->go_r);
	if (setsid() < 0)
		report(j->st_w, -errno, "setsid");
	if (ct->net != CAIRN_CT_NET_HOST && (ret = ct_net_loopback_up(&e)) < 0)
		report(j->st_w, ret, e.msg);
	if (sethostname(ct->hostname, strlen(ct->hostname)) < 0)
		report(j->st_w, -errno, "sethostname");
	if ((ret = ct_rootfs_enter(ct, j->st.root, &e)) < 0)
		report(j->st_w, ret, e.msg);
	if (ct->type == CAIRN_CT_SYSTEM && (ret = console_stdio()) < 0)
		report(j->st_w, ret, "open /dev/console");
	if (chdir(s->workdir ? s->workdir : "/") < 0) {
		snprintf(e.msg, sizeof(e.msg), "chdir %s inside: %s", s->workdir ? s->workdir : "/",
			 strerror(errno));
		report(j->st_w, -errno, e.msg);
	}
	/* nothing of cairnd's may cross exec */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if ((ret = ct_drop(ct->type, ct->uid, ct->gid, &e)) < 0)
		report(j->st_w, ret, e.msg);
	execve(s->argv[0], s->argv, j->env);
	snprintf(e.msg, sizeof(e.msg), "exec %s inside the container: %s", s->argv[0], strerror(errno));
	report(j->st_w, -errno, e.msg);
}

/* The stage process: host root until it joins the user namespace.  Born
 * in the container's cgroup (CLONE_INTO_CGROUP: no migration, which
 * costs a grace period), so the cgroup namespace it makes is rooted
 * there. */
static void stage_main(struct job *j)
{
	const struct cairn_container *ct = j->s->ct;
	struct cairn_err e = { "" };
	struct clone_args ca = { .flags = CLONE_PARENT | CLONE_NEWPID };
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP, fd, ret;
	struct ct_msg m = { .type = MSG_PID };
	sigset_t none;
	pid_t pid;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(j->go_w);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(j->out_fd, 1) < 0 || dup2(j->out_fd, 2) < 0)
		report(j->st_w, -errno, "stdio");
	close(fd);
	close(j->cg_fd);
	if (unshare(CLONE_NEWNS) < 0)
		report(j->st_w, -errno, "unshare(CLONE_NEWNS)");
	if ((ret = ct_userns_new(j->st.base, &j->st.userns_fd, &e)) < 0 ||
	    (ret = ct_rootfs_build(&j->st, &e)) < 0 ||
	    (ret = ct_userns_enter(j->st.userns_fd, &e)) < 0)
		report(j->st_w, ret, e.msg);
	if (ct->net != CAIRN_CT_NET_HOST)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		report(j->st_w, -errno, "unshare the container's namespaces");
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		report(j->st_w, -errno, "clone3(CLONE_PARENT|CLONE_NEWPID)");
	if (pid == 0)
		init_main(j);
	m.pid = pid;
	if (write(j->st_w, &m, sizeof(m)) != sizeof(m))
		kill(pid, SIGKILL);
	_exit(0);
}

static char **build_env(const struct cairn_service *s)
{
	size_t n = 0, k = 0;
	bool has_path = false;
	char **env;

	for (char **p = s->env; p && *p; p++, n++)
		has_path |= !strncmp(*p, "PATH=", 5);
	env = calloc(n + 4, sizeof(*env));
	if (!env)
		return NULL;
	for (; k < n; k++)
		env[k] = s->env[k];
	if (!has_path)
		env[k++] = (char *)DEFAULT_PATH;
	env[k++] = (char *)"container=cairn";   /* systemd and others look for it */
	return env;
}

/* Host directories the container's mounts need, owned by its root when new. */
static int host_dirs(const struct cairn_service *s, uint32_t base, struct cairn_err *e)
{
	const struct cairn_container *ct = s->ct;
	char path[4200];
	int ret;

	snprintf(path, sizeof(path), CT_RUN_DIR "/%s", s->name);
	if ((ret = ct_mkdirs(path, 0755, (uid_t)-1, (gid_t)-1, e)) < 0)
		return ret;
	if (ct->persistent) {
		int up = ct_upper_open(s, e), fd;

		if (up < 0)
			return up;
		fd = ct_in_root(up, "upper", CT_NODE_DIR, base, base, e);
		if (fd >= 0) {
			close(fd);
			fd = ct_in_root(up, "work", CT_NODE_DIR, (uid_t)-1, (gid_t)-1, e);
		}
		close(up);
		if (fd < 0)
			return fd;
		close(fd);
	}
	for (size_t k = 0; k < ct->n_volumes; k++) {
		snprintf(path, sizeof(path), CT_POOLS_DIR "/%s", ct->volumes[k].pool);
		if (!ct_is_mount_root(path))
			return cairn_err_set(e, -ENOENT, "pool %s of volume %s is not mounted (%s)",
					     ct->volumes[k].pool, ct->volumes[k].target, path);
		/* inside the pool: a symlink a container planted in a volume
		 * it shares must not lead cairnd out of it */
		int pool_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

		if (pool_fd < 0)
			return cairn_err_sys(e, -errno, "%s", path);
		fd = ct_in_root(pool_fd, ct->volumes[k].path, CT_NODE_DIR, base, base, e);
		close(pool_fd);
		if (fd < 0)
			return cairn_err_prefix(e, fd, "volume %s/%s", ct->volumes[k].pool, ct->volumes[k].path);
		close(fd);
	}
	return 0;
}

static void run_dir_remove(const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), CT_RUN_DIR "/%s/exec", name);
	unlink(path);
	snprintf(path, sizeof(path), CT_RUN_DIR "/%s", name);
	rmdir(path);
}

int ct_exec_info_write(const struct cairn_service *s, uint32_t base, struct cairn_err *e)
{
	char path[4200], text[128];

	snprintf(path, sizeof(path), CT_RUN_DIR "/%s/exec", s->name);
	snprintf(text, sizeof(text), "%s %u %u %u\n", cairn_ct_type_name(s->ct->type),
		 s->ct->uid, s->ct->gid, base);
	return cairn_write_atomic(path, text, strlen(text), 0600, e);
}

int ct_spawn(const struct cairn_config *c, const struct cairn_service *s, int out_fd,
	     pid_t *pid_out, int *pidfd_out, struct cairn_err *e)
{
	struct job j = { .s = s, .out_fd = out_fd, .cg_fd = -1 };
	struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	int st[2] = { -1, -1 }, go[2] = { -1, -1 }, ret, pidfd = -1, img_fd, master = -1;
	struct ct_msg m;
	pid_t stage, pid = 0;
	uid_t cg_owner;
	ssize_t n;

	j.st.s = s;
	j.st.ct = s->ct;
	j.st.userns_fd = -1;
	snprintf(j.st.dir, sizeof(j.st.dir), CT_RUN_DIR "/%s", s->name);
	if ((ret = ct_seccomp_prepare(s->ct->type, e)) < 0 || (ret = ct_image_open(s, &img_fd, e)) < 0)
		return ret;
	if ((ret = ct_idmap_get(c, s, &j.st.base, e)) < 0) {
		close(img_fd);
		return ret;
	}
	j.st.tar = ct_image_is_tar(img_fd);
	if (j.st.tar)
		ret = ct_tar_unpack(s, img_fd, j.st.base, j.st.image, sizeof(j.st.image), e);
	else
		ret = ct_image_mount(s, img_fd, j.st.image, sizeof(j.st.image), e);
	close(img_fd);
	if (ret < 0)
		return ret;
	/* a system container's init (systemd) makes its own sub-cgroups */
	cg_owner = s->ct->type == CAIRN_CT_SYSTEM ? (uid_t)j.st.base : (uid_t)-1;
	if ((ret = host_dirs(s, j.st.base, e)) < 0 || (ret = ct_cgroup_create(s, cg_owner, &j.cg_fd, e)) < 0) {
		run_dir_remove(s->name);
		ct_image_sweep(c);
		return ret;
	}
	if (s->ct->type == CAIRN_CT_SYSTEM &&
	    (ret = ct_console_open(j.st.base, &master, j.st.console, sizeof(j.st.console), e)) < 0)
		goto fail;
	j.env = build_env(s);
	if (!j.env || pipe2(st, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		ret = j.env ? cairn_err_sys(e, -errno, "pipe") : cairn_err_set(e, -ENOMEM, "out of memory");
		goto fail;
	}
	j.st_w = st[1];
	j.go_r = go[0];
	j.go_w = go[1];
	ca.cgroup = (uint64_t)j.cg_fd;
	stage = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (stage < 0) {
		ret = cairn_err_sys(e, -errno, "clone3 into the container's cgroup");
		goto fail;
	}
	if (stage == 0)
		stage_main(&j);
	close(st[1]);
	close(go[0]);
	st[1] = go[0] = -1;
	do
		n = read(st[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	reap(stage);
	if (n != (ssize_t)sizeof(m) || m.type != MSG_PID) {
		m.text[sizeof(m.text) - 1] = 0;
		ret = n == (ssize_t)sizeof(m) ? cairn_err_set(e, m.err, "%s", m.text)
					      : cairn_err_set(e, -EIO, "the container's stage process died");
		goto fail;
	}
	pid = m.pid;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		ret = cairn_err_sys(e, -errno, "pidfd_open");
		goto fail;
	}
	fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	if ((ret = ct_net_attach(pid, s, c, e)) < 0)
		goto fail;
	if (master >= 0 && (ret = ct_console_serve(s->name, master, out_fd, pid, e)) < 0)
		goto fail;
	if (write(go[1], "g", 1) != 1) {
		ret = cairn_err_sys(e, -errno, "start the container's init");
		goto fail;
	}
	close(go[1]);
	go[1] = -1;
	do
		n = read(st[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		m.text[sizeof(m.text) - 1] = 0;
		ret = n == (ssize_t)sizeof(m) ? cairn_err_set(e, m.err, "%s", m.text)
					      : cairn_err_set(e, -EIO, "the container's init failed");
		goto fail;
	}
	close(st[0]);
	close(j.cg_fd);
	if (master >= 0)
		close(master);
	free(j.env);
	if (ct_exec_info_write(s, j.st.base, e) < 0)
		fprintf(stderr, "cairnd: %s: %s (cairnctl exec will not work)\n", s->name, e->msg);
	*pid_out = pid;
	*pidfd_out = pidfd;
	return 0;
fail:
	if (pid > 0) {
		kill(pid, SIGKILL);
		reap(pid);
	}
	if (pidfd >= 0)
		close(pidfd);
	for (int k = 0; k < 2; k++) {
		if (st[k] >= 0)
			close(st[k]);
		if (go[k] >= 0)
			close(go[k]);
	}
	if (j.cg_fd >= 0)
		close(j.cg_fd);
	if (master >= 0)
		close(master);
	free(j.env);
	ct_cgroup_remove(s->name);
	run_dir_remove(s->name);
	ct_image_sweep(c);
	return ret;
}

void ct_cleanup(const struct cairn_config *c, const char *name)
{
	ct_net_detach(name);
	ct_cgroup_remove(name);
	run_dir_remove(name);
	ct_image_sweep(c);
}
