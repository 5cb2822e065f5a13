/* test_cli_format.c - cairnctl's tables (cli/format.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

static char *render(int (*fn)(FILE *, const cJSON *), const char *json, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cJSON *o = cJSON_Parse(json);

	*ret = fn(f, o);
	fclose(f);
	cJSON_Delete(o);
	return buf;
}

static void test_duration(void **state)
{
	char b[32];

	fmt_duration(b, sizeof(b), 0);
	assert_string_equal(b, "0s");
	fmt_duration(b, sizeof(b), 59);
	assert_string_equal(b, "59s");
	fmt_duration(b, sizeof(b), 192);
	assert_string_equal(b, "3m12s");
	fmt_duration(b, sizeof(b), 7500);
	assert_string_equal(b, "2h05m");
	fmt_duration(b, sizeof(b), 280000);
	assert_string_equal(b, "3d05h");
	fmt_duration(b, sizeof(b), -5);
	assert_string_equal(b, "0s");
}

static void test_instances_table(void **state)
{
	int r;
	char *s = render(fmt_instances,
			 "[{\"name\":\"web\",\"state\":\"running\",\"pid\":412,\"restarts\":0,"
			 "\"uptime\":3600,\"reason\":\"\"},"
			 "{\"name\":\"backup\",\"state\":\"failed\",\"pid\":null,\"restarts\":5,"
			 "\"uptime\":0,\"reason\":\"restart burst exhausted\"}]", &r);

	assert_int_equal(r, 0);
	assert_string_equal(s,
		"NAME    STATE    PID  RESTARTS  UPTIME  REASON\n"
		"web     running  412  0         1h00m   -\n"
		"backup  failed   -    5         -       restart burst exhausted\n");
	free(s);
	s = render(fmt_instances, "{\"not\":\"an array\"}", &r);
	assert_int_equal(r, -EINVAL);
	free(s);
	s = render(fmt_instances, "[]", &r);
	assert_int_equal(r, 0);
	assert_string_equal(s, "NAME  STATE  PID  RESTARTS  UPTIME  REASON\n");
	free(s);
}

static void test_instance_and_info(void **state)
{
	int r;
	char *s = render(fmt_instance, "{\"name\":\"web\",\"state\":\"stopped\",\"uptime\":5,"
			 "\"last_exit_signal\":15}", &r);

	assert_int_equal(r, 0);
	assert_non_null(strstr(s, "name:              web\n"));
	assert_non_null(strstr(s, "uptime:            -\n"));   /* not running */
	assert_non_null(strstr(s, "last exit signal:  15\n"));
	assert_non_null(strstr(s, "kind:              -\n"));   /* missing member */
	free(s);
	s = render(fmt_info, "{\"name\":\"h\",\"version\":\"1\",\"config_generation\":7,\"uptime\":61}", &r);
	assert_int_equal(r, 0);
	assert_string_equal(s, "name:              h\nversion:           1\n"
			    "config generation: 7\nuptime:            1m01s\n");
	free(s);
	s = render(fmt_info, "[]", &r);
	assert_int_equal(r, -EINVAL);
	free(s);
}

static void test_reload(void **state)
{
	int r;
	char *s = render(fmt_reload, "{\"changed\":[\"a\",\"b\"],\"added\":[],\"removed\":[\"c\"]}", &r);

	assert_int_equal(r, 0);
	assert_string_equal(s, "changed  a b\nremoved  c\n");
	free(s);
	s = render(fmt_reload, "{\"changed\":[],\"added\":[],\"removed\":[]}", &r);
	assert_string_equal(s, "no changes\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_instances_table),
		cmocka_unit_test(test_instance_and_info),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
