/* cgroup.c - one cgroup v2 per container, CT_CGROUP_ROOT/cairn/NAME, with
 * its limits.  The controllers a limit needs are enabled in the parents'
 * cgroup.subtree_control; a limit whose controller this kernel or host
 * does not offer is an error, never an unlimited container.  With no
 * limits set, no controller is needed (a host whose cgroup2 has none
 * still runs containers).  A system container's cgroup is delegated to
 * its root (the kernel's cgroup-v2 "Delegation"): its init (systemd) makes
 * its own sub-cgroups under it, but cannot touch the limits; cairnd
 * removes the whole subtree when the container has stopped. */
#include "ct.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static int write_text(const char *dir, const char *file, const char *text, struct cairn_err *e)
{
	char path[4200];
	size_t n = strlen(text);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	if (write(fd, text, n) != (ssize_t)n)
		ret = cairn_err_sys(e, -errno, "write '%.*s' to %s", (int)strcspn(text, "\n"), text, path);
	close(fd);
	return ret;
}

static bool has_controller(const char *dir, const char *file, const char *name)
{
	char path[4200], *text = NULL, *save = NULL;
	bool found = false;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (cairn_read_file(path, 4096, &text, &len, NULL) < 0)
		return false;
	for (char *w = strtok_r(text, " \n", &save); w && !found; w = strtok_r(NULL, " \n", &save))
		found = !strcmp(w, name);
	free(text);
	return found;
}

void ct_cgroup_io_max(const struct cairn_ct_io *io, char *buf, size_t size)
{
	char v[4][24];
	const uint64_t x[4] = { io->rbps, io->wbps, io->riops, io->wiops };

	for (int k = 0; k < 4; k++)
		if (x[k])
			snprintf(v[k], sizeof(v[k]), "%llu", (unsigned long long)x[k]);
		else
			snprintf(v[k], sizeof(v[k]), "max");
	snprintf(buf, size, "%s rbps=%s wbps=%s riops=%s wiops=%s\n", io->dev, v[0], v[1], v[2], v[3]);
}

/* Enable ctl in root/cairn's subtree (root first).  -ENOTSUP if the
 * host does not offer it. */
static int enable(const char *ctl, struct cairn_err *e)
{
	static const char *const levels[] = { CT_CGROUP_ROOT, CT_CGROUP_ROOT "/" CT_CGROUP_DIR };
	char word[32];

	for (size_t k = 0; k < 2; k++) {
		if (!has_controller(levels[k], "cgroup.controllers", ctl))
			return cairn_err_set(e, -ENOTSUP,
					     "the %s controller is not available in %s (a limit of this container needs it)",
					     ctl, levels[k]);
		if (has_controller(levels[k], "cgroup.subtree_control", ctl))
			continue;
		snprintf(word, sizeof(word), "+%s", ctl);
		if (write_text(levels[k], "cgroup.subtree_control", word, e) < 0)
			return cairn_err_prefix(e, -ENOTSUP, "enable the %s controller", ctl);
	}
	return 0;
}

static int limits(const struct cairn_container *ct, const char *dir, struct cairn_err *e)
{
	char buf[128];
	int ret = 0;

	if (ct->memory || ct->memory_swap_set) {
		if ((ret = enable("memory", e)) < 0)
			return ret;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ct->memory);
		if ((ret = write_text(dir, "memory.max", buf, e)) < 0)
			return ret;
		if (ct->memory_swap_set) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ct->memory_swap);
			if ((ret = write_text(dir, "memory.swap.max", buf, e)) < 0)
				return ret;
		}
		/* an OOM kills the whole container's job, not one random task */
		write_text(dir, "memory.oom.group", "1", NULL);
	}
	if (ct->cpu_milli) {
		if ((ret = enable("cpu", e)) < 0)
			return ret;
		cairn_ct_cpu_max(ct->cpu_milli, buf, sizeof(buf));
		if ((ret = write_text(dir, "cpu.max", buf, e)) < 0)
			return ret;
	}
	if (ct->cpuset) {
		if ((ret = enable("cpuset", e)) < 0 || (ret = write_text(dir, "cpuset.cpus", ct->cpuset, e)) < 0)
			return ret;
	}
	if (ct->pids) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ct->pids);
		if ((ret = enable("pids", e)) < 0 || (ret = write_text(dir, "pids.max", buf, e)) < 0)
			return ret;
	}
	for (size_t k = 0; k < ct->n_io; k++) {
		if ((ret = enable("io", e)) < 0)
			return ret;
		if (ct->io[k].dev) {
			ct_cgroup_io_max(&ct->io[k], buf, sizeof(buf));
			ret = write_text(dir, "io.max", buf, e);
		} else {
			snprintf(buf, sizeof(buf), "default %llu", (unsigned long long)ct->io[k].weight);
			ret = write_text(dir, "io.weight", buf, e);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* rmdir dir and the cgroups below it, deepest first (a cgroup's only
 * subdirectories are cgroups).  0 or -errno of the first that stays. */
static int remove_tree(const char *dir, int depth)
{
	char sub[4096];
	struct dirent *d;
	DIR *dp;
	int ret = 0;

	if (rmdir(dir) == 0)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -errno;
	/* the depth a container may nest is bounded by the path length */
	if (depth > 64 || !(dp = opendir(dir)))
		return -EBUSY;
	while (ret == 0 && (d = readdir(dp)))
		if (d->d_type == DT_DIR && strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    snprintf(sub, sizeof(sub), "%s/%s", dir, d->d_name) < (int)sizeof(sub))
			ret = remove_tree(sub, depth + 1);
	closedir(dp);
	if (ret == 0 && rmdir(dir) < 0)
		ret = -errno;
	return ret;
}

/* Give the cgroup to the container's root: the directory (sub-cgroups)
 * and the files of delegation (moving its processes, enabling for its
 * sub-cgroups the controllers it was given); never the limits. */
static int delegate(int dir_fd, const char *dir, uid_t owner, struct cairn_err *e)
{
	static const char *const files[] = { "cgroup.procs", "cgroup.threads", "cgroup.subtree_control", NULL };

	if (fchown(dir_fd, owner, owner) < 0)
		return cairn_err_sys(e, -errno, "delegate %s", dir);
	for (size_t k = 0; files[k]; k++)
		if (fchownat(dir_fd, files[k], owner, owner, 0) < 0)
			return cairn_err_sys(e, -errno, "delegate %s/%s", dir, files[k]);
	return 0;
}

int ct_cgroup_create(const struct cairn_service *s, uid_t owner, int *dir_fd, struct cairn_err *e)
{
	char dir[4096];
	int ret;

	snprintf(dir, sizeof(dir), CT_CGROUP_ROOT "/" CT_CGROUP_DIR);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return cairn_err_sys(e, -errno, "mkdir %s", dir);
	snprintf(dir, sizeof(dir), CT_CGROUP_ROOT "/" CT_CGROUP_DIR "/%s", s->name);
	/* a leftover of a container that died with cairnd away */
	if ((ret = remove_tree(dir, 0)) < 0 && ret != -ENOENT)
		return cairn_err_sys(e, ret, "cgroup %s is still in use", dir);
	if (mkdir(dir, 0755) < 0)
		return cairn_err_sys(e, -errno, "mkdir %s", dir);
	ret = limits(s->ct, dir, e);
	if (ret == 0) {
		*dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*dir_fd < 0)
			ret = cairn_err_sys(e, -errno, "%s", dir);
	}
	if (ret == 0 && owner != (uid_t)-1 && (ret = delegate(*dir_fd, dir, owner, e)) < 0) {
		close(*dir_fd);
		*dir_fd = -1;
	}
	if (ret < 0)
		rmdir(dir);
	return ret;
}

void ct_cgroup_remove(const char *name)
{
	char dir[4096];
	int ret;

	snprintf(dir, sizeof(dir), CT_CGROUP_ROOT "/" CT_CGROUP_DIR "/%s", name);
	/* the pid namespace's last tasks may take a moment to leave */
	for (int k = 0; k < 500; k++) {
		if ((ret = remove_tree(dir, 0)) == 0 || ret == -ENOENT)
			break;
		if (ret != -EBUSY)
			return;
		usleep(1000);
	}
	/* the last container gone: no empty cairn/ left (EBUSY otherwise) */
	rmdir(CT_CGROUP_ROOT "/" CT_CGROUP_DIR);
}
