/* config_text.c - MINIMAL sup_config_text(): the configuration file the
 * supervisor was started with, read again on each call.
 *
 * The signed-config store will keep the accepted text itself and replace
 * this file.  Until then the text is cached here, per process, which is
 * why the answer lives only until the next call (the API copies it into
 * its response at once, on the loop thread). */
#include <stdlib.h>

#include "fileio.h"
#include "sup_int.h"

#define CONFIG_TEXT_MAX (1024 * 1024)

static char *cached;   /* the last text handed out */

const char *sup_config_text(const struct supervisor *s, size_t *len)
{
	char *buf;
	size_t n;

	free(cached);
	cached = NULL;
	*len = 0;
	if (!s->config || !s->config_path ||
	    cairn_read_file(s->config_path, CONFIG_TEXT_MAX, &buf, &n, NULL) < 0)
		return NULL;
	cached = buf;
	*len = n;
	return cached;
}
