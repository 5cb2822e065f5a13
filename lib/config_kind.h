/* config_kind.h - what the parser asks of a kind's own keys.
 *
 * "[container NAME]" and "[vm NAME]" are services of another kind: the
 * parser (config_parse.c) opens a struct cairn_service with kind set, gives
 * every key to the kind first and the supervision keys (restart, after,
 * stop_timeout, log_max...) to the service table when the kind says it is
 * not one of its own.  The kind's part lives in s->ct or s->vm; these
 * functions are its whole life: new, key, finish, canon, dup, free.
 * Messages are formatted without FILE:LINE (the parser adds them), except
 * in *_finish, which gets file and the config for cross-checks (pools,
 * networks). */
#ifndef CAIRN_CONFIG_KIND_H
#define CAIRN_CONFIG_KIND_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* Allocate s->ct / s->vm with every key at its default.  0 or -ENOMEM. */
int cairn_container_new(struct cairn_service *s);
int cairn_vm_new(struct cairn_service *s);

/* "key = v" on line of s's section: 0 taken, 1 not a key of this kind
 * (the parser tries the service keys), or a negative errno with msg set. */
int cairn_container_key(struct cairn_service *s, const char *key, const char *v,
			int line, char *msg, size_t size);
int cairn_vm_key(struct cairn_service *s, const char *key, const char *v,
		 int line, char *msg, size_t size);

/* The whole file is read: check what needs all of s (and c's pools and
 * networks).  0, or "FILE:LINE: ..." in e and a negative errno. */
int cairn_container_finish(const struct cairn_config *c, struct cairn_service *s,
			   const char *file, struct cairn_err *e);
int cairn_vm_finish(const struct cairn_config *c, struct cairn_service *s,
		    const char *file, struct cairn_err *e);

/* The kind's keys as canonical text ("key = value\n" each, fixed order,
 * defaults included), appended to the service's canon. */
void cairn_container_canon(FILE *f, const struct cairn_container *ct);
void cairn_vm_canon(FILE *f, const struct cairn_vm *vm);

/* Deep copies (NULL: out of memory) and frees (NULL is fine). */
struct cairn_container *cairn_container_dup(const struct cairn_container *ct);
struct cairn_vm *cairn_vm_dup(const struct cairn_vm *vm);
void cairn_container_free(struct cairn_container *ct);
void cairn_vm_free(struct cairn_vm *vm);

/* config_network.c: the parser's half of [network NAME]. */
int cairn_network_open(struct cairn_config *c, const char *name, int line,
		       char *msg, size_t size);
int cairn_network_key(struct cairn_config *c, const char *key, const char *v, int line,
		      char *msg, size_t size);
int cairn_network_finish(struct cairn_config *c, const char *file, struct cairn_err *e);
void cairn_network_free(struct cairn_config *c);

#endif
