/* idmap.c - each container's 65536 host ids, never shared.
 *
 * idmap = BASE in the config is taken as it is (the parser refuses two
 * that overlap).  idmap = auto picks the first 65536-aligned block above
 * CAIRN_IDMAP_MIN that overlaps no explicit range of the config and no
 * range kept for another container, and keeps it in CT_LIB_DIR/NAME/idmap
 * so that the container's files keep their owners across restarts. */
#include "ct.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static bool overlaps(uint32_t a, uint32_t b)
{
	return (uint64_t)a < (uint64_t)b + CAIRN_IDMAP_SIZE && (uint64_t)b < (uint64_t)a + CAIRN_IDMAP_SIZE;
}

int ct_idmap_pick(const uint32_t *used, size_t n, uint32_t *base)
{
	uint64_t b = ((uint64_t)CAIRN_IDMAP_MIN + CAIRN_IDMAP_SIZE - 1) / CAIRN_IDMAP_SIZE * CAIRN_IDMAP_SIZE;

	for (; b + CAIRN_IDMAP_SIZE - 1 <= UINT32_MAX - 1; b += CAIRN_IDMAP_SIZE) {
		size_t k;

		for (k = 0; k < n; k++)
			if (overlaps((uint32_t)b, used[k]))
				break;
		if (k == n) {
			*base = (uint32_t)b;
			return 0;
		}
	}
	return -ENOSPC;
}

static int read_kept(const char *name, uint32_t *base)
{
	char path[4096], *text = NULL;
	unsigned long v;
	size_t len;
	char *end;

	snprintf(path, sizeof(path), CT_LIB_DIR "/%s/idmap", name);
	if (cairn_read_file(path, 64, &text, &len, NULL) < 0)
		return -ENOENT;
	v = strtoul(text, &end, 10);
	if (end == text || (*end && *end != '\n') || v < CAIRN_IDMAP_SIZE || v > UINT32_MAX - CAIRN_IDMAP_SIZE + 1) {
		free(text);
		return -EINVAL;
	}
	free(text);
	*base = (uint32_t)v;
	return 0;
}

int ct_idmap_get(const struct cairn_config *c, const struct cairn_service *s,
		 uint32_t *base, struct cairn_err *e)
{
	uint32_t *used = NULL, b;
	size_t n = 0, cap = 0;
	char path[4096], line[32];
	struct dirent *de;
	DIR *d;
	int ret;

	if (s->ct->idmap) {
		*base = s->ct->idmap;
		return 0;
	}
	if (read_kept(s->name, &b) == 0) {
		/* still free of the config's explicit ranges? */
		for (size_t k = 0; k < c->n_services; k++) {
			const struct cairn_service *o = &c->services[k];

			if (o->kind == CAIRN_KIND_CONTAINER && o->ct->idmap && overlaps(o->ct->idmap, b))
				return cairn_err_set(e, -EEXIST,
						     "idmap: the range %u-%u kept for %s now overlaps [container %s] idmap = %u",
						     b, b + CAIRN_IDMAP_SIZE - 1, s->name, o->name, o->ct->idmap);
		}
		*base = b;
		return 0;
	}
	for (size_t k = 0; k < c->n_services; k++) {
		const struct cairn_service *o = &c->services[k];

		if (o->kind != CAIRN_KIND_CONTAINER || !o->ct->idmap)
			continue;
		if (n == cap && !(used = realloc(used, (cap = cap * 2 + 16) * sizeof(*used))))
			return cairn_err_set(e, -ENOMEM, "out of memory");
		used[n++] = o->ct->idmap;
	}
	d = opendir(CT_LIB_DIR);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, s->name) || read_kept(de->d_name, &b) < 0)
			continue;
		if (n == cap) {
			uint32_t *g = realloc(used, (cap = cap * 2 + 16) * sizeof(*used));

			if (!g) {
				free(used);
				closedir(d);
				return cairn_err_set(e, -ENOMEM, "out of memory");
			}
			used = g;
		}
		used[n++] = b;
	}
	if (d)
		closedir(d);
	ret = ct_idmap_pick(used, n, &b);
	free(used);
	if (ret < 0)
		return cairn_err_set(e, ret, "idmap: no free range of %u ids left", CAIRN_IDMAP_SIZE);
	snprintf(path, sizeof(path), CT_LIB_DIR "/%s", s->name);
	ret = ct_mkdirs(path, 0700, (uid_t)-1, (gid_t)-1, e);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), CT_LIB_DIR "/%s/idmap", s->name);
	snprintf(line, sizeof(line), "%u\n", b);
	ret = cairn_write_atomic(path, line, strlen(line), 0600, e);
	if (ret < 0)
		return ret;
	*base = b;
	return 0;
}
