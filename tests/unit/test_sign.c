/* test_sign.c - signer keys and detached signatures (lib/sign.c): key
 * files and their modes, sign/verify round trips, and every way a
 * signature or a trust directory can be wrong, with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "sign.h"

static const char data[] = "[host]\nhostname = edge1\ngeneration = 3\n";

struct fx {
	char dir[64];       /* the test's scratch directory */
	char key[256], pub[256];     /* the signer */
	char okey[256], opub[256];   /* some other signer */
	char trust[256];                  /* holds the signer's pub only */
};

static void path(char *out, const struct fx *f, const char *name)
{
	snprintf(out, 256, "%s/%s", f->dir, name);
}

static void copy_file(const char *from, const char *to)
{
	struct cairn_err e = { "" };
	char *buf;
	size_t len;

	assert_int_equal(cairn_read_file(from, 1 << 20, &buf, &len, &e), 0);
	assert_int_equal(cairn_write_atomic(to, buf, len, 0644, &e), 0);
	free(buf);
}

static void write_file(const char *p, const void *buf, size_t len)
{
	struct cairn_err e = { "" };

	if (cairn_write_atomic(p, buf, len, 0644, &e) < 0)
		fail_msg("%s", e.msg);
}

static int count_temp_files(const char *dir)
{
	struct dirent *d;
	DIR *dh = opendir(dir);
	int n = 0;

	assert_non_null(dh);
	while ((d = readdir(dh)))
		n += strstr(d->d_name, ".tmp.") != NULL;
	closedir(dh);
	return n;
}

static int setup(void **state)
{
	struct cairn_err e = { "" };
	struct fx *f = calloc(1, sizeof(*f));
	char p[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_sign.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	path(f->key, f, "signer.key");
	path(f->pub, f, "signer.pub");
	path(f->okey, f, "other.key");
	path(f->opub, f, "other.pub");
	path(f->trust, f, "trust");
	if (cairn_keygen(f->key, f->pub, &e) < 0 || cairn_keygen(f->okey, f->opub, &e) < 0) {
		fprintf(stderr, "keygen: %s\n", e.msg);
		return -1;
	}
	mkdir(f->trust, 0755);
	snprintf(p, sizeof(p), "%.200s/signer.pub", f->trust);
	copy_file(f->pub, p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256 + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void sign_data(struct fx *f, unsigned char *sig, size_t *siglen)
{
	struct cairn_err e = { "" };

	if (cairn_sign_buf(f->key, data, strlen(data), sig, siglen, &e) < 0)
		fail_msg("sign: %s", e.msg);
	assert_true(*siglen >= 8 && *siglen <= 72);
}

/* Verify (data, sig) against dir; expect ret and, when msg, that message. */
static void expect_verify(const char *dir, const void *d, size_t len, const void *sig,
			  size_t siglen, int ret, const char *msg)
{
	struct cairn_err e = { "" };
	char signer[64] = "";

	assert_int_equal(cairn_verify_buf(d, len, sig, siglen, dir, signer, sizeof(signer), &e),
			 ret);
	if (msg)
		assert_string_equal(e.msg, msg);
}

static void test_keygen_modes_and_no_overwrite(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	char *before, *after, k2[256], msg[1024];
	size_t lb, la;
	struct stat st;

	assert_int_equal(stat(f->key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(f->pub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	assert_int_equal(cairn_read_file(f->key, 4096, &before, &lb, &e), 0);
	assert_non_null(strstr(before, "-----BEGIN EC PRIVATE KEY-----"));
	assert_int_equal(cairn_keygen(f->key, f->pub, &e), -EEXIST);
	snprintf(msg, sizeof(msg), "%s: already exists, not overwriting", f->key);
	assert_string_equal(e.msg, msg);
	assert_int_equal(cairn_read_file(f->key, 4096, &after, &la, &e), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, lb);
	free(before);
	free(after);

	/* Only the public half exists: refused, and no private key appears. */
	path(k2, f, "half.key");
	assert_int_equal(cairn_keygen(k2, f->pub, &e), -EEXIST);
	assert_int_equal(access(k2, F_OK), -1);
	/* No leftovers from the temporary files. */
	assert_int_equal(count_temp_files(f->dir), 0);
}

static void test_roundtrip(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	unsigned char sig[CAIRN_SIG_MAX];
	size_t siglen;
	char signer[64] = "", file[256];

	sign_data(f, sig, &siglen);
	assert_int_equal(cairn_verify_buf(data, strlen(data), sig, siglen, f->trust, signer,
					  sizeof(signer), &e), 0);
	assert_string_equal(signer, "signer.pub");

	/* The same through files: FILE and FILE.sig. */
	path(file, f, "site.conf");
	write_file(file, data, strlen(data));
	if (cairn_sign_file(f->key, file, &e) < 0)
		fail_msg("sign_file: %s", e.msg);
	signer[0] = 0;
	if (cairn_verify_file(file, f->trust, signer, sizeof(signer), &e) < 0)
		fail_msg("verify_file: %s", e.msg);
	assert_string_equal(signer, "signer.pub");
	/* A NULL signer is fine. */
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), 0);
}

static void test_flipped_bytes(void **state)
{
	struct fx *f = *state;
	unsigned char sig[CAIRN_SIG_MAX];
	char d[sizeof(data)], msg[1024];
	size_t siglen, i;

	sign_data(f, sig, &siglen);
	snprintf(msg, sizeof(msg), "no trusted signer matches (tried 1 key in %s)", f->trust);
	memcpy(d, data, sizeof(data));
	d[5] ^= 1;
	expect_verify(f->trust, d, strlen(d), sig, siglen, -EKEYREJECTED, msg);
	/* One more byte of data. */
	expect_verify(f->trust, data, strlen(data) + 1, sig, siglen, -EKEYREJECTED, msg);

	/* Every single-bit change of the signature fails, one way or another. */
	for (i = 0; i < siglen; i++) {
		struct cairn_err e = { "" };

		sig[i] ^= 0x01;
		assert_true(cairn_verify_buf(data, strlen(data), sig, siglen, f->trust,
					     NULL, 0, &e) < 0);
		sig[i] ^= 0x01;
	}
	/* The last byte of s: still well-formed DER, so it is a mismatch. */
	sig[siglen - 1] ^= 0x80;
	expect_verify(f->trust, data, strlen(data), sig, siglen, -EKEYREJECTED, msg);
	sig[siglen - 1] ^= 0x80;
	expect_verify(f->trust, data, strlen(data), sig, siglen, 0, NULL);
}

static void test_malformed_signatures(void **state)
{
	struct fx *f = *state;
	unsigned char sig[CAIRN_SIG_MAX + 64], big[300];
	static const unsigned char zero_r[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01 };
	static const unsigned char neg_r[] = { 0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01 };
	const char *bad = "not a valid signature (malformed DER)";
	size_t siglen, n;

	sign_data(f, sig, &siglen);
	/* Truncated by one byte and by half. */
	expect_verify(f->trust, data, strlen(data), sig, siglen - 1, -EBADMSG, bad);
	expect_verify(f->trust, data, strlen(data), sig, siglen / 2, -EBADMSG, bad);
	/* Garbage, text and a lone tag. */
	expect_verify(f->trust, data, strlen(data), "garbage, not DER at all", 23, -EBADMSG, bad);
	expect_verify(f->trust, data, strlen(data), "\x30", 1, -EBADMSG, bad);
	/* Empty. */
	expect_verify(f->trust, data, strlen(data), "", 0, -EBADMSG,
		      "not a valid signature (empty)");
	/* Oversized. */
	memset(big, 0x30, sizeof(big));
	expect_verify(f->trust, data, strlen(data), big, sizeof(big), -EBADMSG,
		      "not a valid signature (too large: 300 bytes, at most 72)");
	/* A good signature with a byte after it (73 bytes for a 72-byte one:
	 * then "too large" is the reason). */
	sig[siglen] = 0;
	expect_verify(f->trust, data, strlen(data), sig, siglen + 1, -EBADMSG,
		      siglen < 72 ? bad : "not a valid signature (too large: 73 bytes, at most 72)");
	/* Integers must be positive, minimal and non-zero. */
	expect_verify(f->trust, data, strlen(data), zero_r, sizeof(zero_r), -EBADMSG, bad);
	expect_verify(f->trust, data, strlen(data), neg_r, sizeof(neg_r), -EBADMSG, bad);
	/* The same r with a needless leading zero (a second encoding of one
	 * signature) is refused. */
	n = sig[3];             /* length of r */
	if (!(sig[4] & 0x80) && sig[4] != 0 && n == 32) {
		unsigned char alt[CAIRN_SIG_MAX];

		alt[0] = 0x30;
		alt[1] = (unsigned char)(sig[1] + 1);
		alt[2] = 0x02;
		alt[3] = (unsigned char)(n + 1);
		alt[4] = 0;
		memcpy(alt + 5, sig + 4, siglen - 4);
		expect_verify(f->trust, data, strlen(data), alt, siglen + 1, -EBADMSG, bad);
	}
}

static void test_signature_files(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	char file[256], sigfile[256 + 8], msg[1024];
	unsigned char big[300];

	path(file, f, "files.conf");
	snprintf(sigfile, sizeof(sigfile), "%s.sig", file);
	write_file(file, data, strlen(data));

	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), -ENOENT);
	snprintf(msg, sizeof(msg), "%s: missing", sigfile);
	assert_string_equal(e.msg, msg);

	write_file(sigfile, "", 0);
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), -EBADMSG);
	snprintf(msg, sizeof(msg), "%s: not a valid signature (empty)", sigfile);
	assert_string_equal(e.msg, msg);

	write_file(sigfile, "garbage\n", 8);
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), -EBADMSG);
	snprintf(msg, sizeof(msg), "%s: not a valid signature (malformed DER)", sigfile);
	assert_string_equal(e.msg, msg);

	memset(big, 0x30, sizeof(big));
	write_file(sigfile, big, sizeof(big));
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), -EBADMSG);
	snprintf(msg, sizeof(msg),
		 "%s: not a valid signature (too large: more than 256 bytes, at most 72)", sigfile);
	assert_string_equal(e.msg, msg);

	/* Signed by someone the trust directory does not know. */
	assert_int_equal(cairn_sign_file(f->okey, file, &e), 0);
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), -EKEYREJECTED);
	snprintf(msg, sizeof(msg), "%s: no trusted signer matches (tried 1 key in %s)",
		 sigfile, f->trust);
	assert_string_equal(e.msg, msg);

	/* Re-signing replaces the old .sig. */
	assert_int_equal(cairn_sign_file(f->key, file, &e), 0);
	assert_int_equal(cairn_verify_file(file, f->trust, NULL, 0, &e), 0);

	/* No data file. */
	path(file, f, "nosuch.conf");
	assert_int_equal(cairn_sign_file(f->key, file, &e), -ENOENT);
	/* A key that is not a key. */
	path(file, f, "files.conf");
	assert_true(cairn_sign_file(file, file, &e) < 0);
	assert_non_null(strstr(e.msg, "not a PEM private key"));
}

static void test_unknown_signer(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	unsigned char sig[CAIRN_SIG_MAX];
	char msg[1024];
	size_t siglen;

	assert_int_equal(cairn_sign_buf(f->okey, data, strlen(data), sig, &siglen, &e), 0);
	snprintf(msg, sizeof(msg), "no trusted signer matches (tried 1 key in %s)", f->trust);
	expect_verify(f->trust, data, strlen(data), sig, siglen, -EKEYREJECTED, msg);
}

static void test_empty_trust_dir(void **state)
{
	struct fx *f = *state;
	unsigned char sig[CAIRN_SIG_MAX];
	char dir[256], p[256 + 16], msg[1024];
	size_t siglen;

	sign_data(f, sig, &siglen);
	path(dir, f, "empty");
	mkdir(dir, 0755);
	snprintf(msg, sizeof(msg), "%s: no trusted signer keys (*.pub)", dir);
	expect_verify(dir, data, strlen(data), sig, siglen, -ENOKEY, msg);

	/* Files that are not *.pub do not count. */
	snprintf(p, sizeof(p), "%s/signer.key", dir);
	copy_file(f->pub, p);
	snprintf(p, sizeof(p), "%s/.hidden.pub", dir);
	copy_file(f->pub, p);
	expect_verify(dir, data, strlen(data), sig, siglen, -ENOKEY, msg);

	/* A trust directory that does not exist. */
	path(dir, f, "nosuch");
	expect_verify(dir, data, strlen(data), sig, siglen, -ENOENT, NULL);
}

static void test_second_key_matches(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	unsigned char sig[CAIRN_SIG_MAX];
	char dir[256], p[256 + 16], signer[64] = "", msg[1024];
	size_t siglen;

	sign_data(f, sig, &siglen);
	path(dir, f, "several");
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/a-other.pub", dir);
	copy_file(f->opub, p);
	snprintf(p, sizeof(p), "%s/b-signer.pub", dir);
	copy_file(f->pub, p);
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	write_file(p, "x", 1);
	assert_int_equal(cairn_verify_buf(data, strlen(data), sig, siglen, dir, signer,
					  sizeof(signer), &e), 0);
	assert_string_equal(signer, "b-signer.pub");

	/* A broken key file is skipped, and named when nothing matches. */
	snprintf(p, sizeof(p), "%s/0-broken.pub", dir);
	write_file(p, "not a key\n", 10);
	assert_int_equal(cairn_verify_buf(data, strlen(data), sig, siglen, dir, signer,
					  sizeof(signer), &e), 0);
	assert_string_equal(signer, "b-signer.pub");
	snprintf(p, sizeof(p), "%s/b-signer.pub", dir);
	unlink(p);
	snprintf(msg, sizeof(msg), "no trusted signer matches (tried 1 key in %s); skipped %s/0-broken.pub: not a PEM public key",
		 dir, dir);
	assert_int_equal(cairn_verify_buf(data, strlen(data), sig, siglen, dir, NULL, 0, &e),
			 -EKEYREJECTED);
	assert_int_equal(strncmp(e.msg, msg, strlen(msg)), 0);
}

static void test_sha256_hex(void **state)
{
	char out[65];

	(void)state;
	assert_int_equal(cairn_sha256_hex("abc", 3, out), 0);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(cairn_sha256_hex("", 0, out), 0);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_modes_and_no_overwrite),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_malformed_signatures),
		cmocka_unit_test(test_signature_files),
		cmocka_unit_test(test_unknown_signer),
		cmocka_unit_test(test_empty_trust_dir),
		cmocka_unit_test(test_second_key_matches),
		cmocka_unit_test(test_sha256_hex),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
