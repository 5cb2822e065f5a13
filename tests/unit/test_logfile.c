/* test_logfile.c - log rotation in a temp dir: sizes stay under the cap,
 * lines are not split, the number of kept files is bounded, and nothing
 * written is lost across rotations. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "logfile.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_logfile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static long fsize(const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *name, size_t *len)
{
	char p[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void writes_and_appends(void **state)
{
	struct logfile *lf;
	struct cairn_err e;

	assert_int_equal(logfile_open(&lf, dir, "svc", 4096, 3, &e), 0);
	assert_int_equal(logfile_write(lf, "one\n", 4), 0);
	logfile_close(lf);
	/* reopening appends and knows the size */
	assert_int_equal(logfile_open(&lf, dir, "svc", 4096, 3, &e), 0);
	assert_int_equal(logfile_size(lf), 4);
	assert_int_equal(logfile_write(lf, "two\n", 4), 0);
	assert_int_equal(fsize("svc.log"), 8);
	assert_non_null(strstr(logfile_path(lf), "/svc.log"));
	logfile_close(lf);
}

/* 1000 numbered lines of 20 bytes through a 1000-byte cap, keep 3. */
static void rotation_keeps_k_files_under_the_cap(void **state)
{
	struct logfile *lf;
	struct cairn_err e;
	char line[32];

	assert_int_equal(logfile_open(&lf, dir, "r", 1000, 3, &e), 0);
	for (int k = 0; k < 1000; k++) {
		snprintf(line, sizeof(line), "line %013d\n", k); /* 19 bytes */
		assert_int_equal(logfile_write(lf, line, strlen(line)), 0);
	}
	logfile_close(lf);
	assert_int_equal(count_files(), 4); /* r.log + .1 .2 .3 */
	assert_in_range(fsize("r.log"), 1, 1000);
	assert_in_range(fsize("r.log.1"), 1000 - 19, 1000);
	assert_in_range(fsize("r.log.2"), 1000 - 19, 1000);
	assert_in_range(fsize("r.log.3"), 1000 - 19, 1000);
	assert_int_equal(fsize("r.log.4"), -1);
}

/* Every byte written is in the kept files, in order, lines whole. */
static void nothing_lost_across_rotation(void **state)
{
	struct logfile *lf;
	struct cairn_err e;
	char chunk[700], *all = NULL;
	size_t total = 0, len;
	int next = 0;

	/* big multi-line chunks, as a pipe read would deliver them */
	assert_int_equal(logfile_open(&lf, dir, "n", 4096, 10, &e), 0);
	for (int c = 0; c < 20; c++) {
		size_t n = 0;

		while (n + 12 < sizeof(chunk))
			n += (size_t)snprintf(chunk + n, sizeof(chunk) - n, "%010d\n", next++);
		assert_int_equal(logfile_write(lf, chunk, n), 0);
	}
	logfile_close(lf);
	/* oldest first: .10 ... .1, then .log */
	for (int k = 10; k >= 0; k--) {
		char name[32], *part;

		if (k)
			snprintf(name, sizeof(name), "n.log.%d", k);
		else
			snprintf(name, sizeof(name), "n.log");
		part = slurp(name, &len);
		if (!part)
			continue;
		assert_true(len <= 4096);
		assert_true(len > 0 && part[len - 1] == '\n'); /* whole lines */
		all = realloc(all, total + len + 1);
		memcpy(all + total, part, len);
		total += len;
		free(part);
	}
	assert_int_equal(total, (size_t)next * 11);
	for (int k = 0; k < next; k++) {
		char want[16];

		snprintf(want, sizeof(want), "%010d\n", k);
		assert_memory_equal(all + (size_t)k * 11, want, 11);
	}
	free(all);
}

static void long_line_is_split_not_lost(void **state)
{
	struct logfile *lf;
	struct cairn_err e;
	char big[10000];

	memset(big, 'x', sizeof(big));
	assert_int_equal(logfile_open(&lf, dir, "big", 4096, 5, &e), 0);
	assert_int_equal(logfile_write(lf, big, sizeof(big)), 0);
	logfile_close(lf);
	assert_int_equal(fsize("big.log.2") + fsize("big.log.1") + fsize("big.log"), 10000);
	assert_int_equal(fsize("big.log.2"), 4096);
}

static void keep_zero_truncates(void **state)
{
	struct logfile *lf;
	struct cairn_err e;
	char line[100];

	memset(line, 'y', sizeof(line));
	line[99] = '\n';
	assert_int_equal(logfile_open(&lf, dir, "z", 4096, 0, &e), 0);
	for (int k = 0; k < 100; k++)
		assert_int_equal(logfile_write(lf, line, sizeof(line)), 0);
	logfile_close(lf);
	assert_int_equal(count_files(), 1);
	assert_in_range(fsize("z.log"), 100, 4096);
}

static void bad_dir_is_an_error(void **state)
{
	struct logfile *lf;
	struct cairn_err e = { "" };

	assert_true(logfile_open(&lf, "/proc/nonexistent/dir", "x", 4096, 1, &e) < 0);
	assert_non_null(strstr(e.msg, "/proc/nonexistent/dir"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(writes_and_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(rotation_keeps_k_files_under_the_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_lost_across_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(long_line_is_split_not_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(keep_zero_truncates, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_dir_is_an_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
