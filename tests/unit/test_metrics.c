/* test_metrics.c - GET /metrics: the Prometheus text against a fake
 * supervisor (the sup_* functions below), rendered directly and served
 * over a real Unix socket on a real loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "api_metrics.h"
#include "err.h"
#include "http_client.h"
#include "instance.h"

/* ---- the fake supervisor ------------------------------------------------ */

struct supervisor {
	struct instance_info inst[3];
	size_t n;
};

const char *inst_state_name(enum inst_state s)
{
	static const char *const n[] = { "stopped", "starting", "running", "stopping", "failed" };

	return s < INST__N_STATES ? n[s] : "?";
}

size_t sup_count(const struct supervisor *s) { return s->n; }

int sup_info(const struct supervisor *s, size_t i, struct instance_info *info)
{
	if (i >= s->n)
		return -ENOENT;
	*info = s->inst[i];
	return 0;
}

int sup_info_by_name(const struct supervisor *s, const char *name, struct instance_info *info)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->inst[i].name, name))
			return sup_info(s, i, info);
	return -ENOENT;
}

int sup_start(struct supervisor *s, const char *n, struct cairn_err *e) { return -ENOSYS; }
int sup_stop(struct supervisor *s, const char *n, struct cairn_err *e) { return -ENOSYS; }
int sup_restart(struct supervisor *s, const char *n, struct cairn_err *e) { return -ENOSYS; }
int sup_reload(struct supervisor *s, sup_change_cb cb, void *data, struct cairn_err *e)
{
	return -ENOSYS;
}
const char *sup_hostname(const struct supervisor *s) { return "edge-1"; }
uint64_t sup_generation(const struct supervisor *s) { return 42; }
uint64_t sup_uptime_ms(const struct supervisor *s) { return 3723999; }
int sup_host_action(struct supervisor *s, const char *action, struct cairn_err *e)
{
	return -ENOSYS;
}
const char *sup_config_text(const struct supervisor *s, size_t *len)
{
	*len = 0;
	return NULL;
}
int sup_push(struct supervisor *s, const char *conf, size_t conf_len, const unsigned char *sig,
	     size_t sig_len, unsigned try_seconds, struct cairn_err *e)
{
	return -ENOSYS;
}
int sup_confirm(struct supervisor *s, struct cairn_err *e) { return -ENOSYS; }

static void fake(struct supervisor *s)
{
	memset(s, 0, sizeof(*s));
	s->inst[0] = (struct instance_info){
		.name = "web", .kind = "service", .state = INST_RUNNING, .pid = getpid(),
		.restarts = 2, .uptime_ms = 65900, .last_exit_code = -1,
	};
	s->inst[1] = (struct instance_info){
		.name = "db", .kind = "service", .state = INST_FAILED, .pid = 0,
		.restarts = 5, .last_exit_code = 1,
	};
	s->inst[2] = (struct instance_info){
		.name = "odd\"na\\me\n", .kind = "service", .state = INST_STOPPED,
		.last_exit_code = -1,
	};
	s->n = 3;
}

/* ---- helpers ------------------------------------------------------------ */

static char *render(const struct supervisor *s)
{
	char *txt;
	size_t len;

	assert_int_equal(api_metrics_render(s, "/proc", &txt, &len), 0);
	assert_non_null(txt);
	assert_int_equal(strlen(txt), len);
	return txt;
}

static void has_line(const char *txt, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strncmp(txt, line, strlen(line)) && !strstr(txt, want))
		fail_msg("no line \"%s\" in:\n%s", line, txt);
}

/* ---- tests -------------------------------------------------------------- */

static void test_host_metrics(void **state)
{
	struct supervisor s;
	char *t;

	fake(&s);
	t = render(&s);
	has_line(t, "# HELP cairn_uptime_seconds Seconds since cairnd started.");
	has_line(t, "# TYPE cairn_uptime_seconds gauge");
	has_line(t, "cairn_uptime_seconds 3723");
	has_line(t, "# TYPE cairn_config_generation gauge");
	has_line(t, "cairn_config_generation 42");
	assert_int_equal(t[strlen(t) - 1], '\n');
	free(t);
}

static void test_instance_state(void **state)
{
	struct supervisor s;
	char *t;

	fake(&s);
	t = render(&s);
	has_line(t, "# TYPE cairn_instance_state gauge");
	has_line(t, "cairn_instance_state{name=\"web\",state=\"running\"} 1");
	has_line(t, "cairn_instance_state{name=\"web\",state=\"stopped\"} 0");
	has_line(t, "cairn_instance_state{name=\"web\",state=\"failed\"} 0");
	has_line(t, "cairn_instance_state{name=\"db\",state=\"failed\"} 1");
	has_line(t, "cairn_instance_state{name=\"db\",state=\"running\"} 0");
	has_line(t, "cairn_instance_up{name=\"web\"} 1");
	has_line(t, "cairn_instance_up{name=\"db\"} 0");
	/* One state line per state and instance, exactly one of them 1. */
	{
		int ones = 0, lines = 0;
		const char *p = t;

		while ((p = strstr(p, "\ncairn_instance_state{"))) {
			const char *eol = strchr(p + 1, '\n');

			lines++;
			ones += eol[-1] == '1';
			p = eol;
		}
		assert_int_equal(lines, 3 * INST__N_STATES);
		assert_int_equal(ones, 3);
	}
	free(t);
}

static void test_counters_and_memory(void **state)
{
	struct supervisor s;
	char *t, line[128];
	long long rss;

	fake(&s);
	t = render(&s);
	has_line(t, "# TYPE cairn_instance_restarts_total counter");
	has_line(t, "cairn_instance_restarts_total{name=\"web\"} 2");
	has_line(t, "cairn_instance_restarts_total{name=\"db\"} 5");
	has_line(t, "cairn_instance_uptime_seconds{name=\"web\"} 65");
	has_line(t, "cairn_instance_uptime_seconds{name=\"db\"} 0");
	has_line(t, "# TYPE cairn_instance_memory_bytes gauge");
	/* Memory only for what runs: this test process stands in for web. */
	assert_non_null(strstr(t, "\ncairn_instance_memory_bytes{name=\"web\"} "));
	assert_null(strstr(t, "cairn_instance_memory_bytes{name=\"db\"}"));
	rss = api_metrics_rss("/proc", getpid());
	assert_true(rss > 100 * 1024);
	assert_true(rss % 1024 == 0);
	snprintf(line, sizeof(line), "cairn_instance_memory_bytes{name=\"web\"} ");
	{
		long long shown = atoll(strstr(t, line) + strlen(line));

		assert_true(shown > rss / 2 && shown < rss * 2);
	}
	assert_int_equal(api_metrics_rss("/proc", 0), -1);
	assert_int_equal(api_metrics_rss("/nonexistent", getpid()), -1);
	free(t);
}

static void test_label_escaping(void **state)
{
	struct supervisor s;
	char *t;

	fake(&s);
	t = render(&s);
	has_line(t, "cairn_instance_state{name=\"odd\\\"na\\\\me\\n\",state=\"stopped\"} 1");
	free(t);
}

static void test_no_instances(void **state)
{
	struct supervisor s;
	char *t;

	fake(&s);
	s.n = 0;
	t = render(&s);
	has_line(t, "cairn_config_generation 42");
	/* Families are still announced, with no samples. */
	has_line(t, "# TYPE cairn_instance_up gauge");
	assert_null(strstr(t, "{name="));
	free(t);
}

static void test_served(void **state)
{
	struct supervisor s;
	struct cairn_err e = { "" };
	struct tclient c = { 0 };
	struct loop *l;
	struct api *a;
	char dir[] = "/tmp/cairn-metrics-XXXXXX", sock[64];
	static const char get[] = "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n";
	static const char put[] = "PUT /metrics HTTP/1.1\r\nConnection: close\r\n"
				  "Content-Length: 0\r\n\r\n";

	fake(&s);
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/api.sock", dir);
	assert_int_equal(loop_new(&l), 0);
	if (api_open(&a, l, &s, sock, &e) < 0)
		fail_msg("api_open: %s", e.msg);
	c.sock = sock;
	c.req = get;
	c.req_len = strlen(get);
	assert_int_equal(tclient_run(l, &c), 0);
	assert_int_equal(tresp_status(&c), 200);
	assert_non_null(strstr(c.resp, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
	has_line(tresp_body(&c), "cairn_instance_up{name=\"web\"} 1");
	tclient_free(&c);
	c.req = put;
	c.req_len = strlen(put);
	assert_int_equal(tclient_run(l, &c), 0);
	assert_int_equal(tresp_status(&c), 405);
	assert_non_null(strstr(c.resp, "Allow: GET\r\n"));
	tclient_free(&c);
	tloop_spin(l, 20);   /* let the reaper close the connections */
	api_close(a);
	loop_free(l);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_metrics),
		cmocka_unit_test(test_instance_state),
		cmocka_unit_test(test_counters_and_memory),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_no_instances),
		cmocka_unit_test(test_served),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
