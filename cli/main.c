/* main.c - cairnctl, the operator's tool: a thin client of cairnd's API
 * (client.c) with tables for people (format.c), plus local commands
 * (config check, version, help).
 *
 * Exit codes: 0 done, 1 the operation failed (including an error answer
 * from cairnd), 2 bad usage. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client.h"
#include "msg.h"
#include "cmd_config.h"
#include "cmd_console.h"
#include "cmd_exec.h"
#include "cmd_image.h"
#include "cmd_keys.h"
#include "cmd_remote.h"
#include "cmd_update.h"
#include "config.h"
#include "err.h"
#include "format.h"
#include "format_pool.h"
#include "format_slots.h"
#include "remote.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.1.0"
#endif


struct ctl {
	const char *sock;
	const char *remote;   /* --remote NAME: mutual TLS instead of the socket */
	bool json;
	const char *cmd;
	char **args;      /* the command's own arguments */
	int nargs;
};

static const char usage_text[] =
	"usage: cairnctl [--socket PATH | --remote NAME] [--format table|json] COMMAND [ARGS]\n"
	"\n"
	"Instances:\n"
	"  list                      every instance, its state, pid, restarts, uptime\n"
	"  status [NAME]             one instance in detail; without NAME the host\n"
	"                            and its slots\n"
	"  logs NAME [-n N] [-f]     the last N lines of its log (100); -f follows it\n"
	"  start NAME | stop NAME | restart NAME\n"
	"  console NAME              attach to its serial console (Ctrl-] detaches)\n"
	"  exec NAME [--] CMD [ARG...]   run CMD inside a running container (a pty if stdin is one)\n"
	"\n"
	"Host:\n"
	"  info                      host name, version, config generation, uptime\n"
	"  reload                    re-read the configuration and reconcile\n"
	"  reboot | poweroff         orderly reboot or power-off of the host\n"
	"  pool list                 storage pools: state, file system, size, use, source\n"
	"  update FILE [--reboot]    install an update bundle into the other slot\n"
	"  update --check [--trust DIR] FILE   verify a bundle offline (/etc/cairn/trust)\n"
	"  slots                     the A/B image slots: state, version, boot tries, why failed\n"
	"  image import FILE         copy a container image to /var/lib/cairn/images, print its sha256\n"
	"\n"
	"Signing and certificates (local):\n"
	"  keygen [--out PREFIX]            new signer key pair PREFIX.key, PREFIX.pub\n"
	"  sign --key KEY FILE              write FILE.sig\n"
	"  verify --trust DIR FILE          check FILE.sig against DIR/*.pub\n"
	"  cert create --out PREFIX [--cn NAME] [--days N]   client certificate + key\n"
	"  cert fingerprint CERT            a certificate's SHA-256 fingerprint\n"
	"\n"
	"Configuration:\n"
	"  push FILE [--try DURATION]       send FILE and FILE.sig; --try: reverts unless confirmed\n"
	"  config confirm                   keep a configuration pushed with --try\n"
	"  config show                      the configuration in force\n"
	"  config diff FILE                 what pushing FILE would change\n"
	"\n"
	"Remotes (cairnd over mutual TLS; every command takes --remote NAME):\n"
	"  remote add NAME https://HOST:8443 --cert CRT --key KEY --fingerprint SHA256\n"
	"  remote list | remote remove NAME\n"
	"\n"
	"Local:\n"
	"  config check FILE [--root DIR]   check a configuration without applying it\n"
	"  version | help\n"
	"\n"
	"The socket is " CTL_SOCKET_DEFAULT " unless --socket or CAIRN_SOCKET says\n"
	"otherwise.  --format json prints cairnd's JSON for scripts.\n"
	"Exit status: 0 done, 1 failed, 2 bad usage.\n";

/* Instance names go into a path: escape everything unusual. */
static void path_escape(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = 0;
}

/* One request; on any failure print why and return 1.  On success the
 * answer is in r (2xx) and the caller frees it. */
static int call(struct ctl *c, const char *what, const char *method, const char *path,
		const char *body, ctl_body_cb cb, void *data, struct ctl_response *r)
{
	struct cairn_err e = { "" };
	char msg[600];
	int ret;

	ret = ctl_request_to(&(struct ctl_target){ c->sock, c->remote }, method, path, body,
			     cb, data, r, &e);
	if (ret < 0) {
		ctl_response_free(r);
		if (ret == -ENOENT || ret == -ECONNREFUSED)
			return ctl_fail("%s (is cairnd running?)", e.msg);
		if (ret == -EACCES || ret == -EPERM)
			return ctl_fail("%s (the API is for root only)", e.msg);
		return ctl_fail("%s: %s", what, e.msg);
	}
	if (r->status < 200 || r->status >= 300) {
		ctl_fail("%s: %s", what, ctl_error_text(r, msg, sizeof(msg)));
		ctl_response_free(r);
		return EXIT_FAIL;
	}
	return 0;
}

/* Print a JSON answer: raw for scripts, through fmt for people. */
static int show(struct ctl *c, const char *what, struct ctl_response *r,
		int (*fmt)(FILE *, const cJSON *))
{
	cJSON *o;
	int ret;

	if (c->json) {
		fwrite(r->body ? r->body : "", 1, r->len, stdout);
		if (r->len && r->body[r->len - 1] != '\n')
			putchar('\n');
		return 0;
	}
	o = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
	ret = o ? fmt(stdout, o) : -EINVAL;
	cJSON_Delete(o);
	if (ret < 0)
		return ctl_fail("%s: cairnd answered something that is not the documented JSON", what);
	return 0;
}

static int need_args(struct ctl *c, int n, const char *usage)
{
	if (c->nargs != n)
		return ctl_usage_error("%s: usage: cairnctl %s", c->cmd, usage);
	return 0;
}

static int cmd_get(struct ctl *c, const char *path, int (*fmt)(FILE *, const cJSON *))
{
	struct ctl_response r;
	int ret = call(c, c->cmd, "GET", path, NULL, NULL, NULL, &r);

	if (ret)
		return ret;
	ret = show(c, c->cmd, &r, fmt);
	ctl_response_free(&r);
	return ret ? EXIT_FAIL : 0;
}

static int cmd_list(struct ctl *c)
{
	if (need_args(c, 0, "list"))
		return EXIT_USAGE;
	return cmd_get(c, "/1.0/instances", fmt_instances);
}

/* pool list: format_pool.c */
static int cmd_pool(struct ctl *c)
{
	if (c->nargs != 1 || strcmp(c->args[0], "list"))
		return ctl_usage_error("pool: usage: cairnctl pool list");
	return cmd_get(c, "/1.0/pools", fmt_pools);
}

/* slots: format_slots.c */
static int cmd_slots(struct ctl *c)
{
	if (need_args(c, 0, "slots"))
		return EXIT_USAGE;
	return cmd_get(c, "/1.0/slots", fmt_slots);
}

static int cmd_info(struct ctl *c)
{
	if (need_args(c, 0, "info"))
		return EXIT_USAGE;
	return cmd_get(c, "/1.0", fmt_info);
}

static int cmd_status(struct ctl *c)
{
	char name[256 * 3], path[1024];

	if (c->nargs == 0 && !c->json) {   /* the host, then its slots */
		int ret = cmd_get(c, "/1.0", fmt_info);

		if (ret)
			return ret;
		putchar('\n');
		return cmd_get(c, "/1.0/slots", fmt_slots);
	}
	if (c->nargs == 0)
		return cmd_get(c, "/1.0/slots", fmt_slots);
	if (need_args(c, 1, "status [NAME]"))
		return EXIT_USAGE;
	path_escape(name, sizeof(name), c->args[0]);
	snprintf(path, sizeof(path), "/1.0/instances/%s", name);
	return cmd_get(c, path, fmt_instance);
}

static int cmd_action(struct ctl *c)
{
	char name[256 * 3], path[1024], body[64], what[300];
	struct ctl_response r;
	int ret;

	if (c->nargs != 1)
		return ctl_usage_error("%s: usage: cairnctl %s NAME", c->cmd, c->cmd);
	path_escape(name, sizeof(name), c->args[0]);
	snprintf(path, sizeof(path), "/1.0/instances/%s/state", name);
	snprintf(body, sizeof(body), "{\"action\":\"%s\"}", c->cmd);
	snprintf(what, sizeof(what), "%s %s", c->cmd, c->args[0]);
	ret = call(c, what, "PUT", path, body, NULL, NULL, &r);
	if (ret)
		return ret;
	if (c->json) {
		ret = show(c, what, &r, fmt_instance);
	} else {
		cJSON *o = cJSON_ParseWithLength(r.body ? r.body : "", r.len);
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "state");

		printf("%s: %s\n", c->args[0], cJSON_IsString(st) ? st->valuestring : "ok");
		cJSON_Delete(o);
	}
	ctl_response_free(&r);
	return ret ? EXIT_FAIL : 0;
}

static int out_cb(const char *buf, size_t len, void *data)
{
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) == EOF)
		return -EIO;
	return 0;
}

static int cmd_logs(struct ctl *c)
{
	char name[256 * 3], path[1200];
	const char *inst = NULL;
	unsigned long lines = 100;
	bool follow = false;
	struct ctl_response r;
	int i, ret;

	for (i = 0; i < c->nargs; i++) {
		const char *a = c->args[i], *v = NULL;

		if (!strcmp(a, "-f") || !strcmp(a, "--follow")) {
			follow = true;
			continue;
		}
		if (!strcmp(a, "-n") || !strcmp(a, "--lines")) {
			if (++i == c->nargs)
				return ctl_usage_error("logs: %s needs a number", a);
			v = c->args[i];
		} else if (!strncmp(a, "-n", 2)) {
			v = a + 2;
		} else if (!strncmp(a, "--lines=", 8)) {
			v = a + 8;
		} else if (a[0] == '-' && a[1]) {
			return ctl_usage_error("logs: unknown option %s", a);
		} else if (inst) {
			return ctl_usage_error("logs: one instance at a time (%s, %s)", inst, a);
		} else {
			inst = a;
			continue;
		}
		char *end;
		errno = 0;
		lines = strtoul(v, &end, 10);
		if (!*v || *end || errno || v[0] == '-')
			return ctl_usage_error("logs: -n wants a number of lines, not \"%s\"", v);
	}
	if (!inst)
		return ctl_usage_error("logs: usage: cairnctl logs NAME [-n N] [-f]");
	path_escape(name, sizeof(name), inst);
	snprintf(path, sizeof(path), "/1.0/instances/%s/log?lines=%lu%s", name, lines,
		 follow ? "&follow=1" : "");
	ret = call(c, inst, "GET", path, NULL, out_cb, NULL, &r);
	if (ret)
		return ret;
	ctl_response_free(&r);
	return 0;
}

static int cmd_reload(struct ctl *c)
{
	struct ctl_response r;
	int ret;

	if (need_args(c, 0, "reload"))
		return EXIT_USAGE;
	ret = call(c, "reload", "POST", "/1.0/config/reload", NULL, NULL, NULL, &r);
	if (ret)
		return ret;
	ret = show(c, "reload", &r, fmt_reload);
	ctl_response_free(&r);
	return ret ? EXIT_FAIL : 0;
}

static int cmd_host(struct ctl *c)
{
	char path[64];
	struct ctl_response r;
	int ret;

	if (c->nargs != 0)
		return ctl_usage_error("%s: usage: cairnctl %s", c->cmd, c->cmd);
	snprintf(path, sizeof(path), "/1.0/host/%s", c->cmd);
	ret = call(c, c->cmd, "POST", path, NULL, NULL, NULL, &r);
	if (ret)
		return ret;
	if (c->json)
		fwrite(r.body ? r.body : "", 1, r.len, stdout);
	else
		printf("%s: accepted\n", c->cmd);
	ctl_response_free(&r);
	return 0;
}

/* Local: parse and validate, exactly as cairnd would before applying. */
static int cmd_config(struct ctl *c)
{
	struct cairn_config *cfg = NULL;
	struct cairn_err e = { "" };
	const char *file = NULL, *root = "/";
	int i;

	if (c->nargs >= 1 && !strcmp(c->args[0], "confirm"))
		return ctl_config_confirm(&(struct ctl_target){ c->sock, c->remote }, c->json,
					  c->nargs - 1, c->args + 1);
	if (c->nargs >= 1 && !strcmp(c->args[0], "diff"))
		return ctl_config_diff(&(struct ctl_target){ c->sock, c->remote }, c->json,
				       c->nargs - 1, c->args + 1);
	if (c->nargs >= 1 && !strcmp(c->args[0], "show"))
		return ctl_config_show(&(struct ctl_target){ c->sock, c->remote },
				       c->nargs - 1, c->args + 1);
	if (c->nargs < 1 || strcmp(c->args[0], "check"))
		return ctl_usage_error("config: usage: cairnctl config check FILE [--root DIR]");
	for (i = 1; i < c->nargs; i++) {
		const char *a = c->args[i];

		if (!strcmp(a, "--root")) {
			if (++i == c->nargs)
				return ctl_usage_error("config check: --root needs a directory");
			root = c->args[i];
		} else if (!strncmp(a, "--root=", 7)) {
			root = a + 7;
		} else if (a[0] == '-' && a[1]) {
			return ctl_usage_error("config check: unknown option %s", a);
		} else if (file) {
			return ctl_usage_error("config check: one file at a time");
		} else {
			file = a;
		}
	}
	if (!file)
		return ctl_usage_error("config: usage: cairnctl config check FILE [--root DIR]");
	if (cairn_config_load(file, &cfg, &e) < 0 ||
	    cairn_config_validate(cfg, root, &e) < 0) {
		cairn_config_free(cfg);
		fprintf(stderr, "%s\n", e.msg);
		return EXIT_FAIL;
	}
	cairn_config_free(cfg);
	printf("%s: ok\n", file);
	return 0;
}

static int cmd_version(struct ctl *c)
{
	if (need_args(c, 0, "version"))
		return EXIT_USAGE;
	printf("cairnctl %s\n", CAIRN_VERSION);
	return 0;
}

/* push: cmd_remote.c; remote add/list/remove: remote.c */
static int cmd_push(struct ctl *c)
{
	return ctl_push_command(&(struct ctl_target){ c->sock, c->remote }, c->json,
				c->nargs, c->args);
}

/* update: cmd_update.c */
static int cmd_update(struct ctl *c)
{
	return ctl_update_command(&(struct ctl_target){ c->sock, c->remote }, c->json,
				  c->nargs, c->args);
}

static int cmd_remote(struct ctl *c)
{
	return ctl_remote_command(c->nargs, c->args, c->json);
}

/* image import: cmd_image.c (local) */
static int cmd_image(struct ctl *c)
{
	return ctl_image_command(c->nargs, c->args);
}

/* exec: cmd_exec.c */
static int cmd_exec(struct ctl *c)
{
	return ctl_exec_command(&(struct ctl_target){ c->sock, c->remote }, c->nargs, c->args);
}

/* keygen, sign, verify, cert: cmd_keys.c */
static int cmd_keys(struct ctl *c)
{
	return ctl_keys_command(c->cmd, c->nargs, c->args);
}

static int cmd_console(struct ctl *c)
{
	return ctl_console(c->sock, c->nargs, c->args);
}

static int cmd_help(struct ctl *c)
{
	fputs(usage_text, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct ctl *c);
} commands[] = {
	{ "list", cmd_list },       { "status", cmd_status },   { "logs", cmd_logs },
	{ "start", cmd_action },    { "stop", cmd_action },     { "restart", cmd_action },
	{ "reload", cmd_reload },   { "reboot", cmd_host },     { "poweroff", cmd_host },
	{ "info", cmd_info },       { "config", cmd_config },   { "version", cmd_version },
	{ "help", cmd_help },
	{ "keygen", cmd_keys },     { "sign", cmd_keys },       { "verify", cmd_keys },
	{ "cert", cmd_keys },
	{ "push", cmd_push },       { "remote", cmd_remote },
	{ "pool", cmd_pool },       { "update", cmd_update },
	{ "slots", cmd_slots },     { "console", cmd_console },
	{ "exec", cmd_exec },       { "image", cmd_image },
};

int main(int argc, char **argv)
{
	struct ctl c = { 0 };
	const char *fmt = NULL;
	size_t k;
	int i;

	c.remote = getenv("CAIRN_REMOTE");
	c.sock = getenv("CAIRN_SOCKET");
	if (!c.sock || !c.sock[0])
		c.sock = CTL_SOCKET_DEFAULT;
	c.args = calloc((size_t)argc + 1, sizeof(char *));
	if (!c.args)
		return ctl_fail("out of memory");
	/* Global options may stand anywhere; everything else is the
	 * command and its own arguments, in order. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < argc) {
				if (!c.cmd)
					c.cmd = argv[i];
				else
					c.args[c.nargs++] = argv[i];
			}
			break;
		}
		if (!strcmp(a, "--socket") || !strcmp(a, "--format") || !strcmp(a, "--remote")) {
			if (i + 1 == argc) {
				free(c.args);
				return ctl_usage_error("%s needs a value", a);
			}
			if (a[2] == 's')
				c.sock = argv[++i];
			else if (a[2] == 'r')
				c.remote = argv[++i];
			else
				fmt = argv[++i];
		} else if (!strncmp(a, "--remote=", 9)) {
			c.remote = a + 9;
		} else if (!strncmp(a, "--socket=", 9)) {
			c.sock = a + 9;
		} else if (!strncmp(a, "--format=", 9)) {
			fmt = a + 9;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			c.cmd = "help";
		} else if (!strcmp(a, "--version")) {
			c.cmd = "version";
		} else if (!c.cmd) {
			if (a[0] == '-') {
				free(c.args);
				return ctl_usage_error("unknown option %s", a);
			}
			c.cmd = a;
		} else {
			c.args[c.nargs++] = argv[i];
		}
	}
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "table")) {
		free(c.args);
		return ctl_usage_error("--format is table or json, not \"%s\"", fmt);
	}
	c.json = fmt && !strcmp(fmt, "json");
	if (!c.cmd) {
		fputs(usage_text, stderr);
		free(c.args);
		return EXIT_USAGE;
	}
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (!strcmp(c.cmd, commands[k].name)) {
			int r = commands[k].fn(&c);

			free(c.args);
			return r;
		}
	}
	i = ctl_usage_error("unknown command \"%s\"", c.cmd);
	free(c.args);
	return i;
}
