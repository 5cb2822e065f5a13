/* hashfile.c - streamed SHA-256 of a file and its dev/ino/size/mtime cache. */
#include "hashfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "fileio.h"

#define CHUNK (1u << 20)

static void to_hex(const unsigned char h[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cairn_sha256_fd(int fd, int copy_fd, char out[65], struct cairn_err *e)
{
	mbedtls_sha256_context c;
	unsigned char *buf = malloc(CHUNK), h[32];
	off_t off = 0;
	int ret = 0;

	out[0] = 0;
	if (!buf)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	mbedtls_sha256_init(&c);
	if (mbedtls_sha256_starts(&c, 0)) {
		ret = cairn_err_set(e, -EIO, "SHA-256 failed");
		goto out;
	}
	for (;;) {
		ssize_t n = pread(fd, buf, CHUNK, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = cairn_err_sys(e, -errno, "read");
			goto out;
		}
		if (n == 0)
			break;
		off += n;
		if (mbedtls_sha256_update(&c, buf, (size_t)n)) {
			ret = cairn_err_set(e, -EIO, "SHA-256 failed");
			goto out;
		}
		if (copy_fd >= 0 && (ret = write_all(copy_fd, buf, (size_t)n)) < 0) {
			cairn_err_sys(e, ret, "write");
			goto out;
		}
	}
	if (mbedtls_sha256_finish(&c, h)) {
		ret = cairn_err_set(e, -EIO, "SHA-256 failed");
		goto out;
	}
	to_hex(h, out);
out:
	mbedtls_sha256_free(&c);
	free(buf);
	return ret;
}

static void cache_path(const struct stat *st, const char *dir, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%llx-%llx-%llx-%lld.%09ld", dir,
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		 (unsigned long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

void cairn_sha256_cache_put(int fd, const char *cache_dir, const char hash[65])
{
	char path[4096], line[66];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return;
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
		return;   /* no cache then */
	cache_path(&st, cache_dir, path, sizeof(path));
	snprintf(line, sizeof(line), "%s\n", hash);
	cairn_write_atomic(path, line, 65, 0600, NULL);
}

int cairn_sha256_cached(int fd, const char *cache_dir, char out[65], struct cairn_err *e)
{
	char path[4096], *text = NULL;
	struct stat st, st2;
	size_t len;
	int ret;

	if (fstat(fd, &st) < 0)
		return cairn_err_sys(e, -errno, "stat");
	if (!cache_dir)
		return cairn_sha256_fd(fd, -1, out, e);
	cache_path(&st, cache_dir, path, sizeof(path));
	if (cairn_read_file(path, 128, &text, &len, NULL) == 0 && len >= 64 &&
	    strspn(text, "0123456789abcdef") == 64) {
		memcpy(out, text, 64);
		out[64] = 0;
		free(text);
		return 0;
	}
	free(text);
	ret = cairn_sha256_fd(fd, -1, out, e);
	if (ret < 0)
		return ret;
	/* a file changed while we hashed it must not be cached under its
	 * old identity */
	if (fstat(fd, &st2) == 0 && st2.st_size == st.st_size &&
	    st2.st_mtim.tv_sec == st.st_mtim.tv_sec && st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec)
		cairn_sha256_cache_put(fd, cache_dir, out);
	return 0;
}
