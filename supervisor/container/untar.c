/* untar.c - image = FILE.tar or FILE.tar.zst: unpacked once into a
 * directory that becomes the container's read-only lower layer.
 *
 * Our own small reader (tarhdr.c) rather than the tar program: every
 * member is created through openat2(RESOLVE_IN_ROOT) in the target, so no
 * "../" name, absolute symlink or symlinked directory of the archive can
 * make cairnd (host root) write outside it.  Owners are shifted into the
 * container's range as they are written (uid N -> base + N), so the
 * directory needs no id-mapped mount; device nodes are skipped (the
 * container gets its /dev from cairnd).  zstd is decompressed with
 * libzstd as the archive streams in.  The result is made under a
 * temporary name and renamed into place with the image's hash beside it:
 * a changed image is unpacked again, an unchanged one never. */
#include "ct.h"
#include "ct_paths.h"
#include "tarhdr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "fileio.h"

/* A byte source: the file, raw or through zstd. */
struct src {
	int fd;
	ZSTD_DCtx *z;
	unsigned char *in;
	ZSTD_inBuffer ib;
	bool eof;
};

static ssize_t src_read(struct src *s, void *buf, size_t n)
{
	if (!s->z) {
		ssize_t r;

		do
			r = read(s->fd, buf, n);
		while (r < 0 && errno == EINTR);
		return r < 0 ? -errno : r;
	}
	ZSTD_outBuffer ob = { buf, n, 0 };

	while (ob.pos == 0) {
		if (s->ib.pos == s->ib.size && !s->eof) {
			ssize_t r = read(s->fd, s->in, ZSTD_DStreamInSize());

			if (r < 0)
				return -errno;
			s->eof = r == 0;
			s->ib = (ZSTD_inBuffer){ s->in, (size_t)r, 0 };
		}
		if (s->ib.pos == s->ib.size && s->eof)
			return 0;
		size_t ret = ZSTD_decompressStream(s->z, &ob, &s->ib);

		if (ZSTD_isError(ret))
			return -EBADMSG;
	}
	return (ssize_t)ob.pos;
}

/* Exactly n bytes (n 0: fine); -EIO on a short archive. */
static int src_full(struct src *s, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = src_read(s, (char *)buf + got, n - got);

		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

static int skip(struct src *s, uint64_t n)
{
	char buf[8192];

	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		int ret = src_full(s, buf, k);

		if (ret < 0)
			return ret;
		n -= k;
	}
	return 0;
}

static uint64_t padded(uint64_t n)
{
	return (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

/* Parent directory of rel, resolved in root (made as needed), and the leaf. */
static int parent_of(int root_fd, const char *rel, uint32_t base, const char **leaf,
		     struct cairn_err *e)
{
	char dir[TAR_PATH_MAX];
	const char *slash = strrchr(rel, '/');

	if (!slash) {
		*leaf = rel;
		return ct_in_root(root_fd, "", CT_NODE_DIR, base, base, e);
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	*leaf = slash + 1;
	return ct_in_root(root_fd, dir, CT_NODE_DIR, base, base, e);
}

static int write_file(struct src *s, int fd, uint64_t size)
{
	char buf[65536];

	while (size) {
		size_t k = size < sizeof(buf) ? (size_t)size : sizeof(buf);
		int ret = src_full(s, buf, k);

		if (ret < 0)
			return ret;
		for (size_t off = 0; off < k;) {
			ssize_t w = write(fd, buf + off, k - off);

			if (w < 0)
				return -errno;
			off += (size_t)w;
		}
		size -= k;
	}
	return 0;
}

static int extract_one(struct src *s, int root_fd, uint32_t base, const struct tar_entry *t,
		       const char *rel, struct cairn_err *e)
{
	uid_t uid = base + (uid_t)t->uid;
	gid_t gid = base + (gid_t)t->gid;
	const char *leaf;
	int dfd, fd, ret = 0;

	if (t->uid >= CAIRN_IDMAP_SIZE || t->gid >= CAIRN_IDMAP_SIZE) {
		uid = base + 65534;   /* outside the range: nobody */
		gid = base + 65534;
	}
	dfd = parent_of(root_fd, rel, base, &leaf, e);
	if (dfd < 0)
		return dfd;
	if (t->type != TAR_DIR)
		unlinkat(dfd, leaf, 0);   /* a later member replaces an earlier one */
	switch (t->type) {
	case TAR_DIR:
		if (mkdirat(dfd, leaf, 0700) < 0 && errno != EEXIST)
			ret = cairn_err_sys(e, -errno, "mkdir %s", rel);
		break;
	case TAR_FILE:
		fd = openat(dfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return close(dfd), cairn_err_sys(e, -errno, "create %s", rel);
		ret = write_file(s, fd, t->size);
		/* mode after owner: chown clears setuid */
		if (ret == 0 && (fchown(fd, uid, gid) < 0 || fchmod(fd, t->mode) < 0))
			ret = -errno;
		close(fd);
		if (ret < 0)
			cairn_err_sys(e, ret, "write %s", rel);
		close(dfd);
		if (ret == 0)
			ret = skip(s, padded(t->size) - t->size);
		return ret;
	case TAR_SYMLINK:
		if (symlinkat(t->link, dfd, leaf) < 0)
			ret = cairn_err_sys(e, -errno, "symlink %s", rel);
		break;
	case TAR_HARDLINK: {
		char target[TAR_PATH_MAX];
		int tfd;

		if (!tar_clean_path(t->link, target, sizeof(target))) {
			ret = cairn_err_set(e, -EINVAL, "hard link %s to '%s': outside the archive", rel, t->link);
			break;
		}
		tfd = ct_in_root(root_fd, target, CT_NODE_EXISTING, (uid_t)-1, (gid_t)-1, NULL);
		if (tfd < 0 || linkat(tfd, "", dfd, leaf, AT_EMPTY_PATH) < 0)
			ret = cairn_err_sys(e, tfd < 0 ? tfd : -errno, "hard link %s to %s", rel, target);
		if (tfd >= 0)
			close(tfd);
		break;
	}
	case TAR_FIFO:
		if (mknodat(dfd, leaf, S_IFIFO | 0600, 0) < 0)
			ret = cairn_err_sys(e, -errno, "mkfifo %s", rel);
		break;
	default:
		break;   /* devices: the container's /dev is cairnd's */
	}
	if (ret == 0 && (t->type == TAR_DIR || t->type == TAR_SYMLINK || t->type == TAR_FIFO)) {
		if (fchownat(dfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (t->type != TAR_SYMLINK && fchmodat(dfd, leaf, t->mode, 0) < 0))
			ret = cairn_err_sys(e, -errno, "owner and mode of %s", rel);
	}
	close(dfd);
	if (ret == 0)
		ret = skip(s, padded(t->size));
	return ret;
}

static int extract(struct src *s, int root_fd, uint32_t base, struct cairn_err *e)
{
	unsigned char b[TAR_BLOCK];
	char longname[TAR_PATH_MAX] = "", longlink[TAR_PATH_MAX] = "", rel[TAR_PATH_MAX];
	struct tar_entry t, pax;
	bool have_pax = false;
	int ret;

	for (;;) {
		if ((ret = src_full(s, b, TAR_BLOCK)) < 0)
			return cairn_err_sys(e, ret, "read the archive");
		ret = tar_header(b, &t);
		if (ret == 0)
			return 0;   /* the end */
		if (ret < 0)
			return cairn_err_set(e, ret, "not a tar archive (bad header checksum)");
		if (t.type == TAR_PAX || t.type == TAR_GNU_LONGNAME || t.type == TAR_GNU_LONGLINK) {
			char *rec;

			if (t.size >= 1 << 20)
				return cairn_err_set(e, -EINVAL, "oversized extended header");
			rec = malloc(padded(t.size) + 1);
			if (!rec)
				return cairn_err_set(e, -ENOMEM, "out of memory");
			ret = src_full(s, rec, padded(t.size));
			rec[t.size] = 0;
			if (ret == 0 && t.type == TAR_PAX) {
				memset(&pax, 0, sizeof(pax));
				pax.size = UINT64_MAX;
				pax.uid = pax.gid = UINT64_MAX;
				ret = tar_pax(rec, t.size, &pax);
				have_pax = ret == 0;
			} else if (ret == 0) {
				snprintf(t.type == TAR_GNU_LONGNAME ? longname : longlink, TAR_PATH_MAX, "%s", rec);
			}
			free(rec);
			if (ret < 0)
				return cairn_err_set(e, ret, "bad extended header");
			continue;
		}
		if (have_pax) {
			if (pax.path[0])
				snprintf(t.path, sizeof(t.path), "%s", pax.path);
			if (pax.link[0])
				snprintf(t.link, sizeof(t.link), "%s", pax.link);
			if (pax.size != UINT64_MAX)
				t.size = pax.size;
			if (pax.uid != UINT64_MAX)
				t.uid = pax.uid;
			if (pax.gid != UINT64_MAX)
				t.gid = pax.gid;
			have_pax = false;
		}
		if (longname[0]) {
			snprintf(t.path, sizeof(t.path), "%s", longname);
			longname[0] = 0;
		}
		if (longlink[0]) {
			snprintf(t.link, sizeof(t.link), "%s", longlink);
			longlink[0] = 0;
		}
		if (!tar_clean_path(t.path, rel, sizeof(rel))) {
			if (t.type == TAR_DIR)   /* "./" itself */
				ret = skip(s, padded(t.size));
			else
				return cairn_err_set(e, -EINVAL, "member '%s': a path outside the archive", t.path);
			if (ret < 0)
				return cairn_err_sys(e, ret, "read the archive");
			continue;
		}
		if ((ret = extract_one(s, root_fd, base, &t, rel, e)) < 0)
			return ret;
	}
}

static bool is_tar(int fd)
{
	unsigned char b[265];

	if (pread(fd, b, 4, 0) == 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return true;   /* zstd */
	return pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) && !memcmp(b + 257, "ustar", 5);
}

bool ct_image_is_tar(int fd)
{
	return is_tar(fd);
}

int ct_tar_root(const struct cairn_service *s, char *buf, size_t size)
{
	return snprintf(buf, size, CT_LIB_DIR "/%s/rootfs", s->name);
}

int ct_tar_unpack(const struct cairn_service *s, int img_fd, uint32_t base, char *dir, size_t size,
		  struct cairn_err *e)
{
	char stamp[4200], tmp[4200], old[4200], want[128], *have = NULL;
	struct src src = { .fd = img_fd };
	unsigned char magic[4];
	size_t len;
	int root_fd, ret;

	ct_tar_root(s, dir, size);
	snprintf(stamp, sizeof(stamp), "%s.sha256", dir);
	snprintf(want, sizeof(want), "%s %u\n", s->ct->sha256, base);
	if (cairn_read_file(stamp, 256, &have, &len, NULL) == 0 && !strcmp(have, want)) {
		free(have);
		return 0;   /* unpacked already, for this image and range */
	}
	free(have);
	snprintf(tmp, sizeof(tmp), "%s.new", dir);
	snprintf(old, sizeof(old), "%s.old", dir);
	/* leftovers of an unpack cut short */
	ct_rmtree(tmp);
	ct_rmtree(old);
	if ((ret = ct_mkdirs(tmp, 0755, base, base, e)) < 0)
		return ret;
	if (pread(img_fd, magic, 4, 0) == 4 && magic[0] == 0x28 && magic[1] == 0xb5) {
		src.z = ZSTD_createDCtx();
		src.in = malloc(ZSTD_DStreamInSize());
		if (!src.z || !src.in) {
			ret = cairn_err_set(e, -ENOMEM, "out of memory");
			goto out;
		}
	}
	if (lseek(img_fd, 0, SEEK_SET) < 0) {
		ret = cairn_err_sys(e, -errno, "seek");
		goto out;
	}
	root_fd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		ret = cairn_err_sys(e, -errno, "%s", tmp);
		goto out;
	}
	ret = extract(&src, root_fd, base, e);
	close(root_fd);
	if (ret < 0) {
		cairn_err_prefix(e, ret, "unpack %s", s->ct->image);
		goto out;
	}
	sync();
	/* the old tree out of the way, the new one in, then the stamp */
	unlink(stamp);
	if ((rename(dir, old) < 0 && errno != ENOENT) || rename(tmp, dir) < 0) {
		ret = cairn_err_sys(e, -errno, "rename %s", tmp);
		goto out;
	}
	ret = cairn_write_atomic(stamp, want, strlen(want), 0600, e);
out:
	ct_rmtree(tmp);
	ct_rmtree(old);
	ZSTD_freeDCtx(src.z);
	free(src.in);
	return ret;
}
