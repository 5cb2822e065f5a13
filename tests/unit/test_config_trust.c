/* test_config_trust.c - the [trust] section: client fingerprints (case,
 * colons, repeats), client_ca, and every error with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_test_helpers.h"

#define FP_A "6e4af83e0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912"
#define FP_A_UPPER_COLONS \
	"6E:4A:F8:3E:0B:1C:2D:3E:4F:5A:6B:7C:8D:9E:0F:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:12"
#define FP_B "0000000000000000000000000000000000000000000000000000000000000abc"

/* [trust] errors are grammar errors: -EINVAL. */
#define expect_err(text, msg) expect_err_as((text), (msg), ERR_EINVAL)

static void no_trust_section(void **state)
{
	struct cairn_config *c = parse_ok("[host]\nhostname = a\n");

	(void)state;
	assert_int_equal(c->trust_line, 0);
	assert_null(c->trust_clients);
	assert_null(c->trust_client_ca);
	cairn_config_free(c);
}

static void clients_and_ca(void **state)
{
	struct cairn_config *c = parse_ok(
		"[host]\ngeneration = 3\n\n"
		"[trust]\n"
		"# the operator's laptop, any case, colons\n"
		"client = " FP_A_UPPER_COLONS "\n"
		"client=" FP_B "\n"
		"client = " FP_A "\n"          /* the same one again: kept once */
		"client_ca = /etc/cairn/trust/ops-ca.crt\n"
		"\n[service s]\nexec = /bin/true\n");

	(void)state;
	assert_int_equal(c->trust_line, 4);
	assert_non_null(c->trust_clients);
	assert_string_equal(c->trust_clients[0], FP_A);
	assert_string_equal(c->trust_clients[1], FP_B);
	assert_null(c->trust_clients[2]);
	assert_string_equal(c->trust_client_ca, "/etc/cairn/trust/ops-ca.crt");
	assert_int_equal(c->n_services, 1);
	cairn_config_free(c);
}

static void empty_section(void **state)
{
	struct cairn_config *c = parse_ok("[trust]\n");

	(void)state;
	assert_int_equal(c->trust_line, 1);
	assert_null(c->trust_clients);
	assert_null(c->trust_client_ca);
	cairn_config_free(c);
}

static void errors(void **state)
{
	(void)state;
	expect_err("[trust]\nclient = abc\n",
		   "t.conf:2: bad value 'abc' for 'client' in [trust]: expected a SHA-256 fingerprint: "
		   "64 hex digits, colons allowed (cairnctl cert fingerprint CERT)");
	/* 63 and 65 digits, a non-hex digit */
	expect_err("[trust]\nclient = " FP_A "0\n",
		   "t.conf:2: bad value '" FP_A "0' for 'client' in [trust]: expected a SHA-256 fingerprint: "
		   "64 hex digits, colons allowed (cairnctl cert fingerprint CERT)");
	expect_err("[trust]\n\nclient = g" FP_A "\n",
		   "t.conf:3: bad value 'g" FP_A "' for 'client' in [trust]: expected a SHA-256 fingerprint: "
		   "64 hex digits, colons allowed (cairnctl cert fingerprint CERT)");
	expect_err("[trust]\nclient_ca = ca.crt\n",
		   "t.conf:2: bad value 'ca.crt' for 'client_ca' in [trust]: expected an absolute path");
	expect_err("[trust]\nclient_ca = /a\nclient_ca = /b\n",
		   "t.conf:3: duplicate key 'client_ca' in [trust] (first on line 2)");
	expect_err("[trust]\n[trust]\n", "t.conf:2: duplicate section [trust] (first on line 1)");
	expect_err("[trust x]\n", "t.conf:1: section [trust] takes no name (found 'x')");
	expect_err("[trust]\nclients = " FP_A "\n", "t.conf:2: unknown key 'clients' in [trust]");
}

static void fingerprint_norm(void **state)
{
	char out[65];

	(void)state;
	assert_int_equal(cairn_config_fingerprint(FP_A_UPPER_COLONS, out), 0);
	assert_string_equal(out, FP_A);
	assert_int_equal(cairn_config_fingerprint(FP_B, out), 0);
	assert_string_equal(out, FP_B);
	assert_int_equal(cairn_config_fingerprint("", out), -EINVAL);
	assert_int_equal(cairn_config_fingerprint(FP_B "a", out), -EINVAL);
	assert_int_equal(cairn_config_fingerprint(FP_B + 1, out), -EINVAL);
	assert_int_equal(cairn_config_fingerprint(FP_B " ", out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_trust_section),
		cmocka_unit_test(clients_and_ca),
		cmocka_unit_test(empty_section),
		cmocka_unit_test(errors),
		cmocka_unit_test(fingerprint_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
