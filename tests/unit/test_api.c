/* test_api.c - the API's routes and JSON against a fake supervisor (the
 * sup_* functions below), over a real Unix socket on a real loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "api_log.h"
#include "err.h"
#include "http_client.h"
#include "instance.h"

/* ---- the fake supervisor ------------------------------------------------ */

struct supervisor {
	struct instance_info inst[2];
	char last_action[64];
	int reload_ret;
	int host_ret;
	char host_action[32];
	const char *config_text;   /* GET /1.0/config; NULL: none */
	int push_ret;
	char pushed[256];
	unsigned char pushed_sig[80];
	size_t pushed_sig_len;
	unsigned pushed_try;
	int confirm_ret;
	int confirms;
};

const char *inst_state_name(enum inst_state s)
{
	static const char *const n[] = { "stopped", "starting", "running", "stopping", "failed" };

	return s < INST__N_STATES ? n[s] : "?";
}

size_t sup_count(const struct supervisor *s) { return 2; }

int sup_info(const struct supervisor *s, size_t i, struct instance_info *info)
{
	if (i >= 2)
		return -ENOENT;
	*info = s->inst[i];
	return 0;
}

int sup_info_by_name(const struct supervisor *s, const char *name, struct instance_info *info)
{
	for (size_t i = 0; i < 2; i++)
		if (!strcmp(s->inst[i].name, name))
			return sup_info(s, i, info);
	return -ENOENT;
}

static int act(struct supervisor *s, const char *what, const char *name, struct cairn_err *e)
{
	struct instance_info in;

	if (sup_info_by_name(s, name, &in) < 0)
		return cairn_err_set(e, -ENOENT, "no such instance");
	snprintf(s->last_action, sizeof(s->last_action), "%s %s", what, name);
	if (!strcmp(name, "db") && !strcmp(what, "start"))
		return cairn_err_set(e, -EIO, "spawning db: boom");
	return 0;
}

int sup_start(struct supervisor *s, const char *n, struct cairn_err *e) { return act(s, "start", n, e); }
int sup_stop(struct supervisor *s, const char *n, struct cairn_err *e) { return act(s, "stop", n, e); }
int sup_restart(struct supervisor *s, const char *n, struct cairn_err *e) { return act(s, "restart", n, e); }

int sup_reload(struct supervisor *s, sup_change_cb cb, void *data, struct cairn_err *e)
{
	if (s->reload_ret < 0)
		return cairn_err_set(e, s->reload_ret, "/etc/cairn.conf:12: unknown key \"exce\"");
	cb("changed", "web", data);
	cb("added", "new1", data);
	cb("added", "new2", data);
	return 0;
}

const char *sup_hostname(const struct supervisor *s) { return "edge-1"; }
uint64_t sup_generation(const struct supervisor *s) { return 42; }
uint64_t sup_uptime_ms(const struct supervisor *s) { return 3723000; }

int sup_host_action(struct supervisor *s, const char *action, struct cairn_err *e)
{
	snprintf(s->host_action, sizeof(s->host_action), "%s", action);
	if (s->host_ret < 0)
		return cairn_err_set(e, s->host_ret, "init.sock: connection refused");
	return 0;
}

const char *sup_config_text(const struct supervisor *s, size_t *len)
{
	*len = s->config_text ? strlen(s->config_text) : 0;
	return s->config_text;
}

int sup_push(struct supervisor *s, const char *conf, size_t conf_len, const unsigned char *sig,
	     size_t sig_len, unsigned try_seconds, struct cairn_err *e)
{
	if (s->push_ret < 0)
		return cairn_err_set(e, s->push_ret, "signature does not verify with any trusted signer");
	snprintf(s->pushed, sizeof(s->pushed), "%.*s", (int)conf_len, conf);
	s->pushed_sig_len = sig_len < sizeof(s->pushed_sig) ? sig_len : sizeof(s->pushed_sig);
	memcpy(s->pushed_sig, sig, s->pushed_sig_len);
	s->pushed_try = try_seconds;
	return 0;
}

int sup_confirm(struct supervisor *s, struct cairn_err *e)
{
	if (s->confirm_ret < 0)
		return cairn_err_set(e, s->confirm_ret, "nothing to confirm");
	s->confirms++;
	return 0;
}

/* ---- fixture ------------------------------------------------------------ */

struct fx {
	struct supervisor sup;
	struct loop *l;
	struct api *api;
	char dir[64], sock[128], log[128];
	struct tclient c;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct cairn_err e = { "" };
	FILE *lf;

	strcpy(f->dir, "/tmp/cairn-api-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sock, sizeof(f->sock), "%s/api.sock", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/web.log", f->dir);
	lf = fopen(f->log, "w");
	fputs("one\ntwo\nthree\nfour\nfive\n", lf);
	fclose(lf);
	f->sup.inst[0] = (struct instance_info){
		.name = "web", .kind = "service", .state = INST_RUNNING, .pid = 1234,
		.restarts = 2, .last_exit_code = 1, .last_exit_signal = 0,
		.since_ms = 1700000000000ull, .uptime_ms = 65000, .reason = "",
		.log_path = f->log,
	};
	f->sup.inst[1] = (struct instance_info){
		.name = "db", .kind = "service", .state = INST_FAILED, .pid = 0,
		.restarts = 5, .last_exit_code = -1, .last_exit_signal = 9,
		.since_ms = 0, .uptime_ms = 0, .reason = "restart burst exhausted",
		.log_path = "/nonexistent/db.log",
	};
	assert_int_equal(loop_new(&f->l), 0);
	if (api_open(&f->api, f->l, &f->sup, f->sock, &e) < 0)
		fail_msg("api_open: %s", e.msg);
	f->c.sock = f->sock;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[200];

	tclient_free(&f->c);
	api_close(f->api);
	loop_free(f->l);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Send method path [body]; returns the status; body via tresp_body. */
static int req(struct fx *f, const char *method, const char *path, const char *body)
{
	static char buf[4096];

	tclient_free(&f->c);
	snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
		 method, path, body ? strlen(body) : 0, body ? body : "");
	f->c.req = buf;
	f->c.req_len = strlen(buf);
	assert_int_equal(tclient_run(f->l, &f->c), 0);
	return tresp_status(&f->c);
}

static cJSON *json_body(struct fx *f)
{
	cJSON *o = cJSON_Parse(tresp_body(&f->c));

	if (!o)
		fail_msg("not JSON: %s", tresp_body(&f->c));
	return o;
}

static void assert_error(struct fx *f, const char *needle)
{
	cJSON *o = json_body(f);
	const cJSON *m = cJSON_GetObjectItem(o, "error");

	assert_true(cJSON_IsString(m));
	if (!strstr(m->valuestring, needle))
		fail_msg("error \"%s\" lacks \"%s\"", m->valuestring, needle);
	cJSON_Delete(o);
}

/* ---- tests -------------------------------------------------------------- */

static void test_socket_mode(void **state)
{
	struct fx *f = *state;
	struct stat st;

	assert_int_equal(stat(f->sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_socket_live_and_stale(void **state)
{
	struct fx *f = *state;
	struct cairn_err e = { "" };
	struct api *a2;
	struct loop *l2;

	assert_int_equal(loop_new(&l2), 0);
	/* A live server keeps its socket. */
	assert_int_equal(api_open(&a2, l2, &f->sup, f->sock, &e), -EADDRINUSE);
	assert_non_null(strstr(e.msg, "another server"));
	/* A dead one's socket file is replaced. */
	api_close(f->api);
	f->api = NULL;
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		strcpy(sa.sun_path, f->sock);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);   /* bound, never listening: stale */
	}
	assert_int_equal(api_open(&f->api, f->l, &f->sup, f->sock, &e), 0);
	assert_int_equal(req(f, "GET", "/1.0", NULL), 200);
	/* Not a socket: left alone. */
	{
		char p[160];

		snprintf(p, sizeof(p), "%s/file", f->dir);
		close(open(p, O_CREAT | O_WRONLY, 0600));
		assert_int_equal(api_open(&a2, l2, &f->sup, p, &e), -EEXIST);
	}
	loop_free(l2);
}

static void test_get_host(void **state)
{
	struct fx *f = *state;
	cJSON *o;

	assert_int_equal(req(f, "GET", "/1.0", NULL), 200);
	assert_non_null(strstr(f->c.resp, "Content-Type: application/json\r\n"));
	o = json_body(f);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, "edge-1");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "version")));
	assert_int_equal(cJSON_GetObjectItem(o, "config_generation")->valueint, 42);
	assert_int_equal(cJSON_GetObjectItem(o, "uptime")->valueint, 3723);
	cJSON_Delete(o);
	assert_int_equal(req(f, "GET", "/1.0/", NULL), 200);
}

static void test_instances(void **state)
{
	struct fx *f = *state;
	cJSON *o, *w, *d;

	assert_int_equal(req(f, "GET", "/1.0/instances", NULL), 200);
	o = json_body(f);
	assert_true(cJSON_IsArray(o));
	assert_int_equal(cJSON_GetArraySize(o), 2);
	w = cJSON_GetArrayItem(o, 0);
	d = cJSON_GetArrayItem(o, 1);
	assert_string_equal(cJSON_GetObjectItem(w, "name")->valuestring, "web");
	assert_string_equal(cJSON_GetObjectItem(w, "kind")->valuestring, "service");
	assert_string_equal(cJSON_GetObjectItem(w, "state")->valuestring, "running");
	assert_int_equal(cJSON_GetObjectItem(w, "pid")->valueint, 1234);
	assert_int_equal(cJSON_GetObjectItem(w, "restarts")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(w, "last_exit_code")->valueint, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(w, "last_exit_signal")));
	assert_string_equal(cJSON_GetObjectItem(w, "since")->valuestring, "2023-11-14T22:13:20Z");
	assert_int_equal(cJSON_GetObjectItem(w, "uptime")->valueint, 65);
	assert_string_equal(cJSON_GetObjectItem(w, "reason")->valuestring, "");
	assert_string_equal(cJSON_GetObjectItem(w, "log")->valuestring, f->log);
	assert_string_equal(cJSON_GetObjectItem(d, "state")->valuestring, "failed");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "pid")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "last_exit_code")));
	assert_int_equal(cJSON_GetObjectItem(d, "last_exit_signal")->valueint, 9);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "since")));
	assert_string_equal(cJSON_GetObjectItem(d, "reason")->valuestring, "restart burst exhausted");
	cJSON_Delete(o);

	assert_int_equal(req(f, "GET", "/1.0/instances/db", NULL), 200);
	o = json_body(f);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, "db");
	cJSON_Delete(o);
}

static void test_not_found_and_methods(void **state)
{
	struct fx *f = *state;

	assert_int_equal(req(f, "GET", "/1.0/instances/nope", NULL), 404);
	assert_error(f, "no such instance: nope");
	assert_int_equal(req(f, "GET", "/1.0/instances/nope/log", NULL), 404);
	assert_int_equal(req(f, "PUT", "/1.0/instances/nope/state", "{\"action\":\"start\"}"), 404);
	assert_int_equal(req(f, "GET", "/", NULL), 404);
	assert_int_equal(req(f, "GET", "/2.0", NULL), 404);
	assert_int_equal(req(f, "GET", "/1.0/frob", NULL), 404);
	assert_error(f, "not found: /1.0/frob");
	assert_int_equal(req(f, "GET", "/1.0/instances/web/x", NULL), 404);
	assert_int_equal(req(f, "GET", "/1.0//instances", NULL), 404);
	assert_int_equal(req(f, "GET", "/1.0/host/halt", NULL), 404);

	assert_int_equal(req(f, "DELETE", "/1.0/instances", NULL), 405);
	assert_non_null(strstr(f->c.resp, "Allow: GET\r\n"));
	assert_error(f, "method not allowed");
	assert_int_equal(req(f, "POST", "/1.0", NULL), 405);
	assert_int_equal(req(f, "GET", "/1.0/instances/web/state", NULL), 405);
	assert_non_null(strstr(f->c.resp, "Allow: PUT\r\n"));
	assert_int_equal(req(f, "GET", "/1.0/config/reload", NULL), 405);
	assert_int_equal(req(f, "GET", "/1.0/host/reboot", NULL), 405);
	assert_non_null(strstr(f->c.resp, "Allow: POST\r\n"));
}

static void test_state_actions(void **state)
{
	struct fx *f = *state;
	cJSON *o;

	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":\"stop\"}"), 200);
	assert_string_equal(f->sup.last_action, "stop web");
	o = json_body(f);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, "web");
	cJSON_Delete(o);
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":\"restart\"}"), 200);
	assert_string_equal(f->sup.last_action, "restart web");
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":\"start\"}"), 200);
	assert_string_equal(f->sup.last_action, "start web");

	f->sup.last_action[0] = 0;
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":"), 400);
	assert_error(f, "JSON object");
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "[1]"), 400);
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", NULL), 400);
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"act\":\"stop\"}"), 400);
	assert_error(f, "missing \"action\"");
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":\"explode\"}"), 400);
	assert_error(f, "unknown action \"explode\"");
	assert_int_equal(req(f, "PUT", "/1.0/instances/web/state", "{\"action\":5}"), 400);
	assert_string_equal(f->sup.last_action, "");
	/* The supervisor's own failure comes back with its message. */
	assert_int_equal(req(f, "PUT", "/1.0/instances/db/state", "{\"action\":\"start\"}"), 500);
	assert_error(f, "spawning db: boom");
}

static void test_reload(void **state)
{
	struct fx *f = *state;
	cJSON *o;

	assert_int_equal(req(f, "POST", "/1.0/config/reload", NULL), 200);
	o = json_body(f);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "changed")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "added")), 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "removed")), 0);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "added"), 1)->valuestring, "new2");
	cJSON_Delete(o);
	f->sup.reload_ret = -EINVAL;
	assert_int_equal(req(f, "POST", "/1.0/config/reload", NULL), 400);
	assert_error(f, "/etc/cairn.conf:12: unknown key");
}

static void test_host_actions(void **state)
{
	struct fx *f = *state;

	assert_int_equal(req(f, "POST", "/1.0/host/reboot", NULL), 202);
	assert_string_equal(f->sup.host_action, "reboot");
	assert_string_equal(tresp_body(&f->c), "{\"status\":\"accepted\"}\n");
	assert_int_equal(req(f, "POST", "/1.0/host/poweroff", NULL), 202);
	assert_string_equal(f->sup.host_action, "poweroff");
	f->sup.host_ret = -ECONNREFUSED;
	assert_int_equal(req(f, "POST", "/1.0/host/reboot", NULL), 500);
	assert_error(f, "connection refused");
}

static void test_too_large(void **state)
{
	struct fx *f = *state;
	const char *r = "PUT /1.0/instances/web/state HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n";

	f->c.req = r;
	f->c.req_len = strlen(r);
	assert_int_equal(tclient_run(f->l, &f->c), 0);
	assert_int_equal(tresp_status(&f->c), 413);
	assert_error(f, "too large");
}

static void test_log_tail(void **state)
{
	struct fx *f = *state;

	assert_int_equal(req(f, "GET", "/1.0/instances/web/log?lines=2", NULL), 200);
	assert_non_null(strstr(f->c.resp, "Content-Type: text/plain"));
	assert_string_equal(tresp_body(&f->c), "four\nfive\n");
	assert_int_equal(req(f, "GET", "/1.0/instances/web/log", NULL), 200);
	assert_string_equal(tresp_body(&f->c), "one\ntwo\nthree\nfour\nfive\n");
	assert_int_equal(req(f, "GET", "/1.0/instances/web/log?lines=0", NULL), 200);
	assert_string_equal(tresp_body(&f->c), "");
	/* Never ran: an empty log, not an error. */
	assert_int_equal(req(f, "GET", "/1.0/instances/db/log", NULL), 200);
	assert_string_equal(tresp_body(&f->c), "");
	assert_int_equal(req(f, "GET", "/1.0/instances/web/log?lines=x", NULL), 400);
	assert_int_equal(req(f, "GET", "/1.0/instances/web/log?lines=-1", NULL), 400);
}

static void tail_is(const char *path, unsigned lines, const char *want)
{
	char *out;
	size_t len;
	off_t end;

	assert_int_equal(api_log_tail(path, lines, &out, &len, &end), 0);
	if (!want) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void test_tail_function(void **state)
{
	struct fx *f = *state;
	char p[160];
	FILE *fp;
	int i;

	tail_is(f->log, 1, "five\n");
	tail_is(f->log, 5, "one\ntwo\nthree\nfour\nfive\n");
	tail_is(f->log, 500, "one\ntwo\nthree\nfour\nfive\n");
	tail_is("/nonexistent/x.log", 5, NULL);
	snprintf(p, sizeof(p), "%s/partial", f->dir);
	fp = fopen(p, "w");
	fputs("a\nb\nunfinished", fp);
	fclose(fp);
	tail_is(p, 1, "unfinished");
	tail_is(p, 2, "b\nunfinished");
	/* Past the byte cap: whole lines only, within the cap. */
	fp = fopen(p, "w");
	for (i = 0; i < 30000; i++)
		fprintf(fp, "line %05d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i);
	fclose(fp);
	{
		char *out;
		size_t len;
		off_t end;

		assert_int_equal(api_log_tail(p, 100000, &out, &len, &end), 0);
		assert_true(len <= API_LOG_TAIL_MAX);
		assert_true(len > API_LOG_TAIL_MAX - 200);
		assert_memory_equal(out, "line ", 5);
		assert_non_null(strstr(out, "line 29999 "));
		assert_int_equal(end, 30000 * 59);
		free(out);
	}
}

/* Follow: appended lines arrive, then a rotation (rename + new file). */
struct follow_step {
	struct fx *f;
	int step;
};

static void follow_timer(struct loop *l, void *data)
{
	struct follow_step *s = data;
	char rotated[200];
	FILE *fp;

	switch (s->step++) {
	case 0:
		fp = fopen(s->f->log, "a");
		fputs("six\n", fp);
		fclose(fp);
		break;
	case 1:
		/* The writer's last words before rotation, then a new file. */
		fp = fopen(s->f->log, "a");
		fputs("seven\n", fp);
		fclose(fp);
		snprintf(rotated, sizeof(rotated), "%s.1", s->f->log);
		rename(s->f->log, rotated);
		fp = fopen(s->f->log, "w");
		fputs("after-rotate\n", fp);
		fclose(fp);
		return;
	}
	loop_timer_add(l, 50, follow_timer, s);
}

static void test_log_follow(void **state)
{
	struct fx *f = *state;
	struct follow_step s = { f, 0 };
	const char *r = "GET /1.0/instances/web/log?lines=1&follow=1 HTTP/1.1\r\n\r\n";
	const char *b;

	f->c.req = r;
	f->c.req_len = strlen(r);
	f->c.stop_str = "after-rotate\n\r\n";
	loop_timer_add(f->l, 50, follow_timer, &s);
	assert_int_equal(tclient_run(f->l, &f->c), 0);
	assert_non_null(strstr(f->c.resp, "Transfer-Encoding: chunked\r\n"));
	b = tresp_body(&f->c);
	assert_non_null(strstr(b, "5\r\nfive\n\r\n"));
	assert_non_null(strstr(b, "4\r\nsix\n\r\n"));
	assert_non_null(strstr(b, "6\r\nseven\n\r\n"));
	assert_non_null(strstr(b, "d\r\nafter-rotate\n\r\n"));
	assert_null(strstr(b, "four"));
	/* The client left: the follower and its watch go away. */
	tloop_spin(f->l, 50);
	assert_int_equal(f->c.resp_len > 0, 1);
}

static void test_config_get(void **state)
{
	struct fx *f = *state;

	assert_int_equal(req(f, "GET", "/1.0/config", NULL), 404);
	assert_error(f, "no configuration");
	f->sup.config_text = "[host]\ngeneration = 42\n";
	assert_int_equal(req(f, "GET", "/1.0/config", NULL), 200);
	assert_non_null(strstr(f->c.resp, "Content-Type: text/plain"));
	assert_string_equal(tresp_body(&f->c), "[host]\ngeneration = 42\n");
	assert_int_equal(req(f, "DELETE", "/1.0/config", NULL), 405);
	assert_non_null(strstr(f->c.resp, "Allow: GET, PUT\r\n"));
}

static void test_config_put(void **state)
{
	struct fx *f = *state;
	cJSON *o;

	/* "MEUCIQ==" is base64 of 30 45 02 21 */
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"[host]\\ngeneration = 43\\n\",\"signature\":\"MEUCIQ==\"}"),
			 200);
	assert_string_equal(f->sup.pushed, "[host]\ngeneration = 43\n");
	assert_int_equal(f->sup.pushed_sig_len, 4);
	assert_memory_equal(f->sup.pushed_sig, "\x30\x45\x02\x21", 4);
	assert_int_equal(f->sup.pushed_try, 0);
	o = json_body(f);
	assert_string_equal(cJSON_GetObjectItem(o, "status")->valuestring, "applied");
	cJSON_Delete(o);

	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\",\"try\":120}"), 200);
	assert_int_equal(f->sup.pushed_try, 120);
	o = json_body(f);
	assert_string_equal(cJSON_GetObjectItem(o, "status")->valuestring, "provisional");
	assert_int_equal(cJSON_GetObjectItem(o, "confirm_within")->valueint, 120);
	cJSON_Delete(o);

	/* Shape errors: 400 with a message, sup_push never called. */
	f->sup.pushed[0] = 0;
	assert_int_equal(req(f, "PUT", "/1.0/config", "nope"), 400);
	assert_error(f, "JSON object");
	assert_int_equal(req(f, "PUT", "/1.0/config", "{\"config\":\"x\"}"), 400);
	assert_error(f, "\"signature\"");
	assert_int_equal(req(f, "PUT", "/1.0/config", "{\"config\":\"x\",\"signature\":\"!!!\"}"), 400);
	assert_error(f, "base64");
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\",\"try\":-1}"), 400);
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\",\"try\":1.5}"), 400);
	assert_error(f, "\"try\"");
	assert_string_equal(f->sup.pushed, "");

	/* The supervisor's refusal, with its message and status. */
	f->sup.push_ret = -EKEYREJECTED;
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\"}"), 403);
	assert_error(f, "trusted signer");
	f->sup.push_ret = -ENOSYS;
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\"}"), 501);
	f->sup.push_ret = -ESTALE;
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\"}"), 409);
	f->sup.push_ret = -EINVAL;
	assert_int_equal(req(f, "PUT", "/1.0/config",
			     "{\"config\":\"x\",\"signature\":\"MEUCIQ==\"}"), 400);
}

static void test_config_confirm(void **state)
{
	struct fx *f = *state;

	assert_int_equal(req(f, "POST", "/1.0/config/confirm", NULL), 200);
	assert_int_equal(f->sup.confirms, 1);
	assert_int_equal(req(f, "GET", "/1.0/config/confirm", NULL), 405);
	f->sup.confirm_ret = -EALREADY;
	assert_int_equal(req(f, "POST", "/1.0/config/confirm", NULL), 409);
	assert_error(f, "nothing to confirm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_live_and_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_methods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_put, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_confirm, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
