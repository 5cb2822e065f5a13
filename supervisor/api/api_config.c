/* api_config.c - GET/PUT /1.0/config and POST /1.0/config/confirm.
 *
 * PUT takes {"config": TEXT, "signature": BASE64 of the DER .sig,
 * "try": SECONDS (optional)}.  This file only checks the shape of the
 * request; whether the config is signed, newer and valid is the
 * supervisor's call (sup_push), and its message goes back as it is.
 * The body limit (1 MiB) is http.c's, enforced before anything is read.
 */
#include "api_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/base64.h>

int api_config_status(int err)
{
	switch (err) {
	case -ENOSYS:
		return 501;
	case -ENOMEM:
	case -EIO:
	case -ENOSPC:
		return 500;
	case -EPERM:
	case -EACCES:
	case -EKEYREJECTED:
	case -EBADMSG:
		return 403;   /* not signed by a trusted signer */
	case -EEXIST:
	case -ESTALE:
	case -EALREADY:
	case -EBUSY:
		return 409;   /* an old generation; nothing to confirm */
	default:
		return 400;
	}
}

static void answer(struct http_conn *c, int status, cJSON *o)
{
	char *txt = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	if (!txt) {
		http_respond_error(c, 500, "out of memory");
		return;
	}
	size_t n = strlen(txt);
	char *t = realloc(txt, n + 2);

	if (t) {
		txt = t;
		txt[n++] = '\n';
		txt[n] = 0;
	}
	http_respond(c, status, "application/json", NULL, txt, n);
	free(txt);
}

void api_config_get(struct supervisor *s, struct http_conn *c)
{
	size_t len;
	const char *txt = sup_config_text(s, &len);

	if (!txt) {
		http_respond_error(c, 404, "no configuration in force");
		return;
	}
	http_respond(c, 200, "text/plain; charset=utf-8", NULL, txt, len);
}

void api_config_put(struct supervisor *s, struct http_conn *c, const struct http_request *req)
{
	struct cairn_err e = { "" };
	const cJSON *conf, *sig, *try;
	unsigned char *der = NULL;
	unsigned try_s = 0;
	size_t der_len = 0, slen;
	cJSON *body, *o;
	int r;

	body = req->body ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		http_respond_error(c, 400, "the body must be a JSON object "
				   "{\"config\":TEXT,\"signature\":BASE64,\"try\":SECONDS}");
		return;
	}
	conf = cJSON_GetObjectItemCaseSensitive(body, "config");
	sig = cJSON_GetObjectItemCaseSensitive(body, "signature");
	try = cJSON_GetObjectItemCaseSensitive(body, "try");
	if (!cJSON_IsString(conf) || !cJSON_IsString(sig)) {
		cJSON_Delete(body);
		http_respond_error(c, 400, "\"config\" (text) and \"signature\" (base64) are required");
		return;
	}
	if (try && !cJSON_IsNull(try)) {
		double v = cJSON_IsNumber(try) ? try->valuedouble : -1;

		if (v < 0 || v > 7 * 86400 || (double)(unsigned)v != v) {
			cJSON_Delete(body);
			http_respond_error(c, 400, "\"try\" must be whole seconds, 0 to 604800");
			return;
		}
		try_s = (unsigned)v;
	}
	slen = strlen(sig->valuestring);
	if (slen > API_SIG_B64_MAX) {
		cJSON_Delete(body);
		http_respond_error(c, 400, "signature too long");
		return;
	}
	der = malloc(slen / 4 * 3 + 4);
	if (!der) {
		cJSON_Delete(body);
		http_respond_error(c, 500, "out of memory");
		return;
	}
	r = mbedtls_base64_decode(der, slen / 4 * 3 + 4, &der_len,
				  (const unsigned char *)sig->valuestring, slen);
	if (r != 0 || der_len == 0) {
		free(der);
		cJSON_Delete(body);
		http_respond_error(c, 400, "\"signature\" is not base64 of a signature");
		return;
	}
	r = sup_push(s, conf->valuestring, strlen(conf->valuestring), der, der_len, try_s, &e);
	free(der);
	cJSON_Delete(body);
	if (r < 0) {
		http_respond_error(c, api_config_status(r), "%s", e.msg[0] ? e.msg : strerror(-r));
		return;
	}
	o = cJSON_CreateObject();
	if (o) {
		cJSON_AddStringToObject(o, "status", try_s ? "provisional" : "applied");
		cJSON_AddNumberToObject(o, "config_generation", (double)sup_generation(s));
		if (try_s)
			cJSON_AddNumberToObject(o, "confirm_within", try_s);
	}
	answer(c, 200, o);
}

void api_config_confirm(struct supervisor *s, struct http_conn *c)
{
	struct cairn_err e = { "" };
	cJSON *o;
	int r = sup_confirm(s, &e);

	if (r < 0) {
		http_respond_error(c, api_config_status(r), "%s", e.msg[0] ? e.msg : strerror(-r));
		return;
	}
	o = cJSON_CreateObject();
	if (o) {
		cJSON_AddStringToObject(o, "status", "confirmed");
		cJSON_AddNumberToObject(o, "config_generation", (double)sup_generation(s));
	}
	answer(c, 200, o);
}
