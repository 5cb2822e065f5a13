/* test_sha256.c - both SHA-256 backends give the FIPS 180-2 digests, fed
 * whole or in odd pieces, and libcrypto is what the build root (and so
 * the image, which carries the same library) hashes with. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static const char *const msgs[] = {
	"abc",
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
};
static const unsigned char want[][32] = {
	{ 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	  0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad },
	{ 0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
	  0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1 },
};
/* a million 'a's */
static const unsigned char want_million[32] = {
	0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
	0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0,
};

static void digest(struct cairn_sha256 *h, const void *p, size_t n, size_t piece, unsigned char out[32])
{
	const char *c = p;

	assert_non_null(h);
	while (n) {
		size_t k = n < piece ? n : piece;

		assert_int_equal(cairn_sha256_update(h, c, k), 0);
		c += k;
		n -= k;
	}
	assert_int_equal(cairn_sha256_final(h, out), 0);
	cairn_sha256_free(h);
}

static void check_backend(bool portable)
{
	unsigned char out[32];
	char *a = malloc(1000000);

	assert_non_null(a);
	memset(a, 'a', 1000000);
	for (size_t k = 0; k < sizeof(msgs) / sizeof(msgs[0]); k++) {
		for (size_t piece = 1; piece <= 64; piece *= 7) {
			struct cairn_sha256 *h = portable ? cairn_sha256_new_portable() : cairn_sha256_new();

			digest(h, msgs[k], strlen(msgs[k]), piece, out);
			assert_memory_equal(out, want[k], 32);
		}
	}
	digest(portable ? cairn_sha256_new_portable() : cairn_sha256_new(), a, 1000000, 65537, out);
	assert_memory_equal(out, want_million, 32);
	free(a);
}

static void test_libcrypto(void **state)
{
	struct cairn_sha256 *h = cairn_sha256_new();

	(void)state;
	assert_non_null(h);
	assert_string_equal(cairn_sha256_impl(h), "libcrypto.so.3");
	cairn_sha256_free(h);
	check_backend(false);
}

static void test_portable(void **state)
{
	struct cairn_sha256 *h = cairn_sha256_new_portable();

	(void)state;
	assert_non_null(h);
	assert_string_equal(cairn_sha256_impl(h), "mbedtls");
	cairn_sha256_free(h);
	check_backend(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libcrypto),
		cmocka_unit_test(test_portable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
