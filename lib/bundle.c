/* bundle.c - the bundle header and the manifest: parse, check, write, and
 * the version order.  The manifest is INI (inih), one [bundle] section and
 * one [artifact NAME] section per artifact, in the order the artifacts
 * follow in the file:
 *
 *   [bundle]
 *   format = 1
 *   version = 1.4.0
 *   compatible = cairn-x86_64
 *   allow_downgrade = no
 *   roothash = 64 hex digits
 *
 *   [artifact root.sqfs]
 *   size = 123456
 *   compressed = 65432
 *   sha256 = 64 hex digits
 */
#include "bundle.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

static const char *const known[BUNDLE_ARTIFACTS] = {
	BUNDLE_ROOT, BUNDLE_VERITY, BUNDLE_KERNEL, BUNDLE_INITRD,
};

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int bundle_header_parse(const void *buf, size_t len, struct bundle_header *h,
			struct cairn_err *e)
{
	const unsigned char *p = buf;

	if (len < BUNDLE_HEADER_SIZE)
		return cairn_err_set(e, -EINVAL, "bundle: header cut short (%zu of %u bytes)",
				     len, BUNDLE_HEADER_SIZE);
	if (memcmp(p, BUNDLE_MAGIC, 8))
		return cairn_err_set(e, -EINVAL, "bundle: not a cairn bundle (bad magic)");
	h->format = get_le32(p + 8);
	h->manifest_len = get_le32(p + 12);
	h->sig_len = get_le32(p + 16);
	if (h->format != BUNDLE_FORMAT)
		return cairn_err_set(e, -EINVAL, "bundle: format %" PRIu32 " (this cairn reads %u)",
				     h->format, BUNDLE_FORMAT);
	if (h->manifest_len == 0 || h->manifest_len > BUNDLE_MANIFEST_MAX)
		return cairn_err_set(e, -EINVAL, "bundle: manifest length %" PRIu32
				     " (1 to %u bytes)", h->manifest_len, BUNDLE_MANIFEST_MAX);
	if (h->sig_len == 0 || h->sig_len > 256)
		return cairn_err_set(e, -EINVAL, "bundle: signature length %" PRIu32
				     " (1 to 256 bytes)", h->sig_len);
	if (get_le32(p + 20))
		return cairn_err_set(e, -EINVAL, "bundle: reserved header bytes are not zero");
	return 0;
}

void bundle_header_write(unsigned char out[BUNDLE_HEADER_SIZE], uint32_t manifest_len,
			 uint32_t sig_len)
{
	memcpy(out, BUNDLE_MAGIC, 8);
	put_le32(out + 8, BUNDLE_FORMAT);
	put_le32(out + 12, manifest_len);
	put_le32(out + 16, sig_len);
	put_le32(out + 20, 0);
}

/* ---- versions ----------------------------------------------------------- */

bool bundle_version_valid(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > BUNDLE_VERSION_MAX || !isalnum((unsigned char)v[0]))
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && !strchr(".+~_-", *v))
			return false;
	return true;
}

/* '~' sorts before everything, even the end ("2.0~rc1" < "2.0"). */
static int char_order(int c)
{
	if (c == '~')
		return -1;
	return c;
}

int bundle_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea, *eb;
			size_t la, lb;
			int c;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(a, b, la);
			if (c)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		int ca = *a ? char_order((unsigned char)*a) : 0;
		int cb = *b ? char_order((unsigned char)*b) : 0;

		/* A digit run against anything else: the digit is greater. */
		if (*a && *b && isdigit((unsigned char)*a) != isdigit((unsigned char)*b))
			return isdigit((unsigned char)*a) ? 1 : -1;
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (*a)
			a++;
		if (*b)
			b++;
	}
	return 0;
}

/* ---- the manifest ------------------------------------------------------- */

enum { K_FORMAT = 1, K_VERSION = 2, K_COMPAT = 4, K_DOWNGRADE = 8, K_ROOTHASH = 16 };
enum { A_SIZE = 1, A_COMPRESSED = 2, A_SHA = 4 };

struct mparse {
	struct bundle_manifest *m;
	unsigned seen;                         /* K_* in [bundle] */
	unsigned aseen[BUNDLE_ARTIFACTS];      /* A_* per artifact */
	bool bundle_section;
	char section[80];
	int cur;                               /* artifact index, -1: [bundle] */
	char msg[300];
};

static int mfail(struct mparse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mfail(struct mparse *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || (v[0] == '0' && v[1]))
		return -EINVAL;
	*out = n;
	return 0;
}

static int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool is_hex(const char *v, size_t min, size_t max)
{
	size_t n = strlen(v);

	if (n < min || n > max || n % 2)
		return false;
	for (; *v; v++)
		if (hex_nibble((unsigned char)*v) < 0)
			return false;
	return true;
}

/* A section header: [bundle] or [artifact NAME]. */
static int enter_section(struct mparse *p, const char *section)
{
	struct bundle_manifest *m = p->m;
	size_t i;

	snprintf(p->section, sizeof(p->section), "%s", section);
	if (!strcmp(section, "bundle")) {
		if (p->bundle_section)
			return mfail(p, "[bundle] appears twice");
		p->bundle_section = true;
		p->cur = -1;
		return 1;
	}
	if (strncmp(section, "artifact ", 9))
		return mfail(p, "[%s]: unknown section (bundle or artifact NAME)", section);
	section += 9;
	for (i = 0; i < BUNDLE_ARTIFACTS; i++)
		if (!strcmp(section, known[i]))
			break;
	if (i == BUNDLE_ARTIFACTS)
		return mfail(p, "[artifact %s]: unknown artifact (root.sqfs, root.verity, "
			     "vmlinuz, initramfs)", section);
	if (bundle_artifact_find(m, section))
		return mfail(p, "[artifact %s] appears twice", section);
	snprintf(m->a[m->n].name, sizeof(m->a[m->n].name), "%s", section);
	p->cur = (int)m->n++;
	return 1;
}

static int bundle_key(struct mparse *p, const char *name, const char *value)
{
	struct bundle_manifest *m = p->m;
	unsigned bit;

	if (!strcmp(name, "format"))
		bit = K_FORMAT;
	else if (!strcmp(name, "version"))
		bit = K_VERSION;
	else if (!strcmp(name, "compatible"))
		bit = K_COMPAT;
	else if (!strcmp(name, "allow_downgrade"))
		bit = K_DOWNGRADE;
	else if (!strcmp(name, "roothash"))
		bit = K_ROOTHASH;
	else
		return mfail(p, "[bundle] %s: unknown key", name);
	if (p->seen & bit)
		return mfail(p, "[bundle] %s: given twice", name);
	p->seen |= bit;
	switch (bit) {
	case K_FORMAT:
		if (strcmp(value, "1"))
			return mfail(p, "[bundle] format = %s: this cairn reads format 1", value);
		m->format = 1;
		break;
	case K_VERSION:
		if (!bundle_version_valid(value))
			return mfail(p, "[bundle] version = %s: 1-63 of A-Z a-z 0-9 . + ~ _ -, "
				     "starting with a letter or digit", value);
		snprintf(m->version, sizeof(m->version), "%s", value);
		break;
	case K_COMPAT:
		if (!value[0] || strlen(value) > BUNDLE_COMPAT_MAX || strpbrk(value, " \t"))
			return mfail(p, "[bundle] compatible: 1-127 characters without spaces");
		snprintf(m->compatible, sizeof(m->compatible), "%s", value);
		break;
	case K_DOWNGRADE:
		if (!strcmp(value, "yes") || !strcmp(value, "true"))
			m->allow_downgrade = true;
		else if (!strcmp(value, "no") || !strcmp(value, "false"))
			m->allow_downgrade = false;
		else
			return mfail(p, "[bundle] allow_downgrade = %s: yes or no", value);
		break;
	case K_ROOTHASH:
		if (!is_hex(value, 64, 128))
			return mfail(p, "[bundle] roothash: not 64-128 lowercase hex digits");
		snprintf(m->roothash, sizeof(m->roothash), "%s", value);
		break;
	}
	return 1;
}

static int artifact_key(struct mparse *p, const char *name, const char *value)
{
	struct bundle_artifact *a = &p->m->a[p->cur];
	unsigned bit;

	if (!strcmp(name, "size"))
		bit = A_SIZE;
	else if (!strcmp(name, "compressed"))
		bit = A_COMPRESSED;
	else if (!strcmp(name, "sha256"))
		bit = A_SHA;
	else
		return mfail(p, "[artifact %s] %s: unknown key", a->name, name);
	if (p->aseen[p->cur] & bit)
		return mfail(p, "[artifact %s] %s: given twice", a->name, name);
	p->aseen[p->cur] |= bit;
	if (bit == A_SHA) {
		if (!is_hex(value, 64, 64))
			return mfail(p, "[artifact %s] sha256: not 64 lowercase hex digits", a->name);
		for (int i = 0; i < 32; i++)
			a->sha256[i] = (unsigned char)(hex_nibble(value[2 * i]) << 4 |
						       hex_nibble(value[2 * i + 1]));
		return 1;
	}
	if (parse_u64(value, bit == A_SIZE ? &a->size : &a->compressed) < 0)
		return mfail(p, "[artifact %s] %s = %s: not a byte count", a->name, name, value);
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct mparse *p = user;

	if (p->msg[0])
		return 0;   /* the first error is the one reported */
	if (strcmp(section, p->section) || (!name && !value)) {
		if (!enter_section(p, section))
			return 0;
	}
	if (!name)
		return 1;
	if (!p->bundle_section && p->cur < 0)
		return mfail(p, "%s: key outside any section", name);
	return p->cur < 0 ? bundle_key(p, name, value) : artifact_key(p, name, value);
}

int bundle_manifest_parse(const char *text, size_t len, struct bundle_manifest *m,
			  struct cairn_err *e)
{
	struct mparse p = { .m = m, .cur = -1, .section = "\x01" };
	char *copy;
	int line;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (len > BUNDLE_MANIFEST_MAX)
		return cairn_err_set(e, -EINVAL, "manifest: larger than %u bytes",
				     BUNDLE_MANIFEST_MAX);
	if (memchr(text, 0, len))
		return cairn_err_set(e, -EINVAL, "manifest: contains a NUL byte");
	copy = malloc(len + 1);
	if (!copy)
		return cairn_err_set(e, -ENOMEM, "manifest: out of memory");
	memcpy(copy, text, len);
	copy[len] = 0;
	line = ini_parse_string(copy, handler, &p);
	free(copy);
	if (line > 0)
		return cairn_err_set(e, -EINVAL, "manifest line %d: %s", line,
				     p.msg[0] ? p.msg : "not KEY = VALUE or [SECTION]");
	if (line < 0)
		return cairn_err_set(e, -ENOMEM, "manifest: out of memory");
	if (p.msg[0])
		return cairn_err_set(e, -EINVAL, "manifest: %s", p.msg);
	if (!p.bundle_section)
		return cairn_err_set(e, -EINVAL, "manifest: no [bundle] section");
	static const struct { unsigned bit; const char *key; } need[] = {
		{ K_FORMAT, "format" }, { K_VERSION, "version" }, { K_COMPAT, "compatible" },
		{ K_ROOTHASH, "roothash" },
	};
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(p.seen & need[i].bit))
			return cairn_err_set(e, -EINVAL, "manifest: [bundle] has no %s",
					     need[i].key);
	for (i = 0; i < BUNDLE_ARTIFACTS; i++)
		if (!bundle_artifact_find(m, known[i]))
			return cairn_err_set(e, -EINVAL, "manifest: no [artifact %s]", known[i]);
	for (i = 0; i < m->n; i++) {
		static const char *const akey[] = { "size", "compressed", "sha256" };

		for (unsigned b = 0; b < 3; b++)
			if (!(p.aseen[i] & (1u << b)))
				return cairn_err_set(e, -EINVAL, "manifest: [artifact %s] has no %s",
						     m->a[i].name, akey[b]);
	}
	return 0;
}

int bundle_manifest_format(const struct bundle_manifest *m, char *buf, size_t size)
{
	size_t off = 0;
	int n;

	n = snprintf(buf, size, "[bundle]\nformat = %u\nversion = %s\ncompatible = %s\n"
		     "allow_downgrade = %s\nroothash = %s\n", BUNDLE_FORMAT, m->version,
		     m->compatible, m->allow_downgrade ? "yes" : "no", m->roothash);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	off = (size_t)n;
	for (size_t i = 0; i < m->n; i++) {
		char hex[65];

		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", m->a[i].sha256[k]);
		n = snprintf(buf + off, size - off, "\n[artifact %s]\nsize = %" PRIu64
			     "\ncompressed = %" PRIu64 "\nsha256 = %s\n", m->a[i].name,
			     m->a[i].size, m->a[i].compressed, hex);
		if (n < 0 || (size_t)n >= size - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}

const struct bundle_artifact *bundle_artifact_find(const struct bundle_manifest *m,
						   const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->a[i].name, name))
			return &m->a[i];
	return NULL;
}
