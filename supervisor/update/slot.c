/* slot.c - the slot keeper (slot.h): which slot booted, its partitions by
 * GPT label (sysfs, as cairn-init finds them), the ESP's loader entries.
 *
 * The ESP is mounted once, on first need, at /run/cairn/esp and left
 * mounted for cairnd's life (a restarted cairnd finds it mounted): every
 * write to it goes through a temporary file, fsync, rename and a fsync of
 * the directory (cairn_write_atomic; FAT supports each step), so a power
 * cut leaves the old file or the new one, and an open mount holds nothing
 * unsynced.  "quiet": FAT cannot store modes, and the chmod of the atomic
 * write must not fail on it. */
#include "slot.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failed.h"
#include "fileio.h"
#include "slot_env.h"

static struct slot_env env = {
	.esp_mount = SLOT_ESP_MOUNT, .esp_label = SLOT_ESP_LABEL, .cmdline = SLOT_CMDLINE,
	.sys_block = SLOT_SYS_BLOCK, .dev_dir = SLOT_DEV_DIR, .update_dir = SLOT_UPDATE_DIR,
	.version_file = SLOT_VERSION_FILE,
};

void slot_env_set(const struct slot_env *n)
{
	env.esp_dir = n->esp_dir;
#define SET(f, d) env.f = n->f ? n->f : d
	SET(esp_mount, SLOT_ESP_MOUNT);
	SET(esp_label, SLOT_ESP_LABEL);
	SET(cmdline, SLOT_CMDLINE);
	SET(sys_block, SLOT_SYS_BLOCK);
	SET(dev_dir, SLOT_DEV_DIR);
	SET(update_dir, SLOT_UPDATE_DIR);
	SET(version_file, SLOT_VERSION_FILE);
#undef SET
}

const struct slot_env *slot_env(void)
{
	return &env;
}

const char *slot_state_name(enum slot_state s)
{
	switch (s) {
	case SLOT_EMPTY: return "empty";
	case SLOT_ACTIVE: return "active";
	case SLOT_GOOD: return "good";
	case SLOT_PENDING: return "pending";
	case SLOT_FAILED: return "failed";
	}
	return "?";
}

static bool slot_ok(char name)
{
	return name == 'a' || name == 'b';
}

int slot_booted(const char *cmdline_path, char *name, struct cairn_err *e)
{
	const char *path = cmdline_path ? cmdline_path : env.cmdline;
	char *buf = NULL, *w, *save = NULL;
	size_t len;
	int ret;

	ret = cairn_read_file(path, 65536, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = cairn_err_set(e, -ENOENT, "%s: no cairn.slot=a or cairn.slot=b", path);
	for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		if (!strncmp(w, "cairn.slot=", 11) && slot_ok(w[11]) && !w[12]) {
			*name = w[11];
			ret = 0;   /* the last one wins, as the kernel's parameters do */
		}
	free(buf);
	return ret;
}

/* ---- partitions by GPT label, through sysfs --------------------------------- */

int slot_find_partlabel(const char *label, char *dev, size_t size, struct cairn_err *e)
{
	DIR *d = opendir(env.sys_block);
	struct dirent *de;
	int ret = -ENOENT;

	if (!d)
		return cairn_err_sys(e, -errno, "%s", env.sys_block);
	while (ret == -ENOENT && (de = readdir(d))) {
		char path[512], *buf = NULL, *p;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/uevent", env.sys_block, de->d_name);
		if (cairn_read_file(path, 8192, &buf, &len, NULL) < 0)
			continue;
		for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			size_t ll = strcspn(p, "\n");

			if (ll == 9 + strlen(label) && !strncmp(p, "PARTNAME=", 9) &&
			    !strncmp(p + 9, label, strlen(label))) {
				snprintf(dev, size, "%s/%s", env.dev_dir, de->d_name);
				ret = 0;
				break;
			}
		}
		free(buf);
	}
	closedir(d);
	if (ret < 0)
		return cairn_err_set(e, ret, "no partition labelled %s (in %s)", label,
				     env.sys_block);
	return 0;
}

int slot_partitions(char name, char *root, size_t root_size, char *verity,
		    size_t verity_size, struct cairn_err *e)
{
	char label[32];
	int ret;

	if (!slot_ok(name))
		return cairn_err_set(e, -EINVAL, "slot '%c': not a or b", name);
	snprintf(label, sizeof(label), "cairn-root-%c", name);
	ret = slot_find_partlabel(label, root, root_size, e);
	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "cairn-verity-%c", name);
	return slot_find_partlabel(label, verity, verity_size, e);
}

/* ---- the ESP --------------------------------------------------------------- */

static bool is_mountpoint(const char *dir)
{
	char parent[512];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 &&
	       (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
}

int slot_esp(char *dir, size_t size, struct cairn_err *e)
{
	char dev[256], booted;
	int ret;

	if (env.esp_dir) {
		snprintf(dir, size, "%s", env.esp_dir);
		return 0;
	}
	snprintf(dir, size, "%s", env.esp_mount);
	if (is_mountpoint(env.esp_mount))
		return 0;
	/* A machine cairn did not boot (a developer's, a test's) keeps its
	 * own ESP out of reach. */
	if (slot_booted(NULL, &booted, NULL) < 0)
		return cairn_err_set(e, -ENODEV, "not booted from a cairn slot (no cairn.slot= in %s): "
				     "not touching the ESP", env.cmdline);
	ret = slot_find_partlabel(env.esp_label, dev, sizeof(dev), e);
	if (ret < 0)
		return cairn_err_prefix(e, ret, "the ESP");
	if (mkdir(env.esp_mount, 0700) < 0 && errno != EEXIST)
		return cairn_err_sys(e, -errno, "mkdir %s", env.esp_mount);
	/* dirsync: a rename on vfat writes the file's new directory entry at
	 * once, not at the next inode write-back (see bless_rename). */
	if (mount(dev, env.esp_mount, "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_DIRSYNC,
		  "umask=0077,quiet") < 0)
		return cairn_err_sys(e, -errno, "mounting the ESP %s (vfat) at %s", dev,
				     env.esp_mount);
	return 0;
}

static int entries_dir(char *dir, size_t size, struct cairn_err *e)
{
	char esp[256];
	int ret = slot_esp(esp, sizeof(esp), e);

	if (ret < 0)
		return ret;
	snprintf(dir, size, "%s/loader/entries", esp);
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return entry_compare(a, b);
}

int slot_entries(struct boot_entry *v, size_t max, size_t *n, struct cairn_err *e)
{
	char dir[300];
	struct dirent *de;
	DIR *d;
	int ret;

	*n = 0;
	ret = entries_dir(dir, sizeof(dir), e);
	if (ret < 0)
		return ret;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : cairn_err_sys(e, -errno, "%s", dir);
	while ((de = readdir(d)) && *n < max) {
		char path[600], *text = NULL;
		size_t len;

		if (entry_parse_name(de->d_name, &v[*n]) < 0)
			continue;   /* not ours, or a temporary file */
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (cairn_read_file(path, 16384, &text, &len, NULL) == 0) {
			entry_parse_body(text, &v[*n]);
			free(text);
		}
		(*n)++;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), entry_cmp);
	return 0;
}

const struct boot_entry *slot_entry_of(const struct boot_entry *v, size_t n, char name)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].slot == name)
			return &v[i];
	return NULL;
}

void slot_running_version(char *buf, size_t size)
{
	char *text = NULL;
	size_t len;

	buf[0] = '\0';
	if (cairn_read_file(env.version_file, 4096, &text, &len, NULL) < 0)
		return;
	snprintf(buf, size, "%.*s", (int)strcspn(text, " \t\r\n"), text);
	free(text);
}

/* ---- writing entries ------------------------------------------------------- */

/* fsync a directory: a rename or unlink in it reaches the disk. */
static int sync_dir(const char *dir, struct cairn_err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", dir);
	if (fsync(fd) < 0)
		ret = cairn_err_sys(e, -errno, "fsync %s", dir);
	close(fd);
	return ret;
}

int slot_invalidate(char name, struct cairn_err *e)
{
	struct boot_entry v[SLOT_MAX_ENTRIES];
	char dir[300], booted;
	size_t n;
	int ret;

	if (!slot_ok(name))
		return cairn_err_set(e, -EINVAL, "slot '%c': not a or b", name);
	if (slot_booted(NULL, &booted, NULL) == 0 && booted == name)
		return cairn_err_set(e, -EBUSY, "slot %c is the one running: not invalidating it",
				     name);
	ret = slot_entries(v, SLOT_MAX_ENTRIES, &n, e);
	if (ret < 0)
		return ret;
	ret = entries_dir(dir, sizeof(dir), e);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		char path[600];

		if (v[i].slot != name)
			continue;
		snprintf(path, sizeof(path), "%s/%.63s", dir, v[i].fname);
		if (unlink(path) < 0 && errno != ENOENT)
			return cairn_err_sys(e, -errno, "removing %s", path);
	}
	return sync_dir(dir, e);
}

/* Copy the file src to dst atomically (temp, fsync, rename, fsync dir). */
static int copy_atomic(const char *src, const char *dst, struct cairn_err *e)
{
	char *buf = NULL;
	size_t len;
	int ret;

	ret = cairn_read_file(src, (size_t)512 << 20, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = cairn_write_atomic(dst, buf, len, 0644, e);
	free(buf);
	return ret;
}

/* The words of the running entry's options (or /proc/cmdline's console=
 * and panic= words) that are not the slot's own: the console and panic
 * policy stay the same from one slot to the next. */
static void base_options(char *out, size_t size)
{
	struct boot_entry v[SLOT_MAX_ENTRIES];
	const struct boot_entry *run = NULL;
	char booted, *copy, *w, *save = NULL, *text = NULL;
	const char *src = NULL;
	size_t n = 0, len;
	bool from_cmdline = false;

	out[0] = '\0';
	if (slot_booted(NULL, &booted, NULL) == 0 && slot_entries(v, SLOT_MAX_ENTRIES, &n, NULL) == 0)
		run = slot_entry_of(v, n, booted);
	if (run && run->options[0]) {
		src = run->options;
	} else if (cairn_read_file(env.cmdline, 65536, &text, &len, NULL) == 0) {
		src = text;
		from_cmdline = true;
	}
	copy = strdup(src ? src : "");
	for (w = copy ? strtok_r(copy, " \t\n", &save) : NULL; w; w = strtok_r(NULL, " \t\n", &save)) {
		size_t used = strlen(out);

		if (!strncmp(w, "cairn.slot=", 11) || !strncmp(w, "cairn.roothash=", 15) ||
		    !strcmp(w, "cairn.insecure"))
			continue;
		if (from_cmdline && strncmp(w, "console=", 8) && strncmp(w, "panic=", 6))
			continue;
		snprintf(out + used, size - used, "%s%s", used ? " " : "", w);
	}
	free(copy);
	free(text);
	if (!out[0])
		snprintf(out, size, "console=ttyS0 panic=-1");
}

static bool hex_ok(const char *h)
{
	size_t n = strlen(h);

	if (n < 2 || n > 128 || n % 2)
		return false;
	for (; *h; h++)
		if (!isxdigit((unsigned char)*h) || isupper((unsigned char)*h))
			return false;
	return true;
}

int slot_install_boot(char name, const char *kernel, const char *initrd,
		      const char *roothash, const char *version, struct cairn_err *e)
{
	char esp[256], dir[300], path[600], base[400], opts[600], body[1024], fname[64];
	int ret;

	if (!slot_ok(name))
		return cairn_err_set(e, -EINVAL, "slot '%c': not a or b", name);
	if (!hex_ok(roothash))
		return cairn_err_set(e, -EINVAL, "root hash '%.80s': expected lowercase hex digits",
				     roothash);
	if (!entry_version_ok(version))
		return cairn_err_set(e, -EINVAL, "version '%.80s': expected 1-63 of A-Z a-z 0-9 . + ~ ^ _ -",
				     version);
	base_options(base, sizeof(base));
	snprintf(opts, sizeof(opts), "%s cairn.slot=%c cairn.roothash=%s", base, name, roothash);
	if (entry_format_body(body, sizeof(body), name, version, opts) < 0)
		return cairn_err_set(e, -ENAMETOOLONG, "the loader entry does not fit");
	/* Its old entries go first: from here until the new entry is in
	 * place, systemd-boot has nothing of this slot to boot. */
	ret = slot_invalidate(name, e);
	if (ret < 0)
		return ret;
	ret = slot_esp(esp, sizeof(esp), e);
	if (ret < 0)
		return ret;
	snprintf(dir, sizeof(dir), "%s/EFI", esp);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/EFI/cairn", esp);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/EFI/cairn/%c", esp, name);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cairn_err_sys(e, -errno, "mkdir %s", dir);
	snprintf(path, sizeof(path), "%s/vmlinuz", dir);
	if ((ret = copy_atomic(kernel, path, e)) < 0)
		return ret;
	snprintf(path, sizeof(path), "%s/initrd", dir);
	if ((ret = copy_atomic(initrd, path, e)) < 0)
		return ret;
	snprintf(dir, sizeof(dir), "%s/loader/entries", esp);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cairn_err_sys(e, -errno, "mkdir %s", dir);
	entry_format_name(fname, sizeof(fname), name, ENTRY_TRIES, 0);
	snprintf(path, sizeof(path), "%s/%s", dir, fname);
	return cairn_write_atomic(path, body, strlen(body), 0644, e);
}

/* ---- status ---------------------------------------------------------------- */

int slot_list(struct slot_info info[2], struct cairn_err *e)
{
	struct boot_entry v[SLOT_MAX_ENTRIES];
	char booted = 0;
	size_t n = 0;
	int ret;

	if (slot_booted(NULL, &booted, NULL) < 0)
		booted = 0;
	ret = slot_entries(v, SLOT_MAX_ENTRIES, &n, e);
	if (ret == -ENODEV)
		ret = n = 0;   /* not a slot's boot: both slots shown empty */
	for (int k = 0; k < 2; k++) {
		struct slot_info *si = &info[k];
		const struct boot_entry *en = ret < 0 ? NULL : slot_entry_of(v, n, "ab"[k]);
		char why[160];

		memset(si, 0, sizeof(*si));
		si->name = "ab"[k];
		si->tries_left = si->tries_done = -1;
		si->state = SLOT_EMPTY;
		if (en) {
			snprintf(si->version, sizeof(si->version), "%s", en->version);
			si->blessed = en->tries_left < 0;
			si->tries_left = en->tries_left;
			si->tries_done = en->tries_done;
			si->state = si->blessed ? SLOT_GOOD : SLOT_PENDING;
		}
		if (si->name == booted) {
			si->state = SLOT_ACTIVE;
			if (!si->version[0])
				slot_running_version(si->version, sizeof(si->version));
			continue;
		}
		if (!en)
			continue;
		if (en->tries_left == 0) {
			si->state = SLOT_FAILED;
			snprintf(si->reason, sizeof(si->reason),
				 "no boot tries left (%d tried), never blessed", en->tries_done);
		}
		if (en->version[0] &&
		    failed_version_find(en->version, why, sizeof(why), NULL) == 1) {
			si->state = SLOT_FAILED;
			snprintf(si->reason, sizeof(si->reason), "%s", why);
		}
	}
	if (ret >= 0 && n) {   /* last: entry_choose sorts v */
		const struct boot_entry *next = entry_choose(v, n);

		info[next->slot - 'a'].next_boot = true;
	}
	return ret < 0 ? ret : 0;
}

/* ---- cairnd --install-boot ------------------------------------------------- */

int slot_install_boot_main(int argc, char **argv)
{
	struct cairn_err e = { "" };

	if (argc != 6 || strlen(argv[1]) != 1) {
		fprintf(stderr, "usage: cairnd --install-boot SLOT KERNEL INITRD ROOTHASH VERSION\n");
		return 100;
	}
	if (slot_install_boot(argv[1][0], argv[2], argv[3], argv[4], argv[5], &e) < 0) {
		fprintf(stderr, "cairnd: install-boot: %s\n", e.msg);
		return 1;
	}
	printf("slot %s: boot files and cairn-%s+%d.conf (version %s) written\n", argv[1],
	       argv[1], ENTRY_TRIES, argv[5]);
	return 0;
}
