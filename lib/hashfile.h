/* hashfile.h - SHA-256 of a whole file, streamed (images are hundreds of
 * MB), and a cache of results keyed by what identifies one version of a
 * file: device, inode, size and mtime (ns).  A container restart then
 * costs a stat, not a re-hash. */
#ifndef CAIRN_HASHFILE_H
#define CAIRN_HASHFILE_H

#include "err.h"

/* SHA-256 of everything fd reads from offset 0 (pread), lowercase hex.
 * If copy_fd >= 0 the bytes are also written there (cairnctl image
 * import hashes while it copies). */
int cairn_sha256_fd(int fd, int copy_fd, char out[65], struct cairn_err *e);

/* The hash of fd, from cache_dir when a result for the same dev/ino/
 * size/mtime is there, else computed and stored (best effort).
 * cache_dir NULL: no cache. */
int cairn_sha256_cached(int fd, const char *cache_dir, char out[65], struct cairn_err *e);

/* Record hash as fd's in cache_dir (best effort: made if missing). */
void cairn_sha256_cache_put(int fd, const char *cache_dir, const char hash[65]);

#endif
