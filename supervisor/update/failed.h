/* failed.h - versions that failed to boot, kept on /var so that a failed
 * update is not installed again: <update_dir>/failed-versions, one line per
 * version, "VERSION REASON..." (the first word is the version).  The
 * installer refuses versions listed there (failed_version_find_at). */
#ifndef CAIRN_FAILED_H
#define CAIRN_FAILED_H

#include <stddef.h>

#include "err.h"

#define FAILED_VERSIONS "failed-versions"

/* 1 and its reason when version is listed, 0 when not (or no file). */
int failed_version_find(const char *version, char *reason, size_t size, struct cairn_err *e);
/* The same in the list at path (the installer's plan names its own). */
int failed_version_find_at(const char *path, const char *version, char *reason, size_t size,
			   struct cairn_err *e);

/* Add version with reason (one line; newlines become blanks), atomically.
 * Nothing when it is listed already. */
int failed_version_add(const char *version, const char *reason, struct cairn_err *e);

#endif
