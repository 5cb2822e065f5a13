/* logfile.h - one instance's log: DIR/NAME.log, rotated to NAME.log.1 ...
 * NAME.log.KEEP once it would pass max bytes.  Rotation cuts at a line
 * boundary when one fits, so a line is never split across two files unless
 * it alone is longer than max; nothing written is ever dropped.
 * No event loop here: the supervisor feeds it what it reads from the pipe. */
#ifndef CAIRN_LOGFILE_H
#define CAIRN_LOGFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct logfile;

/* Open (creating, appending) dir/name.log.  keep = rotated files kept. */
int logfile_open(struct logfile **out, const char *dir, const char *name,
		 uint64_t max, unsigned keep, struct cairn_err *e);
/* Change limits (after a reload). */
void logfile_set_limits(struct logfile *lf, uint64_t max, unsigned keep);
/* Append len bytes, rotating as needed.  Returns 0 or -errno. */
int logfile_write(struct logfile *lf, const char *buf, size_t len);
/* Rotate now. */
int logfile_rotate(struct logfile *lf);
const char *logfile_path(const struct logfile *lf);
uint64_t logfile_size(const struct logfile *lf);
void logfile_close(struct logfile *lf);

#endif
