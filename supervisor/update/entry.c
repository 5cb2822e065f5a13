/* entry.c - loader entry names, keys and systemd-boot's order (entry.h).
 * The order mirrors boot_entry_compare() of systemd-boot 257 (src/boot/
 * boot.c): that is the one that decides, this copy only predicts it for
 * status and tests. */
#include "entry.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

/* A counter field: 1-3 decimal digits, no leading zero (one spelling
 * per counter: the name cairnd writes back is the one it read). */
static int counter(const char **p, int *out)
{
	int n = 0, k = 0;

	if (**p == '0' && isdigit((unsigned char)(*p)[1]))
		return -EINVAL;
	while (isdigit((unsigned char)**p) && k < 3) {
		n = n * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	if (!k || isdigit((unsigned char)**p))
		return -EINVAL;
	*out = n;
	return 0;
}

int entry_parse_name(const char *fname, struct boot_entry *en)
{
	const char *p = fname;

	memset(en, 0, sizeof(*en));
	en->tries_left = en->tries_done = -1;
	if (strlen(fname) >= sizeof(en->fname) || strncmp(p, "cairn-", 6))
		return -EINVAL;
	p += 6;
	if (*p != 'a' && *p != 'b')
		return -EINVAL;
	en->slot = *p++;
	if (*p == '+') {
		p++;
		if (counter(&p, &en->tries_left) < 0)
			return -EINVAL;
		en->tries_done = 0;
		if (*p == '-') {
			p++;
			if (counter(&p, &en->tries_done) < 0)
				return -EINVAL;
		}
	}
	if (strcmp(p, ".conf"))
		return -EINVAL;
	snprintf(en->fname, sizeof(en->fname), "%s", fname);
	return 0;
}

void entry_format_name(char *buf, size_t size, char slot, int tries_left, int tries_done)
{
	if (tries_left < 0)
		snprintf(buf, size, "cairn-%c.conf", slot);
	else if (tries_done <= 0)
		snprintf(buf, size, "cairn-%c+%d.conf", slot, tries_left);
	else
		snprintf(buf, size, "cairn-%c+%d-%d.conf", slot, tries_left, tries_done);
}

/* Copy the rest of a "key value" line, blanks trimmed, into out. */
static void take(const char *v, size_t len, char *out, size_t size)
{
	while (len && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
		len--;
	snprintf(out, size, "%.*s", (int)len, v);
}

void entry_parse_body(const char *text, struct boot_entry *en)
{
	static const struct { const char *key; size_t off, size; } keys[] = {
		{ "version", offsetof(struct boot_entry, version), sizeof(en->version) },
		{ "sort-key", offsetof(struct boot_entry, sort_key), sizeof(en->sort_key) },
		{ "options", offsetof(struct boot_entry, options), sizeof(en->options) },
	};

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = strlen(keys[k].key);

			if (len > kl && !strncmp(line, keys[k].key, kl) &&
			    (line[kl] == ' ' || line[kl] == '\t'))
				take(line + kl, len - kl, (char *)en + keys[k].off, keys[k].size);
		}
		line = nl ? nl + 1 : NULL;
	}
}

int entry_format_body(char *buf, size_t size, char slot, const char *version,
		      const char *options)
{
	int n = snprintf(buf, size,
			 "title cairn %s (slot %c)\n"
			 "version %s\n"
			 "sort-key " ENTRY_SORT_KEY "\n"
			 "linux /EFI/cairn/%c/vmlinuz\n"
			 "initrd /EFI/cairn/%c/initrd\n"
			 "options %s\n",
			 version, slot, version, slot, slot, options);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool entry_version_ok(const char *v)
{
	size_t n = strlen(v);

	if (!n || n >= 64)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr(".+~^_-", *v))
			return false;
	return true;
}

int entry_vercmp(const char *a, const char *b)
{
	/* The installer's "newer" (bundle_version_cmp) is this order too:
	 * one function, so what it installs as newer is what boots first. */
	return bundle_version_cmp(a ? a : "", b ? b : "");
}

int entry_compare(const struct boot_entry *a, const struct boot_entry *b)
{
	char ia[64], ib[64];
	int r;

	r = (a->tries_left == 0) - (b->tries_left == 0);
	if (r)
		return r;
	r = !a->sort_key[0] - !b->sort_key[0];
	if (r)
		return r;
	if (a->sort_key[0]) {
		r = strcmp(a->sort_key, b->sort_key);
		if (r)
			return r;
		r = -entry_vercmp(a->version, b->version);
		if (r)
			return r;
	}
	/* the id is the file name without its counter */
	entry_format_name(ia, sizeof(ia), a->slot, -1, -1);
	entry_format_name(ib, sizeof(ib), b->slot, -1, -1);
	r = -entry_vercmp(ia, ib);
	if (r || a->tries_left < 0 || b->tries_left < 0)
		return r;
	if (a->tries_left != b->tries_left)
		return a->tries_left > b->tries_left ? -1 : 1;
	return (a->tries_done > b->tries_done) - (a->tries_done < b->tries_done);
}

static int cmp(const void *a, const void *b)
{
	return entry_compare(a, b);
}

const struct boot_entry *entry_choose(struct boot_entry *v, size_t n)
{
	if (!n)
		return NULL;
	qsort(v, n, sizeof(*v), cmp);
	return &v[0];
}
