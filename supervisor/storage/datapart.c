/* datapart.c - `cairnd --prepare-data`: on first boot the data partition
 * grows to the end of the disk and gets an ext4; on every boot an ext4
 * that no longer fills its partition (the disk was enlarged) is grown.
 *
 * The order is the safety argument and lives in datapart_main():
 * locate -> probe -> (ours or blank only) grow the partition -> format
 * or resize.
 * Formatting depends on libblkid's answer alone: any signature it knows
 * (a file system, a partition table, swap, RAID, one with a bad checksum)
 * or an ambiguous probe means "not blank", and that partition is only
 * reported, never written.  Growing the partition only moves its end and
 * the backup GPT, never a byte of data.  Nothing here mounts anything:
 * cairn-init mounts /var after we exit. */
#include "datapart.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libfdisk/libfdisk.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>

#include "err.h"

#define SYS_BLOCK     "/sys/class/block"
#define MIB           (1024 * 1024)
/* Less room than this after the partition is not worth a new table: the
 * image's own layout leaves just under 1 MiB at the end. */
#define GROW_MIN      (1 * MIB)
/* resize2fs may leave a last block group smaller than its own overhead
 * unused; a gap below this is "filled", so a boot never resizes twice. */
#define RESIZE_MIN    (8 * MIB)
#define TOOL_OUTPUT   4096

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("cairnd: data: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static unsigned long long mib(uint64_t bytes)
{
	return (unsigned long long)(bytes / MIB);
}

/* --- 1. where it is ------------------------------------------------------- */

struct location {
	char dev[256];  /* /dev/vda3 */
	char disk[256]; /* /dev/vda */
	unsigned partno;     /* the kernel's number, 1-based */
};

static int read_sysfs(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -ENODATA;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int locate(const char *label, struct location *l, struct cairn_err *e)
{
	char path[PATH_MAX], real[PATH_MAX], num[32];
	char *dev, *name, *slash;
	int r;

	/* NULL cache: a scan of this moment, not a stale cache file. */
	dev = blkid_evaluate_tag("PARTLABEL", label, NULL);
	if (!dev)
		return cairn_err_set(e, -ENOENT, "no partition labelled \"%s\"", label);
	r = snprintf(l->dev, sizeof(l->dev), "%s", dev);
	free(dev);
	if (r >= (int)sizeof(l->dev))
		return cairn_err_set(e, -ENAMETOOLONG, "device name too long");

	name = strrchr(l->dev, '/');
	name = name ? name + 1 : l->dev;
	snprintf(path, sizeof(path), SYS_BLOCK "/%s/partition", name);
	if ((r = read_sysfs(path, num, sizeof(num))) < 0)
		return cairn_err_sys(e, r, "%s: not a partition (%s)", l->dev, path);
	l->partno = (unsigned)strtoul(num, NULL, 10);

	/* /sys/class/block/vda3 -> .../block/vda/vda3: the parent is the disk */
	snprintf(path, sizeof(path), SYS_BLOCK "/%s", name);
	if (!realpath(path, real))
		return cairn_err_sys(e, -errno, "resolving %s", path);
	if (!(slash = strrchr(real, '/')))
		return cairn_err_set(e, -EINVAL, "%s: no parent device", real);
	*slash = '\0';
	slash = strrchr(real, '/');
	if (!slash || l->partno == 0)
		return cairn_err_set(e, -EINVAL, "%s: no parent device", l->dev);
	if (snprintf(l->disk, sizeof(l->disk), "/dev/%s", slash + 1) >= (int)sizeof(l->disk))
		return cairn_err_set(e, -ENAMETOOLONG, "disk name too long");
	return 0;
}

static int dev_bytes(const char *dev, uint64_t *bytes, struct cairn_err *e)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cairn_err_sys(e, -errno, "opening %s", dev);
	if (ioctl(fd, BLKGETSIZE64, bytes) < 0) {
		int r = -errno;

		close(fd);
		return cairn_err_sys(e, r, "size of %s", dev);
	}
	close(fd);
	return 0;
}

/* --- 2. grow the partition -------------------------------------------------- */

/* libfdisk's warnings ("the backup GPT table is not on the end of the
 * device") say why a table changes: pass them on, silence the rest. */
static int fdisk_said(struct fdisk_context *cxt, struct fdisk_ask *ask, void *data)
{
	switch (fdisk_ask_get_type(ask)) {
	case FDISK_ASKTYPE_INFO: /* "Syncing disks." */
		return 0;
	case FDISK_ASKTYPE_WARNX:
		note("libfdisk: %s", fdisk_ask_print_get_mesg(ask));
		return 0;
	case FDISK_ASKTYPE_WARN:
		note("libfdisk: %s: %s", fdisk_ask_print_get_mesg(ask),
		     strerror(fdisk_ask_print_get_errno(ask)));
		return 0;
	default:
		return -EINVAL; /* nobody answers questions at boot */
	}
}

/* Is partition index idx the one that ends last on the disk? */
static int is_last(struct fdisk_context *cxt, size_t idx, fdisk_sector_t end)
{
	size_t n = fdisk_get_npartitions(cxt);

	for (size_t i = 0; i < n; i++) {
		struct fdisk_partition *pa = NULL;
		bool later = false;

		if (i == idx || !fdisk_is_partition_used(cxt, i))
			continue;
		if (fdisk_get_partition(cxt, i, &pa) == 0 && fdisk_partition_has_end(pa))
			later = fdisk_partition_get_end(pa) > end;
		fdisk_unref_partition(pa);
		if (later)
			return 0;
	}
	return 1;
}

/* 1 grown, 0 nothing to do, < 0 an error (e says why). */
static int grow(const struct location *l, const char *label, struct cairn_err *e)
{
	struct fdisk_context *cxt = fdisk_new_context();
	struct fdisk_table *before = NULL;
	struct fdisk_partition *pa = NULL, *want = NULL;
	size_t idx = l->partno - 1; /* GPT entry N is the kernel's partition N+1 */
	uint64_t ssz;
	fdisk_sector_t start, end, last;
	bool moved;
	int r;

	if (!cxt)
		return cairn_err_set(e, -ENOMEM, "libfdisk context");
	fdisk_set_ask(cxt, fdisk_said, NULL);
	if ((r = fdisk_assign_device(cxt, l->disk, 0)) < 0) {
		cairn_err_sys(e, r, "opening %s", l->disk);
		goto out;
	}
	if (!fdisk_is_label(cxt, GPT)) {
		r = cairn_err_set(e, -EINVAL, "%s has no GPT", l->disk);
		goto out;
	}
	if ((r = fdisk_get_partition(cxt, idx, &pa)) < 0) {
		cairn_err_sys(e, r, "%s: partition %u", l->disk, l->partno);
		goto out;
	}
	ssz = fdisk_get_sector_size(cxt);
	start = fdisk_partition_get_start(pa);
	end = fdisk_partition_get_end(pa);
	/* After the probe, last is the last usable sector of the disk as it
	 * is now: an enlarged disk's backup GPT is already planned for its
	 * real end, which libfdisk reports as a changed label. */
	last = fdisk_get_last_lba(cxt);
	moved = fdisk_label_is_changed(fdisk_get_label(cxt, NULL));
	if (!is_last(cxt, idx, end)) {
		note("%s is not the last partition of %s: not grown", label, l->disk);
		r = 0;
		goto out;
	}
	if (last <= end || (last - end) * ssz < GROW_MIN) {
		r = 0;
		if (moved) /* the table alone needs its backup at the end */
			r = fdisk_write_disklabel(cxt);
		if (r < 0)
			cairn_err_sys(e, r, "writing the GPT of %s", l->disk);
		else
			note("%s reaches the end of %s: not grown", label, l->disk);
		goto out;
	}

	if ((r = fdisk_get_partitions(cxt, &before)) < 0 || !(want = fdisk_new_partition())) {
		r = cairn_err_sys(e, r < 0 ? r : -ENOMEM, "reading the partitions of %s", l->disk);
		goto out;
	}
	/* An explicit size, so libfdisk does not round the end down to its
	 * alignment: the start does not move, only the end. */
	fdisk_partition_size_explicit(want, 1);
	fdisk_partition_set_size(want, last - start + 1);
	if ((r = fdisk_set_partition(cxt, idx, want)) < 0) {
		cairn_err_sys(e, r, "growing partition %u of %s", l->partno, l->disk);
		goto out;
	}
	if ((r = fdisk_write_disklabel(cxt)) < 0) {
		cairn_err_sys(e, r, "writing the GPT of %s", l->disk);
		goto out;
	}
	/* Only the changed partition is resized in the kernel (BLKPG): the
	 * disk's other partitions are in use (the root), so a full re-read
	 * would be refused. */
	if ((r = fdisk_reread_changes(cxt, before)) < 0) {
		cairn_err_sys(e, r, "telling the kernel the new size of %s", l->dev);
		goto out;
	}
	note("grew %s from %llu MiB to %llu MiB%s", label, mib((end - start + 1) * ssz),
	     mib((last - start + 1) * ssz), moved ? " (backup GPT moved to the disk's end)" : "");
	r = 1;
out:
	fdisk_unref_partition(want);
	fdisk_unref_partition(pa);
	fdisk_unref_table(before);
	if (fdisk_get_devfd(cxt) >= 0 && fdisk_deassign_device(cxt, 0) < 0 && r >= 0)
		r = cairn_err_sys(e, -EIO, "syncing %s", l->disk);
	fdisk_unref_context(cxt);
	return r;
}

/* --- 3. what it holds ------------------------------------------------------- */

enum content { BLANK, HOLDS };

/* BLANK, or HOLDS with what in `what`; < 0 when the probe itself fails
 * (never taken for blank). */
static int probe(const char *dev, char *what, size_t size, struct cairn_err *e)
{
	blkid_probe pr = blkid_new_probe_from_filename(dev);
	const char *v = NULL;
	int r;

	if (!pr)
		return cairn_err_sys(e, errno ? -errno : -EIO, "probing %s", dev);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	r = blkid_do_safeprobe(pr);
	if (r == 1) {
		blkid_free_probe(pr);
		return BLANK;
	}
	if (r == -2) {
		snprintf(what, size, "several signatures");
	} else if (r < 0) {
		blkid_free_probe(pr);
		return cairn_err_set(e, -EIO, "probing %s failed", dev);
	} else if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0) {
		snprintf(what, size, "%s", v);
	} else if (blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL) == 0) {
		snprintf(what, size, "a %s partition table", v);
	} else {
		snprintf(what, size, "an unnamed signature");
	}
	blkid_free_probe(pr);
	return HOLDS;
}

/* The size of the ext4 on dev, from its superblock (libblkid has already
 * said it is one). */
static int ext4_bytes(const char *dev, uint64_t *bytes, struct cairn_err *e)
{
	unsigned char sb[1024];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return cairn_err_sys(e, -errno, "opening %s", dev);
	n = pread(fd, sb, sizeof(sb), 1024);
	close(fd);
	if (n != (ssize_t)sizeof(sb))
		return cairn_err_set(e, -EIO, "%s: short superblock read", dev);
#define LE16(o) ((uint32_t)sb[o] | (uint32_t)sb[(o) + 1] << 8)
#define LE32(o) (LE16(o) | LE16((o) + 2) << 16)
	if (LE16(0x38) != 0xEF53 || LE32(0x18) > 6)
		return cairn_err_set(e, -EINVAL, "%s: not an ext4 superblock", dev);
	uint64_t blocks = LE32(0x04);
	if (LE32(0x60) & 0x80) /* INCOMPAT_64BIT */
		blocks |= (uint64_t)LE32(0x150) << 32;
	*bytes = blocks * (1024u << LE32(0x18));
#undef LE32
#undef LE16
	return 0;
}

/* --- the tools: mkfs.ext4, e2fsck, resize2fs -------------------------------- */

/* Run argv (by PATH), its output kept in out for the error message; the
 * exit status, or < 0 when it could not run or was killed. */
static int run(char *const argv[], char *out, size_t size)
{
	int p[2];
	pid_t pid;
	size_t len = 0;
	int status;

	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char buf[512];
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* keep the tail: the reason is usually last */
		if ((size_t)n >= size)
			n = (ssize_t)size - 1;
		if (len + (size_t)n >= size) {
			size_t drop = len + (size_t)n - (size - 1);

			memmove(out, out + drop, len - drop);
			len -= drop;
		}
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

static int tool_failed(struct cairn_err *e, const char *tool, int status, const char *out)
{
	if (status < 0)
		return cairn_err_sys(e, status, "%s", tool);
	return cairn_err_set(e, -EIO, "%s exited with %d%s%s", tool, status, out[0] ? ": " : "",
			     out);
}

static int format(const char *dev, const char *fslabel, struct cairn_err *e)
{
	char out[TOOL_OUTPUT];
	char *argv[] = { "mkfs.ext4", "-q", "-L", (char *)fslabel, (char *)dev, NULL };
	int r = run(argv, out, sizeof(out));

	return r == 0 ? 0 : tool_failed(e, "mkfs.ext4", r, out);
}

/* resize2fs refuses a file system not checked since its last mount. */
static int resize(const char *dev, struct cairn_err *e)
{
	char out[TOOL_OUTPUT];
	char *fsck[] = { "e2fsck", "-f", "-p", (char *)dev, NULL };
	char *grow_fs[] = { "resize2fs", (char *)dev, NULL };
	int r = run(fsck, out, sizeof(out));

	if (r < 0 || r > 1) /* 1: errors corrected */
		return tool_failed(e, "e2fsck -f -p", r, out);
	r = run(grow_fs, out, sizeof(out));
	return r == 0 ? 0 : tool_failed(e, "resize2fs", r, out);
}

/* --- the sequence ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: cairnd --prepare-data [--label LABEL]\n"
		   "Grow the partition labelled LABEL (default " DATAPART_LABEL_DEFAULT ") to the\n"
		   "end of its disk, format it ext4 if blank, grow its ext4 to fill it.\n");
}

static int fail(const char *label, const struct cairn_err *e)
{
	note("%s not usable: %s", label, e->msg);
	return 1;
}

int datapart_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *label = DATAPART_LABEL_DEFAULT;
	char fslabel[17], what[128];
	struct location l;
	struct cairn_err e = { "" };
	uint64_t part = 0, fs = 0;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': label = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 100;
		}
	}
	if (optind != argc || !label[0]) {
		usage(stderr);
		return 100;
	}
	if (!getenv("PATH"))
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	snprintf(fslabel, sizeof(fslabel), "%s", label); /* ext4 labels: 16 bytes */

	/* 1. locate */
	if (locate(label, &l, &e) < 0)
		return fail(label, &e);
	/* 2. probe before anything is written: someone else's data is left
	 * exactly as it is, its partition not even grown (a signature kept at
	 * the end of a device, md or a nested GPT, would be lost from view). */
	if ((r = probe(l.dev, what, sizeof(what), &e)) < 0)
		return fail(label, &e);
	if (r == HOLDS && strcmp(what, "ext4") != 0) {
		note("left as it is: %s (%s) holds %s, not ext4", label, l.dev, what);
		return 1;
	}
	/* 3. grow: a failure costs space, not data; go on with what is there */
	if (grow(&l, label, &e) < 0)
		note("%s not grown: %s", label, e.msg);
	if (dev_bytes(l.dev, &part, &e) < 0)
		return fail(label, &e);

	/* 4. format a blank one, still blank over its new extent */
	if (r == BLANK) {
		if ((r = probe(l.dev, what, sizeof(what), &e)) < 0)
			return fail(label, &e);
		if (r == HOLDS) {
			note("left as it is: %s (%s) holds %s once grown", label, l.dev, what);
			return 1;
		}
		if (format(l.dev, fslabel, &e) < 0)
			return fail(label, &e);
		note("%s (%s) was blank: formatted ext4, %llu MiB", label, l.dev, mib(part));
		return 0;
	}
	/* 5. or grow its ext4 to fill it */
	if (ext4_bytes(l.dev, &fs, &e) < 0)
		return fail(label, &e);
	if (fs + RESIZE_MIN > part) {
		note("%s (%s) holds an ext4 of %llu MiB: nothing to do", label, l.dev, mib(fs));
		return 0;
	}
	if (resize(l.dev, &e) < 0) {
		/* the old, smaller file system is still there and mountable */
		note("ext4 on %s not resized: %s", l.dev, e.msg);
		return 0;
	}
	note("resized the ext4 on %s (%s) from %llu MiB to %llu MiB", label, l.dev, mib(fs),
	     mib(part));
	return 0;
}
