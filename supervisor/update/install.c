/* install.c - a bundle, read as a stream, into a slot (install.h has the
 * sequence and why it is in that order). */
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failed.h"

/* One place an artifact goes. */
struct target {
	const char *what;     /* for messages: the path, or "a temporary file" */
	char path[4096];
	int fd;
	uint64_t size;        /* what fits; UINT64_MAX for temporary files */
	uint64_t written;
};

static int target_write(void *ctx, const void *buf, size_t len, struct cairn_err *e)
{
	struct target *t = ctx;
	const char *p = buf;

	if (len > t->size - t->written)
		return cairn_err_set(e, -EFBIG, "larger than %s (%" PRIu64 " bytes)", t->path,
				     t->size);
	while (len) {
		ssize_t n = write(t->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cairn_err_sys(e, -errno, "writing %s", t->path);
		p += n;
		len -= (size_t)n;
		t->written += (uint64_t)n;
	}
	return 0;
}

/* A slot partition: it must exist; its size bounds what goes in. */
static int target_open(struct target *t, const char *path, struct cairn_err *e)
{
	struct stat st;

	t->fd = -1;
	t->written = 0;
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->fd = open(path, O_WRONLY | O_CLOEXEC);
	if (t->fd < 0)
		return cairn_err_sys(e, -errno, "update: slot target %s", path);
	if (fstat(t->fd, &st) < 0)
		return cairn_err_sys(e, -errno, "update: slot target %s", path);
	if (S_ISBLK(st.st_mode)) {
		uint64_t sz;

		if (ioctl(t->fd, BLKGETSIZE64, &sz) < 0)
			return cairn_err_sys(e, -errno, "update: slot target %s: size", path);
		t->size = sz;
	} else if (S_ISREG(st.st_mode)) {
		t->size = (uint64_t)st.st_size;
	} else {
		return cairn_err_set(e, -EINVAL, "update: slot target %s: not a block device "
				     "or file", path);
	}
	return 0;
}

static int target_tmp(struct target *t, const char *dir, const char *name,
		      struct cairn_err *e)
{
	t->written = 0;
	t->size = UINT64_MAX;
	snprintf(t->path, sizeof(t->path), "%s/%s.XXXXXX", dir, name);
	t->fd = mkostemp(t->path, O_CLOEXEC);
	if (t->fd < 0) {
		t->path[0] = 0;
		return cairn_err_sys(e, -errno, "update: temporary file in %s", dir);
	}
	return 0;
}

static void target_close(struct target *t, bool remove)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (remove && t->path[0])
		unlink(t->path);
}

static int target_sync(struct target *t, struct cairn_err *e)
{
	if (fsync(t->fd) < 0)
		return cairn_err_sys(e, -errno, "update: fsync %s", t->path);
	return 0;
}

/* Is version listed in the slot keeper's failed-versions file (path)? */
static int version_failed(const char *path, const char *version, struct cairn_err *e)
{
	int r;

	if (!path)
		return 0;
	r = failed_version_find_at(path, version, NULL, 0, e);
	return r < 0 ? cairn_err_prefix(e, r, "update") : r;
}

int install_check_manifest(const struct bundle_manifest *m, const struct install_plan *p,
			   struct cairn_err *e)
{
	int r;

	if (p->compatible && strcmp(m->compatible, p->compatible))
		return cairn_err_set(e, -EPERM, "update: bundle is for \"%s\", this machine is "
				     "\"%s\"", m->compatible, p->compatible);
	if (p->running_version && p->running_version[0] &&
	    bundle_version_cmp(m->version, p->running_version) <= 0 && !m->allow_downgrade)
		return cairn_err_set(e, -EPERM, "update: version %s is not newer than the "
				     "running %s (and the bundle does not allow a downgrade)",
				     m->version, p->running_version);
	r = version_failed(p->failed_path, m->version, e);
	if (r < 0)
		return r;
	if (r)
		return cairn_err_set(e, -EPERM, "update: version %s failed here before (listed "
				     "in %s)", m->version, p->failed_path);
	if (p->keep)   /* after the version: a stick left in is "not newer", not this */
		return cairn_err_set(e, -EBUSY, "%s", p->keep);
	return 0;
}

static int mkdir_p(const char *dir, struct cairn_err *e)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return cairn_err_sys(e, -errno, "update: mkdir %s", buf);
		*s = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return cairn_err_sys(e, -errno, "update: mkdir %s", buf);
	return 0;
}

int install_bundle(bundle_read_fn rd, void *rctx, const struct install_plan *p,
		   struct install_result *res, struct cairn_err *e)
{
	struct bundle_manifest m;
	struct target root = { .fd = -1 }, verity = { .fd = -1 };
	struct target kernel = { .fd = -1 }, initrd = { .fd = -1 };
	size_t i;
	int r;

	memset(res, 0, sizeof(*res));
	/* 1-2: nothing is written until the manifest is signed and fits. */
	r = bundle_read_manifest(rd, rctx, p->trust_dir, &m, res->signer, sizeof(res->signer), e);
	if (r < 0)
		return cairn_err_prefix(e, r, "update");
	r = install_check_manifest(&m, p, e);
	if (r < 0)
		return r;
	if ((r = target_open(&root, p->root_target, e)) < 0 ||
	    (r = target_open(&verity, p->verity_target, e)) < 0)
		goto out;
	for (i = 0; i < m.n; i++) {
		const struct target *t = !strcmp(m.a[i].name, BUNDLE_ROOT) ? &root :
					 !strcmp(m.a[i].name, BUNDLE_VERITY) ? &verity : NULL;

		if (t && m.a[i].size > t->size) {
			r = cairn_err_set(e, -EFBIG, "update: artifact %s: %" PRIu64 " bytes do not "
					  "fit slot %c's %s (%" PRIu64 " bytes)", m.a[i].name,
					  m.a[i].size, p->slot, t->path, t->size);
			goto out;
		}
	}
	r = mkdir_p(p->work_dir, e);
	if (r < 0)
		goto out;
	/* 3: from here on the slot is not bootable until step 6. */
	if (p->invalidate && (r = p->invalidate(p->slot, e)) < 0) {
		cairn_err_prefix(e, r, "update: slot %c", p->slot);
		goto out;
	}
	if ((r = target_tmp(&kernel, p->work_dir, BUNDLE_KERNEL, e)) < 0 ||
	    (r = target_tmp(&initrd, p->work_dir, BUNDLE_INITRD, e)) < 0)
		goto out;
	/* 4-5 */
	for (i = 0; i < m.n; i++) {
		const char *n = m.a[i].name;
		struct target *t = !strcmp(n, BUNDLE_ROOT) ? &root :
				   !strcmp(n, BUNDLE_VERITY) ? &verity :
				   !strcmp(n, BUNDLE_KERNEL) ? &kernel : &initrd;

		r = bundle_read_artifact(rd, rctx, &m.a[i], target_write, t, e);
		if (r < 0)
			goto out;
		res->bytes += m.a[i].size;
	}
	r = bundle_read_end(rd, rctx, e);
	if (r < 0)
		goto out;
	if ((r = target_sync(&root, e)) < 0 || (r = target_sync(&verity, e)) < 0 ||
	    (r = target_sync(&kernel, e)) < 0 || (r = target_sync(&initrd, e)) < 0)
		goto out;
	/* 6 */
	if (p->install_boot) {
		r = p->install_boot(p->slot, kernel.path, initrd.path, m.roothash, m.version, e);
		if (r < 0) {
			cairn_err_prefix(e, r, "update: slot %c: boot entry", p->slot);
			goto out;
		}
	}
	res->slot = p->slot;
	snprintf(res->version, sizeof(res->version), "%s", m.version);
out:
	target_close(&root, false);
	target_close(&verity, false);
	target_close(&kernel, true);
	target_close(&initrd, true);
	return r;
}
