/* fuzz_config.c - libFuzzer target for the config parser: any bytes must
 * give either a config or an error, never a crash or a leak; a config's
 * canonical texts and lookups must be usable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cairn_config *c = NULL;
	struct cairn_err e;

	if (cairn_config_parse((const char *)data, size, "fuzz.conf", &c, &e) < 0) {
		if (c || strncmp(e.msg, "fuzz.conf:", 10) != 0)
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < c->n_services; i++) {
		const struct cairn_service *s = &c->services[i];

		if (!s->argv || !s->argv[0] || !s->canon ||
		    cairn_config_service(c, s->name) != s)
			__builtin_trap();
	}
	cairn_config_free(c);
	return 0;
}
