/* config_pool.c - [pool NAME] sections: where a storage pool comes from,
 * its file system, and whether cairnd may format it.
 *
 *   source = /dev/sdb | LABEL=x | UUID=x | PARTLABEL=x | /var/data (fs = dir)
 *   fs     = ext4 (default) | xfs | btrfs | dir
 *   format = never (default) | if-blank
 *
 * Only the grammar lives here; resolving, probing, formatting and mounting
 * are cairnd's (supervisor/storage/pool.c), because they depend on the
 * machine and a config must parse the same anywhere. */
#include "config_pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static const char *const fs_names[] = {
	[CAIRN_POOL_EXT4] = "ext4", [CAIRN_POOL_XFS] = "xfs",
	[CAIRN_POOL_BTRFS] = "btrfs", [CAIRN_POOL_DIR] = "dir",
};

static const char *const tags[] = { "LABEL=", "UUID=", "PARTLABEL=" };

const char *cairn_pool_fs_name(enum cairn_pool_fs fs)
{
	return (unsigned)fs < sizeof(fs_names) / sizeof(fs_names[0]) ? fs_names[fs] : "?";
}

enum cairn_pool_source cairn_pool_source_kind(const char *source)
{
	if (!source)
		return CAIRN_POOL_SRC_NONE;
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!strncmp(source, tags[i], strlen(tags[i])))
			return CAIRN_POOL_SRC_TAG;
	if (!strncmp(source, "/dev/", 5))
		return CAIRN_POOL_SRC_DEVICE;
	return CAIRN_POOL_SRC_DIR;
}

int cairn_pool_open(struct cairn_config *c, const char *name, int line, char *msg, size_t size)
{
	struct cairn_pool *n;

	if (!*name)
		return cairn_config_bad(msg, size, "section [pool] needs a name: [pool NAME]");
	if (!cairn_config_name_ok(name))
		return cairn_config_bad(msg, size, "bad pool name '%s': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'",
			   name);
	for (size_t i = 0; i < c->n_pools; i++)
		if (!strcmp(c->pools[i].name, name))
			return cairn_config_bad(msg, size, "duplicate section [pool %s] (first on line %d)",
				   name, c->pools[i].line);
	n = cairn_config_grow(c->pools, c->n_pools, sizeof(*n));
	if (!n)
		goto oom;
	c->pools = n;
	n[c->n_pools].line = line;
	n[c->n_pools].fs = CAIRN_POOL_EXT4;
	n[c->n_pools].format = CAIRN_POOL_FORMAT_NEVER;
	n[c->n_pools].name = strdup(name);
	c->n_pools++;
	if (!n[c->n_pools - 1].name)
		goto oom;
	return 0;
oom:
	snprintf(msg, size, "out of memory");
	return -ENOMEM;
}

/* An absolute path without "." or ".." components or doubled slashes:
 * the mount source must mean what it says. */
static bool clean_path(const char *v)
{
	if (v[0] != '/' || strstr(v, "//"))
		return false;
	for (const char *s = v; s; s = strchr(s + 1, '/')) {
		if (!strncmp(s, "/./", 3) || !strcmp(s, "/.") || !strncmp(s, "/../", 4) ||
		    !strcmp(s, "/.."))
			return false;
	}
	return true;
}

static int check_source(const char *v, const char *sec, char *msg, size_t size)
{
	const char *what = "expected a device (/dev/...), LABEL=x, UUID=x, PARTLABEL=x or an absolute directory (fs = dir)";

	for (const char *s = v; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return cairn_config_bad(msg, size, "bad value for 'source' in %s: control character", sec);
	if (cairn_pool_source_kind(v) == CAIRN_POOL_SRC_TAG) {
		const char *val = strchr(v, '=') + 1;

		if (!*val)
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'source' in %s: empty %.*s",
				   v, sec, (int)(val - v - 1), v);
		if (strchr(val, '/'))
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'source' in %s: a label or UUID has no '/'",
				   v, sec);
		return 0;
	}
	if (!clean_path(v) || !strcmp(v, "/") || !strcmp(v, "/dev/"))
		return cairn_config_bad(msg, size, "bad value '%.100s' for 'source' in %s: %s", v, sec, what);
	return 0;
}

int cairn_pool_key(struct cairn_config *c, const char *key, const char *v, int line,
		   char *msg, size_t size)
{
	struct cairn_pool *p = &c->pools[c->n_pools - 1];
	char sec[96];

	snprintf(sec, sizeof(sec), "[pool %s]", p->name);
	if (!strcmp(key, "source")) {
		int ret;

		if (p->source_line)
			return cairn_config_bad(msg, size, "duplicate key 'source' in %s (first on line %d)", sec, p->source_line);
		if ((ret = check_source(v, sec, msg, size)) < 0)
			return ret;
		if (!(p->source = strdup(v))) {
			snprintf(msg, size, "out of memory");
			return -ENOMEM;
		}
		p->source_line = line;
		return 0;
	}
	if (!strcmp(key, "fs")) {
		if (p->fs_line)
			return cairn_config_bad(msg, size, "duplicate key 'fs' in %s (first on line %d)", sec, p->fs_line);
		for (size_t i = 0; i < sizeof(fs_names) / sizeof(fs_names[0]); i++)
			if (!strcmp(v, fs_names[i])) {
				p->fs = (enum cairn_pool_fs)i;
				p->fs_line = line;
				return 0;
			}
		return cairn_config_bad(msg, size, "bad value '%.100s' for 'fs' in %s: expected ext4, xfs, btrfs or dir", v, sec);
	}
	if (!strcmp(key, "format")) {
		if (p->format_line)
			return cairn_config_bad(msg, size, "duplicate key 'format' in %s (first on line %d)", sec, p->format_line);
		if (!strcmp(v, "never"))
			p->format = CAIRN_POOL_FORMAT_NEVER;
		else if (!strcmp(v, "if-blank"))
			p->format = CAIRN_POOL_FORMAT_IF_BLANK;
		else
			return cairn_config_bad(msg, size, "bad value '%.100s' for 'format' in %s: expected never or if-blank", v, sec);
		p->format_line = line;
		return 0;
	}
	return cairn_config_bad(msg, size, "unknown key '%.100s' in %s (expected source, fs, format)", key, sec);
}

int cairn_pool_finish(struct cairn_config *c, const char *file, struct cairn_err *e)
{
	for (size_t i = 0; i < c->n_pools; i++) {
		struct cairn_pool *p = &c->pools[i];
		bool dir = cairn_pool_source_kind(p->source) == CAIRN_POOL_SRC_DIR;
		int at = p->fs_line > p->source_line ? p->fs_line : p->source_line;

		if (!p->source)
			return cairn_config_error(e, -EINVAL, file, p->line,
						  "[pool %s] has no source (a device, LABEL=, UUID=, PARTLABEL= or a directory)",
						  p->name);
		if (p->fs == CAIRN_POOL_DIR && !dir)
			return cairn_config_error(e, -EINVAL, file, at,
						  "[pool %s]: fs = dir needs a directory as source, not '%.100s'",
						  p->name, p->source);
		if (p->fs != CAIRN_POOL_DIR && dir)
			return cairn_config_error(e, -EINVAL, file, at,
						  "[pool %s]: source '%.100s' is a directory: say fs = dir (devices are /dev/..., LABEL=, UUID=, PARTLABEL=)",
						  p->name, p->source);
		if (p->fs == CAIRN_POOL_DIR && p->format == CAIRN_POOL_FORMAT_IF_BLANK)
			return cairn_config_error(e, -EINVAL, file, p->format_line,
						  "[pool %s]: format = if-blank makes no sense with fs = dir",
						  p->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->pools[j].source, p->source))
				return cairn_config_error(e, -EINVAL, file, p->source_line,
							  "[pool %s] has the same source as [pool %s] (line %d)",
							  p->name, c->pools[j].name, c->pools[j].source_line);
	}
	return 0;
}

void cairn_pool_free(struct cairn_config *c)
{
	for (size_t i = 0; i < c->n_pools; i++) {
		free(c->pools[i].name);
		free(c->pools[i].source);
	}
	free(c->pools);
	c->pools = NULL;
	c->n_pools = 0;
}
