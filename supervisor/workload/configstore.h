/* configstore.h - signed configurations: reading a config and its detached
 * signature into memory once, checking those bytes (signature, grammar,
 * host), the generation rule, and the store under /var/lib/cairn/config/:
 *
 *   current.conf, current.conf.sig     the configuration in force
 *   previous.conf, previous.conf.sig   the one before it (rollback, revert)
 *   generation                         the highest generation ever accepted
 *   trial                              a provisional push (trial.h)
 *
 * Every write is atomic (cairn_write_atomic).  The two files of a pair are
 * written one after the other: a crash in between leaves a current pair
 * that does not verify, and boot falls back to the previous pair.
 * Nothing here touches the supervisor: it is the policy and the files. */
#ifndef CAIRN_CONFIGSTORE_H
#define CAIRN_CONFIGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "sign.h"

#define CSTORE_DIR_DEFAULT  "/var/lib/cairn/config"
#define CSTORE_CONF_MAX     (1024u * 1024u)   /* a config is text an operator writes */

struct cstore {
	char dir[1024];
	char current[1100];       /* dir/current.conf, or a fixed file (--config) */
	char previous[1100];
	char floor[1100];
	char trial[1100];
};

/* Paths under dir; current overrides dir/current.conf when not NULL.
 * Creates dir (0700) if missing. */
int cstore_init(struct cstore *cs, const char *dir, const char *current,
		struct cairn_err *e);

/* A config's bytes and its signature, as read or received, and the name
 * messages use for them ("FILE:LINE: ...", "FILE.sig: ..."). */
struct cfg_blob {
	char *text;               /* NUL-terminated after len bytes */
	size_t len;
	unsigned char sig[CAIRN_SIG_MAX];
	size_t sig_len;           /* 0: no signature */
	char name[1100];
};

/* Read path (at most CSTORE_CONF_MAX bytes) and path.sig.  -ENOENT with
 * "PATH: missing" when there is no config; a missing .sig is not an error
 * here (sig_len 0: cstore_check says so).  A .sig too large for a
 * signature is -EBADMSG. */
int cfg_blob_read(struct cfg_blob *b, const char *path, struct cairn_err *e);
/* Copy received bytes into b. */
int cfg_blob_set(struct cfg_blob *b, const char *name, const char *text, size_t len,
		 const unsigned char *sig, size_t sig_len, struct cairn_err *e);
void cfg_blob_free(struct cfg_blob *b);
/* Move src into dst (dst freed first); src is left empty. */
void cfg_blob_move(struct cfg_blob *dst, struct cfg_blob *src);

/* The one check sequence, on the bytes in b (never re-read):
 *   1. the signature verifies against a *.pub in trust_dir
 *   2. the text parses ("NAME:LINE: ...")
 *   3. it validates against root (executables, users)
 * The signer's key file name goes to signer (may be NULL). */
int cstore_check(const struct cfg_blob *b, const char *trust_dir, const char *root,
		 struct cairn_config **out, char *signer, size_t signer_len,
		 struct cairn_err *e);

/* The generation rule.  have_active/active: the config in force;
 * have_floor/floor: the highest generation ever accepted. */
enum cstore_gen_rule {
	GEN_NEWER,    /* a push: greater than both */
	GEN_RELOAD,   /* a reload: equal to the active one, or a push's rule */
	GEN_FALLBACK, /* a seed or the demo: not below the floor */
};
int cstore_gen_check(uint64_t gen, bool have_active, uint64_t active, bool have_floor,
		     uint64_t floor, enum cstore_gen_rule rule, struct cairn_err *e);

/* The floor: -ENOENT (and *have false) when none was ever written. */
int cstore_floor_read(const struct cstore *cs, bool *have, uint64_t *floor,
		      struct cairn_err *e);
/* Raise the floor to gen (never lowers it). */
int cstore_floor_raise(const struct cstore *cs, uint64_t gen, struct cairn_err *e);

/* Store b as current.  Unless keep_previous, the current pair first
 * becomes the previous one (a trial in force keeps the good previous). */
int cstore_save(const struct cstore *cs, const struct cfg_blob *b, bool keep_previous,
		struct cairn_err *e);

/* current <- previous (a revert).  -ENOENT when there is no previous pair:
 * then the current pair is removed, so that nothing reverted is kept. */
int cstore_revert(const struct cstore *cs, struct cairn_err *e);

#endif
