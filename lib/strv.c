/* strv.c - NULL-terminated string vectors. */
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t cairn_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void cairn_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int cairn_strv_push(char ***v, char *s)
{
	size_t n = cairn_strv_len(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int cairn_strv_push_dup(char ***v, const char *s)
{
	return cairn_strv_push(v, strdup(s));
}

int cairn_strv_extend(char ***v, char ***more)
{
	size_t n = cairn_strv_len(*v), m = cairn_strv_len(*more);
	char **nv;

	if (m == 0) {
		free(*more);
		*more = NULL;
		return 0;
	}
	nv = realloc(*v, (n + m + 1) * sizeof(*nv));
	if (!nv) {
		cairn_strv_free(*more);
		*more = NULL;
		return -ENOMEM;
	}
	memcpy(nv + n, *more, (m + 1) * sizeof(*nv));
	free(*more);
	*more = NULL;
	*v = nv;
	return 0;
}

bool cairn_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char **cairn_strv_dup(char *const *v)
{
	size_t n = cairn_strv_len(v);
	char **nv;

	if (!v)
		return NULL;
	nv = calloc(n + 1, sizeof(*nv));
	if (!nv)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		nv[i] = strdup(v[i]);
		if (!nv[i]) {
			cairn_strv_free(nv);
			errno = ENOMEM;
			return NULL;
		}
	}
	return nv;
}

char *cairn_strdup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}
