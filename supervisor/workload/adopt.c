/* adopt.c - taking over from a previous cairnd (killed, crashed, upgraded).
 *
 * The scheme:
 *  - every spawn leaves RUN/state/NAME (state, pid, start time, counters)
 *    and the marker RUN/pids/PID; the log pipe's read end is also parked
 *    with cairn-init ("store NAME").
 *  - a process that outlives its cairnd is reparented to cairn-init, which
 *    reaps it and, seeing the marker, writes RUN/pids/PID.exit.
 *  - the new cairnd fetches the parked pipes, and for every record:
 *      pid alive and /proc start time equal  -> adopt (pidfd, same counters)
 *      otherwise, PID.exit present           -> it exited while we were away:
 *                                               judged like any exit (restart
 *                                               policy, backoff, burst)
 *      otherwise                             -> exit status unknown, same
 *    A recycled pid never matches the start time, so it is never trusted.
 *  - records of operator-stopped or failed instances keep that state;
 *    a changed definition (canon hash) restarts the adopted process.
 * Restoring a record sets the state directly: it is not a transition but
 * the continuation of the predecessor's. */
#include "sup_int.h"
#include "kind.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "initproto.h"
#include "state.h"

struct parked {
	char name[CAIRN_INIT_MSG_MAX];
	int fd;
};

struct parked_set {
	struct parked *v;
	size_t n;
};

static void on_fetched(const char *name, int fd, void *data)
{
	struct parked_set *ps = data;
	struct parked *grown = realloc(ps->v, (ps->n + 1) * sizeof(*grown));

	if (!grown) {
		close(fd);
		return;
	}
	ps->v = grown;
	snprintf(ps->v[ps->n].name, sizeof(ps->v[ps->n].name), "%s", name);
	ps->v[ps->n++].fd = fd;
}

static int take_parked(struct parked_set *ps, const char *name)
{
	for (size_t k = 0; k < ps->n; k++) {
		if (ps->v[k].fd >= 0 && !strcmp(ps->v[k].name, name)) {
			int fd = ps->v[k].fd;

			ps->v[k].fd = -1;
			return fd;
		}
	}
	return -1;
}

static void restore(struct inst *i, const struct inst_record *r)
{
	i->restarts = r->restarts;
	i->last_code = r->last_exit_code;
	i->last_sig = r->last_exit_signal;
	i->since_ms = r->since_ms ? r->since_ms : i->since_ms;
	i->run_start = r->run_start_ms;
	i->bo = r->backoff;
	snprintf(i->reason, sizeof(i->reason), "%.*s", (int)sizeof(i->reason) - 1, r->reason);
}

/* The recorded process is alive and is the one we started? */
static int verify_pid(const struct inst_record *r)
{
	int pidfd;

	if (r->pid <= 0 || r->starttime == 0)
		return -1;
	pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (pidfd < 0)
		return -1;
	/* read after the pidfd exists: it pins the pid, so no recycling can
	 * happen between the two */
	if (state_proc_starttime(r->pid) != r->starttime) {
		close(pidfd);
		return -1;
	}
	return pidfd;
}

static void adopt_one(struct supervisor *s, struct inst *i, struct parked_set *ps)
{
	struct inst_record r;
	int pidfd, code, sig, fd;

	if (state_load(s->state_dir, i->svc->name, &r, NULL) < 0) {
		sup_feed(i, EV_START); /* nothing known: a fresh start */
		return;
	}
	restore(i, &r);
	switch (r.state) {
	case INST_STOPPED:
	case INST_FAILED:
		i->state = r.state; /* the operator's or the policy's verdict stands */
		sup_save(i);
		return;
	case INST_STARTING: {
		/* was waiting for a backoff or its dependencies: wait again,
		 * the full delay for its count (never shorter than promised) */
		struct backoff_policy p;

		sup_backoff_policy(i, &p);
		i->state = INST_STARTING;
		if (i->bo.consecutive)
			sup_arm_backoff(i, backoff_delay(&p, i->bo.consecutive));
		sup_save(i);
		return;
	}
	case INST_RUNNING:
	case INST_STOPPING:
	case INST__N_STATES:
		break;
	}
	pidfd = verify_pid(&r);
	if (pidfd >= 0) {
		i->pid = r.pid;
		i->starttime = r.starttime;
		i->pidfd = pidfd;
		i->adopted = true;
		fd = take_parked(ps, i->svc->name);
		if (fd >= 0)
			sup_attach_log(i, fd);
		else
			sup_msg("%s: no log pipe kept for it: its output is lost", i->svc->name);
		sup_feed(i, EV_ADOPT);
		sup_watch_pid(i);
		if (kind_of(i)->adopt)
			kind_of(i)->adopt(i);
		sup_msg("%s: adopted pid %d", i->svc->name, (int)i->pid);
		if (r.state == INST_STOPPING)
			sup_feed(i, EV_STOP);
		else if (r.canon_hash != state_hash(i->svc->canon))
			sup_restart(s, i->svc->name, NULL); /* definition changed meanwhile */
		return;
	}
	/* Gone: take its exit as if we had seen it. */
	i->pid = r.pid;
	i->state = INST_RUNNING;
	if (state_exit_read(s->pids_dir, r.pid, &code, &sig) < 0) {
		code = -1;
		sig = 0;
	}
	if (r.state == INST_STOPPING)
		i->state = INST_STOPPING;
	sup_exited(i, code, sig);
}

/* Records of instances the config no longer has: stop what still runs. */
static void stop_strays(struct supervisor *s)
{
	DIR *d = opendir(s->state_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct inst_record r;
		int pidfd;

		if (de->d_name[0] == '.' || sup_find(s, de->d_name))
			continue;
		if (state_load(s->state_dir, de->d_name, &r, NULL) == 0 &&
		    (pidfd = verify_pid(&r)) >= 0) {
			sup_msg("%s: no longer configured: stopping pid %d", de->d_name, (int)r.pid);
			syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
			close(pidfd);
		}
		if (r.pid > 0) {
			char path[4200];

			snprintf(path, sizeof(path), "%s/%d", s->pids_dir, (int)r.pid);
			unlink(path);
		}
		initlink_drop(s->il, de->d_name);
		state_remove(s->state_dir, de->d_name);
	}
	closedir(d);
}

int sup_adopt_all(struct supervisor *s)
{
	struct parked_set ps = { 0 };
	struct cairn_err e = { "" };
	size_t n = s->config ? s->config->n_services : 0;

	if (initlink_fetch(s->il, on_fetched, &ps, &e) < 0)
		sup_msg("%s", e.msg);
	for (size_t k = 0; k < n; k++)
		if (!sup_inst_new(s, &s->config->services[k]))
			sup_msg("%s: out of memory", s->config->services[k].name);
	/* Adopt everything first, then let the kick start what waits on it. */
	s->kicking = true;
	for (size_t k = 0; k < s->n; k++)
		adopt_one(s, s->insts[k], &ps);
	s->kicking = false;
	stop_strays(s);
	for (size_t k = 0; k < ps.n; k++) {
		if (ps.v[k].fd < 0)
			continue;
		close(ps.v[k].fd);
		if (!sup_find(s, ps.v[k].name) || sup_find(s, ps.v[k].name)->log_rd < 0)
			initlink_drop(s->il, ps.v[k].name);
	}
	free(ps.v);
	sup_kick(s);
	return 0;
}
