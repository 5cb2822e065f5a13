/* test_configstore.c - the signed-config store in temp dirs: the check
 * sequence on in-memory bytes, storing with the previous pair kept, the
 * generation rule and floor, trial records and the verdict on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configstore.h"
#include "fileio.h"
#include "sign.h"
#include "trial.h"

struct fx {
	char dir[64];
	char trust[128], other[128], store[128], key[160], okey[160];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char pub[160];

	strcpy(f->dir, "/tmp/test_configstore.XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->trust, sizeof(f->trust), "%s/trust", f->dir);
	snprintf(f->other, sizeof(f->other), "%s/other", f->dir);
	snprintf(f->store, sizeof(f->store), "%s/var/config", f->dir);
	mkdir(f->trust, 0700);
	mkdir(f->other, 0700);
	snprintf(f->key, sizeof(f->key), "%s/ops.key", f->dir);
	snprintf(pub, sizeof(pub), "%s/ops.pub", f->trust);
	if (cairn_keygen(f->key, pub, NULL) < 0)
		return -1;
	snprintf(f->okey, sizeof(f->okey), "%s/stranger.key", f->dir);
	snprintf(pub, sizeof(pub), "%s/stranger.pub", f->other);
	if (cairn_keygen(f->okey, pub, NULL) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A blob of text signed with key. */
static void signed_blob(struct cfg_blob *b, const char *key, const char *text)
{
	unsigned char sig[CAIRN_SIG_MAX];
	size_t siglen;
	struct cairn_err e = { "" };

	if (cairn_sign_buf(key, text, strlen(text), sig, &siglen, &e) < 0)
		fail_msg("sign: %s", e.msg);
	assert_int_equal(cfg_blob_set(b, "t.conf", text, strlen(text), sig, siglen, &e), 0);
}

static const char conf5[] = "[host]\nhostname = a\ngeneration = 5\n\n[service s]\nexec = /bin/sh\n";
static const char conf6[] = "[host]\nhostname = a\ngeneration = 6\n";

static void check_ok_and_refusals(void **state)
{
	struct fx *f = *state;
	struct cairn_config *c = NULL;
	struct cairn_err e = { "" };
	struct cfg_blob b;
	char signer[64];

	signed_blob(&b, f->key, conf5);
	assert_int_equal(cstore_check(&b, f->trust, "/", &c, signer, sizeof(signer), &e), 0);
	assert_int_equal(c->host.generation, 5);
	assert_string_equal(signer, "ops.pub");
	cairn_config_free(c);

	/* one byte changed after signing: refused, nothing parsed */
	b.text[0] = '#';
	assert_int_equal(cstore_check(&b, f->trust, "/", &c, NULL, 0, &e), -EKEYREJECTED);
	assert_null(c);
	assert_non_null(strstr(e.msg, "t.conf.sig: no trusted signer matches"));
	cfg_blob_free(&b);

	/* an unknown signer */
	signed_blob(&b, f->okey, conf5);
	assert_int_equal(cstore_check(&b, f->trust, "/", &c, NULL, 0, &e), -EKEYREJECTED);
	/* truncated and missing */
	b.sig_len /= 2;
	assert_int_equal(cstore_check(&b, f->trust, "/", &c, NULL, 0, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "t.conf.sig: not a valid signature"));
	b.sig_len = 0;
	assert_int_equal(cstore_check(&b, f->trust, "/", &c, NULL, 0, &e), -EBADMSG);
	assert_string_equal(e.msg, "t.conf.sig: missing");
	cfg_blob_free(&b);

	/* signed, but does not parse: FILE:LINE */
	signed_blob(&b, f->key, "[host]\ngeneration = x\n");
	assert_true(cstore_check(&b, f->trust, "/", &c, NULL, 0, &e) < 0);
	assert_non_null(strstr(e.msg, "t.conf:2: bad value 'x' for 'generation'"));
	cfg_blob_free(&b);
}

static void generation_rule(void **state)
{
	struct cairn_err e = { "" };

	(void)state;
	assert_int_equal(cstore_gen_check(6, true, 5, true, 5, GEN_NEWER, &e), 0);
	assert_int_equal(cstore_gen_check(5, true, 5, true, 5, GEN_NEWER, &e), -ESTALE);
	assert_string_equal(e.msg, "generation 5 not greater than 5 (the configuration in force)");
	assert_int_equal(cstore_gen_check(4, true, 5, false, 0, GEN_NEWER, &e), -ESTALE);
	/* a reverted trial left the floor above the config in force */
	assert_int_equal(cstore_gen_check(7, true, 5, true, 7, GEN_NEWER, &e), -ESTALE);
	assert_string_equal(e.msg, "generation 7 not greater than 7 (the highest ever accepted)");
	assert_int_equal(cstore_gen_check(0, false, 0, false, 0, GEN_NEWER, &e), 0);
	/* reload: the same stored generation is fine */
	assert_int_equal(cstore_gen_check(5, true, 5, true, 7, GEN_RELOAD, &e), 0);
	assert_int_equal(cstore_gen_check(6, true, 5, true, 7, GEN_RELOAD, &e), -ESTALE);
	/* a seed or the demo: not below the floor */
	assert_int_equal(cstore_gen_check(1, false, 0, false, 0, GEN_FALLBACK, &e), 0);
	assert_int_equal(cstore_gen_check(3, false, 0, true, 3, GEN_FALLBACK, &e), 0);
	assert_int_equal(cstore_gen_check(2, false, 0, true, 3, GEN_FALLBACK, &e), -ESTALE);
}

static void store_keeps_previous(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct cstore cs;
	struct cfg_blob b5, b6, r;

	assert_int_equal(cstore_init(&cs, f->store, NULL, &e), 0);
	signed_blob(&b5, f->key, conf5);
	signed_blob(&b6, f->key, conf6);
	assert_int_equal(cfg_blob_read(&r, cs.current, &e), -ENOENT);

	assert_int_equal(cstore_save(&cs, &b5, false, &e), 0);
	assert_int_equal(access(cs.previous, F_OK), -1);
	assert_int_equal(cstore_save(&cs, &b6, false, &e), 0);
	assert_int_equal(cfg_blob_read(&r, cs.current, &e), 0);
	assert_memory_equal(r.text, conf6, strlen(conf6));
	assert_int_equal(r.sig_len, b6.sig_len);
	assert_memory_equal(r.sig, b6.sig, b6.sig_len);
	cfg_blob_free(&r);
	assert_int_equal(cfg_blob_read(&r, cs.previous, &e), 0);
	assert_memory_equal(r.text, conf5, strlen(conf5));
	assert_memory_equal(r.sig, b5.sig, b5.sig_len);
	cfg_blob_free(&r);

	/* keep_previous (a trial in force): previous stays the good one */
	assert_int_equal(cstore_save(&cs, &b6, true, &e), 0);
	assert_int_equal(cfg_blob_read(&r, cs.previous, &e), 0);
	assert_memory_equal(r.text, conf5, strlen(conf5));
	cfg_blob_free(&r);

	/* revert: current <- previous */
	assert_int_equal(cstore_revert(&cs, &e), 0);
	assert_int_equal(cfg_blob_read(&r, cs.current, &e), 0);
	assert_memory_equal(r.text, conf5, strlen(conf5));
	cfg_blob_free(&r);

	/* a revert with no previous removes current */
	unlink(cs.previous);
	assert_int_equal(cstore_revert(&cs, &e), -ENOENT);
	assert_int_equal(access(cs.current, F_OK), -1);
	cfg_blob_free(&b5);
	cfg_blob_free(&b6);
}

static void floor_file(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct cstore cs;
	bool have;
	uint64_t v;

	assert_int_equal(cstore_init(&cs, f->store, NULL, &e), 0);
	unlink(cs.floor);
	assert_int_equal(cstore_floor_read(&cs, &have, &v, &e), -ENOENT);
	assert_false(have);
	assert_int_equal(cstore_floor_raise(&cs, 7, &e), 0);
	assert_int_equal(cstore_floor_read(&cs, &have, &v, &e), 0);
	assert_true(have);
	assert_int_equal(v, 7);
	/* never lowered */
	assert_int_equal(cstore_floor_raise(&cs, 3, &e), 0);
	assert_int_equal(cstore_floor_read(&cs, &have, &v, &e), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cstore_floor_raise(&cs, UINT64_MAX, &e), 0);
	assert_int_equal(cstore_floor_read(&cs, &have, &v, &e), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cairn_write_atomic(cs.floor, "x\n", 2, 0600, &e), 0);
	assert_int_equal(cstore_floor_read(&cs, &have, &v, &e), -EINVAL);
	assert_false(have);
}

static void trial_record(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct trial t = { .deadline_s = 1732390000, .gen = 43, .have_replaced = true,
			   .replaced_gen = 42 }, r;
	char path[160];

	snprintf(path, sizeof(path), "%s/trial", f->dir);
	assert_int_equal(trial_read(path, &r, &e), -ENOENT);
	assert_int_equal(trial_write(path, &t, &e), 0);
	assert_int_equal(trial_read(path, &r, &e), 0);
	assert_true(r.deadline_s == 1732390000);
	assert_true(r.gen == 43);
	assert_true(r.have_replaced);
	assert_true(r.replaced_gen == 42);
	t.have_replaced = false;
	assert_int_equal(trial_write(path, &t, &e), 0);
	assert_int_equal(trial_read(path, &r, &e), 0);
	assert_false(r.have_replaced);
	assert_int_equal(trial_clear(path, &e), 0);
	assert_int_equal(trial_clear(path, &e), 0);
	assert_int_equal(trial_read(path, &r, &e), -ENOENT);
	assert_int_equal(cairn_write_atomic(path, "deadline soon\n", 14, 0600, &e), 0);
	assert_int_equal(trial_read(path, &r, &e), -EINVAL);
}

static void trial_verdicts(void **state)
{
	struct trial t = { .deadline_s = 1000, .gen = 43, .have_replaced = true, .replaced_gen = 42 };
	uint64_t left;

	(void)state;
	/* the deadline passed (a reboot in between): revert */
	assert_int_equal(trial_judge(&t, true, 43, 1000, &left), TRIAL_EXPIRED);
	assert_int_equal(trial_judge(&t, true, 43, 5000, &left), TRIAL_EXPIRED);
	/* still running: the rest of the time */
	assert_int_equal(trial_judge(&t, true, 43, 990, &left), TRIAL_RUNNING);
	assert_int_equal(left, 10000);
	/* the store never got the trial (crash before it), or no config */
	assert_int_equal(trial_judge(&t, true, 42, 500, &left), TRIAL_STALE);
	assert_int_equal(trial_judge(&t, false, 0, 500, &left), TRIAL_STALE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_ok_and_refusals),
		cmocka_unit_test(generation_rule),
		cmocka_unit_test(store_keeps_previous),
		cmocka_unit_test(floor_file),
		cmocka_unit_test(trial_record),
		cmocka_unit_test(trial_verdicts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
