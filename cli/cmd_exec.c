/* cmd_exec.c - cairnctl exec NAME [--] CMD [ARG...]
 *
 * The container's init pid comes from the API (GET /1.0/instances/NAME);
 * the settings its processes run with (type, uid, gid) from the file
 * cairnd leaves in /run/cairn/containers/NAME/exec.  Then, as its init
 * did: into its cgroup (while still host root), into all its namespaces at
 * once (setns on a pidfd), root of its user namespace, and a child (the
 * pid namespace applies to children) that takes the same last steps as
 * init (no_new_privs, capabilities, ids, seccomp: ct_drop) and execs.
 * With a terminal on stdin the child gets a pty of the container's own
 * devpts, and this process relays bytes between the two. */
#include "cmd_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config_internal.h"
#include "ct.h"
#include "fileio.h"
#include "msg.h"

#define EXEC_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int find_pid(const struct ctl_target *t, const char *name, pid_t *pid)
{
	struct ctl_response r = { 0 };
	struct cairn_err e = { "" };
	char path[512], msg[600];
	const cJSON *p, *k;
	cJSON *o;
	int ret;

	if (!cairn_config_name_ok(name))
		return ctl_fail("exec: bad instance name '%s'", name);
	snprintf(path, sizeof(path), "/1.0/instances/%s", name);
	ret = ctl_request_to(t, "GET", path, NULL, NULL, NULL, &r, &e);
	if (ret < 0) {
		ctl_response_free(&r);
		return ctl_fail("exec %s: %s", name, e.msg);
	}
	if (r.status != 200) {
		ctl_fail("exec %s: %s", name, ctl_error_text(&r, msg, sizeof(msg)));
		ctl_response_free(&r);
		return EXIT_FAIL;
	}
	o = cJSON_ParseWithLength(r.body ? r.body : "", r.len);
	ctl_response_free(&r);
	p = cJSON_GetObjectItemCaseSensitive(o, "pid");
	k = cJSON_GetObjectItemCaseSensitive(o, "kind");
	if (!cJSON_IsString(k) || strcmp(k->valuestring, "container")) {
		cJSON_Delete(o);
		return ctl_fail("exec %s: not a container", name);
	}
	if (!cJSON_IsNumber(p) || p->valuedouble < 1) {
		cJSON_Delete(o);
		return ctl_fail("exec %s: not running", name);
	}
	*pid = (pid_t)p->valuedouble;
	cJSON_Delete(o);
	return 0;
}

struct exec_info {
	enum cairn_ct_type type;
	unsigned uid, gid, base;
};

static int read_info(const char *name, struct exec_info *x)
{
	char path[512], type[16], *text = NULL;
	struct cairn_err e = { "" };
	size_t len;

	snprintf(path, sizeof(path), CT_RUN_DIR "/%s/exec", name);
	if (cairn_read_file(path, 256, &text, &len, &e) < 0)
		return ctl_fail("exec %s: %s", name, e.msg);
	if (sscanf(text, "%15s %u %u %u", type, &x->uid, &x->gid, &x->base) != 4 ||
	    (strcmp(type, "app") && strcmp(type, "system"))) {
		free(text);
		return ctl_fail("exec %s: %s: not what cairnd writes", name, path);
	}
	free(text);
	x->type = strcmp(type, "system") ? CAIRN_CT_APP : CAIRN_CT_SYSTEM;
	return 0;
}

/* The cgroup to join, below CT_CGROUP_ROOT: the container's own, or for a
 * system container the one its init is in now (systemd moves itself to
 * init.scope, and may then enable controllers for its sub-cgroups, after
 * which the container's top cgroup takes no process). */
static void exec_cgroup(const char *name, pid_t pid, char *out, size_t size)
{
	char path[64], line[600], top[128];
	size_t n;
	FILE *f;

	n = (size_t)snprintf(top, sizeof(top), "/" CT_CGROUP_DIR "/%s", name);
	snprintf(out, size, "%s", top);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = line + 3;

		if (strncmp(line, "0::", 3))
			continue;
		c[strcspn(c, "\n")] = 0;
		/* only within the container's own subtree, whatever it named */
		if (!strncmp(c, top, n) && (c[n] == 0 || c[n] == '/') && !strstr(c, "/..") &&
		    strlen(c) < size)
			snprintf(out, size, "%s", c);
		break;
	}
	fclose(f);
}

static int join(const char *name, pid_t pid, enum cairn_ct_type type)
{
	char path[700], cg[600], me[32];
	int fd, pidfd, n;

	if (type == CAIRN_CT_SYSTEM)
		exec_cgroup(name, pid, cg, sizeof(cg));
	else
		snprintf(cg, sizeof(cg), "/" CT_CGROUP_DIR "/%s", name);
	snprintf(path, sizeof(path), CT_CGROUP_ROOT "%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	n = snprintf(me, sizeof(me), "%d", (int)getpid());
	if (fd < 0 || write(fd, me, (size_t)n) != n) {
		if (fd >= 0)
			close(fd);
		return ctl_fail("exec %s: join its cgroup %s: %s", name, path, strerror(errno));
	}
	close(fd);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return ctl_fail("exec %s: pidfd_open %d: %s", name, (int)pid, strerror(errno));
	/* every namespace at once: the user namespace is entered first */
	if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			 CLONE_NEWCGROUP | CLONE_NEWNET) < 0 &&
	    /* network = host: its net namespace is the host's, not its own */
	    setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			 CLONE_NEWCGROUP) < 0) {
		close(pidfd);
		return ctl_fail("exec %s: setns: %s", name, strerror(errno));
	}
	close(pidfd);
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return ctl_fail("exec %s: become its root: %s", name, strerror(errno));
	return 0;
}

static struct termios saved;
static int tty_raw = 0;
static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSAFLUSH, &saved);
}

/* Relay stdin -> master and master -> stdout until the pty's last user
 * is gone (the master then reads EIO). */
static void relay(int master)
{
	char buf[4096];
	struct pollfd pf[2] = { { .fd = 0, .events = POLLIN }, { .fd = master, .events = POLLIN } };

	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno != EINTR)
				break;
			if (winch) {   /* the terminal was resized: so is the pty */
				struct winsize ws;

				winch = 0;
				if (ioctl(0, TIOCGWINSZ, &ws) == 0)
					ioctl(master, TIOCSWINSZ, &ws);
			}
			continue;
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, buf, sizeof(buf));

			if (n <= 0)
				break;
			if (write(1, buf, (size_t)n) < 0)
				break;
		}
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n <= 0)
				pf[0].fd = -1;   /* keep reading the child's output */
			else if (write(master, buf, (size_t)n) < 0)
				break;
		}
	}
}

int ctl_exec_command(const struct ctl_target *t, int nargs, char **args)
{
	struct exec_info x;
	struct cairn_err e = { "" };
	char *env[3] = { (char *)EXEC_PATH, NULL, NULL }, term[128];
	int master = -1, status, use_pty = isatty(0);
	pid_t pid = 0, child;
	char **cmd;

	if (nargs < 2 || (!strcmp(args[1], "--") && nargs < 3))
		return ctl_usage_error("exec: usage: cairnctl exec NAME [--] CMD [ARG...]");
	cmd = args + (strcmp(args[1], "--") ? 1 : 2);
	if (find_pid(t, args[0], &pid) || read_info(args[0], &x) || join(args[0], pid, x.type))
		return EXIT_FAIL;
	if (getenv("TERM")) {
		snprintf(term, sizeof(term), "TERM=%s", getenv("TERM"));
		env[1] = term;
	}
	if (use_pty) {
		struct winsize ws;

		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
			return ctl_fail("exec %s: a pty in the container: %s", args[0], strerror(errno));
		if (ioctl(0, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
	}
	child = fork();
	if (child < 0)
		return ctl_fail("exec: fork: %s", strerror(errno));
	if (child == 0) {
		if (use_pty) {
			int slave = open(ptsname(master), O_RDWR | O_CLOEXEC);

			if (slave < 0 || setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 ||
			    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
				fprintf(stderr, "cairnctl: exec: pty: %s\n", strerror(errno));
				_exit(127);
			}
		}
		if (chdir("/") < 0 || ct_drop(x.type, x.uid, x.gid, &e) < 0) {
			fprintf(stderr, "cairnctl: exec %s: %s\n", args[0], e.msg[0] ? e.msg : strerror(errno));
			_exit(127);
		}
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		execvpe(cmd[0], cmd, env);
		fprintf(stderr, "cairnctl: exec %s: %s: %s\n", args[0], cmd[0], strerror(errno));
		_exit(127);
	}
	if (use_pty) {
		if (tcgetattr(0, &saved) == 0) {
			struct termios raw = saved;

			cfmakeraw(&raw);
			tty_raw = tcsetattr(0, TCSANOW, &raw) == 0;
		}
		sigaction(SIGWINCH, &(struct sigaction){ .sa_handler = on_winch }, NULL);
		relay(master);
		restore_tty();
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return ctl_fail("exec: wait: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
