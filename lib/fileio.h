/* fileio.h - whole-file reads with a size cap, and writes that never leave
 * a half-written file behind.
 *
 * A write goes to a temporary file next to the target, is fsynced, renamed
 * (or linked, when the target must not exist yet) over the target, and the
 * directory is fsynced: after a crash the path holds either the old bytes
 * or the new ones, never a mix. */
#ifndef CAIRN_FILEIO_H
#define CAIRN_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Replace path with len bytes of data, mode mode (umask not applied). */
int cairn_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		       struct cairn_err *e);

/* Like cairn_write_atomic, but path must not exist: -EEXIST ("PATH: already
 * exists, not overwriting") if it does, checked atomically (link(2)). */
int cairn_write_new(const char *path, const void *data, size_t len, mode_t mode,
		    struct cairn_err *e);

/* Read the whole of path into a new buffer (*buf, freed by the caller, with
 * a NUL after the *len bytes so text can be parsed in place).  A file larger
 * than max bytes is refused with -EFBIG. */
int cairn_read_file(const char *path, size_t max, char **buf, size_t *len,
		    struct cairn_err *e);

#endif
