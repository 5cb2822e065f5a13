/* configstore.c - reading, checking and storing signed configurations
 * (configstore.h).  The bytes that are verified are the bytes that are
 * parsed and the bytes that are stored: a file is read once. */
#include "configstore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, 0755);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int cstore_init(struct cstore *cs, const char *dir, const char *current,
		struct cairn_err *e)
{
	int ret;

	memset(cs, 0, sizeof(*cs));
	if (strlen(dir) >= sizeof(cs->dir) - 32 || (current && strlen(current) >= sizeof(cs->current) - 8))
		return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", dir);
	snprintf(cs->dir, sizeof(cs->dir), "%s", dir);
	if (current)
		snprintf(cs->current, sizeof(cs->current), "%s", current);
	else
		snprintf(cs->current, sizeof(cs->current), "%s/current.conf", dir);
	snprintf(cs->previous, sizeof(cs->previous), "%s/previous.conf", dir);
	snprintf(cs->floor, sizeof(cs->floor), "%s/generation", dir);
	snprintf(cs->trial, sizeof(cs->trial), "%s/trial", dir);
	ret = mkdir_p(dir, 0700);
	if (ret < 0)
		return cairn_err_sys(e, ret, "%s", dir);
	return 0;
}

/* ---- blobs ---- */

void cfg_blob_free(struct cfg_blob *b)
{
	free(b->text);
	memset(b, 0, sizeof(*b));
}

void cfg_blob_move(struct cfg_blob *dst, struct cfg_blob *src)
{
	cfg_blob_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

int cfg_blob_set(struct cfg_blob *b, const char *name, const char *text, size_t len,
		 const unsigned char *sig, size_t sig_len, struct cairn_err *e)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	if (len > CSTORE_CONF_MAX)
		return cairn_err_set(e, -EFBIG, "%s: too large (%zu bytes, at most %u)", name, len,
				     CSTORE_CONF_MAX);
	if (sig_len > sizeof(b->sig))
		return cairn_err_set(e, -EBADMSG, "%s.sig: not a valid signature (too large: %zu bytes)",
				     name, sig_len);
	b->text = malloc(len + 1);
	if (!b->text)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	memcpy(b->text, text, len);
	b->text[len] = 0;
	b->len = len;
	memcpy(b->sig, sig, sig_len);
	b->sig_len = sig_len;
	return 0;
}

int cfg_blob_read(struct cfg_blob *b, const char *path, struct cairn_err *e)
{
	char sigpath[1200], *sig = NULL;
	size_t siglen = 0;
	int ret;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", path);
	ret = cairn_read_file(path, CSTORE_CONF_MAX, &b->text, &b->len, e);
	if (ret == -ENOENT)
		return cairn_err_set(e, -ENOENT, "%s: missing", path);
	if (ret == -EFBIG)
		return cairn_err_set(e, -EFBIG, "%s: too large (at most %u bytes)", path, CSTORE_CONF_MAX);
	if (ret < 0)
		return ret;
	snprintf(sigpath, sizeof(sigpath), "%s.sig", path);
	ret = cairn_read_file(sigpath, CAIRN_SIG_MAX, &sig, &siglen, e);
	if (ret == -ENOENT)
		return 0;   /* cstore_check says "missing" */
	if (ret == -EFBIG)
		ret = cairn_err_set(e, -EBADMSG, "%s: not a valid signature (too large: more than %d bytes)",
				    sigpath, CAIRN_SIG_MAX);
	if (ret < 0) {
		cfg_blob_free(b);
		return ret;
	}
	memcpy(b->sig, sig, siglen);
	b->sig_len = siglen;
	free(sig);
	return 0;
}

/* ---- the check ---- */

int cstore_check(const struct cfg_blob *b, const char *trust_dir, const char *root,
		 struct cairn_config **out, char *signer, size_t signer_len,
		 struct cairn_err *e)
{
	struct cairn_config *c = NULL;
	int ret;

	*out = NULL;
	if (!b->sig_len)
		return cairn_err_set(e, -EBADMSG, "%s.sig: missing", b->name);
	ret = cairn_verify_buf(b->text, b->len, b->sig, b->sig_len, trust_dir, signer,
			       signer_len, e);
	if (ret == -EBADMSG || ret == -EKEYREJECTED)
		return cairn_err_prefix(e, ret, "%s.sig", b->name);
	if (ret < 0)
		return ret;
	ret = cairn_config_parse(b->text, b->len, b->name, &c, e);
	if (ret < 0)
		return ret;
	ret = cairn_config_validate(c, root, e);
	if (ret < 0) {
		cairn_config_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int cstore_gen_check(uint64_t gen, bool have_active, uint64_t active, bool have_floor,
		     uint64_t floor, enum cstore_gen_rule rule, struct cairn_err *e)
{
	if (rule == GEN_RELOAD && have_active && gen == active)
		return 0;   /* the stored generation, read again */
	if (rule == GEN_FALLBACK) {
		if (have_floor && gen < floor)
			return cairn_err_set(e, -ESTALE,
					     "generation %" PRIu64 " is below %" PRIu64
					     " (the highest ever accepted)", gen, floor);
		return 0;
	}
	if (have_active && gen <= active)
		return cairn_err_set(e, -ESTALE,
				     "generation %" PRIu64 " not greater than %" PRIu64
				     " (the configuration in force)", gen, active);
	if (have_floor && gen <= floor)
		return cairn_err_set(e, -ESTALE,
				     "generation %" PRIu64 " not greater than %" PRIu64
				     " (the highest ever accepted)", gen, floor);
	return 0;
}

/* ---- the floor ---- */

int cstore_floor_read(const struct cstore *cs, bool *have, uint64_t *floor,
		      struct cairn_err *e)
{
	char *buf = NULL, *end;
	size_t len;
	int ret;

	*have = false;
	*floor = 0;
	ret = cairn_read_file(cs->floor, 64, &buf, &len, e);
	if (ret < 0)
		return ret;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);

	if (buf[0] < '0' || buf[0] > '9' || errno || (*end && *end != '\n')) {
		free(buf);
		return cairn_err_set(e, -EINVAL, "%s: not a generation number", cs->floor);
	}
	free(buf);
	*have = true;
	*floor = v;
	return 0;
}

int cstore_floor_raise(const struct cstore *cs, uint64_t gen, struct cairn_err *e)
{
	char buf[32];
	bool have;
	uint64_t cur;
	int n;

	if (cstore_floor_read(cs, &have, &cur, NULL) == 0 && have && cur >= gen)
		return 0;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", gen);
	return cairn_write_atomic(cs->floor, buf, (size_t)n, 0600, e);
}

/* ---- pairs ---- */

static int sig_path(const char *path, char *out, size_t size)
{
	return snprintf(out, size, "%s.sig", path) >= (int)size ? -ENAMETOOLONG : 0;
}

/* Write the pair at path: the .sig first, then the text.  Either way a
 * crash between the two leaves a pair that fails verification. */
static int write_pair(const char *path, const char *text, size_t len, const void *sig,
		      size_t sig_len, struct cairn_err *e)
{
	char sp[1200];
	int ret;

	if (sig_path(path, sp, sizeof(sp)) < 0)
		return cairn_err_set(e, -ENAMETOOLONG, "%s: path too long", path);
	if (sig_len) {
		ret = cairn_write_atomic(sp, sig, sig_len, 0600, e);
	} else {
		ret = unlink(sp) < 0 && errno != ENOENT ? cairn_err_sys(e, -errno, "%s", sp) : 0;
	}
	if (ret < 0)
		return ret;
	return cairn_write_atomic(path, text, len, 0600, e);
}

static void remove_pair(const char *path)
{
	char sp[1200];

	unlink(path);
	if (sig_path(path, sp, sizeof(sp)) == 0)
		unlink(sp);
}

/* src pair -> dst pair, bytes as they are (no check: that is the reader's). */
static int copy_pair(const char *src, const char *dst, struct cairn_err *e)
{
	struct cfg_blob b;
	int ret = cfg_blob_read(&b, src, e);

	if (ret < 0)
		return ret;
	ret = write_pair(dst, b.text, b.len, b.sig, b.sig_len, e);
	cfg_blob_free(&b);
	return ret;
}

int cstore_save(const struct cstore *cs, const struct cfg_blob *b, bool keep_previous,
		struct cairn_err *e)
{
	int ret;

	if (!keep_previous && access(cs->current, F_OK) == 0) {
		ret = copy_pair(cs->current, cs->previous, e);
		if (ret < 0)
			return cairn_err_prefix(e, ret, "keeping the previous configuration");
	}
	ret = write_pair(cs->current, b->text, b->len, b->sig, b->sig_len, e);
	if (ret < 0)
		return cairn_err_prefix(e, ret, "storing the configuration");
	return 0;
}

int cstore_revert(const struct cstore *cs, struct cairn_err *e)
{
	int ret;

	if (access(cs->previous, F_OK) < 0) {
		remove_pair(cs->current);
		return cairn_err_set(e, -ENOENT, "%s: missing", cs->previous);
	}
	ret = copy_pair(cs->previous, cs->current, e);
	if (ret < 0)
		return cairn_err_prefix(e, ret, "reverting to the previous configuration");
	return 0;
}
