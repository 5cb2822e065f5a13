/* config_internal.h - what the config_*.c files share; not a public API. */
#ifndef CAIRN_CONFIG_INTERNAL_H
#define CAIRN_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* Format "FILE:LINE: message" into e; return ret. */
int cairn_config_error(struct cairn_err *e, int ret, const char *file, int line,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The parsers of single sections (config_iface.c, config_pool.c...)
 * format their message without FILE:LINE into msg; returns -EINVAL. */
int cairn_config_bad(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* config_value.c: the value grammar. */
bool cairn_config_name_ok(const char *s);      /* [a-zA-Z0-9_.-]{1,63}, not . or - first */
bool cairn_config_hostname_ok(const char *s);  /* [a-z0-9-]{1,63}, no - at either end */
bool cairn_config_account_ok(const char *s);   /* a user or group name */
bool cairn_config_env_ok(const char *word);    /* NAME=VALUE, NAME a C identifier */
int cairn_config_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cairn_config_bool(const char *s, bool *out);
int cairn_config_signal(const char *s, int *sig);
void cairn_config_print_signal(FILE *f, int sig);

/* config_deps.c: every after= names a service, and they form no cycle.
 * after_lines[i][j] is the line of services[i].after[j]. */
int cairn_config_check_deps(const struct cairn_config *c, int *const *after_lines,
			    struct cairn_err *e);

/* config.c: fill s->canon.  0 or -ENOMEM. */
int cairn_service_make_canon(struct cairn_service *s);

/* A [service] with every key at its documented default (docs/config.md);
 * generated services start from here too and change what differs. */
void cairn_service_defaults(struct cairn_service *s);

/* arr (n elements of size bytes) grown by one zeroed element, or NULL
 * (then arr is untouched): the sections' arrays grow one at a time. */
void *cairn_config_grow(void *arr, size_t n, size_t size);

#endif
