/* config_container.c - [container NAME]: the container's own keys (config_kind.h).
 * Not implemented yet: a section parses, and finish says so. */
#include "config_container.h"

#include <errno.h>
#include <stdlib.h>

#include "config_internal.h"
#include "config_kind.h"

int cairn_container_new(struct cairn_service *s)
{
	s->ct = calloc(1, sizeof(*s->ct));
	return s->ct ? 0 : -ENOMEM;
}

int cairn_container_key(struct cairn_service *s, const char *key, const char *v,
		   int line, char *msg, size_t size)
{
	return 1;
}

int cairn_container_finish(const struct cairn_config *c, struct cairn_service *s,
		      const char *file, struct cairn_err *e)
{
	return cairn_config_error(e, -ENOTSUP, file, s->line,
				  "[container %s]: Containers are not supported yet", s->name);
}

void cairn_container_canon(FILE *f, const struct cairn_container *x)
{
}

struct cairn_container *cairn_container_dup(const struct cairn_container *x)
{
	struct cairn_container *d = malloc(sizeof(*d));

	if (d)
		*d = *x;
	return d;
}

void cairn_container_free(struct cairn_container *x)
{
	free(x);
}
