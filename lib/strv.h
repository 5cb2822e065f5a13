/* strv.h - NULL-terminated string vectors (argv, envp, name lists).
 *
 * A vector is a heap array of heap strings ending with NULL; NULL itself is
 * the empty vector.  Functions that add take ownership of what they add,
 * and free it when they fail, so callers have one cleanup path. */
#ifndef CAIRN_STRV_H
#define CAIRN_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t cairn_strv_len(char *const *v);

/* Free every string and the array; NULL is fine. */
void cairn_strv_free(char **v);

/* Append s (owned from now on; freed on failure).  0 or -ENOMEM. */
int cairn_strv_push(char ***v, char *s);

/* Append a copy of s.  0 or -ENOMEM. */
int cairn_strv_push_dup(char ***v, const char *s);

/* Move every string of *more to the end of *v; *more becomes NULL whether
 * this succeeds or not.  0 or -ENOMEM. */
int cairn_strv_extend(char ***v, char ***more);

bool cairn_strv_contains(char *const *v, const char *s);

/* A deep copy (NULL for NULL); NULL with errno ENOMEM on failure. */
char **cairn_strv_dup(char *const *v);

/* A copy of s, NULL for NULL; when out of memory NULL and *oom = true (a
 * run of copies checks once at the end). */
char *cairn_strdup_or_null(const char *s, bool *oom);

#endif
