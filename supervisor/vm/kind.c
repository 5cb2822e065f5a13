/* kind.c - VMs as instances (kind.h): QEMU is the process the supervisor
 * watches; restart, backoff, logs and adoption are the supervisor's.
 *
 * spawn, in order (the order is the argument):
 *   1. host checks: memory, kernel/initrd/firmware files, pools mounted,
 *      disks present or creatable, bridge present: nothing made yet
 *   2. disks and the OVMF variables made when missing (each atomic;
 *      removed again if a later step fails)
 *   3. the QMP and console sockets bound and listening (so cairnd can
 *      connect at once), the tap on its bridge
 *   4. fork: descriptors to 0-5, the rest closed, unprivileged user,
 *      no_new_privs, exec QEMU (-sandbox on)
 *   5. connect QMP: negotiate, query-status, then events
 * stop: system_powerdown; `quit` at 3/4 of stop_timeout for a guest that
 * ignores the button; the supervisor's SIGKILL at stop_timeout.
 * A monitor that closes without SHUTDOWN while QEMU lives is a broken
 * QEMU: killed after a grace second, a crash for the restart policy. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config_vm.h"
#include "disk.h"
#include "forkexec.h"
#include "kind.h"
#include "wnet.h"
#include "qemu_args.h"
#include "qmp.h"
#include "strv.h"
#include "sup_int.h"
#include "tap.h"
#include "vm_host.h"

#define MONITOR_GRACE_MS 1000

struct vm_run {
	struct inst *i;
	struct qmp *qmp;
	struct loop_timer *quit_timer, *hup_timer;
	bool shutdown_seen, kvm, accel_known;
	unsigned resets;
	char state[32];      /* QMP run state */
	char note[96];       /* the last event worth showing */
	char qmp_path[4200], con_path[4200];
};

/* What spawn made, to undo on failure. */
struct vm_made {
	char *disks[CAIRN_VM_DISKS_MAX + 1];   /* and the OVMF variables */
	size_t n;
	int qmp_fd, con_fd, tap_fd;
};

static void paths(const struct inst *i, char *qmp, char *con, size_t size)
{
	snprintf(qmp, size, "%s/vm/%s.qmp", i->sup->run_dir, i->svc->name);
	snprintf(con, size, "%s/console/%s.sock", i->sup->run_dir, i->svc->name);
}

static uint64_t host_memory(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	unsigned long long kb = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static int need_file(const char *what, const char *path, struct cairn_err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return cairn_err_sys(e, -errno, "%s %s", what, path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return cairn_err_set(e, -EINVAL, "%s %s is not a file", what, path);
	return 0;
}

/* The disk's path on the host, with its pool checked. */
static int disk_path(const struct cairn_vm_disk *d, char *buf, size_t size, struct cairn_err *e)
{
	struct stat st;
	char dir[4096];

	if (!d->pool) {
		snprintf(buf, size, "%s", d->path);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/%s", vm_host()->pools_dir, d->pool);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cairn_err_set(e, -ENOENT, "disk %s/%s: pool %s is not mounted (%s)", d->pool,
				     d->path, d->pool, dir);
	if ((size_t)snprintf(buf, size, "%s/%s", dir, d->path) >= size)
		return cairn_err_set(e, -ENAMETOOLONG, "disk path too long");
	return 0;
}

/* Step 1: everything the host must have, before anything is made. */
static int check_host(const struct cairn_service *s, char disks[][4096], struct cairn_err *e)
{
	const struct cairn_vm *vm = s->vm;
	uint64_t mem = host_memory();
	struct stat st;

	if (mem && vm->memory > mem)
		return cairn_err_set(e, -ENOMEM, "memory = %lluM is more than the host has (%lluM)",
				     (unsigned long long)(vm->memory >> 20),
				     (unsigned long long)(mem >> 20));
	if (vm->kernel && need_file("kernel", vm->kernel, e) < 0)
		return -ENOENT;
	if (vm->initrd && need_file("initrd", vm->initrd, e) < 0)
		return -ENOENT;
	if (vm->firmware == CAIRN_VM_UEFI &&
	    (need_file("UEFI firmware", VM_OVMF_CODE, e) < 0 ||
	     need_file("UEFI variables", VM_OVMF_VARS, e) < 0))
		return -ENOENT;
	for (size_t k = 0; k < vm->n_disks; k++) {
		const struct cairn_vm_disk *d = &vm->disks[k];

		if (disk_path(d, disks[k], 4096, e) < 0)
			return -ENOENT;
		if (stat(disks[k], &st) == 0)
			continue;
		if (errno != ENOENT || !d->size)
			return cairn_err_sys(e, -errno, "disk %s%s", disks[k],
					     errno == ENOENT ? " (no size= to create it)" : "");
	}
	/* cairnd makes [network] bridges, but leaves a link of that name
	 * that is something else alone */
	if (vm->bridge && net_bridge_check(vm->bridge, e) < 0)
		return cairn_err_prefix(e, -ENODEV, "network bridge:%s", vm->bridge);
	return 0;
}

static int listen_at(const char *path, struct cairn_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return cairn_err_set(e, -ENAMETOOLONG, "socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	unlink(path);   /* ours: a previous run's, never another program's */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 4) < 0) {
		int ret = -errno;

		close(fd);
		unlink(path);
		return cairn_err_sys(e, ret, "socket %s", path);
	}
	return fd;
}

static int make_dir(const char *path, mode_t mode)
{
	return mkdir(path, mode) < 0 && errno != EEXIST ? -errno : 0;
}

static void undo(struct vm_made *m, const char *qmp, const char *con)
{
	for (size_t k = 0; k < m->n; k++) {
		unlink(m->disks[k]);
		free(m->disks[k]);
	}
	if (m->qmp_fd >= 0) {
		close(m->qmp_fd);
		unlink(qmp);
	}
	if (m->con_fd >= 0) {
		close(m->con_fd);
		unlink(con);
	}
	if (m->tap_fd >= 0)
		close(m->tap_fd);   /* the tap goes with its last descriptor */
}

/* A file spawn made, for undo(); removed again at once if it cannot be
 * remembered. */
static int made_file(struct vm_made *m, const char *path, struct cairn_err *e)
{
	if (!(m->disks[m->n] = strdup(path))) {
		unlink(path);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	m->n++;
	return 0;
}

/* Step 2. */
static int make_disks(const struct cairn_service *s, char disks[][4096], uid_t uid, gid_t gid,
		      char *vars, size_t vsize, struct vm_made *m, struct cairn_err *e)
{
	const struct cairn_vm *vm = s->vm;
	char dir[4096];
	struct stat st;

	for (size_t k = 0; k < vm->n_disks; k++) {
		if (stat(disks[k], &st) == 0) {
			/* cairn's own images: QEMU, unprivileged, opens them */
			if (!vm->disks[k].readonly && chown(disks[k], uid, gid) < 0)
				return cairn_err_sys(e, -errno, "chown %s", disks[k]);
			continue;
		}
		if (disk_create(disks[k], vm->disks[k].format, vm->disks[k].size, VM_QEMU_IMG, uid,
				gid, e) < 0)
			return cairn_err_prefix(e, -EIO, "disk %s", disks[k]);
		if (made_file(m, disks[k], e) < 0)
			return -ENOMEM;
		sup_msg("%s: created disk %s", s->name, disks[k]);
	}
	if (vm->firmware != CAIRN_VM_UEFI)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", vm_host()->vm_dir, s->name);
	if (make_dir(vm_host()->vm_dir, 0755) < 0 || make_dir(dir, 0755) < 0)
		return cairn_err_sys(e, -errno, "mkdir %s", dir);
	snprintf(vars, vsize, "%s/OVMF_VARS.fd", dir);
	if (stat(vars, &st) == 0)
		return 0;
	if (disk_copy(VM_OVMF_VARS, vars, uid, gid, e) < 0)
		return -EIO;
	return made_file(m, vars, e);
}

/* Step 4, in the child: no allocation. */
struct qemu_child {
	char **argv;
	const struct vm_made *m;
	int out_fd;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	int ngroups;
};

static void child(void *arg, int st)
{
	const struct qemu_child *q = arg;
	const struct vm_made *m = q->m;
	int hi[4], null, out_fd = q->out_fd;

	child_reset();
	/* everything above 9 first, so that no dup2 below lands on a source */
	hi[0] = fcntl(out_fd, F_DUPFD, 10);
	hi[1] = fcntl(m->qmp_fd, F_DUPFD, 10);
	hi[2] = fcntl(m->con_fd, F_DUPFD, 10);
	hi[3] = m->tap_fd >= 0 ? fcntl(m->tap_fd, F_DUPFD, 10) : -1;
	st = fcntl(st, F_DUPFD_CLOEXEC, 10);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (hi[0] < 0 || hi[1] < 0 || hi[2] < 0 || null < 0 || (m->tap_fd >= 0 && hi[3] < 0))
		child_fail(st, "fds");
	if (dup2(null, 0) < 0 || dup2(hi[0], 1) < 0 || dup2(hi[0], 2) < 0 ||
	    dup2(hi[1], QEMU_FD_QMP) < 0 || dup2(hi[2], QEMU_FD_CONSOLE) < 0 ||
	    dup2(hi[0], QEMU_FD_LOG) < 0 || (hi[3] >= 0 && dup2(hi[3], QEMU_FD_TAP) < 0))
		child_fail(st, "dup2");
	if (hi[3] < 0)
		close(QEMU_FD_TAP);
	/* only 0-6 reach QEMU; the status pipe lives until exec */
	if (syscall(SYS_close_range, QEMU_FD_LOG + 1, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(st, "close_range");
	if (setgroups((size_t)q->ngroups, q->groups) < 0 || setgid(q->gid) < 0 ||
	    setuid(q->uid) < 0)
		child_fail(st, "setuid");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(st, "no_new_privs");
	if (chdir("/") < 0)
		child_fail(st, "chdir");
	execv(q->argv[0], q->argv);
	child_fail(st, "exec");
}

static int start_qemu(char **argv, const struct vm_made *m, int out_fd, uid_t uid, gid_t gid,
		      bool kvm, pid_t *pid_out, int *pidfd_out, struct cairn_err *e)
{
	gid_t groups[2] = { gid };
	struct group *kg = kvm ? getgrnam("kvm") : NULL;
	struct qemu_child q = { .argv = argv, .m = m, .out_fd = out_fd, .uid = uid, .gid = gid,
				.groups = groups, .ngroups = 1 };
	char step[FORKEXEC_STEP];
	int ret;

	if (kg)
		groups[q.ngroups++] = kg->gr_gid;   /* /dev/kvm is root:kvm 0660 */
	ret = fork_exec(child, &q, pid_out, pidfd_out, step);
	return ret < 0 ? cairn_err_set(e, ret, "starting %s: %s: %s", argv[0], step, strerror(-ret)) : 0;
}

/* ---- QMP ---- */

static void on_qmp(struct qmp *q, const struct qmp_msg *msg, void *data);

static void kill_qemu(struct inst *i, int sig)
{
	if (i->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, i->pidfd, sig, NULL, 0);
	else if (i->pid > 0)
		kill(i->pid, sig);
}

static void on_monitor_gone(struct loop *l, void *data)
{
	struct vm_run *r = data;

	r->hup_timer = NULL;
	if (r->i->pid > 0 && !r->shutdown_seen) {
		sup_msg("%s: QEMU's monitor closed without a SHUTDOWN: killing QEMU", r->i->svc->name);
		snprintf(r->note, sizeof(r->note), "monitor lost");
		kill_qemu(r->i, SIGKILL);
	}
}

static void connect_qmp(struct vm_run *r)
{
	struct cairn_err e = { "" };

	if (qmp_open(r->i->sup->loop, r->qmp_path, on_qmp, r, &r->qmp, &e) < 0) {
		sup_msg("%s: %s", r->i->svc->name, e.msg);
		r->qmp = NULL;
		snprintf(r->state, sizeof(r->state), "no monitor");
		r->hup_timer = loop_timer_add(r->i->sup->loop, MONITOR_GRACE_MS, on_monitor_gone, r);
		return;
	}
	qmp_send(r->qmp, "query-status", "status");
}

static void on_qmp(struct qmp *q, const struct qmp_msg *m, void *data)
{
	struct vm_run *r = data;
	const char *name = r->i->svc->name;

	if (!m) {
		snprintf(r->state, sizeof(r->state), "%s",
			 r->shutdown_seen ? "shutdown" : "monitor closed");
		if (!r->shutdown_seen && !r->hup_timer)
			r->hup_timer = loop_timer_add(r->i->sup->loop, MONITOR_GRACE_MS,
						      on_monitor_gone, r);
		return;
	}
	if (m->type == QMP_RETURN && !strcmp(m->id, "status") && m->status[0]) {
		snprintf(r->state, sizeof(r->state), "%s", m->status);
		return;
	}
	if (m->type == QMP_ERROR) {
		sup_msg("%s: QMP error for %s: %s", name, m->id[0] ? m->id : "?", m->desc);
		return;
	}
	if (m->type != QMP_EVENT)
		return;
	if (m->status[0])
		snprintf(r->state, sizeof(r->state), "%s", m->status);
	if (!strcmp(m->event, "SHUTDOWN")) {
		r->shutdown_seen = true;
		snprintf(r->state, sizeof(r->state), "shutdown");
		snprintf(r->note, sizeof(r->note), "%s (%s)",
			 m->guest ? "guest powered off" : "shut down", m->reason);
		sup_msg("%s: %s", name, r->note);
	} else if (!strcmp(m->event, "RESET")) {
		r->resets++;
		snprintf(r->note, sizeof(r->note), "guest reset (%s)", m->reason);
		sup_msg("%s: %s", name, r->note);
	} else if (!strcmp(m->event, "GUEST_PANICKED")) {
		snprintf(r->note, sizeof(r->note), "guest panicked");
		sup_msg("%s: guest panicked", name);
	} else if (!strcmp(m->event, "STOP")) {
		sup_msg("%s: guest paused", name);
	}
}

static struct vm_run *run_new(struct inst *i)
{
	struct vm_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->i = i;
	snprintf(r->state, sizeof(r->state), "starting");
	paths(i, r->qmp_path, r->con_path, sizeof(r->qmp_path));
	return r;
}

/* ---- the kind ---- */

static int vm_spawn(struct inst *i, int out_fd, pid_t *pid, int *pidfd, struct cairn_err *e)
{
	const struct cairn_service *s = i->svc;
	const struct cairn_vm *vm = s->vm;
	struct vm_made m = { .qmp_fd = -1, .con_fd = -1, .tap_fd = -1 };
	char (*disks)[4096] = calloc(vm->n_disks + 1, 4096);
	const char *dp[CAIRN_VM_DISKS_MAX];
	char qmp[4200], con[4200], dir[4200], vars[4200] = "", mac[18], tap[IF_NAMESIZE];
	struct qemu_plan plan = { .qemu = VM_QEMU, .name = s->name, .vm = vm, .mac = mac,
				  .disks = dp, .ovmf_code = VM_OVMF_CODE, .ovmf_vars = vars };
	char **argv = NULL;
	struct passwd *pw;
	struct vm_run *r;
	int ret;

	if (!disks)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	paths(i, qmp, con, sizeof(qmp));
	ret = check_host(s, disks, e);                          /* 1 */
	if (ret < 0)
		goto out;
	pw = getpwnam(vm_host()->user);
	if (!pw) {
		ret = cairn_err_set(e, -ENOENT, "no user %s to run QEMU as", vm_host()->user);
		goto out;
	}
	plan.kvm = vm_host_kvm(pw->pw_uid, pw->pw_gid);
	ret = make_disks(s, disks, pw->pw_uid, pw->pw_gid, vars, sizeof(vars), &m, e);  /* 2 */
	if (ret < 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/vm", i->sup->run_dir);   /* 3 */
	make_dir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/console", i->sup->run_dir);
	make_dir(dir, 0700);
	if ((ret = m.qmp_fd = listen_at(qmp, e)) < 0 || (ret = m.con_fd = listen_at(con, e)) < 0)
		goto out;
	cairn_vm_mac(s->name, vm, mac);
	if (vm->bridge) {
		if ((ret = tap_name(s->name, tap)) < 0) {
			cairn_err_set(e, ret, "no tap name for %s", s->name);
			goto out;
		}
		ret = m.tap_fd = tap_open(tap, vm->bridge, pw->pw_uid, e);
		if (ret < 0)
			goto out;
		plan.tap = true;
	}
	for (size_t k = 0; k < vm->n_disks; k++)
		dp[k] = disks[k];
	ret = qemu_args_build(&plan, &argv, e);
	if (ret < 0)
		goto out;
	ret = start_qemu(argv, &m, out_fd, pw->pw_uid, pw->pw_gid, plan.kvm, pid, pidfd, e);  /* 4 */
	if (ret < 0)
		goto out;
	/* QEMU holds its own copies now */
	close(m.qmp_fd);
	close(m.con_fd);
	if (m.tap_fd >= 0)
		close(m.tap_fd);
	for (size_t k = 0; k < m.n; k++)
		free(m.disks[k]);
	m = (struct vm_made){ .qmp_fd = -1, .con_fd = -1, .tap_fd = -1 };
	r = run_new(i);                                        /* 5 */
	if (r) {
		r->kvm = plan.kvm;
		r->accel_known = true;
		i->kdata = r;
		connect_qmp(r);
	} else {
		sup_msg("%s: out of memory: QEMU runs without its monitor", s->name);
	}
out:
	if (ret < 0)
		undo(&m, qmp, con);
	cairn_strv_free(argv);
	free(disks);
	return ret < 0 ? ret : 0;
}

static void on_quit_time(struct loop *l, void *data)
{
	struct vm_run *r = data;

	r->quit_timer = NULL;
	sup_msg("%s: the guest did not power off: quit", r->i->svc->name);
	if (!r->qmp || qmp_send(r->qmp, "quit", "quit") < 0)
		kill_qemu(r->i, SIGTERM);   /* QEMU quits on SIGTERM too */
}

static void vm_stop(struct inst *i)
{
	struct vm_run *r = i->kdata;

	if (!r || !r->qmp || qmp_send(r->qmp, "system_powerdown", "powerdown") < 0) {
		kill_qemu(i, SIGTERM);
		return;
	}
	snprintf(r->note, sizeof(r->note), "power button pressed");
	loop_timer_cancel(i->sup->loop, r->quit_timer);
	r->quit_timer = loop_timer_add(i->sup->loop, i->svc->stop_timeout_ms / 4 * 3,
				       on_quit_time, r);
}

static void vm_cleanup(struct inst *i)
{
	struct vm_run *r = i->kdata;
	char qmp[4200], con[4200];

	paths(i, qmp, con, sizeof(qmp));
	unlink(qmp);
	unlink(con);
	if (!r)
		return;
	loop_timer_cancel(i->sup->loop, r->quit_timer);
	loop_timer_cancel(i->sup->loop, r->hup_timer);
	qmp_close(r->qmp);
	free(r);
	i->kdata = NULL;
}

/* The adopted pid passed the supervisor's start-time check; also make
 * sure it is a QEMU before talking to it. */
static void vm_adopt(struct inst *i)
{
	struct vm_run *r;
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)i->pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		comm[strcspn(comm, "\n")] = 0;
	}
	if (strncmp(comm, "qemu-system", 11)) {
		sup_msg("%s: adopted pid %d is not QEMU (%s): killing it", i->svc->name, (int)i->pid,
			comm);
		kill_qemu(i, SIGKILL);
		return;
	}
	r = run_new(i);
	if (!r)
		return;
	i->kdata = r;
	connect_qmp(r);
}

static void vm_detail(const struct inst *i, char *buf, size_t size)
{
	const struct vm_run *r = i->kdata;

	if (!r || i->pid <= 0) {
		buf[0] = 0;
		return;
	}
	snprintf(buf, size, "qemu pid %d, %s, guest %s%s%s", (int)i->pid,
		 !r->accel_known ? "adopted" : r->kvm ? "kvm" : "tcg", r->state,
		 r->note[0] ? ", last: " : "", r->note);
	if (r->resets) {
		size_t n = strlen(buf);

		snprintf(buf + n, size - n, ", %u resets", r->resets);
	}
}

const struct kind_ops vm_kind = {
	.spawn = vm_spawn,
	.stop = vm_stop,
	.cleanup = vm_cleanup,
	.adopt = vm_adopt,
	.detail = vm_detail,
};
