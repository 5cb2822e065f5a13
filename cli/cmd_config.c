/* cmd_config.c - `cairnctl config diff FILE`: fetch the config in force
 * (GET /1.0/config, through the same client as every command, so
 * --remote works), parse both, and say what a push of FILE would do, in
 * cairnd's own terms: a service whose canonical section text differs is
 * restarted ("changed", with the keys that differ), new ones start,
 * missing ones stop, the rest is untouched.  The canonical text is the
 * one cairnd's reconcile compares (lib/config.c), so the two agree. */
#include "cmd_config.h"
#include "msg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "strv.h"


/* The key names whose lines differ between two canonical texts (same
 * keys, same order: lib/config.c writes every key, defaults included). */
static int changed_keys(const char *a, const char *b, cJSON *arr)
{
	int n = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			const char *line = la ? a : b;
			size_t kl = strcspn(line, " =\n");
			char key[64];

			snprintf(key, sizeof(key), "%.*s", (int)(kl < 63 ? kl : 63), line);
			if (!cJSON_AddItemToArray(arr, cJSON_CreateString(key)))
				return -ENOMEM;
			n++;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return n;
}

static bool same_strv(char *const *a, char *const *b)
{
	size_t n = cairn_strv_len(a);

	if (n != cairn_strv_len(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!cairn_strv_contains(b, a[i]))
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static cJSON *build(const struct cairn_config *old, const struct cairn_config *next)
{
	cJSON *o = cJSON_CreateObject(), *changed, *added, *removed, *unchanged;

	if (!o)
		return NULL;
	changed = cJSON_AddArrayToObject(o, "changed");
	added = cJSON_AddArrayToObject(o, "added");
	removed = cJSON_AddArrayToObject(o, "removed");
	unchanged = cJSON_AddArrayToObject(o, "unchanged");
	if (!changed || !added || !removed || !unchanged)
		goto nomem;
	if (old)
		cJSON_AddNumberToObject(o, "generation_from", (double)old->host.generation);
	cJSON_AddNumberToObject(o, "generation_to", (double)next->host.generation);
	if (!old || strcmp(old->host.hostname, next->host.hostname)) {
		if (old)
			cJSON_AddStringToObject(o, "hostname_from", old->host.hostname);
		cJSON_AddStringToObject(o, "hostname_to", next->host.hostname);
	}
	if (!old || !same_strv(old->trust_clients, next->trust_clients) ||
	    !same_str(old->trust_client_ca, next->trust_client_ca) ||
	    !old->trust_line != !next->trust_line)
		cJSON_AddTrueToObject(o, "trust_changed");

	for (size_t i = 0; i < next->n_services; i++) {
		const struct cairn_service *ns = &next->services[i];
		const struct cairn_service *os = old ? cairn_config_service(old, ns->name) : NULL;

		if (!os) {
			cJSON_AddItemToArray(added, cJSON_CreateString(ns->name));
		} else if (os->canon && ns->canon && !strcmp(os->canon, ns->canon)) {
			cJSON_AddItemToArray(unchanged, cJSON_CreateString(ns->name));
		} else {
			cJSON *it = cJSON_CreateObject(), *keys;

			if (!it || !cJSON_AddStringToObject(it, "name", ns->name) ||
			    !(keys = cJSON_AddArrayToObject(it, "keys")) ||
			    changed_keys(os->canon ? os->canon : "", ns->canon ? ns->canon : "", keys) < 0) {
				cJSON_Delete(it);
				goto nomem;
			}
			cJSON_AddItemToArray(changed, it);
		}
	}
	for (size_t i = 0; old && i < old->n_services; i++)
		if (!cairn_config_service(next, old->services[i].name))
			cJSON_AddItemToArray(removed, cJSON_CreateString(old->services[i].name));
	return o;
nomem:
	cJSON_Delete(o);
	return NULL;
}

static void print_names(FILE *f, const cJSON *arr, const char *what)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		fprintf(f, "  %-24s %s\n", it->valuestring, what);
}

int ctl_config_diff_print(FILE *f, const struct cairn_config *old,
			  const struct cairn_config *next, bool json)
{
	cJSON *o = build(old, next);
	const cJSON *it;
	int n;

	if (!o)
		return -ENOMEM;
	n = cJSON_GetArraySize(cJSON_GetObjectItem(o, "changed")) +
	    cJSON_GetArraySize(cJSON_GetObjectItem(o, "added")) +
	    cJSON_GetArraySize(cJSON_GetObjectItem(o, "removed")) +
	    (cJSON_GetObjectItem(o, "hostname_to") ? 1 : 0) +
	    (cJSON_GetObjectItem(o, "trust_changed") ? 1 : 0);
	if (json) {
		char *s = cJSON_PrintUnformatted(o);

		if (!s) {
			cJSON_Delete(o);
			return -ENOMEM;
		}
		fprintf(f, "%s\n", s);
		free(s);
		cJSON_Delete(o);
		return n;
	}
	if (old)
		fprintf(f, "generation %" PRIu64 " -> %" PRIu64 "%s\n", old->host.generation,
			next->host.generation,
			next->host.generation > old->host.generation ? "" :
			"   (not greater: cairnd will refuse it)");
	else
		fprintf(f, "no configuration in force; generation %" PRIu64 "\n",
			next->host.generation);
	if (old && cJSON_GetObjectItem(o, "hostname_to"))
		fprintf(f, "hostname %s -> %s\n", old->host.hostname, next->host.hostname);
	if (old && cJSON_GetObjectItem(o, "trust_changed"))
		fprintf(f, "[trust] changes: the remote API's trusted clients\n");
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(o, "changed")) {
		const cJSON *k;
		bool first = true;

		fprintf(f, "  %-24s changed (restarts):", cJSON_GetObjectItem(it, "name")->valuestring);
		cJSON_ArrayForEach(k, cJSON_GetObjectItem(it, "keys")) {
			fprintf(f, "%s%s", first ? " " : ", ", k->valuestring);
			first = false;
		}
		fputc('\n', f);
	}
	print_names(f, cJSON_GetObjectItem(o, "added"), "added (starts)");
	print_names(f, cJSON_GetObjectItem(o, "removed"), "removed (stops)");
	if (cJSON_GetArraySize(cJSON_GetObjectItem(o, "unchanged")))
		fprintf(f, "  (%d unchanged)\n", cJSON_GetArraySize(cJSON_GetObjectItem(o, "unchanged")));
	if (!n)
		fprintf(f, "no change to the workloads\n");
	cJSON_Delete(o);
	return n;
}

int ctl_config_diff(const struct ctl_target *t, bool json, int nargs, char **args)
{
	struct cairn_config *next = NULL, *old = NULL;
	struct cairn_err e = { "" };
	struct ctl_response r = { 0 };
	char msg[600];
	int ret;

	if (nargs != 1 || (args[0][0] == '-' && args[0][1])) {
		fprintf(stderr, "cairnctl: usage: cairnctl config diff FILE\n(see cairnctl help)\n");
		return EXIT_USAGE;
	}
	if (cairn_config_load(args[0], &next, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return EXIT_FAIL;
	}
	ret = ctl_request_to(t, "GET", "/1.0/config", NULL, NULL, NULL, &r, &e);
	if (ret < 0) {
		fprintf(stderr, "cairnctl: config diff: %s\n", e.msg);
		ret = EXIT_FAIL;
		goto out;
	}
	if (r.status == 404) {
		old = NULL;   /* nothing in force: everything is added */
	} else if (r.status < 200 || r.status >= 300) {
		fprintf(stderr, "cairnctl: config diff: %s\n", ctl_error_text(&r, msg, sizeof(msg)));
		ret = EXIT_FAIL;
		goto out;
	} else if (cairn_config_parse(r.body ? r.body : "", r.len, "(in force)", &old, &e) < 0) {
		fprintf(stderr, "cairnctl: config diff: the configuration in force: %s\n", e.msg);
		ret = EXIT_FAIL;
		goto out;
	}
	ret = ctl_config_diff_print(stdout, old, next, json) < 0 ? EXIT_FAIL : 0;
out:
	ctl_response_free(&r);
	cairn_config_free(old);
	cairn_config_free(next);
	return ret;
}
