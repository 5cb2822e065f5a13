/* bless.c - blessing the booted slot's entry, or giving the boot up
 * (bless.h).  A timer on cairnd's loop looks every two seconds until one
 * or the other happens; nothing is done for a boot whose entry has no
 * counter (blessed already) or a counter no boot loader touched ("+3": a
 * direct -kernel boot for development, which systemd-boot did not count).
 *
 * The health command runs synchronously, bounded (HEALTH_CMD_MS): cairnd
 * reaps unknown children with waitid(P_ALL), which would take its status
 * from an asynchronous one.  It runs at most every two seconds and only
 * while a boot waits for its blessing. */
#include "bless.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "hostport.h"
#include "instance.h"
#include "slot.h"
#include "slot_env.h"
#include "supervisor.h"

#define TICK_MS        2000
#define HEALTH_CMD_MS  10000
#define HEALTH_TCP_MS  3000

struct bless {
	struct loop *loop;
	struct supervisor *sup;
	struct loop_timer *timer;
	struct boot_entry en;       /* the booted slot's entry */
	uint64_t start_ms;          /* cairnd's start (loop clock) */
	uint64_t start_boot_ms;     /* the same, as time since boot */
	char last_why[200];
	void (*on_done)(void *data);
	void *on_done_data;
};

static uint64_t boottime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int bless_rename(const char *entries_dir, const char *fname, char *newname, size_t size,
		 struct cairn_err *e)
{
	struct boot_entry en;
	char from[600], to[600];
	int fd, ret = 0;

	if (entry_parse_name(fname, &en) < 0 || en.tries_left < 0)
		return cairn_err_set(e, -EINVAL, "%s: not a cairn entry with a boot counter", fname);
	entry_format_name(newname, size, en.slot, -1, -1);
	snprintf(from, sizeof(from), "%s/%s", entries_dir, fname);
	snprintf(to, sizeof(to), "%s/%s", entries_dir, newname);
	if (rename(from, to) < 0)
		return cairn_err_sys(e, -errno, "renaming %s to %s", from, newname);
	/* The entry itself first: vfat fills a renamed file's new directory
	 * entry (size, first cluster) only when its inode is written, and a
	 * power cut after the directory's fsync alone left cairn-a.conf
	 * empty, so that nothing booted (t_update_powercut). */
	fd = open(to, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fsync(fd) < 0)
		ret = cairn_err_sys(e, -errno, "fsync %s", to);
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		return ret;
	fd = open(entries_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = cairn_err_sys(e, -errno, "fsync %s", entries_dir);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Whether the instances of c allow blessing: every essential one running
 * for bless_after_ms (with none, cairnd up that long: up_ms).  1, or 0
 * with why. */
static int bless_essentials_up(struct supervisor *s, const struct cairn_config *c,
			       uint64_t up_ms, char *why, size_t size)
{
	unsigned after = c ? c->host.bless_after_ms : 30000;
	size_t n = 0;

	for (size_t i = 0; c && i < c->n_services; i++) {
		const struct cairn_service *svc = &c->services[i];
		struct instance_info info;

		if (!svc->essential)
			continue;
		n++;
		if (sup_info_by_name(s, svc->name, &info) < 0) {
			snprintf(why, size, "essential %s is not known to the supervisor", svc->name);
			return 0;
		}
		if (info.state != INST_RUNNING) {
			snprintf(why, size, "essential %s is %s%s%s", svc->name,
				 inst_state_name(info.state), info.reason && info.reason[0] ? ": " : "",
				 info.reason ? info.reason : "");
			return 0;
		}
		if (info.uptime_ms < after) {
			snprintf(why, size, "essential %s up for %llu of %u ms", svc->name,
				 (unsigned long long)info.uptime_ms, after);
			return 0;
		}
	}
	if (!n && up_ms < after) {
		snprintf(why, size, "no essential instances; cairnd up for %llu of %u ms",
			 (unsigned long long)up_ms, after);
		return 0;
	}
	return 1;
}

/* Run argv with stdin /dev/null, its output on our stderr (the console);
 * killed after HEALTH_CMD_MS.  Its exit status, or -errno. */
static int run_bounded(char **argv, char *why, size_t size)
{
	int pidfd, st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t all;
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (fd >= 0)
			dup2(fd, 0);
		dup2(2, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int r;

		while ((r = poll(&p, 1, HEALTH_CMD_MS)) < 0 && errno == EINTR)
			;
		close(pidfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			snprintf(why, size, "health_command %s: still running after %d s, killed",
				 argv[0], HEALTH_CMD_MS / 1000);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(st)) {
		snprintf(why, size, "health_command %s: killed by signal %d", argv[0], WTERMSIG(st));
		return -EINTR;
	}
	if (WEXITSTATUS(st) == 127)
		snprintf(why, size, "health_command %s: could not be run (exit 127)", argv[0]);
	else if (WEXITSTATUS(st))
		snprintf(why, size, "health_command %s exited %d", argv[0], WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

/* 0 when host:port accepts a TCP connection within HEALTH_TCP_MS. */
static int tcp_probe(const char *spec, char *why, size_t size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char host[256], port[8];
	int ret = -ECONNREFUSED, r;

	if (cairn_hostport_split(spec, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(why, size, "health_address %s: not HOST:PORT", spec);
		return -EINVAL;
	}
	r = getaddrinfo(host, port, &hints, &res);
	if (r) {
		snprintf(why, size, "health_address %s: %s", spec, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai && ret < 0; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof(err);

		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			ret = 0;
		else if (errno != EINPROGRESS)
			ret = -errno;
		else if (poll(&p, 1, HEALTH_TCP_MS) != 1)
			ret = -ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err)
			ret = err ? -err : -errno;
		else
			ret = 0;
		close(fd);
	}
	freeaddrinfo(res);
	if (ret < 0)
		snprintf(why, size, "health_address %s: %s", spec, strerror(-ret));
	return ret;
}

/* [host] health_command and health_address: 1 when both pass (or are not
 * set), 0 with why. */
static int bless_health(const struct cairn_host *h, char *why, size_t size)
{
	if (h->health_command && h->health_command[0]) {
		int r = run_bounded(h->health_command, why, size);

		if (r < 0 && !why[0])
			snprintf(why, size, "health_command %s: %s", h->health_command[0], strerror(-r));
		if (r != 0)
			return 0;
	}
	if (h->health_address && tcp_probe(h->health_address, why, size) < 0)
		return 0;
	return 1;
}

/* Give the boot up: the reason for the next boot, then a reboot. */
static void give_up(struct bless *b, unsigned timeout_ms)
{
	char path[512], note[400];
	struct cairn_err e = { "" };

	fprintf(stderr, "cairnd: slot %c NOT blessed %u s after boot: %s; rebooting, so that "
		"the boot loader counts the try (%d left)\n", b->en.slot, timeout_ms / 1000,
		b->last_why, b->en.tries_left);
	snprintf(note, sizeof(note), "%c %s not blessed %u s after boot: %s\n", b->en.slot,
		 b->en.version[0] ? b->en.version : "-", timeout_ms / 1000, b->last_why);
	mkdir(slot_env()->update_dir, 0755);
	snprintf(path, sizeof(path), "%s/" BLESS_UNBLESSED, slot_env()->update_dir);
	if (cairn_write_atomic(path, note, strlen(note), 0644, &e) < 0)
		fprintf(stderr, "cairnd: %s\n", e.msg);
	if (sup_host_action(b->sup, "reboot", &e) < 0)
		fprintf(stderr, "cairnd: cannot reboot to give the boot up: %s\n", e.msg);
}

static void do_bless(struct bless *b)
{
	char esp[256], dir[300], newname[64], path[512];
	struct cairn_err e = { "" };

	if (slot_esp(esp, sizeof(esp), &e) < 0) {
		fprintf(stderr, "cairnd: cannot bless the boot: %s\n", e.msg);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/loader/entries", esp);
	if (bless_rename(dir, b->en.fname, newname, sizeof(newname), &e) < 0) {
		fprintf(stderr, "cairnd: cannot bless the boot: %s\n", e.msg);
		return;
	}
	snprintf(path, sizeof(path), "%s/" BLESS_UNBLESSED, slot_env()->update_dir);
	unlink(path);
	fprintf(stderr, "cairnd: slot %c blessed: %s -> %s\n", b->en.slot, b->en.fname, newname);
	if (b->on_done)
		b->on_done(b->on_done_data);
}

void bless_on_done(struct bless *b, void (*fn)(void *data), void *data)
{
	if (!b)
		return;
	b->on_done = fn;
	b->on_done_data = data;
}

static void tick(struct loop *l, void *data)
{
	struct bless *b = data;
	const struct cairn_config *c = sup_active_config(b->sup);
	unsigned timeout = c ? c->host.health_timeout_ms : 5 * 60 * 1000;
	unsigned after = c ? c->host.bless_after_ms : 30000;
	char why[200] = "";
	uint64_t deadline = timeout;

	b->timer = NULL;
	if (bless_essentials_up(b->sup, c, loop_now_ms() - b->start_ms, why, sizeof(why)) &&
	    (!c || bless_health(&c->host, why, sizeof(why)))) {
		do_bless(b);
		return;
	}
	if (strcmp(why, b->last_why))
		fprintf(stderr, "cairnd: slot %c not blessed yet: %s\n", b->en.slot, why);
	snprintf(b->last_why, sizeof(b->last_why), "%s", why);
	/* Never before the essentials had their bless_after and a health
	 * check or two: a timeout shorter than the boot gives a reason. */
	if (deadline < b->start_boot_ms + after + 2 * TICK_MS)
		deadline = b->start_boot_ms + after + 2 * TICK_MS;
	if (boottime_ms() >= deadline) {
		give_up(b, timeout);
		return;
	}
	b->timer = loop_timer_add(l, TICK_MS, tick, b);
}

int bless_new(struct bless **out, struct loop *l, struct supervisor *s, struct cairn_err *e)
{
	struct boot_entry v[SLOT_MAX_ENTRIES];
	const struct boot_entry *en;
	struct bless *b;
	size_t n;
	char booted;
	int ret;

	*out = NULL;
	if (slot_booted(NULL, &booted, NULL) < 0)
		return 0;   /* not a slot's boot (a test, a hand-run cairnd) */
	ret = slot_entries(v, SLOT_MAX_ENTRIES, &n, e);
	if (ret < 0)
		return ret;
	en = slot_entry_of(v, n, booted);
	if (!en) {
		fprintf(stderr, "cairnd: slot %c has no loader entry: nothing to bless\n", booted);
		return 0;
	}
	if (en->tries_left < 0) {
		fprintf(stderr, "cairnd: slot %c: boot blessed already (%s)\n", booted, en->fname);
		return 0;
	}
	if (en->tries_done <= 0) {
		fprintf(stderr, "cairnd: slot %c: %s was not counted by the boot loader (a direct "
			"kernel boot?): not blessing it\n", booted, en->fname);
		return 0;
	}
	if (!(b = calloc(1, sizeof(*b))))
		return cairn_err_set(e, -ENOMEM, "out of memory");
	b->loop = l;
	b->sup = s;
	b->en = *en;
	b->start_ms = loop_now_ms();
	b->start_boot_ms = boottime_ms();
	fprintf(stderr, "cairnd: slot %c booted from %s: blessing it once its essential "
		"instances are up and healthy\n", booted, en->fname);
	b->timer = loop_timer_add(l, TICK_MS, tick, b);
	*out = b;
	return 0;
}

void bless_free(struct bless *b)
{
	if (!b)
		return;
	if (b->timer)
		loop_timer_cancel(b->loop, b->timer);
	free(b);
}
