/* pool.c - storage pools: bring each [pool] of the config in force up
 * under the pools root, take removed ones down, remember each one's state.
 *
 * One pool, in order (pool_up):
 *   1. resolve the source (a tag through libblkid; a missing device is
 *      state "missing", tried again at the next apply);
 *   2. already mounted at ROOT/NAME from that source: ready, nothing done;
 *      mounted from something else (the source changed): unmounted first;
 *   3. probe (probe.c): blank and format = if-blank -> mkfs; blank
 *      otherwise -> error; the wanted file system -> mount; anything else
 *      (another fs, a partition table, a RAID member) -> error, untouched;
 *   4. mount (a dir pool is a bind mount).
 * Everything here runs on cairnd's loop and blocks it while mkfs runs;
 * mkfs of a fresh device is quick (ext4 initialises lazily). */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

struct pool {
	char *name, *source;
	enum cairn_pool_fs fs;
	enum pool_state state;
	char reason[512];
	char device[PATH_MAX];
	char mountpoint[PATH_MAX];
};

struct pools {
	char *dir;
	struct pool *v;
	size_t n;
};

static const char *const state_names[] = {
	[POOL_READY] = "ready", [POOL_MISSING] = "missing", [POOL_ERROR] = "error",
};

const char *pool_state_name(enum pool_state s)
{
	return state_names[s];
}

static void set_state(struct pool *p, enum pool_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_state(struct pool *p, enum pool_state s, const char *fmt, ...)
{
	va_list ap;

	p->state = s;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
	if (s == POOL_READY)
		fprintf(stderr, "cairnd: pool %s: ready on %s (%s)\n", p->name, p->mountpoint,
			p->device);
	else
		fprintf(stderr, "cairnd: pool %s: %s: %s\n", p->name, state_names[s], p->reason);
}

int pools_new(struct pools **out, const char *dir, struct cairn_err *e)
{
	struct pools *p = calloc(1, sizeof(*p));

	if (!p || !(p->dir = strdup(dir))) {
		free(p);
		return cairn_err_set(e, -ENOMEM, "pools: out of memory");
	}
	*out = p;
	return 0;
}

/* ---- mounts ------------------------------------------------------------- */

/* A mount point from /proc/self/mountinfo, octal escapes undone. */
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

struct mnt {
	char target[PATH_MAX];
	char source[PATH_MAX];
	char fstype[64];
	dev_t dev;
};

/* Calls fn for every mount; the last one on a path is the one on top. */
static int each_mount(int (*fn)(const struct mnt *m, void *data), void *data)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && getline(&line, &cap, f) > 0) {
		struct mnt m;
		unsigned maj, min;
		char *sep = strstr(line, " - "), tgt[PATH_MAX], src[PATH_MAX], fstype[64];

		if (!sep || sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, tgt) != 3 ||
		    sscanf(sep + 3, "%63s %4095s", fstype, src) != 2)
			continue;
		unescape(tgt);
		unescape(src);
		snprintf(m.target, sizeof(m.target), "%s", tgt);
		snprintf(m.source, sizeof(m.source), "%s", src);
		snprintf(m.fstype, sizeof(m.fstype), "%s", fstype);
		m.dev = makedev(maj, min);
		ret = fn(&m, data);
	}
	free(line);
	fclose(f);
	return ret < 0 ? ret : 0;
}

struct find { const char *target; struct mnt top; bool found; };

static int find_cb(const struct mnt *m, void *data)
{
	struct find *f = data;

	if (!strcmp(m->target, f->target)) {
		f->top = *m;
		f->found = true;
	}
	return 0;
}

/* The mount on top of path, if any: 1 found, 0 none. */
static int mounted_at(const char *path, struct mnt *top)
{
	struct find f = { .target = path };

	if (each_mount(find_cb, &f) < 0 || !f.found)
		return 0;
	*top = f.top;
	return 1;
}

/* Unmount everything stacked on path; a busy mount is detached lazily
 * (it goes once its last user does) and the log says so. */
static void unmount_all(const char *name, const char *path)
{
	struct mnt top;

	for (int i = 0; i < 16 && mounted_at(path, &top); i++) {
		if (umount2(path, UMOUNT_NOFOLLOW) == 0) {
			fprintf(stderr, "cairnd: pool %s: unmounted %s\n", name, path);
		} else if (errno == EBUSY && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
			fprintf(stderr, "cairnd: pool %s: %s is busy: detached lazily, it goes "
				"once its last user does\n", name, path);
		} else {
			fprintf(stderr, "cairnd: pool %s: cannot unmount %s: %s\n", name, path,
				strerror(errno));
			return;
		}
	}
}

/* Is the mount on mp this pool's source, with this pool's fs? */
static bool same_source(const struct pool *p, const struct mnt *m)
{
	struct stat a, b;
	char ra[PATH_MAX], rb[PATH_MAX];

	if (p->fs == CAIRN_POOL_DIR)   /* a bind mount: the same directory */
		return stat(p->mountpoint, &a) == 0 && stat(p->source, &b) == 0 &&
		       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	if (strcmp(m->fstype, cairn_pool_fs_name(p->fs)))
		return false;    /* fs changed: taken down, then probed again */
	if (stat(p->device, &b) == 0 && S_ISBLK(b.st_mode) && m->dev == b.st_rdev)
		return true;
	/* btrfs shows an anonymous device number: compare the paths */
	return realpath(m->source, ra) && realpath(p->device, rb) && !strcmp(ra, rb);
}

/* ---- mkfs --------------------------------------------------------------- */

static int find_program(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* mkfs.FS -q DEV as a child, reaped here before the loop runs again (its
 * SIGCHLD handling reaps any child, so it must never see this one).  Its output goes to cairnd's
 * stderr; signals come back to their defaults and unblocked. */
static int make_fs(struct pool *p)
{
	const char *fs = cairn_pool_fs_name(p->fs);
	char prog[64], path[PATH_MAX];
	char *argv[] = { prog, "-q", p->device, NULL };
	sigset_t none;
	pid_t pid;
	int st;

	snprintf(prog, sizeof(prog), "mkfs.%s", fs);
	if (find_program(prog, path, sizeof(path)) < 0) {
		set_state(p, POOL_ERROR, "%s is blank but %s is not on this system: cannot "
			  "format it as %s", p->device, prog, fs);
		return -ENOENT;
	}
	fprintf(stderr, "cairnd: pool %s: %s is blank: %s -q %s\n", p->name, p->device, path,
		p->device);
	pid = fork();
	if (pid == 0) {
		/* the child: default signals, nothing blocked, no stdin */
		int fd = open("/dev/null", O_RDONLY);

		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd >= 0)
			dup2(fd, 0);
		dup2(2, 1);
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0) {
		set_state(p, POOL_ERROR, "cannot run %s: %s", path, strerror(errno));
		return -errno;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			set_state(p, POOL_ERROR, "%s: waitpid: %s", prog, strerror(errno));
			return -errno;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		set_state(p, POOL_ERROR, "%s %s failed (%s %d; its output is in cairnd's log)",
			  prog, p->device, WIFEXITED(st) ? "exit status" : "signal",
			  WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -EIO;
	}
	return 0;
}

/* ---- one pool ----------------------------------------------------------- */

static void pool_up(struct pool *p, const struct cairn_pool *cp)
{
	const char *fs = cairn_pool_fs_name(p->fs);
	char type[64], what[128];
	struct mnt top;
	char *dev = NULL;
	int ret;

	if (p->fs == CAIRN_POOL_DIR) {
		struct stat st;

		snprintf(p->device, sizeof(p->device), "%s", p->source);
		if (stat(p->source, &st) < 0)
			return set_state(p, errno == ENOENT ? POOL_MISSING : POOL_ERROR,
					 "%s: %s", p->source, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return set_state(p, POOL_ERROR, "%s is not a directory", p->source);
	} else {
		ret = pool_resolve(p->source, &dev);
		if (ret == -ENOENT)
			return set_state(p, POOL_MISSING, "no device %s%s",
					 cairn_pool_source_kind(p->source) == CAIRN_POOL_SRC_TAG ?
					 "has " : "", p->source);
		if (ret < 0)
			return set_state(p, POOL_ERROR, "%s: %s", p->source,
					 ret == -ENOTBLK ? "not a block device" : strerror(-ret));
		snprintf(p->device, sizeof(p->device), "%s", dev);
		free(dev);
	}

	if (mkdir(p->mountpoint, 0755) < 0 && errno != EEXIST)
		return set_state(p, POOL_ERROR, "cannot make %s: %s", p->mountpoint, strerror(errno));
	if (mounted_at(p->mountpoint, &top)) {
		if (same_source(p, &top)) {
			p->state = POOL_READY;   /* as it was: no word in the log */
			p->reason[0] = '\0';
			return;
		}
		unmount_all(p->name, p->mountpoint);   /* the source changed */
		if (mounted_at(p->mountpoint, &top))
			return set_state(p, POOL_ERROR, "%s still holds %s and cannot be unmounted",
					 p->mountpoint, top.source);
	}

	if (p->fs == CAIRN_POOL_DIR) {
		if (mount(p->source, p->mountpoint, NULL, MS_BIND, NULL) < 0)
			return set_state(p, POOL_ERROR, "bind mount of %s on %s: %s", p->source,
					 p->mountpoint, strerror(errno));
		return set_state(p, POOL_READY, "%s", "");
	}

	ret = pool_probe(p->device, type, sizeof(type), what, sizeof(what));
	if (ret < 0)
		return set_state(p, POOL_ERROR, "cannot tell whether %s is blank (%s): left alone",
				 p->device, what[0] ? what : strerror(-ret));
	if (ret == 1) {
		if (cp->format != CAIRN_POOL_FORMAT_IF_BLANK)
			return set_state(p, POOL_ERROR, "%s is blank and format = never: not formatted",
					 p->device);
		if (make_fs(p) < 0)
			return;
		ret = pool_probe(p->device, type, sizeof(type), what, sizeof(what));
		if (ret != 0 || strcmp(type, fs))
			return set_state(p, POOL_ERROR, "%s after mkfs.%s: %s", p->device, fs,
					 ret == 1 ? "still blank" : what);
	} else if (strcmp(type, fs)) {
		return set_state(p, POOL_ERROR, "%s is not blank (%s) and has no %s file "
				 "system: left alone, never formatted over", p->device, what, fs);
	}
	if (mount(p->device, p->mountpoint, fs, MS_NOATIME, NULL) < 0)
		return set_state(p, POOL_ERROR, "mount %s (%s) on %s: %s", p->device, fs,
				 p->mountpoint, strerror(errno));
	set_state(p, POOL_READY, "%s", "");
}

/* ---- the set ------------------------------------------------------------ */

static void pool_clear(struct pool *p)
{
	free(p->name);
	free(p->source);
}

struct sweep { struct pools *set; const struct cairn_config *c; char **gone; size_t n; };

/* Mounts directly under the root whose name no pool of c has. */
static int sweep_cb(const struct mnt *m, void *data)
{
	struct sweep *s = data;
	size_t len = strlen(s->set->dir);
	const char *name = m->target + len + 1;
	char **ng;

	if (strncmp(m->target, s->set->dir, len) || m->target[len] != '/' || !*name ||
	    strchr(name, '/'))
		return 0;
	for (size_t i = 0; i < s->c->n_pools; i++)
		if (!strcmp(s->c->pools[i].name, name))
			return 0;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->gone[i], name))
			return 0;
	ng = realloc(s->gone, (s->n + 1) * sizeof(*ng));
	if (!ng)
		return -ENOMEM;
	s->gone = ng;
	if (!(ng[s->n] = strdup(name)))
		return -ENOMEM;
	s->n++;
	return 0;
}

void pools_apply(struct pools *set, const struct cairn_config *c)
{
	struct sweep sw = { .set = set, .c = c };
	struct pool *nv = NULL;
	size_t n = 0;

	char real[PATH_MAX];

	if (!c)
		return;
	if (c->n_pools && mkdir(set->dir, 0755) < 0 && errno != EEXIST)
		fprintf(stderr, "cairnd: pools: cannot make %s: %s\n", set->dir, strerror(errno));
	if (realpath(set->dir, real) && strcmp(real, set->dir)) {
		char *d = strdup(real);   /* mountinfo speaks in canonical paths */

		if (d) {
			free(set->dir);
			set->dir = d;
		}
	}
	/* Removed pools first: the pools root holds only the config's. */
	each_mount(sweep_cb, &sw);
	for (size_t i = 0; i < sw.n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", set->dir, sw.gone[i]);
		fprintf(stderr, "cairnd: pool %s: no longer in the configuration\n", sw.gone[i]);
		unmount_all(sw.gone[i], path);
		rmdir(path);   /* may stay while a lazily detached mount is busy */
		free(sw.gone[i]);
	}
	free(sw.gone);

	if (c->n_pools) {
		nv = calloc(c->n_pools, sizeof(*nv));
		if (!nv) {
			fprintf(stderr, "cairnd: pools: out of memory: pools left as they are\n");
			return;
		}
	}
	for (size_t i = 0; i < c->n_pools; i++) {
		const struct cairn_pool *cp = &c->pools[i];
		struct pool *p = &nv[n];

		p->name = strdup(cp->name);
		p->source = strdup(cp->source);
		p->fs = cp->fs;
		if (!p->name || !p->source) {
			pool_clear(p);
			continue;
		}
		n++;
		if ((size_t)snprintf(p->mountpoint, sizeof(p->mountpoint), "%s/%s", set->dir,
				     cp->name) >= sizeof(p->mountpoint)) {
			set_state(p, POOL_ERROR, "the pools root path is too long");
			continue;
		}
		pool_up(p, cp);
	}
	for (size_t i = 0; i < set->n; i++)
		pool_clear(&set->v[i]);
	free(set->v);
	set->v = nv;
	set->n = n;
}

size_t pools_count(const struct pools *p)
{
	return p ? p->n : 0;
}

void pools_status(const struct pools *set, size_t i, struct pool_status *out)
{
	const struct pool *p = &set->v[i];
	struct statvfs sv;

	memset(out, 0, sizeof(*out));
	out->name = p->name;
	out->source = p->source;
	out->fs = cairn_pool_fs_name(p->fs);
	out->state = p->state;
	out->reason = p->reason;
	out->mountpoint = p->mountpoint;
	out->device = p->device;
	if (p->state == POOL_READY && statvfs(p->mountpoint, &sv) == 0) {
		out->size = (uint64_t)sv.f_blocks * sv.f_frsize;
		out->used = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
	}
}

void pools_free(struct pools *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		pool_clear(&set->v[i]);
	free(set->v);
	free(set->dir);
	free(set);
}
