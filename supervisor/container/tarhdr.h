/* tarhdr.h - the tar archive format, parsed (tarhdr.c): ustar and GNU
 * headers, pax extended records.  No I/O here, so it can be fuzzed. */
#ifndef CAIRN_TARHDR_H
#define CAIRN_TARHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512
#define TAR_PATH_MAX 4096

enum tar_type {
	TAR_FILE, TAR_HARDLINK, TAR_SYMLINK, TAR_CHAR, TAR_BLOCKDEV, TAR_DIR, TAR_FIFO,
	TAR_PAX,        /* 'x': records for the next entry */
	TAR_PAX_GLOBAL, /* 'g': ignored */
	TAR_GNU_LONGNAME, TAR_GNU_LONGLINK,   /* 'L', 'K': the data is the name */
	TAR_OTHER,      /* anything else: skipped */
};

struct tar_entry {
	enum tar_type type;
	char path[TAR_PATH_MAX];
	char link[TAR_PATH_MAX];
	uint32_t mode;      /* permission bits (07777) */
	uint64_t uid, gid;
	uint64_t size;      /* bytes of data after the header (padded to 512) */
	int64_t mtime;
};

/* One 512-byte header: 1 and e filled, 0 for an all-zero block (the end),
 * or -EINVAL (bad checksum, bad number). */
int tar_header(const unsigned char b[TAR_BLOCK], struct tar_entry *e);

/* Apply pax records (len bytes: "LEN key=value\n"...) to e: path,
 * linkpath, size, uid, gid, mtime.  0 or -EINVAL. */
int tar_pax(const char *rec, size_t len, struct tar_entry *e);

/* A member path as the archive has it, made relative and clean:
 * leading "/" and "./" dropped, "." parts removed; false if it has a ".."
 * part or is empty (the root itself). */
bool tar_clean_path(const char *in, char *out, size_t size);

#endif
