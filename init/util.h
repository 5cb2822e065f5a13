/* util.h - the few file and time helpers every part of cairn-init uses. */
#ifndef CAIRN_INIT_UTIL_H
#define CAIRN_INIT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
int64_t now_ms(void);

/* Sleep ms milliseconds, resuming after EINTR. */
void sleep_ms(int64_t ms);

/* Read up to size-1 bytes of path into buf, NUL-terminated.  Returns the
 * length or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size);

/* Write data to path atomically: path.tmp, fsync, rename.  -errno. */
int write_file_atomic(const char *path, const char *data, size_t len, mode_t mode);

/* mkdir -p with mode for every created component.  0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

/* Strip leading and trailing whitespace in place; returns s's new start. */
char *trim(char *s);

#endif
