/* fuzz_verity_sb.c - cairn-init's reader of the dm-verity superblock at
 * the start of a hash partition: whatever the disk holds, it accepts only
 * what it can use and never reads past the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_sb_info info;
	char why[256];

	memset(why, 0, sizeof(why));
	if (verity_sb_parse(data, size, &info, why, sizeof(why)) != 0 && why[0] == '\0')
		__builtin_trap();   /* a refusal must say why */
	return 0;
}
