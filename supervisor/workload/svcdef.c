/* svcdef.c - deep copies of struct cairn_service (svcdef.h). */
#include "svcdef.h"

#include <stdlib.h>
#include <string.h>

#include "config_kind.h"
#include "strv.h"

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

static int dup_strv(char ***dst, char *const *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = cairn_strv_dup(src);
	return *dst ? 0 : -1;
}

struct cairn_service *svcdef_dup(const struct cairn_service *s)
{
	struct cairn_service *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	*d = *s;
	d->name = d->user = d->group = d->workdir = d->canon = NULL;
	d->argv = d->env = d->after = NULL;
	d->ct = NULL;
	d->vm = NULL;
	if ((s->ct && !(d->ct = cairn_container_dup(s->ct))) ||
	    (s->vm && !(d->vm = cairn_vm_dup(s->vm))) ||
	    dup_str(&d->name, s->name) < 0 || dup_str(&d->user, s->user) < 0 ||
	    dup_str(&d->group, s->group) < 0 || dup_str(&d->workdir, s->workdir) < 0 ||
	    dup_str(&d->canon, s->canon) < 0 || dup_strv(&d->argv, s->argv) < 0 ||
	    dup_strv(&d->env, s->env) < 0 || dup_strv(&d->after, s->after) < 0) {
		svcdef_free(d);
		return NULL;
	}
	return d;
}

void svcdef_free(struct cairn_service *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->user);
	free(s->group);
	free(s->workdir);
	free(s->canon);
	cairn_strv_free(s->argv);
	cairn_strv_free(s->env);
	cairn_strv_free(s->after);
	cairn_container_free(s->ct);
	cairn_vm_free(s->vm);
	free(s);
}
