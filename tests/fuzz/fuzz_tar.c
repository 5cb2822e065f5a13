/* fuzz_tar.c - libFuzzer target for the tar format (tarhdr.c): any bytes,
 * read as 512-byte headers, pax records and member paths, must parse or
 * be refused, never crash; a cleaned path is relative, has no "." or ".."
 * part and no empty one. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tarhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *p)
{
	char out[TAR_PATH_MAX];

	if (!tar_clean_path(p, out, sizeof(out)))
		return;
	if (out[0] == '/' || strstr(out, "//") || !strcmp(out, "..") || !strncmp(out, "../", 3) ||
	    strstr(out, "/../") || (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/..")) ||
	    !strcmp(out, ".") || !strncmp(out, "./", 2) || strstr(out, "/./"))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_entry e;
	char text[TAR_PATH_MAX];
	size_t n;

	for (size_t off = 0; off + TAR_BLOCK <= size; off += TAR_BLOCK) {
		if (tar_header(data + off, &e) > 0) {
			if (e.path[sizeof(e.path) - 1] || e.link[sizeof(e.link) - 1] || e.mode > 07777)
				__builtin_trap();
			check_clean(e.path);
			check_clean(e.link);
		}
	}
	memset(&e, 0, sizeof(e));
	tar_pax((const char *)data, size, &e);
	if (e.path[sizeof(e.path) - 1] || e.link[sizeof(e.link) - 1])
		__builtin_trap();
	n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = 0;
	check_clean(text);
	return 0;
}
