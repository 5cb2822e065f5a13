/* fileio.c - atomic file writes (temp, fsync, rename, fsync dir) and
 * capped whole-file reads, for keys, signatures, certificates and stored
 * configurations. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, size, ".");
	} else if (slash == path) {
		snprintf(dir, size, "/");
	} else {
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
	}
}

/* fsync path, opened with O_RDONLY | flags; what says why it is opened. */
static int fsync_path(const char *path, int flags, const char *what, struct cairn_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	int ret = 0;

	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s: cannot open %s", path, what);
	if (fsync(fd) < 0)
		ret = cairn_err_sys(e, -errno, "%s: fsync", path);
	close(fd);
	return ret;
}

static int fsync_dir(const char *path, struct cairn_err *e)
{
	char dir[PATH_MAX];

	dir_of(path, dir, sizeof(dir));
	return fsync_path(dir, O_DIRECTORY, "directory", e);
}

/* fsync a file just renamed.  vfat (the ESP) writes a renamed file's size
 * and first cluster into its new directory entry only when the inode is
 * written: fsync of the directory alone leaves an empty file under the new
 * name after a power cut.  On other file systems this is cheap (nothing
 * left to write). */
static int fsync_renamed(const char *path, struct cairn_err *e)
{
	return fsync_path(path, O_NOFOLLOW, "after rename", e);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write data to a fresh temporary file beside path; its name goes to tmp. */
static int write_temp(const char *path, char *tmp, size_t tmpsize, const void *data,
		      size_t len, mode_t mode, struct cairn_err *e)
{
	int fd, ret;

	if ((size_t)snprintf(tmp, tmpsize, "%s.tmp.XXXXXX", path) >= tmpsize)
		return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	/* mkstemp creates the file 0600: a private key is never readable by
	 * others, not even for a moment. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s: cannot create a temporary file", path);
	ret = write_all(fd, data, len);
	if (ret < 0) {
		cairn_err_sys(e, ret, "%s: write", tmp);
		goto fail;
	}
	if (fchmod(fd, mode) < 0) {
		ret = cairn_err_sys(e, -errno, "%s: chmod", tmp);
		goto fail;
	}
	if (fsync(fd) < 0) {
		ret = cairn_err_sys(e, -errno, "%s: fsync", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = cairn_err_sys(e, -errno, "%s: close", tmp);
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

int cairn_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		       struct cairn_err *e)
{
	char tmp[PATH_MAX];
	int ret;

	ret = write_temp(path, tmp, sizeof(tmp), data, len, mode, e);
	if (ret < 0)
		return ret;
	if (rename(tmp, path) < 0) {
		ret = cairn_err_sys(e, -errno, "%s: cannot rename into place", path);
		unlink(tmp);
		return ret;
	}
	ret = fsync_renamed(path, e);
	return ret < 0 ? ret : fsync_dir(path, e);
}

int cairn_write_new(const char *path, const void *data, size_t len, mode_t mode,
		    struct cairn_err *e)
{
	char tmp[PATH_MAX];
	int ret;

	if (access(path, F_OK) == 0)
		return cairn_err_set(e, -EEXIST, "%s: already exists, not overwriting", path);
	if (errno != ENOENT)
		return cairn_err_sys(e, -errno, "%s", path);
	ret = write_temp(path, tmp, sizeof(tmp), data, len, mode, e);
	if (ret < 0)
		return ret;
	/* link(2) fails if path appeared meanwhile: never replaces a file. */
	if (link(tmp, path) < 0) {
		ret = -errno;
		unlink(tmp);
		if (ret == -EEXIST)
			return cairn_err_set(e, ret, "%s: already exists, not overwriting", path);
		return cairn_err_sys(e, ret, "%s: cannot link into place", path);
	}
	unlink(tmp);
	return fsync_dir(path, e);
}

int cairn_read_file(const char *path, size_t max, char **buf, size_t *len,
		    struct cairn_err *e)
{
	struct stat st;
	size_t cap, n = 0;
	char *b;
	int fd, ret;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		ret = cairn_err_sys(e, -errno, "%s: stat", path);
		close(fd);
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return cairn_err_set(e, -EISDIR, "%s: is a directory", path);
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		close(fd);
		return cairn_err_set(e, -EFBIG, "%s: too large (%lld bytes, at most %zu)",
				     path, (long long)st.st_size, max);
	}
	/* The size is a hint only (a file may grow, a pipe has none): read
	 * until EOF, but never more than max + 1 bytes. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return cairn_err_set(e, -ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb;

			if (ncap == cap)
				break;
			nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				close(fd);
				return cairn_err_set(e, -ENOMEM, "%s: out of memory", path);
			}
			b = nb;
			cap = ncap;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = cairn_err_sys(e, -errno, "%s: read", path);
			free(b);
			close(fd);
			return ret;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return cairn_err_set(e, -EFBIG, "%s: too large (more than %zu bytes)", path, max);
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}
