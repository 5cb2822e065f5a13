/* remote.c - the remotes file and `cairnctl remote add|list|remove`.
 * Certificate and key paths are stored absolute, so the file works from
 * any directory; the file is rewritten whole, atomically, mode 0600. */
#include "remote.h"
#include "msg.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <ini.h>

#include "fileio.h"


const char *ctl_remotes_path(char *buf, size_t size)
{
	const char *d = getenv("CAIRN_CONFIG_DIR"), *home = getenv("HOME");

	if (d && d[0])
		snprintf(buf, size, "%s/remotes.ini", d);
	else
		snprintf(buf, size, "%s/.config/cairn/remotes.ini", home && home[0] ? home : ".");
	return buf;
}

int ctl_remote_parse_url(const char *url, char *host, size_t hsize, char *port,
			 size_t psize, struct cairn_err *e)
{
	const char *h, *end, *p = NULL;
	size_t hl;

	if (strncmp(url, "https://", 8))
		return cairn_err_set(e, -EINVAL, "\"%s\": a remote's URL starts with https://", url);
	h = url + 8;
	if (*h == '[') {
		end = strchr(h, ']');
		if (!end)
			return cairn_err_set(e, -EINVAL, "\"%s\": unclosed [", url);
		hl = (size_t)(end - h - 1);
		h++;
		end++;
	} else {
		end = h + strcspn(h, ":/");
		hl = (size_t)(end - h);
	}
	if (!hl || hl >= hsize)
		return cairn_err_set(e, -EINVAL, "\"%s\": no host", url);
	if (*end == ':') {
		p = end + 1;
		end = p + strcspn(p, "/");
	}
	if (*end && strcmp(end, "/"))
		return cairn_err_set(e, -EINVAL, "\"%s\": the URL names a host, no path", url);
	memcpy(host, h, hl);
	host[hl] = 0;
	if (p) {
		size_t pl = (size_t)(end - p);
		char tmp[8], *x;
		unsigned long v;

		if (!pl || pl >= sizeof(tmp) || pl >= psize)
			return cairn_err_set(e, -EINVAL, "\"%s\": bad port", url);
		memcpy(tmp, p, pl);
		tmp[pl] = 0;
		v = strtoul(tmp, &x, 10);
		if (*x || !v || v > 65535 || tmp[0] < '0' || tmp[0] > '9')
			return cairn_err_set(e, -EINVAL, "\"%s\": bad port", url);
		snprintf(port, psize, "%lu", v);
	} else {
		snprintf(port, psize, "8443");
	}
	return 0;
}

struct load {
	struct ctl_remote *r;
	size_t n;
	int err;
	char why[300];
};

static int ini_cb(void *user, const char *section, const char *key, const char *value)
{
	struct load *l = user;
	struct ctl_remote *cur;
	char *dst = NULL;
	size_t size = 0;

	if (strncmp(section, "remote ", 7) || !section[7]) {
		snprintf(l->why, sizeof(l->why), "unknown section [%.100s]", section);
		return 0;
	}
	if (!l->n || strcmp(l->r[l->n - 1].name, section + 7)) {
		struct ctl_remote *nr = realloc(l->r, (l->n + 1) * sizeof(*nr));

		if (!nr) {
			l->err = -ENOMEM;
			return 0;
		}
		l->r = nr;
		memset(&nr[l->n], 0, sizeof(*nr));
		snprintf(nr[l->n].name, sizeof(nr[l->n].name), "%s", section + 7);
		l->n++;
	}
	cur = &l->r[l->n - 1];
	if (!strcmp(key, "url"))
		dst = cur->url, size = sizeof(cur->url);
	else if (!strcmp(key, "cert"))
		dst = cur->cert, size = sizeof(cur->cert);
	else if (!strcmp(key, "key"))
		dst = cur->key, size = sizeof(cur->key);
	else if (!strcmp(key, "fingerprint"))
		dst = cur->fingerprint, size = sizeof(cur->fingerprint);
	if (!dst) {
		snprintf(l->why, sizeof(l->why), "unknown key \"%.60s\" in [remote %.60s]", key,
			 cur->name);
		return 0;
	}
	snprintf(dst, size, "%s", value);
	return 1;
}

int ctl_remotes_load(struct ctl_remote **out, size_t *n, struct cairn_err *e)
{
	struct load l = { 0 };
	char path[4096];
	size_t i;
	int r;

	*out = NULL;
	*n = 0;
	ctl_remotes_path(path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 0;
	r = ini_parse(path, ini_cb, &l);
	if (l.err) {
		free(l.r);
		return cairn_err_set(e, l.err, "out of memory");
	}
	if (r != 0) {
		free(l.r);
		if (r < 0)
			return cairn_err_sys(e, -errno ? -errno : -EIO, "%s", path);
		return cairn_err_set(e, -EINVAL, "%s:%d: %s", path, r,
				     l.why[0] ? l.why : "not key = value");
	}
	for (i = 0; i < l.n; i++) {
		struct ctl_remote *x = &l.r[i];

		if (ctl_remote_parse_url(x->url, x->host, sizeof(x->host), x->port,
					 sizeof(x->port), e) < 0) {
			free(l.r);
			return cairn_err_prefix(e, -EINVAL, "%s: [remote %s]", path, x->name);
		}
	}
	*out = l.r;
	*n = l.n;
	return 0;
}

int ctl_remote_find(const char *name, struct ctl_remote *out, struct cairn_err *e)
{
	struct ctl_remote *all;
	size_t n, i;
	int r = ctl_remotes_load(&all, &n, e);

	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			free(all);
			return 0;
		}
	}
	free(all);
	return cairn_err_set(e, -ENOENT, "no remote \"%s\" (see cairnctl remote list)", name);
}

static int mkdir_parents(const char *path)
{
	char tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int ctl_remotes_save(const struct ctl_remote *r, size_t n, struct cairn_err *e)
{
	char path[4096], *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int ret;

	ctl_remotes_path(path, sizeof(path));
	f = open_memstream(&buf, &len);
	if (!f)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	fprintf(f, "# cairnctl remotes: written by `cairnctl remote add/remove`\n");
	for (i = 0; i < n; i++)
		fprintf(f, "\n[remote %s]\nurl = %s\ncert = %s\nkey = %s\nfingerprint = %s\n",
			r[i].name, r[i].url, r[i].cert, r[i].key, r[i].fingerprint);
	if (fclose(f) != 0) {
		free(buf);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	ret = mkdir_parents(path);
	if (ret < 0) {
		free(buf);
		return cairn_err_sys(e, ret, "creating the directory of %s", path);
	}
	ret = cairn_write_atomic(path, buf, len, 0600, e);
	free(buf);
	return ret;
}

/* ---- the command -------------------------------------------------------- */

static int usage(const char *msg)
{
	fprintf(stderr, "cairnctl: remote: %s\n"
		"usage: cairnctl remote add NAME https://HOST[:8443] --cert CRT --key KEY "
		"--fingerprint SHA256\n"
		"       cairnctl remote list\n"
		"       cairnctl remote remove NAME\n", msg);
	return EXIT_USAGE;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("cairnctl: remote: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static bool good_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > CTL_REMOTE_NAME_MAX || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int fp_norm(const char *in, char out[65])
{
	size_t o = 0;

	for (; *in; in++) {
		char c = *in;

		if (c == ':')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || o == 64)
			return -EINVAL;
		out[o++] = c;
	}
	out[o] = 0;
	return o == 64 ? 0 : -EINVAL;
}

static int cmd_add(int nargs, char **args)
{
	struct cairn_err e = { "" };
	struct ctl_remote nr = { 0 }, *all;
	const char *name = NULL, *url = NULL, *cert = NULL, *key = NULL, *fp = NULL;
	char abs[PATH_MAX];
	size_t n, i;
	int k;

	for (k = 0; k < nargs; k++) {
		const char *a = args[k];
		const char **dst = NULL;

		if (!strcmp(a, "--cert"))
			dst = &cert;
		else if (!strcmp(a, "--key"))
			dst = &key;
		else if (!strcmp(a, "--fingerprint"))
			dst = &fp;
		if (dst) {
			if (++k == nargs)
				return usage("an option needs a value");
			*dst = args[k];
		} else if (a[0] == '-') {
			return usage("unknown option");
		} else if (!name) {
			name = a;
		} else if (!url) {
			url = a;
		} else {
			return usage("too many arguments");
		}
	}
	if (!name || !url || !cert || !key || !fp)
		return usage("add needs NAME, URL, --cert, --key and --fingerprint");
	if (!good_name(name))
		return fail("\"%s\": a remote's name is letters, digits, '-', '_' or '.'", name);
	snprintf(nr.name, sizeof(nr.name), "%s", name);
	snprintf(nr.url, sizeof(nr.url), "%s", url);
	if (ctl_remote_parse_url(url, nr.host, sizeof(nr.host), nr.port, sizeof(nr.port), &e) < 0)
		return fail("%s", e.msg);
	if (fp_norm(fp, nr.fingerprint) < 0)
		return fail("\"%s\" is not a SHA-256 fingerprint (64 hex digits, as cairnd "
			    "prints it on its console)", fp);
	if (!realpath(cert, abs))
		return fail("%s: %s", cert, strerror(errno));
	snprintf(nr.cert, sizeof(nr.cert), "%s", abs);
	if (!realpath(key, abs))
		return fail("%s: %s", key, strerror(errno));
	snprintf(nr.key, sizeof(nr.key), "%s", abs);
	if (ctl_remotes_load(&all, &n, &e) < 0)
		return fail("%s", e.msg);
	for (i = 0; i < n && strcmp(all[i].name, name); i++)
		;
	if (i == n) {
		struct ctl_remote *m = realloc(all, (n + 1) * sizeof(*m));

		if (!m) {
			free(all);
			return fail("out of memory");
		}
		all = m;
		n++;
	}
	all[i] = nr;   /* adding an existing name replaces it */
	k = ctl_remotes_save(all, n, &e);
	free(all);
	if (k < 0)
		return fail("%s", e.msg);
	printf("remote %s: %s (server fingerprint %s)\n", nr.name, nr.url, nr.fingerprint);
	return 0;
}

static int cmd_list(bool json)
{
	struct cairn_err e = { "" };
	struct ctl_remote *all;
	size_t n, i;

	if (ctl_remotes_load(&all, &n, &e) < 0)
		return fail("%s", e.msg);
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		char *txt;

		for (i = 0; arr && i < n; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", all[i].name);
			cJSON_AddStringToObject(o, "url", all[i].url);
			cJSON_AddStringToObject(o, "cert", all[i].cert);
			cJSON_AddStringToObject(o, "key", all[i].key);
			cJSON_AddStringToObject(o, "fingerprint", all[i].fingerprint);
			cJSON_AddItemToArray(arr, o);
		}
		txt = cJSON_PrintUnformatted(arr);
		cJSON_Delete(arr);
		if (txt)
			printf("%s\n", txt);
		free(txt);
	} else if (!n) {
		printf("no remotes (cairnctl remote add NAME https://HOST:8443 ...)\n");
	} else {
		printf("%-16s %-32s %s\n", "NAME", "URL", "FINGERPRINT");
		for (i = 0; i < n; i++)
			printf("%-16s %-32s %.16s…\n", all[i].name, all[i].url, all[i].fingerprint);
	}
	free(all);
	return 0;
}

static int cmd_remove(int nargs, char **args)
{
	struct cairn_err e = { "" };
	struct ctl_remote *all;
	size_t n, i;
	int r;

	if (nargs != 1)
		return usage("remove takes one NAME");
	if (ctl_remotes_load(&all, &n, &e) < 0)
		return fail("%s", e.msg);
	for (i = 0; i < n && strcmp(all[i].name, args[0]); i++)
		;
	if (i == n) {
		free(all);
		return fail("no remote \"%s\"", args[0]);
	}
	memmove(&all[i], &all[i + 1], (n - i - 1) * sizeof(*all));
	r = ctl_remotes_save(all, n - 1, &e);
	free(all);
	if (r < 0)
		return fail("%s", e.msg);
	printf("remote %s removed\n", args[0]);
	return 0;
}

int ctl_remote_command(int nargs, char **args, bool json)
{
	if (nargs < 1)
		return usage("add, list or remove?");
	if (!strcmp(args[0], "add"))
		return cmd_add(nargs - 1, args + 1);
	if (!strcmp(args[0], "list") || !strcmp(args[0], "ls")) {
		if (nargs != 1)
			return usage("list takes no arguments");
		return cmd_list(json);
	}
	if (!strcmp(args[0], "remove") || !strcmp(args[0], "rm"))
		return cmd_remove(nargs - 1, args + 1);
	return usage("add, list or remove?");
}
