/* cmd_image.c - cairnctl image import FILE [--dir DIR]
 *
 * Copies a squashfs, erofs, tar or tar.zst image into the images directory
 * (/var/lib/cairn/images) and prints its SHA-256, the value a
 * [container] section pins with sha256 =.  The copy is hashed as it is
 * written, goes to a temporary name, is synced and renamed (never over an
 * existing image), and its hash is put in cairnd's cache so the first
 * start does not read it again. */
#include "cmd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "ct.h"
#include "hashfile.h"
#include "msg.h"

static int import(const char *file, const char *dir)
{
	char tmp[4200], dst[4200], hash[65], *copy = strdup(file), *base;
	struct cairn_err e = { "" };
	int in, out = -1, dfd, ret = EXIT_FAIL;

	if (!copy)
		return ctl_fail("out of memory");
	base = basename(copy);
	if (!cairn_config_name_ok(base)) {
		ctl_fail("image import: '%s' cannot be an image name (a-z A-Z 0-9 _ . -, the name image = uses)", base);
		goto out;
	}
	in = open(file, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		ctl_fail("image import: %s: %s", file, strerror(errno));
		goto out;
	}
	if (!ct_image_fstype(in) && !ct_image_is_tar(in)) {
		ctl_fail("image import: %s: not squashfs, erofs, tar or tar.zst", file);
		goto close_in;
	}
	if (ct_mkdirs(dir, 0755, (uid_t)-1, (gid_t)-1, &e) < 0) {
		ctl_fail("image import: %s", e.msg);
		goto close_in;
	}
	snprintf(dst, sizeof(dst), "%s/%s", dir, base);
	snprintf(tmp, sizeof(tmp), "%s/.%s.import-%d", dir, base, (int)getpid());
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		ctl_fail("image import: %s: %s", tmp, strerror(errno));
		goto close_in;
	}
	if (cairn_sha256_fd(in, out, hash, &e) < 0) {
		ctl_fail("image import: %s: %s", file, e.msg);
		goto unlink;
	}
	if (fsync(out) < 0) {
		ctl_fail("image import: fsync %s: %s", tmp, strerror(errno));
		goto unlink;
	}
	/* link, not rename: never replace an image a container may pin */
	if (link(tmp, dst) < 0) {
		ctl_fail("image import: %s: %s%s", dst, strerror(errno),
			 errno == EEXIST ? " (remove it first, or import under another name)" : "");
		goto unlink;
	}
	unlink(tmp);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (!strcmp(dir, CT_IMAGES_DIR))   /* cairnd's cache is for its images */
		cairn_sha256_cache_put(out, CT_HASH_CACHE, hash);
	printf("%s  %s\n", hash, dst);
	ret = 0;
	goto close_out;
unlink:
	unlink(tmp);
close_out:
	close(out);
close_in:
	close(in);
out:
	free(copy);
	return ret;
}

int ctl_image_command(int nargs, char **args)
{
	const char *dir = CT_IMAGES_DIR;

	if (nargs == 4 && !strcmp(args[2], "--dir"))
		dir = args[3];
	else if (nargs != 2)
		return ctl_usage_error("image: usage: cairnctl image import FILE [--dir DIR]");
	if (strcmp(args[0], "import"))
		return ctl_usage_error("image: usage: cairnctl image import FILE [--dir DIR]");
	return import(args[1], dir);
}
