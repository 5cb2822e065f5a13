/* logfile.c - size-capped, rotated per-instance logs (see logfile.h). */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct logfile {
	int dirfd;
	int fd;
	uint64_t size;
	uint64_t max;
	unsigned keep;
	char name[256];   /* NAME.log, relative to dirfd */
	char path[4096];  /* DIR/NAME.log, for people */
};

static int open_current(struct logfile *lf)
{
	struct stat st;

	lf->fd = openat(lf->dirfd, lf->name,
			O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (lf->fd < 0)
		return -errno;
	if (fstat(lf->fd, &st) < 0)
		return -errno;
	lf->size = (uint64_t)st.st_size;
	return 0;
}

int logfile_open(struct logfile **out, const char *dir, const char *name,
		 uint64_t max, unsigned keep, struct cairn_err *e)
{
	struct logfile *lf = calloc(1, sizeof(*lf));
	int ret;

	if (!lf)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	lf->fd = -1;
	lf->max = max;
	lf->keep = keep;
	if ((size_t)snprintf(lf->name, sizeof(lf->name), "%s.log", name) >= sizeof(lf->name) ||
	    (size_t)snprintf(lf->path, sizeof(lf->path), "%s/%s.log", dir, name) >= sizeof(lf->path)) {
		free(lf);
		return cairn_err_set(e, -ENAMETOOLONG, "log name too long: %s", name);
	}
	mkdir(dir, 0750);
	lf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lf->dirfd < 0) {
		ret = -errno;
		free(lf);
		return cairn_err_sys(e, ret, "%s", dir);
	}
	ret = open_current(lf);
	if (ret < 0) {
		cairn_err_sys(e, ret, "%s", lf->path);
		logfile_close(lf);
		return ret;
	}
	*out = lf;
	return 0;
}

void logfile_set_limits(struct logfile *lf, uint64_t max, unsigned keep)
{
	lf->max = max;
	lf->keep = keep;
}

const char *logfile_path(const struct logfile *lf)
{
	return lf->path;
}

uint64_t logfile_size(const struct logfile *lf)
{
	return lf->size;
}

/* NAME.log.K is dropped, each NAME.log.i becomes .i+1, NAME.log becomes .1,
 * and a fresh NAME.log is opened. keep = 0: the old log is simply dropped. */
int logfile_rotate(struct logfile *lf)
{
	char from[300], to[300];

	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	if (lf->keep == 0) {
		unlinkat(lf->dirfd, lf->name, 0);
	} else {
		snprintf(to, sizeof(to), "%s.%u", lf->name, lf->keep);
		unlinkat(lf->dirfd, to, 0);
		for (unsigned i = lf->keep - 1; i >= 1; i--) {
			snprintf(from, sizeof(from), "%s.%u", lf->name, i);
			snprintf(to, sizeof(to), "%s.%u", lf->name, i + 1);
			renameat(lf->dirfd, from, lf->dirfd, to);
		}
		snprintf(to, sizeof(to), "%s.1", lf->name);
		if (renameat(lf->dirfd, lf->name, lf->dirfd, to) < 0 && errno != ENOENT)
			return -errno;
	}
	return open_current(lf);
}

static int write_all(struct logfile *lf, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(lf->fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
		lf->size += (uint64_t)n;
	}
	return 0;
}

int logfile_write(struct logfile *lf, const char *buf, size_t len)
{
	int ret;

	if (lf->fd < 0 && (ret = open_current(lf)) < 0)
		return ret;
	while (len) {
		size_t room, cut;

		if (lf->max == 0 || lf->size + len <= lf->max)
			return write_all(lf, buf, len);
		room = lf->size < lf->max ? (size_t)(lf->max - lf->size) : 0;
		/* the longest prefix that fits and ends a line */
		cut = room < len ? room : len;
		while (cut > 0 && buf[cut - 1] != '\n')
			cut--;
		if (cut == 0 && lf->size == 0)
			cut = room; /* one line longer than max: split it */
		if (cut > 0 && (ret = write_all(lf, buf, cut)) < 0)
			return ret;
		buf += cut;
		len -= cut;
		if ((ret = logfile_rotate(lf)) < 0)
			return ret;
	}
	return 0;
}

void logfile_close(struct logfile *lf)
{
	if (!lf)
		return;
	if (lf->fd >= 0)
		close(lf->fd);
	if (lf->dirfd >= 0)
		close(lf->dirfd);
	free(lf);
}
