/* test_bundle.c - update bundles (lib/bundle.c, lib/bundle_read.c) and the
 * installer core (supervisor/update/install.c) against files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>
#include <zstd.h>

#include "bundle.h"
#include "install.h"
#include "sign.h"

static char dir[64], trust[96], key[128];

static int setup(void **state)
{
	char pub[128];
	struct cairn_err e;

	snprintf(dir, sizeof(dir), "/tmp/test_bundle.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(trust, sizeof(trust), "%s/trust", dir);
	mkdir(trust, 0700);
	snprintf(key, sizeof(key), "%s/signer.key", dir);
	snprintf(pub, sizeof(pub), "%s/signer.pub", trust);
	return cairn_keygen(key, pub, &e);
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static const char good[] =
	"[bundle]\nformat = 1\nversion = 1.2.3\ncompatible = cairn-x86_64\n"
	"allow_downgrade = no\n"
	"roothash = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"\n[artifact root.sqfs]\nsize = 10\ncompressed = 20\n"
	"sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	"[artifact root.verity]\nsize = 1\ncompressed = 2\n"
	"sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	"[artifact vmlinuz]\nsize = 1\ncompressed = 2\n"
	"sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	"[artifact initramfs]\nsize = 1\ncompressed = 2\n"
	"sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

static void test_manifest_good(void **state)
{
	struct bundle_manifest m;
	struct cairn_err e = { "" };
	char buf[4096];
	int n;

	assert_int_equal(bundle_manifest_parse(good, strlen(good), &m, &e), 0);
	assert_string_equal(m.version, "1.2.3");
	assert_string_equal(m.compatible, "cairn-x86_64");
	assert_false(m.allow_downgrade);
	assert_int_equal(m.n, 4);
	assert_string_equal(m.a[0].name, "root.sqfs");
	assert_int_equal(m.a[0].size, 10);
	assert_int_equal(m.a[0].compressed, 20);
	assert_int_equal(m.a[0].sha256[1], 0x11);
	/* format -> parse gives the same manifest back */
	n = bundle_manifest_format(&m, buf, sizeof(buf));
	assert_true(n > 0);
	struct bundle_manifest m2;
	assert_int_equal(bundle_manifest_parse(buf, (size_t)n, &m2, &e), 0);
	assert_memory_equal(&m, &m2, sizeof(m));
	assert_int_equal(bundle_manifest_format(&m, buf, 50), -ENOSPC);
}

/* Replace the first occurrence of from with to in good, parse, expect an
 * error containing want. */
static void bad(const char *from, const char *to, const char *want)
{
	char text[4096], *p;
	struct bundle_manifest m;
	struct cairn_err e = { "" };

	p = strstr(good, from);
	assert_non_null(p);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(p - good), good, to, p + strlen(from));
	assert_true(bundle_manifest_parse(text, strlen(text), &m, &e) < 0);
	if (!strstr(e.msg, want))
		fail_msg("for %s -> %s: got \"%s\", want \"%s\"", from, to, e.msg, want);
}

/* A section's errors are reported at its first key's line (inih calls
 * back on keys only). */
static void test_manifest_errors(void **state)
{
	bad("format = 1", "format = 2", "manifest line 2: [bundle] format = 2");
	bad("version = 1.2.3", "version = ../x", "manifest line 3: [bundle] version");
	bad("allow_downgrade = no", "allow_downgrade = maybe", "line 5: [bundle] allow_downgrade");
	bad("roothash = 0123", "roothash = X123", "line 6: [bundle] roothash");
	bad("size = 10", "size = -1", "line 9: [artifact root.sqfs] size = -1: not a byte count");
	bad("size = 10", "size = 99999999999999999999999", "line 9:");
	bad("size = 10", "size = 010", "line 9:");
	bad("compressed = 20\nsha256 = 0011", "compressed = 20\nsha256 = 0G11", "line 11: [artifact root.sqfs] sha256");
	bad("[artifact vmlinuz]", "[artifact vmlinuz.efi]", "line 17: [artifact vmlinuz.efi]: unknown artifact");
	bad("[artifact vmlinuz]", "[artifact root.sqfs]", "line 17: [artifact root.sqfs] appears twice");
	bad("[bundle]", "[bundel]", "line 2: [bundel]: unknown section");
	bad("compatible = cairn-x86_64\n", "compatible = cairn-x86_64\nbogus = 1\n", "line 5: [bundle] bogus: unknown key");
	bad("version = 1.2.3\n", "version = 1.2.3\nversion = 1.2.4\n", "line 4: [bundle] version: given twice");
	bad("compatible = cairn-x86_64\n", "", "manifest: [bundle] has no compatible");
	bad("compatible = cairn-x86_64\n", "compatible cairn\n", "manifest line 4: not KEY = VALUE");
	bad("[artifact initramfs]\nsize = 1\n", "[artifact initramfs]\n", "[artifact initramfs] has no size");
	bad("[artifact initramfs]\nsize = 1\ncompressed = 2\n", "", "line 20: [artifact vmlinuz] sha256: given twice");
}

static void test_header(void **state)
{
	unsigned char h[BUNDLE_HEADER_SIZE];
	struct bundle_header hd;
	struct cairn_err e = { "" };

	bundle_header_write(h, 300, 71);
	assert_int_equal(bundle_header_parse(h, sizeof(h), &hd, &e), 0);
	assert_int_equal(hd.manifest_len, 300);
	assert_int_equal(hd.sig_len, 71);
	assert_true(bundle_header_parse(h, 10, &hd, &e) < 0);
	assert_non_null(strstr(e.msg, "cut short"));
	h[0] = 'X';
	assert_true(bundle_header_parse(h, sizeof(h), &hd, &e) < 0);
	assert_non_null(strstr(e.msg, "magic"));
	bundle_header_write(h, BUNDLE_MANIFEST_MAX + 1, 71);
	assert_true(bundle_header_parse(h, sizeof(h), &hd, &e) < 0);
	bundle_header_write(h, 300, 0);
	assert_true(bundle_header_parse(h, sizeof(h), &hd, &e) < 0);
	bundle_header_write(h, 300, 71);
	h[8] = 2;
	assert_true(bundle_header_parse(h, sizeof(h), &hd, &e) < 0);
	assert_non_null(strstr(e.msg, "format 2"));
}

static void test_version_cmp(void **state)
{
	assert_true(bundle_version_cmp("1.9", "1.10") < 0);
	assert_true(bundle_version_cmp("1.10", "1.10.1") < 0);
	assert_true(bundle_version_cmp("2.0", "1.99.99") > 0);
	assert_int_equal(bundle_version_cmp("1.0", "1.0"), 0);
	assert_int_equal(bundle_version_cmp("1.01", "1.1"), 0);
	assert_true(bundle_version_cmp("2.0~rc1", "2.0") < 0);
	assert_true(bundle_version_cmp("2.0", "2.0.1") < 0);
	assert_true(bundle_version_cmp("2.0a", "2.0b") < 0);
	assert_true(bundle_version_cmp("2024.1", "2023.12") > 0);
	assert_true(bundle_version_cmp("1.0", "1.0a") < 0);
	assert_true(bundle_version_valid("1.2.3-rc1+git"));
	assert_false(bundle_version_valid(""));
	assert_false(bundle_version_valid("-1"));
	assert_false(bundle_version_valid("1 2"));
	assert_false(bundle_version_valid("1/2"));
}

/* ---- write a bundle in memory, read it back through install_bundle ---- */

struct mem {
	unsigned char *buf;
	size_t len, off, step;   /* step: at most this much per read */
};

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct mem *m = ctx;
	size_t n = m->len - m->off;

	if (n > len)
		n = len;
	if (m->step && n > m->step)
		n = m->step;
	memcpy(buf, m->buf + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static void add(struct mem *m, const void *p, size_t n)
{
	m->buf = realloc(m->buf, m->len + n);
	assert_non_null(m->buf);
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

/* data[i] of len[i] bytes as the four artifacts, version v. */
static void make(struct mem *out, const char *v, unsigned char *data[4], size_t len[4])
{
	static const char *const names[4] = { "root.sqfs", "root.verity", "vmlinuz", "initramfs" };
	struct bundle_manifest m = { .n = 4 };
	struct cairn_err e = { "" };
	unsigned char *z[4], head[BUNDLE_HEADER_SIZE], sig[CAIRN_SIG_MAX];
	char text[4096];
	size_t siglen;
	int n;

	snprintf(m.version, sizeof(m.version), "%s", v);
	snprintf(m.compatible, sizeof(m.compatible), "unit");
	memset(m.roothash, 'a', 64);
	for (int i = 0; i < 4; i++) {
		size_t cap = ZSTD_compressBound(len[i]);

		z[i] = malloc(cap);
		snprintf(m.a[i].name, sizeof(m.a[i].name), "%s", names[i]);
		m.a[i].size = len[i];
		m.a[i].compressed = ZSTD_compress(z[i], cap, data[i], len[i], 3);
		assert_false(ZSTD_isError(m.a[i].compressed));
		mbedtls_sha256(data[i], len[i], m.a[i].sha256, 0);
	}
	n = bundle_manifest_format(&m, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal(cairn_sign_buf(key, text, (size_t)n, sig, &siglen, &e), 0);
	bundle_header_write(head, (uint32_t)n, (uint32_t)siglen);
	memset(out, 0, sizeof(*out));
	add(out, head, sizeof(head));
	add(out, text, (size_t)n);
	add(out, sig, siglen);
	for (int i = 0; i < 4; i++) {
		add(out, z[i], m.a[i].compressed);
		free(z[i]);
	}
}

static char booted_kernel[8192];

static int fake_boot(char slot, const char *kernel, const char *initrd, const char *roothash,
		     const char *version, struct cairn_err *e)
{
	FILE *f = fopen(kernel, "r");
	size_t n;

	assert_non_null(f);
	n = fread(booted_kernel, 1, sizeof(booted_kernel), f);
	booted_kernel[n] = 0;
	fclose(f);
	assert_int_equal(slot, 'b');
	assert_int_equal(strlen(roothash), 64);
	return 0;
}

static void test_install_round_trip(void **state)
{
	unsigned char *data[4];
	size_t len[4] = { 300000, 5000, 100, 1 };
	char root[128], verity[128], work[128];
	struct install_plan p = { .trust_dir = trust, .compatible = "unit",
				  .running_version = "1.0", .slot = 'b',
				  .install_boot = fake_boot };
	struct install_result res;
	struct cairn_err e = { "" };
	struct mem b;
	unsigned char *back;
	int fd;

	for (int i = 0; i < 4; i++) {
		data[i] = malloc(len[i]);
		for (size_t k = 0; k < len[i]; k++)
			data[i][k] = (unsigned char)(k * 7 + i + k / 1000);
	}
	memcpy(data[2], "kernel-bytes", 12);
	data[2][12] = 0;
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(verity, sizeof(verity), "%s/verity", dir);
	snprintf(work, sizeof(work), "%s/work/update", dir);
	fd = open(root, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_int_equal(ftruncate(fd, 400000), 0);
	close(fd);
	fd = open(verity, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_int_equal(ftruncate(fd, 5000), 0);
	close(fd);
	p.root_target = root;
	p.verity_target = verity;
	p.work_dir = work;

	make(&b, "1.1", data, len);
	b.step = 777;   /* odd-sized reads, as from a socket */
	assert_int_equal(install_bundle(mem_read, &b, &p, &res, &e), 0);
	assert_int_equal(res.slot, 'b');
	assert_string_equal(res.version, "1.1");
	assert_string_equal(res.signer, "signer.pub");
	assert_string_equal(booted_kernel, "kernel-bytes");
	back = malloc(len[0]);
	fd = open(root, O_RDONLY);
	assert_int_equal(read(fd, back, len[0]), (ssize_t)len[0]);
	close(fd);
	assert_memory_equal(back, data[0], len[0]);
	free(back);

	/* a version not newer, then allowed by nothing: refused */
	b.off = 0;
	p.running_version = "1.1";
	assert_true(install_bundle(mem_read, &b, &p, &res, &e) < 0);
	assert_non_null(strstr(e.msg, "not newer"));
	p.running_version = "1.0";
	/* data after the last artifact */
	add(&b, "x", 1);
	b.off = 0;
	assert_true(install_bundle(mem_read, &b, &p, &res, &e) < 0);
	assert_non_null(strstr(e.msg, "after the last artifact"));
	free(b.buf);
	/* the root image larger than its target */
	len[0] = 400001;
	data[0] = realloc(data[0], len[0]);
	make(&b, "1.1", data, len);
	assert_true(install_bundle(mem_read, &b, &p, &res, &e) < 0);
	assert_non_null(strstr(e.msg, "do not fit"));
	free(b.buf);
	for (int i = 0; i < 4; i++)
		free(data[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_good),
		cmocka_unit_test(test_manifest_errors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_install_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
