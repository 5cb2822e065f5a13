/* tarhdr.c - tar headers and pax records (tarhdr.h).  Numbers are octal
 * (NUL/space padded) or GNU base-256 (high bit of the first byte). */
#include "tarhdr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int number(const unsigned char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n && (p[0] & 0x80)) {   /* base-256, positive only */
		if (p[0] & 0x40)
			return -EINVAL;
		v = p[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -EINVAL;
			v = (v << 8) | p[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && (p[i] == ' ' || p[i] == 0))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -EINVAL;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != 0)
			return -EINVAL;
	*out = v;
	return 0;
}

static void field(char *dst, size_t size, const unsigned char *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);

	if (len >= size)
		len = size - 1;
	memcpy(dst, p, len);
	dst[len] = 0;
}

int tar_header(const unsigned char b[TAR_BLOCK], struct tar_entry *e)
{
	uint64_t sum = 0, want, v;
	size_t k;

	for (k = 0; k < TAR_BLOCK && !b[k]; k++)
		;
	if (k == TAR_BLOCK)
		return 0;
	for (k = 0; k < TAR_BLOCK; k++)
		sum += (k >= 148 && k < 156) ? ' ' : b[k];
	if (number(b + 148, 8, &want) < 0 || want != sum)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	if (!memcmp(b + 257, "ustar", 5) && b[345]) {   /* prefix/name */
		char prefix[156];

		field(prefix, sizeof(prefix), b + 345, 155);
		snprintf(e->path, sizeof(e->path), "%s/%.100s", prefix, (const char *)b);
	} else {
		field(e->path, sizeof(e->path), b, 100);
	}
	field(e->link, sizeof(e->link), b + 157, 100);
	if (number(b + 100, 8, &v) < 0)
		return -EINVAL;
	e->mode = (uint32_t)(v & 07777);
	if (number(b + 108, 8, &e->uid) < 0 || number(b + 116, 8, &e->gid) < 0 ||
	    number(b + 124, 12, &e->size) < 0 || number(b + 136, 12, &v) < 0)
		return -EINVAL;
	e->mtime = (int64_t)(v & 0x7fffffffffffffffULL);
	switch (b[156]) {
	case '0': case 0: case '7': e->type = TAR_FILE; break;
	case '1': e->type = TAR_HARDLINK; break;
	case '2': e->type = TAR_SYMLINK; break;
	case '3': e->type = TAR_CHAR; break;
	case '4': e->type = TAR_BLOCKDEV; break;
	case '5': e->type = TAR_DIR; break;
	case '6': e->type = TAR_FIFO; break;
	case 'x': e->type = TAR_PAX; break;
	case 'g': e->type = TAR_PAX_GLOBAL; break;
	case 'L': e->type = TAR_GNU_LONGNAME; break;
	case 'K': e->type = TAR_GNU_LONGLINK; break;
	default: e->type = TAR_OTHER; break;
	}
	/* old archives mark directories with a trailing slash only */
	if (e->type == TAR_FILE && e->path[0] && e->path[strlen(e->path) - 1] == '/')
		e->type = TAR_DIR;
	return 1;
}

int tar_pax(const char *rec, size_t len, struct tar_entry *e)
{
	size_t off = 0;

	while (off < len) {
		uint64_t n = 0;
		size_t i = off, klen;
		const char *key, *eq, *val, *end;

		while (i < len && rec[i] >= '0' && rec[i] <= '9') {
			n = n * 10 + (uint64_t)(rec[i] - '0');
			if (n > len)
				return -EINVAL;
			i++;
		}
		if (i == off || i >= len || rec[i] != ' ' || n > len - off || n < (i - off) + 3 ||
		    rec[off + n - 1] != '\n')
			return -EINVAL;
		key = rec + i + 1;
		end = rec + off + n - 1;
		eq = memchr(key, '=', (size_t)(end - key));
		if (!eq)
			return -EINVAL;
		klen = (size_t)(eq - key);
		val = eq + 1;
		if (klen == 4 && !memcmp(key, "path", 4)) {
			if ((size_t)(end - val) >= sizeof(e->path))
				return -EINVAL;
			memcpy(e->path, val, (size_t)(end - val));
			e->path[end - val] = 0;
		} else if (klen == 8 && !memcmp(key, "linkpath", 8)) {
			if ((size_t)(end - val) >= sizeof(e->link))
				return -EINVAL;
			memcpy(e->link, val, (size_t)(end - val));
			e->link[end - val] = 0;
		} else if ((klen == 4 && !memcmp(key, "size", 4)) || (klen == 3 && !memcmp(key, "uid", 3)) ||
			   (klen == 3 && !memcmp(key, "gid", 3))) {
			uint64_t v = 0;

			if (val == end)
				return -EINVAL;
			for (const char *p = val; p < end; p++) {
				if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
					return -EINVAL;
				v = v * 10 + (uint64_t)(*p - '0');
			}
			if (key[0] == 's')
				e->size = v;
			else if (key[0] == 'u')
				e->uid = v;
			else
				e->gid = v;
		}
		/* mtime, atime, xattrs...: not needed for a root file system */
		off += n;
	}
	return 0;
}

bool tar_clean_path(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in) {
		const char *s = in;
		size_t n;

		while (*in && *in != '/')
			in++;
		n = (size_t)(in - s);
		while (*in == '/')
			in++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		if (o + n + 2 > size)
			return false;
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = 0;
	return o > 0;
}
