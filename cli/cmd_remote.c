/* cmd_remote.c - push a signed configuration, confirm a provisional one,
 * show the one in force.  The files are read and sent as they are;
 * checking the signature is cairnd's job (and `cairnctl verify`'s). */
#include "cmd_remote.h"
#include "msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/base64.h>

#include "duration.h"
#include "fileio.h"

#define PUSH_CONF_MAX (1024 * 1024 - 4096)   /* the API takes 1 MiB bodies */
#define PUSH_SIG_MAX  4096

/* One request; failures printed.  0 with r filled on a 2xx answer. */
static int call(const struct ctl_target *t, const char *what, const char *method,
		const char *path, const char *body, struct ctl_response *r)
{
	struct cairn_err e = { "" };
	char msg[600];
	int ret = ctl_request_to(t, method, path, body, NULL, NULL, r, &e);

	if (ret < 0) {
		ctl_response_free(r);
		return ctl_fail("%s: %s", what, e.msg);
	}
	if (r->status < 200 || r->status >= 300) {
		ctl_fail("%s: %s", what, ctl_error_text(r, msg, sizeof(msg)));
		ctl_response_free(r);
		return EXIT_FAIL;
	}
	return 0;
}

static void print_status(const struct ctl_response *r, bool json, const char *fallback)
{
	cJSON *o;
	const cJSON *st, *gen, *within;

	if (json) {
		fwrite(r->body ? r->body : "", 1, r->len, stdout);
		return;
	}
	o = cJSON_ParseWithLength(r->body ? r->body : "", r->len);
	st = cJSON_GetObjectItemCaseSensitive(o, "status");
	gen = cJSON_GetObjectItemCaseSensitive(o, "config_generation");
	within = cJSON_GetObjectItemCaseSensitive(o, "confirm_within");
	printf("%s", cJSON_IsString(st) ? st->valuestring : fallback);
	if (cJSON_IsNumber(gen))
		printf(", generation %.0f", gen->valuedouble);
	if (cJSON_IsNumber(within))
		printf("; reverts in %.0f s unless `cairnctl config confirm`", within->valuedouble);
	putchar('\n');
	cJSON_Delete(o);
}

int ctl_push_command(const struct ctl_target *t, bool json, int nargs, char **args)
{
	struct cairn_err e = { "" };
	struct ctl_response r;
	const char *file = NULL, *try = NULL;
	char sigpath[4096], *conf = NULL, *sig = NULL, *body = NULL;
	unsigned char b64[PUSH_SIG_MAX * 2];
	size_t clen, slen, blen;
	unsigned try_ms = 0;
	cJSON *o;
	int i, ret = EXIT_FAIL;

	for (i = 0; i < nargs; i++) {
		if (!strcmp(args[i], "--try")) {
			if (++i == nargs)
				return ctl_usage_error("usage: cairnctl push FILE [--try DURATION]");
			try = args[i];
		} else if (!strncmp(args[i], "--try=", 6)) {
			try = args[i] + 6;
		} else if (args[i][0] == '-' && args[i][1]) {
			return ctl_usage_error("usage: cairnctl push FILE [--try DURATION]");
		} else if (file) {
			return ctl_usage_error("usage: cairnctl push FILE [--try DURATION]");
		} else {
			file = args[i];
		}
	}
	if (!file)
		return ctl_usage_error("usage: cairnctl push FILE [--try DURATION]");
	if (try && (cairn_duration_parse(try, &try_ms) < 0 || try_ms < 1000))
		return ctl_fail("push: --try wants %s, at least 1s", CAIRN_DURATION_FORMS);
	snprintf(sigpath, sizeof(sigpath), "%s.sig", file);
	if (cairn_read_file(file, PUSH_CONF_MAX, &conf, &clen, &e) < 0 ||
	    cairn_read_file(sigpath, PUSH_SIG_MAX, &sig, &slen, &e) < 0) {
		free(conf);
		return ctl_fail("push: %s%s", e.msg, sig ? "" : " (sign it with `cairnctl sign`)");
	}
	if (memchr(conf, 0, clen)) {
		ret = ctl_fail("push: %s: a configuration is text, this has NUL bytes", file);
		goto out;
	}
	if (mbedtls_base64_encode(b64, sizeof(b64), &blen, (unsigned char *)sig, slen) != 0) {
		ret = ctl_fail("push: %s: too large for a signature", sigpath);
		goto out;
	}
	o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "config", conf) ||
	    !cJSON_AddStringToObject(o, "signature", (char *)b64) ||
	    (try && !cJSON_AddNumberToObject(o, "try", (try_ms + 999) / 1000))) {
		cJSON_Delete(o);
		ret = ctl_fail("out of memory");
		goto out;
	}
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!body) {
		ret = ctl_fail("out of memory");
		goto out;
	}
	if (!json)
		fprintf(stderr, "pushing %s (%zu bytes)...\n", file, clen);
	ret = call(t, "push", "PUT", "/1.0/config", body, &r);
	if (ret)
		goto out;
	print_status(&r, json, "applied");
	ctl_response_free(&r);
out:
	free(body);
	free(conf);
	free(sig);
	return ret;
}

int ctl_config_confirm(const struct ctl_target *t, bool json, int nargs, char **args)
{
	struct ctl_response r;
	int ret;

	if (nargs)
		return ctl_usage_error("usage: cairnctl config confirm");
	ret = call(t, "config confirm", "POST", "/1.0/config/confirm", NULL, &r);
	if (ret)
		return ret;
	print_status(&r, json, "confirmed");
	ctl_response_free(&r);
	return 0;
}

int ctl_config_show(const struct ctl_target *t, int nargs, char **args)
{
	struct ctl_response r;
	int ret;

	if (nargs)
		return ctl_usage_error("usage: cairnctl config show");
	ret = call(t, "config show", "GET", "/1.0/config", NULL, &r);
	if (ret)
		return ret;
	fwrite(r.body ? r.body : "", 1, r.len, stdout);
	ctl_response_free(&r);
	return 0;
}
