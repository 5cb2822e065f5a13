/* config_validate.c - what a config needs from the machine it runs on:
 * its programs, users and groups.  Everything is looked up under a root
 * directory ("/" for the running system, an image tree at build time), so
 * files are opened with openat2(RESOLVE_IN_ROOT): an absolute symlink such
 * as bin/sh -> /bin/busybox resolves inside the root, not on the host.
 * passwd and group are read directly (not getpwnam) for the same reason. */
#include "config_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const search_path[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

static int open_in_root(const char *root, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT };
	int rfd, fd, err;

	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, rfd, path, &how, sizeof(how));
	err = errno;
	if (fd < 0 && err == ENOSYS) {
		/* Before Linux 5.6: good enough for "/" and symlink-free trees. */
		char full[4096];

		if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, path) >= sizeof(full)) {
			close(rfd);
			return -ENAMETOOLONG;
		}
		fd = open(full, flags | O_CLOEXEC);
		err = errno;
	}
	close(rfd);
	return fd < 0 ? -err : fd;
}

/* 0 for an executable regular file, -ENOENT, -EACCES. */
static int check_exec(const char *root, const char *path)
{
	struct stat st;
	int fd = open_in_root(root, path, O_PATH);

	if (fd < 0)
		return fd == -ENOTDIR ? -ENOENT : fd;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return -EACCES;
	return 0;
}

int cairn_service_exec_path(const struct cairn_service *s, const char *root,
			    char *buf, size_t size, struct cairn_err *e)
{
	const char *prog = s->argv[0];
	int ret = -ENOENT;

	root = root ? root : "/";
	if (prog[0] == '/') {
		if (strlen(prog) >= size)
			return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", prog);
		ret = check_exec(root, prog);
		if (ret == -EACCES)
			return cairn_err_set(e, ret, "%s is not an executable file", prog);
		if (ret < 0)
			return cairn_err_sys(e, ret, "%s", prog);
		strcpy(buf, prog);
		return 0;
	}
	for (size_t i = 0; i < sizeof(search_path) / sizeof(search_path[0]); i++) {
		if ((size_t)snprintf(buf, size, "%s/%s", search_path[i], prog) >= size)
			return cairn_err_set(e, -ENAMETOOLONG, "%s: name too long", prog);
		if (check_exec(root, buf) == 0)
			return 0;
	}
	buf[0] = '\0';
	return cairn_err_set(e, -ENOENT, "%s not found in /usr/sbin:/usr/bin:/sbin:/bin", prog);
}

/* Find name in ROOT/etc/passwd (fields: name:pw:uid:gid:...) or
 * ROOT/etc/group (name:pw:gid:...); *id is field 2, *gid field 3. */
static int lookup(const char *root, const char *file, const char *name,
		  unsigned *id, unsigned *gid, struct cairn_err *e)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fd, ret = -ENOENT;

	fd = open_in_root(root, file, O_RDONLY);
	if (fd < 0)
		return cairn_err_sys(e, fd, "cannot read %s%s", strcmp(root, "/") ? root : "", file);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return cairn_err_sys(e, -ENOMEM, "%s", file);
	}
	while (getline(&line, &cap, f) > 0) {
		char *field[4] = { 0 }, *p = line;
		uint64_t v[2];
		size_t n = 0;

		line[strcspn(line, "\n")] = '\0';
		while (n < 4 && p) {
			field[n++] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (n < 3 || strcmp(field[0], name) != 0)
			continue;
		if (cairn_config_uint(field[2], 0, UINT32_MAX - 1, &v[0]) < 0)
			continue;
		*id = (unsigned)v[0];
		if (gid) {
			if (n < 4 || cairn_config_uint(field[3], 0, UINT32_MAX - 1, &v[1]) < 0)
				continue;
			*gid = (unsigned)v[1];
		}
		ret = 0;
		break;
	}
	free(line);
	fclose(f);
	if (ret < 0)
		return cairn_err_set(e, ret, "not found in %s%s", strcmp(root, "/") ? root : "", file);
	return 0;
}

static int lookup_user(const char *root, const char *name, uid_t *uid, gid_t *gid,
		       struct cairn_err *e)
{
	unsigned u, g;
	int ret = lookup(root, "/etc/passwd", name, &u, &g, e);

	if (ret < 0)
		return cairn_err_prefix(e, ret, "user '%s'", name);
	*uid = u;
	*gid = g;
	return 0;
}

static int lookup_group(const char *root, const char *name, gid_t *gid, struct cairn_err *e)
{
	unsigned g;
	int ret = lookup(root, "/etc/group", name, &g, NULL, e);

	if (ret < 0)
		return cairn_err_prefix(e, ret, "group '%s'", name);
	*gid = g;
	return 0;
}

int cairn_service_ids(const struct cairn_service *s, const char *root,
		      uid_t *uid, gid_t *gid, struct cairn_err *e)
{
	int ret;

	root = root ? root : "/";
	*uid = 0;
	*gid = 0;
	if (s->user && (ret = lookup_user(root, s->user, uid, gid, e)) < 0)
		return ret;
	if (s->group && (ret = lookup_group(root, s->group, gid, e)) < 0)
		return ret;
	return 0;
}

int cairn_config_validate(const struct cairn_config *c, const char *root,
			  struct cairn_err *e)
{
	char path[4096];
	uid_t uid;
	gid_t gid;
	int ret;

	root = root ? root : "/";
	for (size_t i = 0; i < c->n_services; i++) {
		const struct cairn_service *s = &c->services[i];

		if (s->kind != CAIRN_KIND_SERVICE)   /* their programs are not the host's */
			continue;
		ret = cairn_service_exec_path(s, root, path, sizeof(path), e);
		if (ret < 0)
			return cairn_err_prefix(e, ret, "%s:%d: exec in [service %s]",
						c->path, s->exec_line, s->name);
		if (s->user && (ret = lookup_user(root, s->user, &uid, &gid, e)) < 0)
			return cairn_err_prefix(e, ret, "%s:%d: [service %s]",
						c->path, s->user_line, s->name);
		if (s->group && (ret = lookup_group(root, s->group, &gid, e)) < 0)
			return cairn_err_prefix(e, ret, "%s:%d: [service %s]",
						c->path, s->group_line, s->name);
	}
	return 0;
}
