/* config_vm.c - [vm NAME]: the vm's own keys (config_kind.h).
 * Not implemented yet: a section parses, and finish says so. */
#include "config_vm.h"

#include <errno.h>
#include <stdlib.h>

#include "config_internal.h"
#include "config_kind.h"

int cairn_vm_new(struct cairn_service *s)
{
	s->vm = calloc(1, sizeof(*s->vm));
	return s->vm ? 0 : -ENOMEM;
}

int cairn_vm_key(struct cairn_service *s, const char *key, const char *v,
		   int line, char *msg, size_t size)
{
	return 1;
}

int cairn_vm_finish(const struct cairn_config *c, struct cairn_service *s,
		      const char *file, struct cairn_err *e)
{
	return cairn_config_error(e, -ENOTSUP, file, s->line,
				  "[vm %s]: Virtual machines are not supported yet", s->name);
}

void cairn_vm_canon(FILE *f, const struct cairn_vm *x)
{
}

struct cairn_vm *cairn_vm_dup(const struct cairn_vm *x)
{
	struct cairn_vm *d = malloc(sizeof(*d));

	if (d)
		*d = *x;
	return d;
}

void cairn_vm_free(struct cairn_vm *x)
{
	free(x);
}
