/* disk.c - `cairn-image disk OUT LAYOUT`: the appliance's GPT disk image.
 *
 * LAYOUT has a line per partition, in disk order:
 *
 *     LABEL TYPE-GUID SIZE-MIB FILE|-
 *
 * Partitions are placed 1 MiB apart from 1 MiB on, the disk is 1 MiB
 * longer than the last one (room for the backup GPT), and each FILE is
 * copied into its partition ("-": left zero).  The partition table is
 * written with libfdisk; the disk's and every partition's UUID are derived
 * from their names (uuid_for()), so two builds give the same bytes.  The
 * image is sparse: runs of zeros are skipped, not written.  OUT is made
 * under a temporary name and renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdisk/libfdisk.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_disk.h"

#define MIB (1024 * 1024)
#define SECTOR 512
#define MAX_PARTS 16

struct part {
	char label[37];           /* GPT names hold 36 UTF-16 characters */
	char type[37];
	uint64_t mib;
	char file[4096];          /* "-": none */
};

/* A stable UUID from text, as image-build/disk.sh made them before this
 * file existed (the hex of MD5(text) cut 8-4-3-3-12, with "4" and "a" put
 * in front of the middle groups), so the table's bytes depend only on the
 * layout's names and did not change when the shell gave way to C. */
static int uuid_for(const char *text, char out[37])
{
	static const char hx[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	char h[33];

	if (EVP_Digest(text, strlen(text), d, &dn, EVP_md5(), NULL) != 1 || dn != 16)
		return -EIO;
	for (int i = 0; i < 16; i++) {
		h[2 * i] = hx[d[i] >> 4];
		h[2 * i + 1] = hx[d[i] & 15];
	}
	h[32] = 0;
	snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 15, h + 18);
	return 0;
}

static int read_layout(const char *path, struct part *p, size_t *n)
{
	FILE *f = fopen(path, "re");
	char line[4300];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "cairn-image disk: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char extra[2];

		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (*n == MAX_PARTS) {
			fprintf(stderr, "cairn-image disk: %s:%d: more than %d partitions\n", path,
				lineno, MAX_PARTS);
			goto bad;
		}
		if (sscanf(line, "%36s %36s %" SCNu64 " %4095s %1s", p[*n].label, p[*n].type,
			   &p[*n].mib, p[*n].file, extra) != 4 || !p[*n].mib) {
			fprintf(stderr, "cairn-image disk: %s:%d: expected LABEL TYPE SIZE-MIB FILE|-\n",
				path, lineno);
			goto bad;
		}
		(*n)++;
	}
	fclose(f);
	if (*n)
		return 0;
	fprintf(stderr, "cairn-image disk: %s: no partitions\n", path);
	return -1;
bad:
	fclose(f);
	return -1;
}

/* 8-4-4-4-12 hex digits */
static bool guid_ok(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return false;
	for (int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!strchr("0123456789abcdefABCDEF", s[i])) {
			return false;
		}
	}
	return true;
}

/* The partition table, with libfdisk, on the file at path. */
static int write_table(const char *path, const struct part *p, size_t n)
{
	struct fdisk_context *cxt = fdisk_new_context();
	struct fdisk_label *lb;
	char uuid[37];
	uint64_t start = MIB / SECTOR;
	int r = -1;

	if (!cxt || fdisk_assign_device(cxt, path, 0) < 0) {
		fprintf(stderr, "cairn-image disk: %s: cannot open it with libfdisk\n", path);
		goto out;
	}
	if (fdisk_create_disklabel(cxt, "gpt") < 0 || uuid_for("cairn-disk", uuid) < 0 ||
	    fdisk_set_disklabel_id_from_string(cxt, uuid) < 0) {
		fprintf(stderr, "cairn-image disk: %s: cannot make a GPT\n", path);
		goto out;
	}
	fdisk_set_first_lba(cxt, start);
	lb = fdisk_get_label(cxt, "gpt");
	for (size_t i = 0; i < n; i++) {
		struct fdisk_partition *pa = fdisk_new_partition();
		/* known GUIDs from libfdisk's list, others (the Discoverable
		 * Partitions' var, say) as they are */
		struct fdisk_parttype *t = fdisk_label_get_parttype_from_string(lb, p[i].type);

		char name[64];
		int ar;

		if (!t && guid_ok(p[i].type))
			t = fdisk_new_unknown_parttype(0, p[i].type);
		snprintf(name, sizeof(name), "cairn-part-%.36s", p[i].label);
		if (!pa || !t || uuid_for(name, uuid) < 0) {
			fprintf(stderr, "cairn-image disk: %s: partition %s: bad type %s\n", path,
				p[i].label, p[i].type);
			fdisk_unref_partition(pa);
			fdisk_unref_parttype(t);
			goto out;
		}
		fdisk_partition_set_start(pa, start);
		fdisk_partition_set_size(pa, p[i].mib * (MIB / SECTOR));
		fdisk_partition_set_partno(pa, i);
		fdisk_partition_set_type(pa, t);
		fdisk_partition_set_name(pa, p[i].label);
		fdisk_partition_set_uuid(pa, uuid);
		ar = fdisk_add_partition(cxt, pa, NULL);
		fdisk_unref_partition(pa);
		fdisk_unref_parttype(t);
		if (ar < 0) {
			fprintf(stderr, "cairn-image disk: %s: cannot add partition %s: %s\n", path,
				p[i].label, strerror(-ar));
			goto out;
		}
		start += p[i].mib * (MIB / SECTOR);
	}
	if (fdisk_write_disklabel(cxt) < 0) {
		fprintf(stderr, "cairn-image disk: %s: cannot write the GPT\n", path);
		goto out;
	}
	r = 0;
out:
	if (cxt && fdisk_deassign_device(cxt, 0) < 0)
		r = -1;
	fdisk_unref_context(cxt);
	return r;
}

static bool all_zero(const char *b, size_t n)
{
	return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

/* FILE into the partition at byte off, at most max bytes, holes kept. */
static int copy_in(int out, const struct part *p, uint64_t off, const char *disk)
{
	static char buf[MIB];
	uint64_t max = p->mib * MIB, done = 0;
	int in = open(p->file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t k;

	if (in < 0 || fstat(in, &st) < 0) {
		fprintf(stderr, "cairn-image disk: %s: %s\n", p->file, strerror(errno));
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		fprintf(stderr, "cairn-image disk: %s: %s (%lld bytes) does not fit in %" PRIu64 " MiB\n",
			p->label, p->file, (long long)st.st_size, p->mib);
		goto fail;
	}
	while ((k = read(in, buf, sizeof(buf))) > 0) {
		if (!all_zero(buf, (size_t)k) &&
		    pwrite(out, buf, (size_t)k, (off_t)(off + done)) != k) {
			fprintf(stderr, "cairn-image disk: %s: writing %s: %s\n", disk, p->label,
				strerror(errno));
			goto fail;
		}
		done += (uint64_t)k;
	}
	if (k < 0) {
		fprintf(stderr, "cairn-image disk: %s: %s\n", p->file, strerror(errno));
		goto fail;
	}
	close(in);
	return 0;
fail:
	if (in >= 0)
		close(in);
	return -1;
}

int cmd_disk(int argc, char **argv)
{
	struct part p[MAX_PARTS];
	char tmp[4200];
	uint64_t total = 2 * (uint64_t)MIB, off = MIB;
	size_t n;
	int fd;

	if (argc != 3) {
		fputs("usage: cairn-image disk OUT LAYOUT\n", stderr);
		return 2;
	}
	if (read_layout(argv[2], p, &n) < 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		total += p[i].mib * MIB;
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)total) < 0) {
		fprintf(stderr, "cairn-image disk: %s: %s\n", tmp, strerror(errno));
		goto fail;
	}
	if (write_table(tmp, p, n) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(p[i].file, "-") && copy_in(fd, &p[i], off, tmp) < 0)
			goto fail;
		off += p[i].mib * MIB;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		fprintf(stderr, "cairn-image disk: %s: %s\n", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, argv[1]) < 0) {
		fprintf(stderr, "cairn-image disk: %s: %s\n", argv[1], strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return 1;
}
