/* partition.c - wait for a partition by GPT label through sysfs. */
#include "partition.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "console.h"
#include "util.h"

#define SYS_BLOCK "/sys/class/block"

struct uevent {
	char devname[64];
	char partname[80];
	unsigned major, minor;
};

static int read_uevent(const char *dev, struct uevent *u)
{
	char path[300], buf[1024];
	snprintf(path, sizeof(path), SYS_BLOCK "/%s/uevent", dev);
	ssize_t n = read_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(u, 0, sizeof(*u));
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "DEVNAME=", 8) == 0)
			snprintf(u->devname, sizeof(u->devname), "%s", l + 8);
		else if (strncmp(l, "PARTNAME=", 9) == 0)
			snprintf(u->partname, sizeof(u->partname), "%s", l + 9);
		else if (strncmp(l, "MAJOR=", 6) == 0)
			u->major = (unsigned)strtoul(l + 6, NULL, 10);
		else if (strncmp(l, "MINOR=", 6) == 0)
			u->minor = (unsigned)strtoul(l + 6, NULL, 10);
	}
	return u->devname[0] ? 0 : -ENODATA;
}

/* devtmpfs normally has the node already; create it if not (a /dev that
 * is not devtmpfs, or a race with the kernel's own creation). */
static int ensure_node(const struct uevent *u, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return S_ISBLK(st.st_mode) ? 0 : -ENOTBLK;
	if (mknod(path, S_IFBLK | 0600, makedev(u->major, u->minor)) < 0 && errno != EEXIST)
		return say_err(-errno, "creating %s (%u:%u)", path, u->major, u->minor);
	return 0;
}

int partition_find(const char *label, char *dev, size_t size)
{
	DIR *d = opendir(SYS_BLOCK);
	if (!d)
		return -errno;
	int r = -ENOENT;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct uevent u;
		if (de->d_name[0] == '.' || read_uevent(de->d_name, &u) < 0)
			continue;
		if (strcmp(u.partname, label) != 0)
			continue;
		if (snprintf(dev, size, "/dev/%s", u.devname) >= (int)size) {
			r = -ENAMETOOLONG;
			break;
		}
		r = ensure_node(&u, dev);
		break;
	}
	closedir(d);
	return r;
}

/* What the operator needs when the root does not show up: which labels
 * are there at all. */
static void list_partitions(void)
{
	DIR *d = opendir(SYS_BLOCK);
	if (!d) {
		say_err(-errno, "listing " SYS_BLOCK);
		return;
	}
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct uevent u;
		if (de->d_name[0] == '.' || read_uevent(de->d_name, &u) < 0)
			continue;
		if (strncmp(u.devname, "loop", 4) == 0 || strncmp(u.devname, "ram", 3) == 0)
			continue;
		say("  block device %s%s%s%s", u.devname, u.partname[0] ? " label \"" : "",
		    u.partname, u.partname[0] ? "\"" : "");
		n++;
	}
	closedir(d);
	if (!n)
		say("  no block devices at all: is the disk driver module in the initramfs?");
}

int partition_wait(const char *label, int timeout_ms, char *dev, size_t size)
{
	int64_t start = now_ms(), next_note = start + 2000;
	for (;;) {
		int r = partition_find(label, dev, size);
		if (r == 0) {
			say("found partition \"%s\" at %s", label, dev);
			return 0;
		}
		if (r != -ENOENT)
			return say_err(r, "looking for partition \"%s\"", label);
		int64_t now = now_ms();
		if (now - start >= timeout_ms) {
			say("no partition labelled \"%s\" after %d s; these exist:", label,
			    timeout_ms / 1000);
			list_partitions();
			return -ETIMEDOUT;
		}
		if (now >= next_note) {
			say("waiting for partition labelled \"%s\" (%d s of %d s)", label,
			    (int)((now - start) / 1000), timeout_ms / 1000);
			next_note = now + 5000;
		}
		sleep_ms(100);
	}
}
