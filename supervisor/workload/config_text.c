/* config_text.c - sup_config_text(): the bytes of the configuration in
 * force, exactly as they were verified and stored (GET /1.0/config).
 * Alone in its file so the API's unit tests can stand in for it. */
#include "sup_int.h"

const char *sup_config_text(const struct supervisor *s, size_t *len)
{
	*len = 0;
	if (!s->config || !s->active.text)
		return NULL;
	*len = s->active.len;
	return s->active.text;
}
