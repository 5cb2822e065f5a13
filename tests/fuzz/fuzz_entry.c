/* fuzz_entry.c - libFuzzer target for loader entries (supervisor/update/
 * entry.c): the first line is a file name, the rest an entry's text.  Any
 * bytes give a parsed entry or -EINVAL, never a crash; a name that parses
 * formats back to itself; the order is a total one on what parsed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), name[64];
	struct boot_entry en, other;
	char *nl;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (entry_parse_name(text, &en) == 0) {
		entry_format_name(name, sizeof(name), en.slot, en.tries_left, en.tries_done);
		/* "+3" and "+3-0" are one counter; the canonical form drops "-0" */
		if (en.tries_done != 0 && strcmp(name, text))
			__builtin_trap();
		entry_parse_body(nl ? nl + 1 : "", &en);
		if (strlen(en.version) >= sizeof(en.version) || strlen(en.options) >= sizeof(en.options))
			__builtin_trap();
		other = en;
		if (entry_compare(&en, &other) != 0)
			__builtin_trap();
		(void)entry_vercmp(en.version, en.options);
	}
	free(text);
	return 0;
}
