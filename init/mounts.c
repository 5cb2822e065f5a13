/* mounts.c - idempotent mount helpers for both stages. */
#include "mounts.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "console.h"
#include "util.h"

/* A directory is a mount point if it sits on another device than its
 * parent (or is "/").  Needed because the initramfs's own /dev is a plain
 * directory on a tmpfs, which statfs alone would take for devtmpfs. */
static bool is_mount_point(const char *path)
{
	char parent[4096];
	struct stat a, b;
	if (snprintf(parent, sizeof(parent), "%s/..", path) >= (int)sizeof(parent))
		return false;
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

bool is_fs_type(const char *path, unsigned long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic &&
	       is_mount_point(path);
}

int mount_one(const struct mount_spec *s)
{
	int r = mkdir_p(s->target, 0755);
	if (r < 0)
		return say_err(r, "mount %s: creating the mount point", s->target);
	if (s->magic && is_fs_type(s->target, s->magic)) {
		say_debug("%s already mounted", s->target);
		return 0;
	}
	if (mount(s->source, s->target, s->fstype, s->flags, s->data) < 0)
		return say_err(-errno, "mount %s (%s) on %s", s->source, s->fstype, s->target);
	say_debug("mounted %s on %s", s->fstype, s->target);
	return 0;
}

int mount_api_filesystems(void)
{
	static const struct mount_spec api[] = {
		{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, PROC_SUPER_MAGIC },
		{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, SYSFS_MAGIC },
		{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", TMPFS_MAGIC },
	};
	int first = 0;
	for (unsigned i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		int r = mount_one(&api[i]);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int mountinfo_read(char *buf, size_t size, char **mp, int max)
{
	ssize_t len = read_file("/proc/self/mountinfo", buf, size);
	if (len < 0)
		return (int)len;
	int n = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
		/* id parent major:minor root mountpoint options ... */
		char *f = l;
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (!f)
			continue;
		char *end = strchr(f, ' ');
		if (end)
			*end = '\0';
		unescape(f);
		mp[n++] = f;
	}
	return n;
}

int mounts_make_private(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		return 0;
	static char buf[MOUNTINFO_BUF];
	static char *mp[MOUNTINFO_MAX];
	int n = mountinfo_read(buf, sizeof(buf), mp, MOUNTINFO_MAX);
	if (n < 0)
		return say_err(n, "making mounts private: reading mountinfo");
	int first = 0;
	for (int i = 0; i < n; i++) {
		if (mount(NULL, mp[i], NULL, MS_PRIVATE, NULL) < 0 && errno != EINVAL && !first)
			first = say_err(-errno, "making %s private", mp[i]);
	}
	return first;
}
