/* test_fileio.c - atomic writes and capped reads (lib/fileio.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_fileio.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_write_atomic_replaces(void **state)
{
	struct cairn_err e = { "" };
	char p[PATH_MAX], *buf;
	struct stat st;
	size_t len;

	snprintf(p, sizeof(p), "%s/a", dir);
	assert_int_equal(cairn_write_atomic(p, "one", 3, 0640, &e), 0);
	assert_int_equal(cairn_write_atomic(p, "second", 6, 0600, &e), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(cairn_read_file(p, 100, &buf, &len, &e), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "second");
	free(buf);

	/* An empty file is a file. */
	assert_int_equal(cairn_write_atomic(p, "", 0, 0644, &e), 0);
	assert_int_equal(cairn_read_file(p, 100, &buf, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);

	/* A directory that does not exist. */
	snprintf(p, sizeof(p), "%s/nosuch/a", dir);
	assert_int_equal(cairn_write_atomic(p, "x", 1, 0644, &e), -ENOENT);
}

static void test_write_new_refuses(void **state)
{
	struct cairn_err e = { "" };
	char p[PATH_MAX], msg[PATH_MAX + 64], *buf;
	size_t len;

	snprintf(p, sizeof(p), "%s/new", dir);
	assert_int_equal(cairn_write_new(p, "first", 5, 0600, &e), 0);
	assert_int_equal(cairn_write_new(p, "again", 5, 0600, &e), -EEXIST);
	snprintf(msg, sizeof(msg), "%s: already exists, not overwriting", p);
	assert_string_equal(e.msg, msg);
	assert_int_equal(cairn_read_file(p, 100, &buf, &len, &e), 0);
	assert_string_equal(buf, "first");
	free(buf);
}

static void test_read_cap(void **state)
{
	struct cairn_err e = { "" };
	char p[PATH_MAX], *buf = (char *)1;
	size_t len = 7;

	snprintf(p, sizeof(p), "%s/big", dir);
	assert_int_equal(cairn_write_atomic(p, "0123456789", 10, 0644, &e), 0);
	assert_int_equal(cairn_read_file(p, 9, &buf, &len, &e), -EFBIG);
	assert_null(buf);
	assert_non_null(strstr(e.msg, "too large"));
	assert_int_equal(cairn_read_file(p, 10, &buf, &len, &e), 0);
	assert_int_equal(len, 10);
	free(buf);
	assert_int_equal(cairn_read_file(dir, 10, &buf, &len, &e), -EISDIR);
	snprintf(p, sizeof(p), "%s/nosuch", dir);
	assert_int_equal(cairn_read_file(p, 10, &buf, &len, &e), -ENOENT);
	/* Files with no size up front are capped too. */
	assert_int_equal(cairn_read_file("/proc/self/status", 16, &buf, &len, &e), -EFBIG);
	assert_int_equal(cairn_read_file("/proc/self/status", 1 << 20, &buf, &len, &e), 0);
	assert_true(len > 16);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_replaces),
		cmocka_unit_test(test_write_new_refuses),
		cmocka_unit_test(test_read_cap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
