/* stick.c - a bundle on a CAIRNUPDATE stick (stick.h).
 *
 * Why a uevent socket and not a poll: the kernel says when a block device
 * appears, on a netlink socket that is one more fd in cairnd's epoll loop;
 * nothing wakes up every few seconds on a machine that has no stick, and
 * a stick is seen a second after it is plugged in.  The look itself waits
 * a second after the last block "add" (a stick's disk and partitions come
 * in a burst) and is a libblkid probe of what the kernel lists now, as
 * for the seed stick (workload/seed.c).
 *
 * The install runs in a thread, reading the bundle file on the read-only
 * mount, as an API upload's does (api_update.c: the loop keeps serving
 * while hundreds of MB are hashed and fsynced).  The loop and the thread
 * share only the result, read after an eventfd says it is there and the
 * thread is joined. */
#include "stick.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "instance.h"

#define SETTLE_MS 1000   /* after the last block add: partitions come in a burst */

struct stick {
	struct loop *loop;
	struct supervisor *sup;
	struct update_opts opts;
	char label[64];
	char run_dir[1024];
	int nl;                       /* uevent socket, -1: boot only */
	struct loop_timer *timer;     /* the next look */
	/* the install running now */
	bool running;
	pthread_t th;
	int efd, fd;
	char mnt[1100];
	char where[1200];             /* DEV:/path, for messages */
	struct update_plan plan;
	int ret;
	struct cairn_err err;
	struct install_result res;
};

bool stick_uevent_block_add(const char *buf, size_t len)
{
	bool add = false, block = false;
	size_t i = 0;

	while (i < len) {
		const char *f = buf + i;
		size_t n = strnlen(f, len - i);

		if (n == 10 && !memcmp(f, "ACTION=add", 10))
			add = true;
		else if (n == 15 && !memcmp(f, "SUBSYSTEM=block", 15))
			block = true;
		i += n + 1;
	}
	return add && block;
}

static void unmount_stick(struct stick *s)
{
	if (!s->mnt[0])
		return;
	umount2(s->mnt, MNT_DETACH);
	rmdir(s->mnt);
	s->mnt[0] = 0;
}

/* The bundle's file on the mounted stick: /cairn/update.cairnb, one place
 * so that what is installed never depends on a directory's order. */
static int open_bundle(struct stick *s, const char *dev, struct cairn_err *e)
{
	char path[1200];
	int fd;

	snprintf(path, sizeof(path), "%s/" STICK_BUNDLE_PATH, s->mnt);
	snprintf(s->where, sizeof(s->where), "%s:/" STICK_BUNDLE_PATH, dev);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", s->where);
	return fd;
}

/* Header, signature and manifest checks before anything is written, so
 * that a stick left plugged in says "skipped" and nothing starts. */
static int precheck(struct stick *s, struct bundle_manifest *m, struct cairn_err *e)
{
	char signer[256];
	int r;

	r = bundle_read_manifest(bundle_fd_read, &s->fd, s->plan.plan.trust_dir, m, signer,
				 sizeof(signer), e);
	if (r < 0)
		return r;
	r = install_check_manifest(m, &s->plan.plan, e);
	if (lseek(s->fd, 0, SEEK_SET) < 0 && r == 0)
		r = cairn_err_sys(e, -errno, "%s: rewinding", s->where);
	return r;
}

static void *worker_main(void *arg)
{
	struct stick *s = arg;
	uint64_t one = 1;

	s->ret = install_bundle(bundle_fd_read, &s->fd, &s->plan.plan, &s->res, &s->err);
	if (write(s->efd, &one, sizeof(one)) < 0) {
		/* cannot happen with an eventfd below its maximum */
	}
	return NULL;
}

static void finish(struct stick *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	unmount_stick(s);
	if (s->running)
		update_release();
	s->running = false;
}

static void worker_done(struct loop *l, int fd, uint32_t events, void *data)
{
	struct stick *s = data;
	struct cairn_err e = { "" };

	(void)events;
	loop_del_fd(l, fd);
	close(fd);
	s->efd = -1;
	pthread_join(s->th, NULL);
	finish(s);
	if (s->ret < 0) {
		fprintf(stderr, "cairnd: update stick: %s refused, nothing installed: %s\n",
			s->where, s->err.msg);
		return;
	}
	fprintf(stderr, "cairnd: update stick: version %s installed in slot %c from %s (signed "
		"by %s); rebooting into it\n", s->res.version, s->res.slot, s->where,
		s->res.signer);
	if (sup_host_action(s->sup, "reboot", &e) < 0)
		fprintf(stderr, "cairnd: update stick: reboot: %s; the update boots next time\n",
			e.msg);
}

/* Mount dev and start installing its bundle; says on stderr what it does
 * and why not. */
static void try_device(struct stick *s, const char *dev)
{
	const unsigned long flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct bundle_manifest m;
	struct cairn_err e = { "" };
	int r;

	if (!update_claim("a stick")) {
		fprintf(stderr, "cairnd: update stick: %s: %s is being installed; looking again "
			"when the stick is plugged in next\n", dev, update_holder());
		return;
	}
	s->running = true;
	s->fd = -1;
	snprintf(s->mnt, sizeof(s->mnt), "%s/update-mnt.XXXXXX", s->run_dir);
	if (!mkdtemp(s->mnt)) {
		fprintf(stderr, "cairnd: update stick: %s: %s\n", s->mnt, strerror(errno));
		s->mnt[0] = 0;
		finish(s);
		return;
	}
	if (mount(dev, s->mnt, "vfat", flags, NULL) < 0) {
		fprintf(stderr, "cairnd: update stick: %s: cannot mount read-only as vfat: %s\n",
			dev, strerror(errno));
		rmdir(s->mnt);
		s->mnt[0] = 0;
		finish(s);
		return;
	}
	r = open_bundle(s, dev, &e);
	if (r < 0) {
		fprintf(stderr, "cairnd: update stick: %s: nothing to install\n", e.msg);
		finish(s);
		return;
	}
	s->fd = r;
	r = update_plan_make(&s->opts, &s->plan, &e);
	if (r == 0)
		r = precheck(s, &m, &e);
	if (r == -EPERM && strstr(e.msg, "is not newer")) {
		fprintf(stderr, "cairnd: update stick: %s skipped: %s\n", s->where, e.msg);
		finish(s);
		return;
	}
	if (r == -EBUSY && s->plan.plan.keep) {   /* main.c looks again after the blessing */
		fprintf(stderr, "cairnd: update stick: %s waits: %s\n", s->where, e.msg);
		finish(s);
		return;
	}
	if (r < 0) {
		fprintf(stderr, "cairnd: update stick: %s refused, nothing installed: %s\n",
			s->where, e.msg);
		finish(s);
		return;
	}
	fprintf(stderr, "cairnd: update stick: installing version %s from %s into slot %c\n",
		m.version, s->where, s->plan.plan.slot);
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0 || loop_add_fd(s->loop, s->efd, EPOLLIN, worker_done, s) < 0) {
		fprintf(stderr, "cairnd: update stick: cannot start the installer\n");
		if (s->efd >= 0)
			close(s->efd);
		s->efd = -1;
		finish(s);
		return;
	}
	r = pthread_create(&s->th, NULL, worker_main, s);
	if (r != 0) {
		fprintf(stderr, "cairnd: update stick: cannot start the installer: %s\n",
			strerror(r));
		loop_del_fd(s->loop, s->efd);
		close(s->efd);
		s->efd = -1;
		finish(s);
	}
}

/* Every device with the file system label s->label (FAT holds 11
 * characters: CAIRNUPDATE) or the GPT partition name CAIRN-UPDATE now, in
 * the kernel's order (no cache file: a probe of what /proc/partitions
 * lists), until one starts an install: two sticks, or an old one left in,
 * do not hide each other. */
static void look(struct loop *l, void *data)
{
	static const char *const tags[] = { "LABEL", "PARTLABEL" };
	struct stick *s = data;
	blkid_cache cache = NULL;
	char tried[8][64];
	size_t n_tried = 0;

	(void)l;
	s->timer = NULL;
	if (s->running)
		return;   /* one stick at a time; the next plug-in looks again */
	if (blkid_get_cache(&cache, "/dev/null") < 0)
		return;
	blkid_probe_all(cache);
	for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]) && !s->running; t++) {
		const char *want = t == 0 ? s->label : STICK_PARTLABEL;
		blkid_dev_iterate it = blkid_dev_iterate_begin(cache);
		blkid_dev dev;

		blkid_dev_set_search(it, tags[t], want);
		while (!s->running && blkid_dev_next(it, &dev) == 0) {
			const char *name;
			bool seen = false;

			if (!(dev = blkid_verify(cache, dev)))
				continue;
			name = blkid_dev_devname(dev);
			for (size_t k = 0; k < n_tried && !seen; k++)
				seen = !strcmp(tried[k], name);
			if (seen)
				continue;   /* both its label and its partition name match */
			if (n_tried < sizeof(tried) / sizeof(tried[0]))
				snprintf(tried[n_tried++], sizeof(tried[0]), "%s", name);
			fprintf(stderr, "cairnd: update stick: %s %s %s\n", name,
				t == 0 ? "labelled" : "partition named", want);
			try_device(s, name);
		}
		blkid_dev_iterate_end(it);
	}
	blkid_put_cache(cache);
}

static void schedule(struct stick *s, uint64_t ms)
{
	if (s->timer)
		loop_timer_cancel(s->loop, s->timer);
	s->timer = loop_timer_add(s->loop, ms, look, s);
}

static void on_uevent(struct loop *l, int fd, uint32_t events, void *data)
{
	struct stick *s = data;
	char buf[8192];
	ssize_t n;
	bool add = false;

	(void)l;
	(void)events;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		if (stick_uevent_block_add(buf, (size_t)n))
			add = true;
	if (add)
		schedule(s, SETTLE_MS);
}

static int open_uevents(struct cairn_err *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return cairn_err_sys(e, -errno, "uevent socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = cairn_err_sys(e, -errno, "uevent socket: bind");

		close(fd);
		return r;
	}
	return fd;
}

int stick_new(struct stick **out, struct loop *l, struct supervisor *sup,
	      const struct update_opts *o, const char *label, const char *run_dir,
	      struct cairn_err *e)
{
	struct stick *s;
	struct cairn_err ue = { "" };

	*out = NULL;
	if (!label || !label[0])
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return cairn_err_set(e, -ENOMEM, "update stick: out of memory");
	s->loop = l;
	s->sup = sup;
	s->opts = *o;
	s->efd = s->fd = -1;
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->run_dir, sizeof(s->run_dir), "%s", run_dir);
	s->nl = open_uevents(&ue);
	if (s->nl >= 0 && loop_add_fd(l, s->nl, EPOLLIN, on_uevent, s) < 0) {
		close(s->nl);
		s->nl = -1;
		snprintf(ue.msg, sizeof(ue.msg), "uevent socket: not in the loop");
	}
	if (s->nl < 0)
		fprintf(stderr, "cairnd: update stick: %s: a %s stick is looked for at boot only\n",
			ue.msg, label);
	schedule(s, 0);
	*out = s;
	return 0;
}

void stick_look_again(void *stick)
{
	struct stick *s = stick;

	if (s)
		schedule(s, 0);
}

void stick_free(struct stick *s)
{
	if (!s)
		return;
	if (s->timer)
		loop_timer_cancel(s->loop, s->timer);
	if (s->running && s->efd >= 0) {
		pthread_join(s->th, NULL);
		loop_del_fd(s->loop, s->efd);
		close(s->efd);
	}
	finish(s);
	if (s->nl >= 0) {
		loop_del_fd(s->loop, s->nl);
		close(s->nl);
	}
	free(s);
}
