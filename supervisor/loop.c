/* loop.c - cairnd's event loop (loop.h): one epoll set, one timerfd.
 *
 * Timers are a sorted list (a supervisor has a handful armed at a time:
 * backoffs and stop timeouts); the timerfd is armed for the earliest one
 * only and disarmed when the list is empty, so an idle loop never wakes.
 * Registrations removed while a batch of events is being dispatched are
 * only marked dead and freed after the batch. */
#include "loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct loop_reg {
	int fd;
	bool dead;
	loop_fd_cb cb;
	void *data;
	struct loop_reg *next;
};

struct loop_timer {
	uint64_t due;
	loop_timer_cb cb;
	void *data;
	struct loop_timer *next;
};

struct loop {
	int epfd;
	int tfd;
	bool quit;
	struct loop_reg *regs;     /* live and dead registrations */
	struct loop_timer *timers; /* sorted by due */
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int arm(struct loop *l)
{
	struct itimerspec its = { 0 };

	if (l->timers) {
		/* Absolute, so a late wake-up never pushes the deadline. */
		uint64_t due = l->timers->due;

		its.it_value.tv_sec = (time_t)(due / 1000);
		its.it_value.tv_nsec = (long)(due % 1000) * 1000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	return 0;
}

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l->epfd < 0 || l->tfd < 0)
		goto fail;
	ev.data.ptr = NULL; /* NULL marks the timerfd */
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->tfd, &ev) < 0)
		goto fail;
	*out = l;
	return 0;
fail:;
	int ret = -errno;

	if (l->epfd >= 0)
		close(l->epfd);
	if (l->tfd >= 0)
		close(l->tfd);
	free(l);
	return ret;
}

static void reap_dead(struct loop *l)
{
	struct loop_reg **pp = &l->regs;

	while (*pp) {
		struct loop_reg *r = *pp;

		if (r->dead) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	while (l->regs) {
		struct loop_reg *r = l->regs;

		l->regs = r->next;
		free(r);
	}
	while (l->timers) {
		struct loop_timer *t = l->timers;

		l->timers = t->next;
		free(t);
	}
	close(l->epfd);
	close(l->tfd);
	free(l);
}

static struct loop_reg *find_reg(struct loop *l, int fd)
{
	for (struct loop_reg *r = l->regs; r; r = r->next)
		if (!r->dead && r->fd == fd)
			return r;
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *data)
{
	struct epoll_event ev = { .events = events };
	struct loop_reg *r;

	if (find_reg(l, fd))
		return -EEXIST;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = fd;
	r->cb = cb;
	r->data = data;
	ev.data.ptr = r;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int ret = -errno;

		free(r);
		return ret;
	}
	r->next = l->regs;
	l->regs = r;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_reg *r = find_reg(l, fd);
	struct epoll_event ev = { .events = events };

	if (!r)
		return -ENOENT;
	ev.data.ptr = r;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	struct loop_reg *r = find_reg(l, fd);

	if (!r)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	r->dead = true; /* freed after the current batch */
}

struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_cb cb, void *data)
{
	struct loop_timer *t = calloc(1, sizeof(*t)), **pp;

	if (!t)
		return NULL;
	t->due = loop_now_ms() + ms;
	t->cb = cb;
	t->data = data;
	for (pp = &l->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	if (l->timers == t)
		arm(l);
	return t;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	bool first;

	if (!t)
		return;
	for (struct loop_timer **pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp != t)
			continue;
		first = pp == &l->timers;
		*pp = t->next;
		free(t);
		if (first)
			arm(l);
		return;
	}
}

static void run_timers(struct loop *l)
{
	uint64_t buf, now = loop_now_ms();

	while (read(l->tfd, &buf, sizeof(buf)) > 0)
		;
	/* Pop before calling, so a callback may add or cancel timers. */
	while (l->timers && l->timers->due <= now) {
		struct loop_timer *t = l->timers;

		l->timers = t->next;
		t->cb(l, t->data);
		free(t);
	}
	arm(l);
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	l->quit = false;
	while (!l->quit) {
		int n = epoll_wait(l->epfd, evs, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !l->quit; i++) {
			struct loop_reg *r = evs[i].data.ptr;

			if (!r)
				run_timers(l);
			else if (!r->dead)
				r->cb(l, r->fd, evs[i].events, r->data);
		}
		reap_dead(l);
	}
	return 0;
}

void loop_quit(struct loop *l)
{
	l->quit = true;
}
