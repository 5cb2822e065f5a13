/* supervisor.c - owns the instances and drives their state machine.
 *
 * Everything that happens to an instance becomes one event for the table
 * in instance.c (sup_feed); the table's action is carried out here.  Exits
 * are judged against the restart policy (backoff.c) before they become an
 * event, so the table itself stays free of arithmetic.  Each state change
 * is persisted (state.c) so a restarted cairnd can re-adopt (adopt.c). */
#include "sup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seed.h"
#include "kind.h"
#include "spawn.h"
#include "strv.h"
#include "state.h"
#include "svcdef.h"

uint64_t sup_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int send_signal(struct inst *i, int sig)
{
	if (i->pidfd >= 0 && syscall(SYS_pidfd_send_signal, i->pidfd, sig, NULL, 0) == 0)
		return 0;
	return i->pid > 0 && kill(i->pid, sig) == 0 ? 0 : -errno;
}

static const char *signame(int sig, char *buf, size_t len)
{
	const char *a = sigabbrev_np(sig);

	if (a)
		snprintf(buf, len, "SIG%s", a);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

/* ---- instances ---- */

struct inst *sup_find(const struct supervisor *s, const char *name)
{
	for (size_t k = 0; k < s->n; k++)
		if (!strcmp(s->insts[k]->svc->name, name))
			return s->insts[k];
	return NULL;
}

struct inst *sup_inst_new(struct supervisor *s, const struct cairn_service *svc)
{
	struct inst *i = calloc(1, sizeof(*i)), **grown;

	if (!i)
		return NULL;
	i->svc = svcdef_dup(svc);
	grown = realloc(s->insts, (s->n + 1) * sizeof(*grown));
	if (!i->svc || !grown) {
		svcdef_free(i->svc);
		free(i);
		if (grown)
			s->insts = grown;
		return NULL;
	}
	s->insts = grown;
	s->insts[s->n++] = i;
	i->sup = s;
	i->pidfd = -1;
	i->log_rd = -1;
	i->last_code = -1;
	i->since_ms = sup_realtime_ms();
	snprintf(i->log_path, sizeof(i->log_path), "%s/%s.log", s->log_dir, svc->name);
	return i;
}

static void close_log_pipe(struct inst *i)
{
	if (i->log_rd < 0)
		return;
	loop_del_fd(i->sup->loop, i->log_rd);
	close(i->log_rd);
	i->log_rd = -1;
}

static void unwatch_pid(struct inst *i)
{
	if (i->pidfd >= 0) {
		loop_del_fd(i->sup->loop, i->pidfd);
		close(i->pidfd);
	}
	i->pidfd = -1;
	loop_timer_cancel(i->sup->loop, i->exit_wait);
	i->exit_wait = NULL;
}

/* Free an instance that has no process; removes it from the list. */
void sup_inst_destroy(struct inst *i)
{
	struct supervisor *s = i->sup;

	for (size_t k = 0; k < s->n; k++) {
		if (s->insts[k] != i)
			continue;
		memmove(&s->insts[k], &s->insts[k + 1], (s->n - k - 1) * sizeof(*s->insts));
		s->n--;
		break;
	}
	loop_timer_cancel(s->loop, i->timer);
	unwatch_pid(i);
	close_log_pipe(i);
	logfile_close(i->log);
	svcdef_free(i->svc);
	svcdef_free(i->next_svc);
	free(i);
}

void sup_backoff_policy(const struct inst *i, struct backoff_policy *p)
{
	p->delay_ms = i->svc->restart_delay_ms;
	p->delay_max_ms = i->svc->restart_delay_max_ms;
	p->burst = i->svc->burst;
	p->burst_interval_ms = i->svc->burst_interval_ms;
}

void sup_save(struct inst *i)
{
	struct inst_record r = {
		.state = i->state, .pid = i->pid, .starttime = i->starttime,
		.canon_hash = state_hash(i->svc->canon), .restarts = i->restarts,
		.last_exit_code = i->last_code, .last_exit_signal = i->last_sig,
		.since_ms = i->since_ms, .run_start_ms = i->run_start, .backoff = i->bo,
	};
	struct cairn_err e;

	snprintf(r.reason, sizeof(r.reason), "%.*s", (int)sizeof(r.reason) - 1, i->reason);
	if (state_save(i->sup->state_dir, i->svc->name, &r, &e) < 0)
		sup_msg("%s: state: %s", i->svc->name, e.msg);
}

/* ---- log pipe ---- */

static void on_log(struct loop *l, int fd, uint32_t events, void *data)
{
	struct inst *i = data;
	char buf[16384];
	ssize_t n;

	/* One read per wake-up: a chatty service cannot starve the loop. */
	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		if (i->log && logfile_write(i->log, buf, (size_t)n) < 0)
			sup_msg("%s: cannot write %s", i->svc->name, i->log_path);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF: every writer is gone. */
	close_log_pipe(i);
}

static void drain_log(struct inst *i)
{
	char buf[16384];
	ssize_t n;

	while (i->log_rd >= 0 && (n = read(i->log_rd, buf, sizeof(buf))) > 0)
		if (i->log)
			logfile_write(i->log, buf, (size_t)n);
}

static int open_log(struct inst *i)
{
	struct cairn_err e;

	if (i->log) {
		logfile_set_limits(i->log, i->svc->log_max_bytes, i->svc->log_keep);
		return 0;
	}
	if (logfile_open(&i->log, i->sup->log_dir, i->svc->name,
			 i->svc->log_max_bytes, i->svc->log_keep, &e) < 0) {
		sup_msg("%s: log: %s", i->svc->name, e.msg);
		return -1;
	}
	return 0;
}

int sup_attach_log(struct inst *i, int rd)
{
	int ret;

	close_log_pipe(i);
	fcntl(rd, F_SETFL, fcntl(rd, F_GETFL) | O_NONBLOCK);
	open_log(i);
	ret = loop_add_fd(i->sup->loop, rd, EPOLLIN, on_log, i);
	if (ret < 0) {
		close(rd);
		return ret;
	}
	i->log_rd = rd;
	return 0;
}

/* ---- process exit ---- */

static void on_pidfd(struct loop *l, int fd, uint32_t events, void *data);

int sup_watch_pid(struct inst *i)
{
	return loop_add_fd(i->sup->loop, i->pidfd, EPOLLIN, on_pidfd, i);
}

static void exit_reason(struct inst *i, int code, int sig)
{
	char sn[32];

	if (sig)
		snprintf(i->reason, sizeof(i->reason), "killed by %s", signame(sig, sn, sizeof(sn)));
	else if (code >= 0)
		snprintf(i->reason, sizeof(i->reason), "exited %d", code);
	else
		snprintf(i->reason, sizeof(i->reason), "exited while cairnd was away (status unknown)");
}

void sup_exited(struct inst *i, int code, int sig)
{
	struct supervisor *s = i->sup;
	const struct cairn_service *svc = i->svc;
	uint64_t now = loop_now_ms();
	uint64_t run_ms = now > i->run_start ? now - i->run_start : 0;
	enum inst_event ev;
	bool clean, restart;

	if (kind_of(i)->exit_status)
		kind_of(i)->exit_status(i, &code, &sig);
	clean = sig == 0 && code == 0;
	drain_log(i);
	close_log_pipe(i);
	unwatch_pid(i);
	if (kind_of(i)->cleanup)
		kind_of(i)->cleanup(i);
	if (i->pid > 0)
		state_marker_remove(s->pids_dir, i->pid);
	i->pid = 0;
	i->starttime = 0;
	i->adopted = false;
	i->last_code = code;
	i->last_sig = sig;
	exit_reason(i, code, sig);

	restart = svc->restart == CAIRN_RESTART_ALWAYS ||
		  (svc->restart == CAIRN_RESTART_ON_FAILURE && !clean);
	if (i->state != INST_RUNNING || s->shutting_down) {
		ev = EV_EXIT_DONE;
	} else if (!restart) {
		ev = clean ? EV_EXIT_DONE : EV_EXIT_FAILED;
	} else {
		struct backoff_policy p;

		sup_backoff_policy(i, &p);
		if (backoff_next(&i->bo, &p, now, run_ms, &i->next_delay)) {
			ev = EV_EXIT_RESTART;
			i->restarts++;
		} else {
			ev = EV_EXIT_FAILED;
			snprintf(i->reason, sizeof(i->reason),
				 "restart burst exceeded (%u in %us)", svc->burst,
				 svc->burst_interval_ms / 1000);
		}
	}
	sup_msg("%s: %s", svc->name, i->reason);
	sup_feed(i, ev);
}

static void exit_wait_tick(struct loop *l, void *data);

/* An adopted process (not our child) ended: its status comes from the
 * .exit file cairn-init writes once it has reaped it. */
static void adopted_exit(struct inst *i)
{
	int code, sig;

	if (state_exit_read(i->sup->pids_dir, i->pid, &code, &sig) == 0) {
		sup_exited(i, code, sig);
		return;
	}
	if (!initlink_present(i->sup->il) || i->exit_tries >= 40) {
		sup_exited(i, -1, 0);
		return;
	}
	if (i->pidfd >= 0) {
		/* level-triggered and now always readable: stop watching it */
		loop_del_fd(i->sup->loop, i->pidfd);
		close(i->pidfd);
		i->pidfd = -1;
	}
	i->exit_tries++;
	i->exit_wait = loop_timer_add(i->sup->loop, 50, exit_wait_tick, i);
	if (!i->exit_wait)
		sup_exited(i, -1, 0);
}

static void exit_wait_tick(struct loop *l, void *data)
{
	struct inst *i = data;

	i->exit_wait = NULL;
	adopted_exit(i);
}

static void decode(const siginfo_t *si, int *code, int *sig)
{
	*code = -1;
	*sig = 0;
	if (si->si_code == CLD_EXITED)
		*code = si->si_status;
	else
		*sig = si->si_status;
}

static void on_pidfd(struct loop *l, int fd, uint32_t events, void *data)
{
	struct inst *i = data;
	siginfo_t si;
	int code, sig;

	if (i->adopted) {
		adopted_exit(i);
		return;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0) {
		if (errno == ECHILD)
			sup_exited(i, -1, 0);
		return;
	}
	if (si.si_pid == 0)
		return;
	decode(&si, &code, &sig);
	sup_exited(i, code, sig);
}

void sup_sigchld(struct supervisor *s)
{
	for (;;) {
		siginfo_t si;
		int code, sig;

		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			return;
		decode(&si, &code, &sig);
		for (size_t k = 0; k < s->n; k++) {
			struct inst *i = s->insts[k];

			if (i->pid == si.si_pid && !i->adopted) {
				sup_exited(i, code, sig);
				break;
			}
		}
	}
}

/* ---- actions ---- */

const struct kind_ops *kind_of(const struct inst *i)
{
	switch (i->svc->kind) {
	case CAIRN_KIND_CONTAINER: return &container_kind;
	case CAIRN_KIND_VM: return &vm_kind;
	default: return &service_kind;
	}
}

static void spawn(struct inst *i)
{
	struct supervisor *s = i->sup;
	struct cairn_err e = { "" };
	int p[2], ret;

	open_log(i);
	if (pipe2(p, O_CLOEXEC) < 0) {
		cairn_err_sys(&e, -errno, "pipe");
		goto fail;
	}
	ret = kind_of(i)->spawn(i, p[1], &i->pid, &i->pidfd, &e);
	close(p[1]);
	if (ret < 0) {
		close(p[0]);
		goto fail;
	}
	state_marker_create(s->pids_dir, i->pid, i->svc->name);
	i->starttime = state_proc_starttime(i->pid);
	i->adopted = false;
	i->run_start = loop_now_ms();
	backoff_note_start(&i->bo, i->run_start);
	i->reason[0] = 0;
	if (sup_watch_pid(i) < 0)
		sup_msg("%s: cannot watch pid %d", i->svc->name, (int)i->pid);
	sup_attach_log(i, p[0]);
	if (initlink_store(s->il, i->svc->name, p[0]) < 0)
		sup_msg("%s: init did not take the log pipe", i->svc->name);
	sup_msg("%s: started, pid %d", i->svc->name, (int)i->pid);
	return;
fail:
	i->pid = 0;
	snprintf(i->reason, sizeof(i->reason), "%.*s", (int)sizeof(i->reason) - 1, e.msg);
	sup_msg("%s: %s", i->svc->name, e.msg);
	sup_feed(i, EV_SPAWN_FAILED);
}

static void on_backoff(struct loop *l, void *data)
{
	struct inst *i = data;

	i->timer = NULL;
	sup_feed(i, EV_BACKOFF_DONE);
}

static void on_stop_timeout(struct loop *l, void *data)
{
	struct inst *i = data;

	i->timer = NULL;
	sup_feed(i, EV_STOP_TIMEOUT);
}

void sup_arm_backoff(struct inst *i, uint64_t ms)
{
	loop_timer_cancel(i->sup->loop, i->timer);
	i->timer = loop_timer_add(i->sup->loop, ms, on_backoff, i);
	if (!i->timer)
		sup_msg("%s: out of memory arming the restart delay", i->svc->name);
}

static void act(struct inst *i, enum inst_action a)
{
	struct supervisor *s = i->sup;

	switch (a) {
	case ACT_NONE:
	case ACT_CHECK_DEPS: /* sup_kick looks at every STARTING instance */
	case ACT_WATCH:      /* adopt.c watches the pidfd itself */
		break;
	case ACT_BEGIN:
		backoff_reset(&i->bo);
		i->restarts = 0;
		i->reason[0] = 0;
		break;
	case ACT_SPAWN:
		spawn(i);
		break;
	case ACT_BACKOFF:
		sup_arm_backoff(i, i->next_delay);
		break;
	case ACT_CANCEL:
		loop_timer_cancel(s->loop, i->timer);
		i->timer = NULL;
		initlink_drop(s->il, i->svc->name);
		break;
	case ACT_TERM:
		if (kind_of(i)->stop)
			kind_of(i)->stop(i);
		else
			send_signal(i, i->svc->stop_signal ? i->svc->stop_signal : SIGTERM);
		loop_timer_cancel(s->loop, i->timer);
		i->timer = loop_timer_add(s->loop, i->svc->stop_timeout_ms, on_stop_timeout, i);
		break;
	case ACT_KILL:
		sup_msg("%s: did not stop within %ums: SIGKILL", i->svc->name,
			i->svc->stop_timeout_ms);
		send_signal(i, SIGKILL);
		if (i->pid > 0)
			kill(-i->pid, SIGKILL); /* its process group, stragglers too */
		break;
	case ACT_DOWN:
		loop_timer_cancel(s->loop, i->timer);
		i->timer = NULL;
		initlink_drop(s->il, i->svc->name);
		break;
	}
}

int sup_feed(struct inst *i, enum inst_event ev)
{
	struct inst_transition t;
	enum inst_state from = i->state;

	if (inst_step(i->state, ev, &t) < 0)
		return -EINVAL;
	i->state = t.next;
	if (t.next != from)
		i->since_ms = sup_realtime_ms();
	act(i, t.action);
	sup_save(i);
	sup_kick(i->sup);
	return 0;
}

/* ---- the whole set ---- */

/* The first of i's after= dependencies that is not running, or NULL. */
static const struct inst *waiting_for(const struct inst *i)
{
	for (char **d = i->svc->after; d && *d; d++) {
		const struct inst *dep = sup_find(i->sup, *d);

		if (dep && dep->state != INST_RUNNING)
			return dep;
	}
	return NULL;
}

/* Anyone still up that names i in after=? (shutdown: dependents first) */
static bool has_live_dependents(const struct inst *i)
{
	const struct supervisor *s = i->sup;

	for (size_t k = 0; k < s->n; k++) {
		const struct inst *o = s->insts[k];

		if (o->state != INST_RUNNING && o->state != INST_STOPPING)
			continue;
		for (char **d = o->svc->after; d && *d; d++)
			if (!strcmp(*d, i->svc->name))
				return true;
	}
	return false;
}

static bool kick_one(struct inst *i)
{
	struct supervisor *s = i->sup;

	if (s->shutting_down) {
		if (i->state == INST_STARTING)
			return sup_feed(i, EV_STOP) == 0;
		if (i->state == INST_RUNNING && !has_live_dependents(i))
			return sup_feed(i, EV_STOP) == 0;
		return false;
	}
	if (i->state == INST_STOPPED || i->state == INST_FAILED) {
		if (i->remove) {
			state_remove(s->state_dir, i->svc->name);
			sup_inst_destroy(i);
			return true;
		}
		if (i->next_svc) {
			svcdef_free(i->svc);
			i->svc = i->next_svc;
			i->next_svc = NULL;
		}
		if (i->pending_start) {
			i->pending_start = false;
			return sup_feed(i, EV_START) == 0;
		}
	}
	if (i->state == INST_STARTING && !i->timer) {
		const struct inst *dep = waiting_for(i);

		if (!dep)
			return sup_feed(i, EV_DEPS_READY) == 0;
		/* so an operator sees why it stays "starting" */
		snprintf(i->reason, sizeof(i->reason), "waiting for %s (%s)", dep->svc->name,
			 inst_state_name(dep->state));
	}
	return false;
}

void sup_kick(struct supervisor *s)
{
	bool changed;

	if (s->kicking) {
		s->kick_again = true;
		return;
	}
	s->kicking = true;
	do {
		s->kick_again = false;
		changed = false;
		for (size_t k = 0; k < s->n && !changed; k++)
			changed = kick_one(s->insts[k]);
	} while (changed || s->kick_again);
	s->kicking = false;

	if (s->shutting_down && s->done) {
		for (size_t k = 0; k < s->n; k++)
			if (s->insts[k]->state != INST_STOPPED && s->insts[k]->state != INST_FAILED)
				return;
		void (*done)(void *) = s->done;

		/* An orderly stop: the next cairnd starts from the config,
		 * nothing is left to adopt. */
		for (size_t k = 0; k < s->n; k++)
			state_remove(s->state_dir, s->insts[k]->svc->name);
		s->done = NULL;
		done(s->done_data);
	}
}

void sup_shutdown(struct supervisor *s, void (*done)(void *), void *data)
{
	s->shutting_down = true;
	s->done = done;
	s->done_data = data;
	sup_kick(s);
}

/* ---- life cycle ---- */

static int mkdirs(const char *path, mode_t mode)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, mode);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int sup_new(struct supervisor **out, struct loop *l, const struct sup_opts *o,
	    struct cairn_err *e)
{
	struct supervisor *s = calloc(1, sizeof(*s));
	struct cairn_err ce = { "" };
	bool oom = false;
	int ret;

	if (!s)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	s->loop = l;
	s->log_dir = cairn_strdup_or_null(o->log_dir, &oom);
	s->run_dir = cairn_strdup_or_null(o->run_dir, &oom);
	s->root = cairn_strdup_or_null(o->root ? o->root : "/", &oom);
	s->trust_dir = cairn_strdup_or_null(o->trust_dir ? o->trust_dir : "/etc/cairn/trust", &oom);
	s->seed_dir = cairn_strdup_or_null(o->seed_dir, &oom);
	s->seed_label = cairn_strdup_or_null(o->seed_label, &oom);
	s->demo_path = cairn_strdup_or_null(o->demo_path, &oom);
	s->applied = o->applied;
	s->applied_data = o->applied_data;
	s->start_ms = loop_now_ms();
	if (oom || !s->log_dir || !s->run_dir) {
		sup_free(s);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	if (cstore_init(&s->store, o->config_dir ? o->config_dir : CSTORE_DIR_DEFAULT,
			o->config_path, &ce) < 0)
		sup_msg("%s", ce.msg);   /* read what is there; storing will fail */
	snprintf(s->state_dir, sizeof(s->state_dir), "%s/state", o->run_dir);
	snprintf(s->pids_dir, sizeof(s->pids_dir), "%s/pids", o->run_dir);
	snprintf(s->init_sock, sizeof(s->init_sock), "%s/init.sock", o->run_dir);
	if ((ret = mkdirs(s->state_dir, 0700)) < 0 || (ret = mkdirs(s->pids_dir, 0700)) < 0) {
		sup_free(s);
		return cairn_err_sys(e, ret, "%s", o->run_dir);
	}
	if ((ret = mkdirs(s->log_dir, 0750)) < 0)
		sup_msg("%s: %s", s->log_dir, strerror(-ret));
	initlink_open(&s->il, s->init_sock);
	*out = s;
	return 0;
}

/* One boot candidate: verify, parse, validate; a seed or the demo must
 * not be older than the floor and is stored as current once taken; a
 * previous pair taken over a damaged current is stored as current too. */
static int take(struct supervisor *s, const char *what, struct cfg_blob *b, bool fallback,
		bool store, struct cairn_err *e)
{
	struct cairn_config *c = NULL;
	char signer[256] = "";
	bool have_floor;
	uint64_t floor;
	int ret;

	ret = cstore_check(b, s->trust_dir, s->root, &c, signer, sizeof(signer), e);
	if (ret < 0)
		return ret;
	if (fallback) {
		sup_floor(s, &have_floor, &floor);
		ret = cstore_gen_check(c->host.generation, false, 0, have_floor, floor,
				       GEN_FALLBACK, e);
		if (ret < 0) {
			cairn_config_free(c);
			return cairn_err_prefix(e, ret, "%s", b->name);
		}
	}
	if (store) {
		struct cairn_err se = { "" };

		if (cstore_save(&s->store, b, !fallback, &se) < 0 ||
		    cstore_floor_raise(&s->store, c->host.generation, &se) < 0)
			sup_msg("%s (running it anyway)", se.msg);
	}
	sup_msg("configuration: %s, generation %" PRIu64 ", signed by %s", what,
		c->host.generation, signer);
	s->config = c;
	cfg_blob_move(&s->active, b);
	return 0;
}

/* Append "what: why" to the summary of refused candidates ("missing":
 * the file is not there at all). */
static void note(char *sum, size_t size, const char *what, bool missing,
		 const struct cairn_err *e)
{
	size_t n = strlen(sum);

	snprintf(sum + n, size - n, "%s%s: %s", n ? "; " : "", what, missing ? "missing" : e->msg);
}

static int load_boot_config(struct supervisor *s, struct cairn_err *e)
{
	struct cairn_err ce = { "" };
	struct cfg_blob b;
	char sum[2048] = "";
	bool have_current, found;
	int ret;

	ret = cfg_blob_read(&b, s->store.current, &ce);
	have_current = ret != -ENOENT;
	if (ret == 0 && (ret = take(s, "current", &b, false, false, &ce)) == 0)
		return 0;
	cfg_blob_free(&b);
	note(sum, sizeof(sum), "current", !have_current, &ce);
	if (have_current) {
		sup_msg("current configuration refused: %s", ce.msg);
		/* a crash between the two writes of a pair, or damage */
		ret = cfg_blob_read(&b, s->store.previous, &ce);
		found = ret != -ENOENT;
		if (ret == 0 && (ret = take(s, "previous", &b, false, true, &ce)) == 0)
			return 0;
		cfg_blob_free(&b);
		note(sum, sizeof(sum), "previous", !found, &ce);
	}
	ret = seed_find(s->seed_dir, s->seed_label, s->run_dir, &b, &ce);
	found = ret != -ENOENT;   /* "none found (where)" says enough */
	if (ret == 0 && (ret = take(s, "seed", &b, true, true, &ce)) == 0)
		return 0;
	cfg_blob_free(&b);
	if (found)
		sup_msg("seed refused: %s", ce.msg);
	note(sum, sizeof(sum), "seed", false, &ce);
	if (s->demo_path) {
		ret = cfg_blob_read(&b, s->demo_path, &ce);
		found = ret != -ENOENT;
		if (ret == 0 && (ret = take(s, "demo", &b, true, true, &ce)) == 0)
			return 0;
		cfg_blob_free(&b);
		if (found)
			sup_msg("demo refused: %s", ce.msg);
		note(sum, sizeof(sum), "demo", !found, &ce);
	}
	return cairn_err_set(e, -ENOENT, "no valid configuration (%s): waiting for a push", sum);
}

int sup_boot(struct supervisor *s, struct cairn_err *e)
{
	int ret = load_boot_config(s, e);

	/* A provisional config whose time ran out while no cairnd was there
	 * is reverted before anything of it is adopted or started. */
	if (ret == 0)
		sup_trial_boot(s);
	/* The host's side (links, bridges, pools) before any workload: a
	 * container's image or storage may live on a pool. */
	if (s->config && s->applied)
		s->applied(s, s->config, s->applied_data);
	/* Even without a config: whatever a predecessor left is dealt with. */
	sup_adopt_all(s);
	return ret;
}

const struct cairn_config *sup_active_config(const struct supervisor *s)
{
	return s->config;
}

void sup_free(struct supervisor *s)
{
	if (!s)
		return;
	while (s->n)
		sup_inst_destroy(s->insts[s->n - 1]);
	free(s->insts);
	cairn_config_free(s->config);
	cfg_blob_free(&s->active);
	loop_timer_cancel(s->loop, s->trial_timer);
	initlink_close(s->il);
	free(s->log_dir);
	free(s->run_dir);
	free(s->root);
	free(s->trust_dir);
	free(s->seed_dir);
	free(s->seed_label);
	free(s->demo_path);
	free(s);
}

/* ---- the API's view (instance.h) ---- */

size_t sup_count(const struct supervisor *s)
{
	return s->n;
}

static void fill(const struct inst *i, struct instance_info *info)
{
	uint64_t now = loop_now_ms();

	info->name = i->svc->name;
	info->kind = cairn_kind_name(i->svc->kind);
	info->detail[0] = 0;
	if (kind_of(i)->detail)
		kind_of(i)->detail(i, info->detail, sizeof(info->detail));
	info->state = i->state;
	info->pid = i->pid;
	info->restarts = i->restarts;
	info->last_exit_code = i->last_code;
	info->last_exit_signal = i->last_sig;
	info->since_ms = i->since_ms;
	info->uptime_ms = i->state == INST_RUNNING && i->pid && now > i->run_start ?
			  now - i->run_start : 0;
	info->reason = i->reason;
	info->log_path = i->log_path;
}

int sup_info(const struct supervisor *s, size_t k, struct instance_info *info)
{
	if (k >= s->n)
		return -ENOENT;
	fill(s->insts[k], info);
	return 0;
}

int sup_info_by_name(const struct supervisor *s, const char *name,
		     struct instance_info *info)
{
	const struct inst *i = sup_find(s, name);

	if (!i)
		return -ENOENT;
	fill(i, info);
	return 0;
}

static struct inst *lookup(struct supervisor *s, const char *name, struct cairn_err *e)
{
	struct inst *i = sup_find(s, name);

	if (!i)
		cairn_err_set(e, -ENOENT, "no instance named %s", name);
	return i;
}

int sup_start(struct supervisor *s, const char *name, struct cairn_err *e)
{
	struct inst *i = lookup(s, name, e);

	if (!i)
		return -ENOENT;
	if (s->shutting_down)
		return cairn_err_set(e, -EBUSY, "shutting down");
	if (i->state == INST_STOPPING) {
		i->pending_start = true; /* once it is down */
		return 0;
	}
	sup_feed(i, EV_START);
	return 0;
}

int sup_stop(struct supervisor *s, const char *name, struct cairn_err *e)
{
	struct inst *i = lookup(s, name, e);

	if (!i)
		return -ENOENT;
	i->pending_start = false;
	sup_feed(i, EV_STOP);
	return 0;
}

int sup_restart(struct supervisor *s, const char *name, struct cairn_err *e)
{
	struct inst *i = lookup(s, name, e);

	if (!i)
		return -ENOENT;
	if (s->shutting_down)
		return cairn_err_set(e, -EBUSY, "shutting down");
	if (i->state == INST_RUNNING || i->state == INST_STOPPING ||
	    i->state == INST_STARTING) {
		i->pending_start = true;
		sup_feed(i, EV_STOP);
		return 0;
	}
	sup_feed(i, EV_START);
	return 0;
}

const char *sup_hostname(const struct supervisor *s)
{
	return s->config && s->config->host.hostname ? s->config->host.hostname : "cairn";
}

uint64_t sup_generation(const struct supervisor *s)
{
	return s->config ? s->config->host.generation : 0;
}

uint64_t sup_uptime_ms(const struct supervisor *s)
{
	return loop_now_ms() - s->start_ms;
}

int sup_host_action(struct supervisor *s, const char *action, struct cairn_err *e)
{
	if (strcmp(action, "reboot") && strcmp(action, "poweroff") && strcmp(action, "halt"))
		return cairn_err_set(e, -EINVAL, "unknown host action: %s", action);
	return initlink_host_action(s->il, action, e);
}
