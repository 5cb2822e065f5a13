/* fuzz_uevent.c - libFuzzer target for the kernel uevent datagrams the
 * update stick watch reads (supervisor/update/stick.c
 * stick_uevent_block_add): any bytes, NUL-separated fields or not, must
 * give an answer without reading past the datagram.  The input is copied
 * to a buffer of exactly its size so ASan sees any over-read.
 * Seeds: tests/fuzz/corpus/fuzz_uevent/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stick.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	stick_uevent_block_add(buf, size);
	free(buf);
	return 0;
}
