/* modules.c - a minimal modprobe: modules.dep, dependencies, finit_module.
 *
 * modules.dep lines read "path/name.ko.xz: dep1.ko.xz dep2.ko.xz", paths
 * relative to /lib/modules/<release>.  Each module is loaded after its
 * dependencies, found recursively (each dependency has its own line), so
 * the order does not rest on how depmod sorted the list.  Debian's modules
 * are xz-compressed: the kernel decompresses them itself when asked with
 * MODULE_INIT_COMPRESSED_FILE.  "Already loaded" (EEXIST) is success, and a
 * name listed in modules.builtin is built in and needs nothing.
 *
 * A list line may carry a condition, "NAME cpu:FLAG": NAME is loaded only
 * where /proc/cpuinfo's flags list FLAG.  The image lists both KVM vendor
 * modules that way (kvm_intel cpu:vmx, kvm_amd cpu:svm), so a boot does
 * not report as failed the one that was never for this CPU. */
#include "modules.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/module.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define MAX_DEPTH 32

struct moddb {
	char dir[256];     /* /lib/modules/<release> */
	char *dep;         /* modules.dep, whole, split into lines in place */
	char *builtin;     /* modules.builtin, whole (may be NULL) */
	struct modent {
		char name[64]; /* normalised: '-' -> '_', no suffix */
		char *path;    /* relative path */
		char *deps;    /* blank-separated relative paths */
		int state;     /* 0 untouched, 1 loading, 2 done, -1 failed */
	} *ent;
	size_t n;
};

/* "kernel/fs/squashfs/squashfs.ko.xz" -> "squashfs"; dashes to underscores. */
static void module_name(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t i = 0;
	for (; base[i] && base[i] != '.' && i + 1 < size; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[i] = '\0';
}

static char *slurp(const char *path, int *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = -errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		*err = -ENOMEM;
		close(fd);
		return NULL;
	}
	size_t n = 0;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	return buf;
}

static int moddb_open(struct moddb *db)
{
	struct utsname u;
	char path[320];
	int err = 0;

	memset(db, 0, sizeof(*db));
	if (uname(&u) < 0)
		return say_err(-errno, "modules: uname");
	snprintf(db->dir, sizeof(db->dir), "/lib/modules/%s", u.release);
	snprintf(path, sizeof(path), "%s/modules.dep", db->dir);
	db->dep = slurp(path, &err);
	if (!db->dep)
		return say_err(err, "modules: reading %s", path);
	snprintf(path, sizeof(path), "%s/modules.builtin", db->dir);
	db->builtin = slurp(path, &err);

	size_t cap = 0;
	for (char *line = strtok(db->dep, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (db->n == cap) {
			cap = cap ? cap * 2 : 256;
			void *p = realloc(db->ent, cap * sizeof(*db->ent));
			if (!p)
				return say_err(-ENOMEM, "modules: indexing %s/modules.dep", db->dir);
			db->ent = p;
		}
		struct modent *e = &db->ent[db->n++];
		module_name(line, e->name, sizeof(e->name));
		e->path = line;
		e->deps = colon + 1;
		e->state = 0;
	}
	return 0;
}

static void moddb_close(struct moddb *db)
{
	free(db->dep);
	free(db->builtin);
	free(db->ent);
}

static struct modent *find_by_name(struct moddb *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->ent[i].name, name) == 0)
			return &db->ent[i];
	return NULL;
}

static bool is_builtin(struct moddb *db, const char *name)
{
	if (!db->builtin)
		return false;
	for (char *p = db->builtin; *p; ) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[256], n[64];
		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			module_name(line, n, sizeof(n));
			if (strcmp(n, name) == 0)
				return true;
		}
		p += len + (nl ? 1 : 0);
	}
	return false;
}

static int insmod(struct moddb *db, struct modent *e)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", db->dir, e->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return say_err(-errno, "module %s: opening %s", e->name, path);
	size_t len = strlen(e->path);
	bool compressed = !(len > 3 && strcmp(e->path + len - 3, ".ko") == 0);
	int flags = compressed ? MODULE_INIT_COMPRESSED_FILE : 0;
	int r = (int)syscall(SYS_finit_module, fd, "", flags);
	int err = r < 0 ? -errno : 0;
	close(fd);
	if (err == -EEXIST)
		return 0;
	if (err < 0)
		return say_err(err, "module %s: finit_module(%s)", e->name, path);
	say_debug("module %s loaded", e->name);
	return 0;
}

static int load(struct moddb *db, struct modent *e, int depth)
{
	if (e->state == 2)
		return 0;
	if (e->state == -1)
		return -EINVAL;
	if (e->state == 1 || depth > MAX_DEPTH)
		return say_err(-ELOOP, "module %s: dependency loop", e->name);
	e->state = 1;

	/* Load dependencies from the last listed to the first, as modprobe
	 * does; each one's own line brings in what it needs in turn. */
	char deps[4096];
	snprintf(deps, sizeof(deps), "%s", e->deps);
	char *words[128];
	int nw = 0;
	char *save = NULL;
	for (char *w = strtok_r(deps, " \t", &save); w && nw < 128; w = strtok_r(NULL, " \t", &save))
		words[nw++] = w;
	for (int i = nw - 1; i >= 0; i--) {
		char n[64];
		module_name(words[i], n, sizeof(n));
		struct modent *d = find_by_name(db, n);
		if (!d) {
			say("module %s: dependency %s not in modules.dep", e->name, n);
			e->state = -1;
			return -ENOENT;
		}
		int r = load(db, d, depth + 1);
		if (r < 0) {
			say("module %s: not loaded, dependency %s failed", e->name, n);
			e->state = -1;
			return r;
		}
	}
	int r = insmod(db, e);
	e->state = r < 0 ? -1 : 2;
	return r;
}

/* Does the first CPU's "flags" line in /proc/cpuinfo list flag? */
static bool cpu_has(const char *flag)
{
	static char info[16384];   /* the first CPU's block is a few KiB */
	ssize_t n = read_file("/proc/cpuinfo", info, sizeof(info));
	if (n <= 0)
		return false;
	char *line = strstr(info, "\nflags");
	if (!line)
		return false;
	char *end = strchr(line + 1, '\n');
	if (end)
		*end = '\0';
	char *colon = strchr(line, ':');
	if (!colon)
		return false;
	size_t len = strlen(flag);
	for (char *p = colon + 1; (p = strstr(p, flag)); p += len)
		if (p[-1] == ' ' && (p[len] == ' ' || p[len] == '\0'))
			return true;
	return false;
}

int modules_load_list(const char *list_path)
{
	char list[8192];
	ssize_t n = read_file(list_path, list, sizeof(list));
	if (n == -ENOENT) {
		say_debug("no %s, no modules to load", list_path);
		return 0;
	}
	if (n < 0)
		return say_err((int)n, "modules: reading %s", list_path);

	struct moddb db;
	int r = moddb_open(&db);
	if (r < 0) {
		moddb_close(&db);
		return r;
	}
	int failed = 0, loaded = 0, skipped = 0;
	char *save = NULL;
	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = trim(line);
		if (!*line)
			continue;
		char *cond = strpbrk(line, " \t");
		if (cond) {
			*cond++ = '\0';
			cond = trim(cond);
			if (strncmp(cond, "cpu:", 4) != 0 || !cond[4]) {
				say("module %s: unknown condition '%s' in %s (expected cpu:FLAG)",
				    line, cond, list_path);
				failed++;
				continue;
			}
			if (!cpu_has(cond + 4)) {
				say_debug("module %s: not for this CPU (no %s)", line, cond + 4);
				skipped++;
				continue;
			}
		}
		char name[64];
		module_name(line, name, sizeof(name));
		struct modent *e = find_by_name(&db, name);
		if (!e) {
			if (is_builtin(&db, name)) {
				say_debug("module %s is built in", name);
				continue;
			}
			say("module %s: not found in %s/modules.dep", name, db.dir);
			failed++;
			continue;
		}
		if (load(&db, e, 0) < 0)
			failed++;
		else
			loaded++;
	}
	if (skipped)
		say("modules from %s: %d loaded, %d failed, %d not for this CPU", list_path,
		    loaded, failed, skipped);
	else
		say("modules from %s: %d loaded, %d failed", list_path, loaded, failed);
	moddb_close(&db);
	return failed;
}
