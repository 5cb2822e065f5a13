/* config_test_helpers.h - parse helpers for the cmocka tests of the config
 * grammar (test_config*.c): a config that must parse, and one that must be
 * refused with a given message.  Include after <cmocka.h>. */
#ifndef CAIRN_CONFIG_TEST_HELPERS_H
#define CAIRN_CONFIG_TEST_HELPERS_H

#include <errno.h>
#include <string.h>

#include "config.h"

/* parse_ok: TEXT must parse; the caller frees the config. */
static inline struct cairn_config *parse_ok(const char *text)
{
	struct cairn_config *c = NULL;
	struct cairn_err e = { "" };
	int ret = cairn_config_parse(text, strlen(text), "t.conf", &c, &e);

	if (ret < 0)
		print_error("unexpected error: %s\n", e.msg);
	assert_int_equal(ret, 0);
	assert_non_null(c);
	return c;
}

/* What expect_err_as checks beyond the message and the absent config. */
enum {
	ERR_EINVAL = 1,  /* the return is exactly -EINVAL, not any negative one */
	ERR_CLEARS = 2,  /* the parser clears a non-NULL config pointer itself */
};

/* expect_err_as: TEXT must be refused with the message MSG and no config;
 * CHECKS (ERR_*) adds the stricter checks a test file asks for. */
static inline void expect_err_as(const char *text, const char *msg, int checks)
{
	struct cairn_config *c = (checks & ERR_CLEARS) ? (struct cairn_config *)&c : NULL;
	struct cairn_err e = { "" };
	int ret = cairn_config_parse(text, strlen(text), "t.conf", &c, &e);

	if (ret >= 0 || strcmp(e.msg, msg) != 0)
		print_error("config:\n%s\nwant: %s\ngot:  %s\n", text, msg, e.msg);
	if (checks & ERR_EINVAL)
		assert_int_equal(ret, -EINVAL);
	else
		assert_true(ret < 0);
	assert_null(c);
	assert_string_equal(e.msg, msg);
}

#endif
