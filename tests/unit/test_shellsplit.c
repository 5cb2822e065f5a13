/* test_shellsplit.c - word splitting and quoting for exec/environment,
 * and the string vectors they produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsplit.h"
#include "strv.h"

/* Split s and compare with the expected words (NULL-terminated list). */
static void expect_words(const char *s, ...)
{
	struct cairn_err e = { "" };
	char **v = NULL;
	const char *w;
	size_t i = 0;
	va_list ap;

	if (cairn_shellsplit(s, &v, &e) < 0)
		print_error("%s: %s\n", s, e.msg);
	va_start(ap, s);
	while ((w = va_arg(ap, const char *))) {
		assert_non_null(v);
		assert_non_null(v[i]);
		assert_string_equal(v[i], w);
		i++;
	}
	va_end(ap);
	assert_int_equal(cairn_strv_len(v), i);
	cairn_strv_free(v);
}

static void expect_fail(const char *s, const char *msg)
{
	struct cairn_err e = { "" };
	char **v = (char **)&v;

	assert_int_equal(cairn_shellsplit(s, &v, &e), -EINVAL);
	assert_null(v);
	assert_string_equal(e.msg, msg);
}

static void test_plain(void **state)
{
	(void)state;
	expect_words("", NULL);
	expect_words("  \t ", NULL);
	expect_words("a", "a", NULL);
	expect_words("  a  b\tc  ", "a", "b", "c", NULL);
	expect_words("/bin/httpd -f -p 8080", "/bin/httpd", "-f", "-p", "8080", NULL);
	/* Nothing is expanded and # is no comment. */
	expect_words("echo $HOME * ~ #x", "echo", "$HOME", "*", "~", "#x", NULL);
}

static void test_quotes(void **state)
{
	(void)state;
	expect_words("'a b'  c", "a b", "c", NULL);
	expect_words("\"a b\"", "a b", NULL);
	expect_words("''", "", NULL);
	expect_words("\"\" x ''", "", "x", "", NULL);
	expect_words("a'b c'd", "ab cd", NULL);
	expect_words("'it'\\''s'", "it's", NULL);
	expect_words("\"it's\"", "it's", NULL);
	expect_words("'say \"hi\"'", "say \"hi\"", NULL);
	/* Backslash in single quotes is literal. */
	expect_words("'a\\nb\\'", "a\\nb\\", NULL);
	/* In double quotes only \" \\ \$ \` lose their backslash. */
	expect_words("\"a\\\"b\\\\c\\$d\\`e\\nf\"", "a\"b\\c$d`e\\nf", NULL);
	expect_words("sh -c 'while :; do date; sleep 5; done'",
		     "sh", "-c", "while :; do date; sleep 5; done", NULL);
	expect_words("K=\"v 1\" K2='v 2'", "K=v 1", "K2=v 2", NULL);
}

static void test_backslash(void **state)
{
	(void)state;
	expect_words("a\\ b", "a b", NULL);
	expect_words("\\'x\\'", "'x'", NULL);
	expect_words("\\\\", "\\", NULL);
	expect_words("\\a", "a", NULL);
}

static void test_errors(void **state)
{
	(void)state;
	expect_fail("a 'b", "unterminated single quote (opened at column 3)");
	expect_fail("\"", "unterminated double quote (opened at column 1)");
	expect_fail("x \"a\\\"", "unterminated double quote (opened at column 3)");
	expect_fail("ab\\", "backslash at the end of the line (column 3)");
	expect_fail("'a' 'b' \"c", "unterminated double quote (opened at column 9)");
	/* A NULL error buffer is fine. */
	{
		char **v;

		assert_int_equal(cairn_shellsplit("'", &v, NULL), -EINVAL);
	}
}

/* Whatever a word holds, quoting it and splitting it back gives it back. */
static void test_quote_roundtrip(void **state)
{
	static const char *const words[] = {
		"plain", "/bin/x", "a b", "", "'", "it's", "\"", "\\", "$HOME", "a\tb",
		"tab\t'both'\"kinds\"", "#", "K=v 1", "--opt=1,2", "ünï",
	};
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	char **v = NULL;
	size_t n = sizeof(words) / sizeof(words[0]);

	(void)state;
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		cairn_shellquote(f, words[i]);
	}
	fclose(f);
	assert_int_equal(cairn_shellsplit(buf, &v, NULL), 0);
	assert_int_equal(cairn_strv_len(v), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i], words[i]);
	cairn_strv_free(v);
	free(buf);
}

static void test_strv(void **state)
{
	char **v = NULL, **more = NULL, **copy;

	(void)state;
	assert_int_equal(cairn_strv_len(NULL), 0);
	assert_null(cairn_strv_dup(NULL));
	cairn_strv_free(NULL);
	assert_int_equal(cairn_strv_push_dup(&v, "a"), 0);
	assert_int_equal(cairn_strv_push(&v, strdup("b")), 0);
	assert_int_equal(cairn_strv_push(&v, NULL), -ENOMEM);
	assert_int_equal(cairn_strv_len(v), 2);
	assert_true(cairn_strv_contains(v, "b"));
	assert_false(cairn_strv_contains(v, "c"));
	assert_false(cairn_strv_contains(NULL, "c"));
	assert_int_equal(cairn_strv_extend(&v, &more), 0);
	assert_int_equal(cairn_strv_len(v), 2);
	assert_int_equal(cairn_strv_push_dup(&more, "c"), 0);
	assert_int_equal(cairn_strv_push_dup(&more, "d"), 0);
	assert_int_equal(cairn_strv_extend(&v, &more), 0);
	assert_null(more);
	assert_int_equal(cairn_strv_len(v), 4);
	assert_string_equal(v[3], "d");
	assert_null(v[4]);
	copy = cairn_strv_dup(v);
	assert_non_null(copy);
	assert_ptr_not_equal(copy[0], v[0]);
	assert_string_equal(copy[2], "c");
	assert_null(copy[4]);
	cairn_strv_free(copy);
	cairn_strv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_backslash),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_quote_roundtrip),
		cmocka_unit_test(test_strv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
