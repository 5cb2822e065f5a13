/* svcdef.h - an instance owns a deep copy of its service definition, so a
 * config can be replaced (reload) while an instance still stops with the
 * definition it was started with. */
#ifndef CAIRN_SVCDEF_H
#define CAIRN_SVCDEF_H

#include "config.h"

/* A deep copy, or NULL (ENOMEM). */
struct cairn_service *svcdef_dup(const struct cairn_service *s);
void svcdef_free(struct cairn_service *s);

#endif
