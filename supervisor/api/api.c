/* api.c - cairnd's REST API: the Unix socket, HTTPS (tls.c), the routes,
 * the JSON.
 *
 * Handlers only read the supervisor through instance.h and ask it to act;
 * they never touch processes.  Every answer is JSON except logs (text).
 * The route table in docs/dev-contracts.md is the contract; docs/api.md
 * is the operator's view of it.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api_config.h"
#include "api_log.h"
#include "api_metrics.h"
#include "api_pools.h"
#include "api_update.h"
#include "api_slots.h"
#include "http.h"
#include "tls.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif

struct api {
	struct loop *loop;
	struct supervisor *sup;
	struct http_server *http;
	struct http_server *https;   /* TLS connections, handed over by tls.c */
	struct api_tls *tls;
	struct api_logs *logs;
	const struct pools *pools;   /* GET /1.0/pools (api_set_pools) */
	struct api_update *update;   /* POST /1.0/update (api_set_update) */
	char *sock_path;
	dev_t sock_dev;
	ino_t sock_ino;
};

/* ---- JSON helpers ------------------------------------------------------- */

static void send_json(struct http_conn *c, int status, cJSON *o)
{
	char *txt = o ? cJSON_PrintUnformatted(o) : NULL;
	size_t n;

	cJSON_Delete(o);
	if (!txt) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	n = strlen(txt);
	/* A trailing newline keeps shells and curl output tidy. */
	char *t = realloc(txt, n + 2);
	if (t) {
		txt = t;
		txt[n++] = '\n';
		txt[n] = 0;
	}
	http_respond(c, status, "application/json", NULL, txt, n);
	free(txt);
}

static void method_not_allowed(struct http_conn *c, const char *allow)
{
	char extra[64], body[128];

	snprintf(extra, sizeof(extra), "Allow: %s\r\n", allow);
	snprintf(body, sizeof(body), "{\"error\":\"method not allowed (use %s)\"}\n", allow);
	http_respond(c, 405, "application/json", extra, body, strlen(body));
}

static void rfc3339(char *buf, size_t size, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* One instance as the API shows it; absent values are null. */
static cJSON *instance_json(const struct instance_info *in)
{
	cJSON *o = cJSON_CreateObject();
	char since[40];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "name", in->name ? in->name : "");
	cJSON_AddStringToObject(o, "kind", in->kind ? in->kind : "");
	cJSON_AddStringToObject(o, "state", inst_state_name(in->state));
	if (in->pid > 0)
		cJSON_AddNumberToObject(o, "pid", in->pid);
	else
		cJSON_AddNullToObject(o, "pid");
	cJSON_AddNumberToObject(o, "restarts", in->restarts);
	if (in->last_exit_code >= 0)
		cJSON_AddNumberToObject(o, "last_exit_code", in->last_exit_code);
	else
		cJSON_AddNullToObject(o, "last_exit_code");
	if (in->last_exit_signal > 0)
		cJSON_AddNumberToObject(o, "last_exit_signal", in->last_exit_signal);
	else
		cJSON_AddNullToObject(o, "last_exit_signal");
	if (in->since_ms) {
		rfc3339(since, sizeof(since), in->since_ms);
		cJSON_AddStringToObject(o, "since", since);
	} else {
		cJSON_AddNullToObject(o, "since");
	}
	cJSON_AddNumberToObject(o, "uptime", (double)(in->uptime_ms / 1000));
	cJSON_AddStringToObject(o, "reason", in->reason ? in->reason : "");
	cJSON_AddStringToObject(o, "log", in->log_path ? in->log_path : "");
	cJSON_AddStringToObject(o, "detail", in->detail);   /* the kind's own line, or "" */
	return o;
}

/* ---- handlers ----------------------------------------------------------- */

static void get_host(struct api *a, struct http_conn *c)
{
	cJSON *o = cJSON_CreateObject();

	if (o) {
		const char *name = sup_hostname(a->sup);

		cJSON_AddStringToObject(o, "name", name ? name : "");
		cJSON_AddStringToObject(o, "version", CAIRN_VERSION);
		cJSON_AddNumberToObject(o, "config_generation", (double)sup_generation(a->sup));
		cJSON_AddNumberToObject(o, "uptime", (double)(sup_uptime_ms(a->sup) / 1000));
		if (a->tls)
			cJSON_AddStringToObject(o, "fingerprint", api_tls_fingerprint(a->tls));
	}
	send_json(c, 200, o);
}

static void get_instances(struct api *a, struct http_conn *c)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, n = sup_count(a->sup);

	for (i = 0; arr && i < n; i++) {
		struct instance_info in;
		cJSON *o;

		if (sup_info(a->sup, i, &in) < 0)
			continue;
		o = instance_json(&in);
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			arr = NULL;
		}
	}
	send_json(c, 200, arr);
}

static bool lookup(struct api *a, struct http_conn *c, const char *name,
		   struct instance_info *in)
{
	if (sup_info_by_name(a->sup, name, in) < 0) {
		http_respond_error(c, 404, "no such instance: %s", name);
		return false;
	}
	return true;
}

static void get_instance(struct api *a, struct http_conn *c, const char *name)
{
	struct instance_info in;

	if (lookup(a, c, name, &in))
		send_json(c, 200, instance_json(&in));
}

static void get_log(struct api *a, struct http_conn *c, const char *name,
		    const struct http_request *req)
{
	struct instance_info in;
	unsigned long lines = API_LOG_LINES_DEFAULT;
	char v[32];
	bool follow = false;

	if (!lookup(a, c, name, &in))
		return;
	if (http_query_get(req->query, "lines", v, sizeof(v))) {
		char *end;

		errno = 0;
		lines = strtoul(v, &end, 10);
		if (!v[0] || *end || errno || v[0] == '-') {
			http_respond_error(c, 400, "lines must be a number, not \"%s\"", v);
			return;
		}
		if (lines > API_LOG_LINES_MAX)
			lines = API_LOG_LINES_MAX;
	}
	if (http_query_get(req->query, "follow", v, sizeof(v)))
		follow = !(v[0] == '0' || !strcmp(v, "false"));
	if (!in.log_path || !in.log_path[0]) {
		http_respond_error(c, 404, "%s has no log", name);
		return;
	}
	api_log_serve(a->logs, c, in.log_path, (unsigned)lines, follow);
}

static void put_state(struct api *a, struct http_conn *c, const char *name,
		      const struct http_request *req)
{
	struct instance_info in;
	struct cairn_err e = { "" };
	const cJSON *act;
	cJSON *body;
	int r;

	if (!lookup(a, c, name, &in))
		return;
	body = req->body ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
	if (!body || !cJSON_IsObject(body)) {
		cJSON_Delete(body);
		http_respond_error(c, 400, "the body must be a JSON object like {\"action\":\"start\"}");
		return;
	}
	act = cJSON_GetObjectItemCaseSensitive(body, "action");
	if (!cJSON_IsString(act)) {
		cJSON_Delete(body);
		http_respond_error(c, 400, "missing \"action\" (start, stop or restart)");
		return;
	}
	if (!strcmp(act->valuestring, "start")) {
		r = sup_start(a->sup, name, &e);
	} else if (!strcmp(act->valuestring, "stop")) {
		r = sup_stop(a->sup, name, &e);
	} else if (!strcmp(act->valuestring, "restart")) {
		r = sup_restart(a->sup, name, &e);
	} else {
		http_respond_error(c, 400, "unknown action \"%.64s\" (start, stop or restart)",
				   act->valuestring);
		cJSON_Delete(body);
		return;
	}
	cJSON_Delete(body);
	if (r == -ENOENT) {
		http_respond_error(c, 404, "no such instance: %s", name);
		return;
	}
	if (r < 0) {
		http_respond_error(c, r == -EINVAL ? 400 : 500, "%s",
				   e.msg[0] ? e.msg : strerror(-r));
		return;
	}
	if (!lookup(a, c, name, &in))
		return;
	send_json(c, 200, instance_json(&in));
}

static void reload_change(const char *what, const char *name, void *data)
{
	cJSON *o = data, *arr = cJSON_GetObjectItemCaseSensitive(o, what);

	if (!arr)
		arr = cJSON_AddArrayToObject(o, what);
	if (arr)
		cJSON_AddItemToArray(arr, cJSON_CreateString(name));
}

static void post_reload(struct api *a, struct http_conn *c)
{
	struct cairn_err e = { "" };
	cJSON *o = cJSON_CreateObject();
	int r;

	if (!o || !cJSON_AddArrayToObject(o, "changed") ||
	    !cJSON_AddArrayToObject(o, "added") || !cJSON_AddArrayToObject(o, "removed")) {
		cJSON_Delete(o);
		http_respond_error(c, 500, "out of memory");
		return;
	}
	r = sup_reload(a->sup, reload_change, o, &e);
	if (r < 0) {
		cJSON_Delete(o);
		http_respond_error(c, r == -ENOMEM ? 500 : 400, "%s",
				   e.msg[0] ? e.msg : strerror(-r));
		return;
	}
	send_json(c, 200, o);
}

static void get_metrics(struct api *a, struct http_conn *c)
{
	char *txt;
	size_t len;

	if (api_metrics_render(a->sup, "/proc", &txt, &len) < 0) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	http_respond(c, 200, API_METRICS_CTYPE, NULL, txt, len);
	free(txt);
}

static void post_host(struct api *a, struct http_conn *c, const char *action)
{
	struct cairn_err e = { "" };
	cJSON *o;
	int r;

	r = sup_host_action(a->sup, action, &e);
	if (r < 0) {
		http_respond_error(c, 500, "%s", e.msg[0] ? e.msg : strerror(-r));
		return;
	}
	o = cJSON_CreateObject();
	if (o)
		cJSON_AddStringToObject(o, "status", "accepted");
	send_json(c, 202, o);
}

/* ---- routing ------------------------------------------------------------ */

/* Split "/1.0/instances/NAME/log" into at most 5 segments; returns the
 * count, or -1 for empty segments ("//") or too many. */
static int split(char *path, char **seg, int max)
{
	int n = 0;
	char *p = path;
	size_t len = strlen(p);

	while (len > 1 && p[len - 1] == '/')   /* "/1.0/" is "/1.0" */
		p[--len] = 0;
	if (*p == '/')
		p++;
	if (!*p)
		return 0;
	for (;;) {
		char *s = strchr(p, '/');

		if (n == max)
			return -1;
		seg[n++] = p;
		if (!s)
			break;
		*s = 0;
		p = s + 1;
		if (!*p)
			return -1;
	}
	for (int i = 0; i < n; i++)
		if (!seg[i][0])
			return -1;
	return n;
}

static void handle(struct http_conn *c, const struct http_request *req, void *data)
{
	struct api *a = data;
	char *seg[6], *path;
	int m = req->method, n;

	path = strdup(req->path);
	if (!path) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	n = split(path, seg, 6);
	if (n == 1 && !strcmp(seg[0], "metrics")) {
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			get_metrics(a, c);
		goto out;
	}
	if (n < 1 || strcmp(seg[0], "1.0")) {
		http_respond_error(c, 404, "not found: %s (the API lives under /1.0)", req->path);
		goto out;
	}
	if (n == 1) {
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			get_host(a, c);
	} else if (!strcmp(seg[1], "instances") && n == 2) {
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			get_instances(a, c);
	} else if (!strcmp(seg[1], "instances") && n == 3) {
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			get_instance(a, c, seg[2]);
	} else if (!strcmp(seg[1], "instances") && n == 4 && !strcmp(seg[3], "log")) {
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			get_log(a, c, seg[2], req);
	} else if (!strcmp(seg[1], "instances") && n == 4 && !strcmp(seg[3], "state")) {
		if (m != HTTP_PUT)
			method_not_allowed(c, "PUT");
		else
			put_state(a, c, seg[2], req);
	} else if (n == 2 && !strcmp(seg[1], "pools")) {   /* api_pools.c */
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			api_pools_get(a->pools, c);
	} else if (n == 2 && !strcmp(seg[1], "slots")) {   /* api_slots.c */
		if (m != HTTP_GET)
			method_not_allowed(c, "GET");
		else
			api_slots_get(c);
	} else if (n == 2 && !strcmp(seg[1], "config")) {
		if (m == HTTP_GET)
			api_config_get(a->sup, c);
		else if (m == HTTP_PUT)
			api_config_put(a->sup, c, req);
		else
			method_not_allowed(c, "GET, PUT");
	} else if (n == 3 && !strcmp(seg[1], "config") && !strcmp(seg[2], "confirm")) {
		if (m != HTTP_POST)
			method_not_allowed(c, "POST");
		else
			api_config_confirm(a->sup, c);
	} else if (n == 3 && !strcmp(seg[1], "config") && !strcmp(seg[2], "reload")) {
		if (m != HTTP_POST)
			method_not_allowed(c, "POST");
		else
			post_reload(a, c);
	} else if (n == 3 && !strcmp(seg[1], "host") &&
		   (!strcmp(seg[2], "reboot") || !strcmp(seg[2], "poweroff"))) {
		if (m != HTTP_POST)
			method_not_allowed(c, "POST");
		else
			post_host(a, c, seg[2]);
	} else if (n == 2 && !strcmp(seg[1], "update")) {   /* api_update.c */
		if (m != HTTP_POST)
			method_not_allowed(c, "POST");
		else if (!a->update)
			http_respond_error(c, 503, "updates are not set up on this host");
		else
			api_update_post(a->update, c, req);
	} else {
		http_respond_error(c, 404, "not found: %s", req->path);
	}
out:
	free(path);
}

/* Which bodies stream: only an update upload's. */
static const struct http_body_ops *stream_body(struct http_conn *c,
					       const struct http_request *req, void *data,
					       void **ctx)
{
	struct api *a = data;
	const char *p = req->path;
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (!a->update || req->method != HTTP_POST || n != 11 || strncmp(p, "/1.0/update", 11))
		return NULL;
	return api_update_body(a->update, c, req, ctx);
}

/* ---- the socket --------------------------------------------------------- */

/* A socket file left by a dead cairnd is replaced; a live one is not. */
static int clear_stale(const char *path, const struct sockaddr_un *sa,
		       struct cairn_err *e)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : cairn_err_sys(e, -errno, "%s", path);
	if (!S_ISSOCK(st.st_mode))
		return cairn_err_set(e, -EEXIST, "%s exists and is not a socket; not replacing it",
				     path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0)
		return cairn_err_set(e, -EADDRINUSE, "%s: another server is listening there", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return cairn_err_sys(e, -errno, "removing stale %s", path);
	return 0;
}

static int listen_unix(const char *path, struct stat *st, struct cairn_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return cairn_err_set(e, -ENAMETOOLONG, "%s: socket path too long", path);
	strcpy(sa.sun_path, path);
	r = clear_stale(path, &sa, e);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "socket");
	/* Root only, from the first moment the name exists. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		r = cairn_err_sys(e, -errno, "bind %s", path);
		close(fd);
		return r;
	}
	if (chmod(path, 0600) < 0 || listen(fd, 64) < 0 || stat(path, st) < 0) {
		r = cairn_err_sys(e, -errno, "listen %s", path);
		unlink(path);
		close(fd);
		return r;
	}
	return fd;
}

int api_open(struct api **out, struct loop *l, struct supervisor *s,
	     const char *sock_path, struct cairn_err *e)
{
	struct http_server_opts o = { .handler = handle, .stream_body = stream_body };
	struct stat st;
	struct api *a;
	int fd, r;

	a = calloc(1, sizeof(*a));
	if (!a || !(a->sock_path = strdup(sock_path))) {
		free(a);
		return cairn_err_set(e, -ENOMEM, "api: out of memory");
	}
	a->loop = l;
	a->sup = s;
	r = api_logs_new(&a->logs, l);
	if (r < 0) {
		cairn_err_set(e, r, "api: out of memory");
		goto fail;
	}
	fd = listen_unix(sock_path, &st, e);
	if (fd < 0) {
		r = cairn_err_prefix(e, fd, "api");
		goto fail;
	}
	a->sock_dev = st.st_dev;
	a->sock_ino = st.st_ino;
	o.data = a;
	r = http_server_new(&a->http, l, fd, &o, e);
	if (r < 0) {
		unlink(sock_path);
		cairn_err_prefix(e, r, "api");
		goto fail;
	}
	*out = a;
	return 0;
fail:
	api_logs_free(a->logs);
	free(a->sock_path);
	free(a);
	return r;
}

int api_open_tls(struct api *a, const struct api_tls_opts *o, struct cairn_err *e)
{
	struct http_server_opts ho = { .handler = handle, .stream_body = stream_body, .data = a,
				       .max_conns = o->max_conns };
	int r;

	if (a->tls)
		return cairn_err_set(e, -EALREADY, "https: already open");
	r = http_server_new(&a->https, a->loop, -1, &ho, e);
	if (r < 0)
		return cairn_err_prefix(e, r, "https");
	r = api_tls_open(&a->tls, a->loop, a->https, o, e);
	if (r < 0) {
		http_server_free(a->https);
		a->https = NULL;
		a->tls = NULL;
		return r;
	}
	return 0;
}

int api_set_update(struct api *a, const struct update_opts *o, struct cairn_err *e)
{
	int r = api_update_new(&a->update, a->loop, a->sup, o);

	if (r < 0)
		return cairn_err_set(e, r, "api: update: out of memory");
	return 0;
}

void api_set_pools(struct api *a, const struct pools *p)
{
	a->pools = p;
}

struct api_tls *api_get_tls(struct api *a)
{
	return a ? a->tls : NULL;
}

void api_close(struct api *a)
{
	struct stat st;

	if (!a)
		return;
	http_server_free(a->http);
	/* Established TLS connections first: their transport needs a->tls. */
	http_server_free(a->https);
	api_tls_close(a->tls);
	api_update_free(a->update);   /* after the connections: uploads end first */
	api_logs_free(a->logs);
	/* Remove the name only if it is still ours (a successor may own it). */
	if (lstat(a->sock_path, &st) == 0 && st.st_ino == a->sock_ino &&
	    st.st_dev == a->sock_dev)
		unlink(a->sock_path);
	free(a->sock_path);
	free(a);
}
