/* config_parse.c - text to struct cairn_config: sections, keys, values.
 *
 * inih splits "key = value" lines and finds syntax errors, but Debian's
 * build of it gives the handler no line numbers, cuts lines at 200 bytes,
 * treats " ;" inside a value as a comment and indented lines as
 * continuations.  So inih is fed one line at a time by reader(), which
 * counts lines, strips leading blanks (no continuations), handles section
 * headers itself (inih never sees them, and does not report sections
 * without keys), and keeps the whole line so that handler() takes the value
 * from it, not from inih's shortened copy.  The first error wins: once one
 * is recorded, reader() ends the input. */
#include "config_internal.h"

#include <errno.h>
#include <ini.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config_iface.h"
#include "config_kind.h"
#include "config_pool.h"
#include "duration.h"
#include "hostport.h"
#include "shellsplit.h"
#include "size.h"
#include "strv.h"

enum vtype {
	T_ARGV, T_ENV, T_ACCOUNT, T_PATH, T_RESTART, T_DURATION, T_UINT,
	T_NAMES, T_SIGNAL, T_SIZE, T_BOOL, T_HOSTNAME, T_U64, T_FINGERPRINTS,
	T_HOSTPORT,
};

struct key {
	const char *name;
	enum vtype type;
	size_t off;          /* field in struct cairn_service, cairn_host or
	                        cairn_config ([trust]) */
	uint64_t min, max;   /* for numbers, durations, sizes */
	bool repeat;         /* may appear more than once: appends */
};

#define S(f) offsetof(struct cairn_service, f)
/* The order here is the order of the canonical text (config.c). */
static const struct key svc_keys[] = {
	{ "exec",              T_ARGV,     S(argv),                 0, 0, false },
	{ "environment",       T_ENV,      S(env),                  0, 0, true },
	{ "user",              T_ACCOUNT,  S(user),                 0, 0, false },
	{ "group",             T_ACCOUNT,  S(group),                0, 0, false },
	{ "workdir",           T_PATH,     S(workdir),              0, 0, false },
	{ "restart",           T_RESTART,  S(restart),              0, 0, false },
	{ "restart_delay",     T_DURATION, S(restart_delay_ms),     0, UINT32_MAX, false },
	{ "restart_delay_max", T_DURATION, S(restart_delay_max_ms), 0, UINT32_MAX, false },
	{ "burst",             T_UINT,     S(burst),                1, 1000000, false },
	{ "burst_interval",    T_DURATION, S(burst_interval_ms),    1, UINT32_MAX, false },
	{ "after",             T_NAMES,    S(after),                0, 0, true },
	{ "stop_signal",       T_SIGNAL,   S(stop_signal),          0, 0, false },
	{ "stop_timeout",      T_DURATION, S(stop_timeout_ms),      0, UINT32_MAX, false },
	{ "log_max",           T_SIZE,     S(log_max_bytes),        4096, UINT64_MAX, false },
	{ "log_keep",          T_UINT,     S(log_keep),             0, 1000, false },
	{ "essential",         T_BOOL,     S(essential),            0, 0, false },
};
#undef S
#define N_SVC_KEYS (sizeof(svc_keys) / sizeof(svc_keys[0]))
enum { K_EXEC = 0, K_USER = 2, K_GROUP = 3, K_DELAY = 6, K_DELAY_MAX = 7 };

#define H(f) offsetof(struct cairn_host, f)
static const struct key host_keys[] = {
	{ "hostname",   T_HOSTNAME, H(hostname),   0, 0, false },
	{ "generation", T_U64,      H(generation), 0, UINT64_MAX, false },
	{ "bless_after",    T_DURATION, H(bless_after_ms),    0, UINT32_MAX, false },
	{ "health_timeout", T_DURATION, H(health_timeout_ms), 1, UINT32_MAX, false },
	{ "health_command", T_ARGV,     H(health_command),    0, 0, false },
	{ "health_address", T_HOSTPORT, H(health_address),    0, 0, false },
};
#undef H
#define N_HOST_KEYS (sizeof(host_keys) / sizeof(host_keys[0]))

#define C(f) offsetof(struct cairn_config, f)
static const struct key trust_keys[] = {
	{ "client",    T_FINGERPRINTS, C(trust_clients),   0, 0, true },
	{ "client_ca", T_PATH,         C(trust_client_ca), 0, 0, false },
};
#undef C
#define N_TRUST_KEYS (sizeof(trust_keys) / sizeof(trust_keys[0]))


/* What the parser knows about a service beyond struct cairn_service. */
struct svc_meta {
	int key_line[N_SVC_KEYS];  /* first line of each key, 0 if unset */
	int *after_lines;          /* parallel to after[] */
};

struct parser {
	const char *file;
	const char *buf;
	size_t len, pos;
	int lineno;
	char *line;                /* the current line, trimmed */
	size_t line_cap;

	struct cairn_config *c;
	enum { SEC_NONE, SEC_HOST, SEC_TRUST, SEC_SERVICE, SEC_IFACE, SEC_POOL, SEC_NETWORK } sec;
	struct svc_meta *meta;     /* parallel to c->services */
	size_t n_meta;             /* entries of meta: generated services have none */
	int host_key_line[N_HOST_KEYS];
	int trust_key_line[N_TRUST_KEYS];

	struct cairn_err *e;
	int err;                   /* first error (negative), 0 if none */
	int err_line;
};

static void fail(struct parser *p, int ret, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct parser *p, int ret, int line, const char *fmt, ...)
{
	char msg[sizeof(p->e->msg)];
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err = cairn_config_error(p->e, ret, p->file, line, "%s", msg);
	p->err_line = line;
}

static void oom(struct parser *p)
{
	fail(p, -ENOMEM, p->lineno, "out of memory");
}

static struct cairn_service *cur_service(struct parser *p)
{
	return &p->c->services[p->c->n_services - 1];
}

/* "[service web]", "[host]" or "[trust]", for messages. */
static const char *sec_label(struct parser *p, char *buf, size_t size)
{
	if (p->sec == SEC_HOST)
		return "[host]";
	if (p->sec == SEC_TRUST)
		return "[trust]";
	snprintf(buf, size, "[%s %s]", cairn_kind_name(cur_service(p)->kind),
		 cur_service(p)->name);
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void cairn_service_defaults(struct cairn_service *s)
{
	memset(s, 0, sizeof(*s));
	s->restart = CAIRN_RESTART_ON_FAILURE;
	s->restart_delay_ms = 1000;
	s->restart_delay_max_ms = 60000;
	s->burst = 5;
	s->burst_interval_ms = 60000;
	s->stop_signal = SIGTERM;
	s->stop_timeout_ms = 10000;
	s->log_max_bytes = 1024 * 1024;
	s->log_keep = 3;
}

/* [service NAME], [container NAME], [vm NAME]: one name space, since
 * after= may name any of them. */
static void open_service(struct parser *p, const char *name, enum cairn_kind kind)
{
	struct cairn_config *c = p->c;
	struct cairn_service *ns;
	struct svc_meta *nm;
	int r = 0;

	for (size_t i = 0; i < c->n_services; i++)
		if (strcmp(c->services[i].name, name) == 0 && c->services[i].kind == kind)
			return fail(p, -EINVAL, p->lineno, "duplicate section [%s %s] (first on line %d)",
				    cairn_kind_name(kind), name, c->services[i].line);
		else if (strcmp(c->services[i].name, name) == 0)
			return fail(p, -EINVAL, p->lineno, "duplicate name: [%s %s] (first as [%s %s] on line %d)",
				    cairn_kind_name(kind), name, cairn_kind_name(c->services[i].kind),
				    name, c->services[i].line);
	ns = realloc(c->services, (c->n_services + 1) * sizeof(*ns));
	if (!ns)
		return oom(p);
	c->services = ns;
	nm = realloc(p->meta, (c->n_services + 1) * sizeof(*nm));
	if (!nm)
		return oom(p);
	p->meta = nm;
	memset(&nm[c->n_services], 0, sizeof(*nm));
	cairn_service_defaults(&ns[c->n_services]);
	ns[c->n_services].line = p->lineno;
	ns[c->n_services].name = strdup(name);
	c->n_services++;
	p->n_meta = c->n_services;
	if (!cur_service(p)->name)
		return oom(p);
	cur_service(p)->kind = kind;
	if (kind == CAIRN_KIND_CONTAINER)
		r = cairn_container_new(cur_service(p));
	else if (kind == CAIRN_KIND_VM)
		r = cairn_vm_new(cur_service(p));
	if (r < 0)
		return oom(p);
	p->sec = SEC_SERVICE;
}

/* A "[type name]" line, already trimmed. */
static void section_header(struct parser *p)
{
	char *l = p->line, *close = strchr(l, ']'), *type, *name, *end;

	if (!close)
		return fail(p, -EINVAL, p->lineno, "syntax error: section header without ']'");
	if (close[1])
		return fail(p, -EINVAL, p->lineno,
			    "syntax error: text after ']' (comments go on a line of their own)");
	*close = '\0';
	for (type = l + 1; is_blank(*type); type++)
		;
	for (end = close; end > type && is_blank(end[-1]); end--)
		*(end - 1) = '\0';
	for (name = type; *name && !is_blank(*name); name++)
		;
	if (*name) {
		*name++ = '\0';
		while (is_blank(*name))
			name++;
	}

	if (strcmp(type, "host") == 0) {
		if (*name)
			return fail(p, -EINVAL, p->lineno, "section [host] takes no name (found '%s')", name);
		if (p->c->host.line)
			return fail(p, -EINVAL, p->lineno, "duplicate section [host] (first on line %d)",
				    p->c->host.line);
		p->c->host.line = p->lineno;
		p->sec = SEC_HOST;
		return;
	}
	if (strcmp(type, "trust") == 0) {
		if (*name)
			return fail(p, -EINVAL, p->lineno, "section [trust] takes no name (found '%s')", name);
		if (p->c->trust_line)
			return fail(p, -EINVAL, p->lineno, "duplicate section [trust] (first on line %d)",
				    p->c->trust_line);
		p->c->trust_line = p->lineno;
		p->sec = SEC_TRUST;
		return;
	}
	if (strcmp(type, "interface") == 0) {     /* config_iface.c */
		char msg[256];
		int r = cairn_iface_open(p->c, name, p->lineno, msg, sizeof(msg));

		if (r < 0)
			return fail(p, r, p->lineno, "%s", msg);
		p->sec = SEC_IFACE;
		return;
	}
	if (strcmp(type, "pool") == 0) {          /* config_pool.c */
		char msg[256];
		int r = cairn_pool_open(p->c, name, p->lineno, msg, sizeof(msg));

		if (r < 0)
			return fail(p, r, p->lineno, "%s", msg);
		p->sec = SEC_POOL;
		return;
	}
	if (strcmp(type, "network") == 0) {       /* config_network.c */
		char msg[256];
		int r = cairn_network_open(p->c, name, p->lineno, msg, sizeof(msg));

		if (r < 0)
			return fail(p, r, p->lineno, "%s", msg);
		p->sec = SEC_NETWORK;
		return;
	}
	for (enum cairn_kind k = CAIRN_KIND_SERVICE; k <= CAIRN_KIND_VM; k++) {
		if (strcmp(type, cairn_kind_name(k)) != 0)
			continue;
		if (!*name)
			return fail(p, -EINVAL, p->lineno, "section [%s] needs a name: [%s NAME]",
				    type, type);
		if (!cairn_config_name_ok(name))
			return fail(p, -EINVAL, p->lineno,
				    "bad %s name '%s': expected 1-63 of a-z A-Z 0-9 _ . -, not starting with '.' or '-'",
				    type, name);
		return open_service(p, name, k);
	}
	fail(p, -EINVAL, p->lineno, "unknown section [%s%s%s] (expected [host], [trust], [interface NAME], [network NAME], [pool NAME], [service NAME], [container NAME] or [vm NAME])",
	     type, *name ? " " : "", name);
}

/* inih's reader: hands over one trimmed line per call (see the top). */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *b, *nl;
	size_t n, start = 0, keep;

	if (p->err || p->pos >= p->len || num < 3)
		return NULL;
	b = p->buf + p->pos;
	nl = memchr(b, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - b) : p->len - p->pos;
	p->pos += n + (nl ? 1 : 0);
	p->lineno++;

	if (p->lineno == 1 && n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	while (start < n && is_blank(b[start]))
		start++;
	while (n > start && is_blank(b[n - 1]))
		n--;
	if (n - start + 1 > p->line_cap) {
		char *nlb = realloc(p->line, n - start + 1);

		if (!nlb) {
			oom(p);
			return NULL;
		}
		p->line = nlb;
		p->line_cap = n - start + 1;
	}
	memcpy(p->line, b + start, n - start);
	p->line[n - start] = '\0';

	if (p->line[0] == '[') {
		section_header(p);
		strcpy(str, "\n");
		return str;
	}
	/* A long line is cut for inih: it only needs the key and the '='. */
	keep = n - start;
	if (keep > (size_t)num - 2)
		keep = (size_t)num - 2;
	memcpy(str, p->line, keep);
	str[keep] = '\n';
	str[keep + 1] = '\0';
	return str;
}

/* Set the value of one key; v is the full value.  Reports its own errors. */
static void set_value(struct parser *p, const struct key *k, void *base, const char *v,
		      const char *sec)
{
	char *field = (char *)base + k->off;
	struct cairn_err se;
	uint64_t n;
	unsigned ms;
	char **words = NULL;
	int ret;

#define BAD(...) fail(p, -EINVAL, p->lineno, "bad value '%.100s' for '%s' in %s: " __VA_ARGS__)
	switch (k->type) {
	case T_ARGV:
	case T_ENV:
	case T_NAMES:
		ret = cairn_shellsplit(v, &words, &se);
		if (ret == -ENOMEM)
			return oom(p);
		if (ret < 0)
			return fail(p, ret, p->lineno, "bad value for '%s' in %s: %s", k->name, sec, se.msg);
		break;
	default:
		break;
	}

	switch (k->type) {
	case T_ARGV:
		if (!words)
			return BAD("expected a command line", v, k->name, sec);
		if (words[0][0] != '/' && strchr(words[0], '/')) {
			cairn_strv_free(words);
			return BAD("the program must be an absolute path or a bare name (looked up in /usr/sbin:/usr/bin:/sbin:/bin)",
				   v, k->name, sec);
		}
		*(char ***)field = words;
		break;
	case T_ENV:
		for (size_t i = 0; words && words[i] && !p->err; i++) {
			char **env = *(char ***)field;
			size_t klen = strcspn(words[i], "=");

			if (!cairn_config_env_ok(words[i])) {
				fail(p, -EINVAL, p->lineno,
				     "bad value '%.100s' for '%s' in %s: expected NAME=VALUE words (NAME: letters, digits, _)",
				     words[i], k->name, sec);
				break;
			}
			for (size_t j = 0; env && env[j]; j++)
				if (strncmp(env[j], words[i], klen + 1) == 0)
					fail(p, -EINVAL, p->lineno, "environment variable '%.*s' set twice in %s",
					     (int)klen, words[i], sec);
			for (size_t j = 0; j < i; j++)
				if (strncmp(words[j], words[i], klen + 1) == 0)
					fail(p, -EINVAL, p->lineno, "environment variable '%.*s' set twice in %s",
					     (int)klen, words[i], sec);
		}
		if (!p->err && cairn_strv_extend((char ***)field, &words) < 0)
			oom(p);
		cairn_strv_free(words);
		break;
	case T_NAMES: {
		struct svc_meta *m = &p->meta[p->c->n_services - 1];

		for (size_t i = 0; words && words[i]; i++) {
			char ***after = (char ***)field;
			size_t len = cairn_strv_len(*after);
			int *nl;

			if (!cairn_config_name_ok(words[i])) {
				fail(p, -EINVAL, p->lineno, "bad value '%.100s' for '%s' in %s: expected service names separated by blanks",
				     words[i], k->name, sec);
				break;
			}
			if (cairn_strv_contains(*after, words[i]))
				continue;
			nl = realloc(m->after_lines, (len + 1) * sizeof(*nl));
			if (!nl) {
				oom(p);
				break;
			}
			m->after_lines = nl;
			nl[len] = p->lineno;
			if (cairn_strv_push_dup(after, words[i]) < 0) {
				oom(p);
				break;
			}
		}
		cairn_strv_free(words);
		break;
	}
	case T_ACCOUNT:
		if (!cairn_config_account_ok(v))
			return BAD("expected a user or group name (1-32 of a-z A-Z 0-9 _ . -)", v, k->name, sec);
		if (!(*(char **)field = strdup(v)))
			return oom(p);
		break;
	case T_PATH:
		if (v[0] != '/')
			return BAD("expected an absolute path", v, k->name, sec);
		if (!(*(char **)field = strdup(v)))
			return oom(p);
		break;
	case T_RESTART:
		if (strcmp(v, "no") == 0)
			*(enum cairn_restart *)field = CAIRN_RESTART_NO;
		else if (strcmp(v, "on-failure") == 0)
			*(enum cairn_restart *)field = CAIRN_RESTART_ON_FAILURE;
		else if (strcmp(v, "always") == 0)
			*(enum cairn_restart *)field = CAIRN_RESTART_ALWAYS;
		else
			return BAD("expected no, on-failure or always", v, k->name, sec);
		break;
	case T_DURATION:
		if (cairn_duration_parse(v, &ms) < 0 || ms < k->min)
			return BAD("expected %s%s", v, k->name, sec, CAIRN_DURATION_FORMS,
				   k->min ? ", above 0" : "");
		*(unsigned *)field = ms;
		break;
	case T_SIZE:
		if (cairn_size_parse(v, &n) < 0 || n < k->min)
			return BAD("expected %s, at least 4K", v, k->name, sec, CAIRN_SIZE_FORMS);
		*(uint64_t *)field = n;
		break;
	case T_UINT:
		if (cairn_config_uint(v, k->min, k->max, &n) < 0)
			return BAD("expected a whole number from %llu to %llu", v, k->name, sec,
				   (unsigned long long)k->min, (unsigned long long)k->max);
		*(unsigned *)field = (unsigned)n;
		break;
	case T_U64:
		if (cairn_config_uint(v, k->min, k->max, &n) < 0)
			return BAD("expected a whole number from %llu to %llu", v, k->name, sec,
				   (unsigned long long)k->min, (unsigned long long)k->max);
		*(uint64_t *)field = n;
		break;
	case T_SIGNAL:
		if (cairn_config_signal(v, (int *)field) < 0)
			return BAD("expected a signal name such as SIGTERM, TERM, INT, HUP, QUIT, USR1, KILL or a number from 1 to %d",
				   v, k->name, sec, SIGRTMAX);
		break;
	case T_BOOL:
		if (cairn_config_bool(v, (bool *)field) < 0)
			return BAD("expected yes, no, true or false", v, k->name, sec);
		break;
	case T_FINGERPRINTS: {
		char fp[65];

		if (cairn_config_fingerprint(v, fp) < 0)
			return BAD("expected a SHA-256 fingerprint: 64 hex digits, colons allowed (cairnctl cert fingerprint CERT)",
				   v, k->name, sec);
		if (cairn_strv_contains(*(char ***)field, fp))
			break;
		if (cairn_strv_push_dup((char ***)field, fp) < 0)
			return oom(p);
		break;
	}
	case T_HOSTPORT: {
		char host[256], port[8];

		if (cairn_hostport_split(v, host, sizeof(host), port, sizeof(port)) < 0)
			return BAD("expected HOST:PORT (an address or name, [IPv6]:PORT, port 1-65535)",
				   v, k->name, sec);
		if (!(*(char **)field = strdup(v)))
			return oom(p);
		break;
	}
	case T_HOSTNAME: {
		char *h;

		if (!cairn_config_hostname_ok(v))
			return BAD("expected 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'",
				   v, k->name, sec);
		if (!(h = strdup(v)))
			return oom(p);
		free(*(char **)field);
		*(char **)field = h;
		break;
	}
	}
#undef BAD
}

static void set_key(struct parser *p, const struct key *keys, size_t n, int *lines,
		    void *base, const char *name, const char *v)
{
	char lb[96];
	const char *sec = sec_label(p, lb, sizeof(lb));

	for (size_t i = 0; i < n; i++) {
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (lines[i] && !keys[i].repeat)
			return fail(p, -EINVAL, p->lineno, "duplicate key '%s' in %s (first on line %d)",
				    name, sec, lines[i]);
		if (!lines[i])
			lines[i] = p->lineno;
		return set_value(p, &keys[i], base, v, sec);
	}
	fail(p, -EINVAL, p->lineno, "unknown key '%.100s' in %s", name, sec);
}

static void iface_key(struct parser *p, int ret, const char *msg)
{
	if (ret < 0)
		fail(p, ret, p->lineno, "%s", msg);
}

/* Service keys a VM has no use for: it runs no program of the host's. */
static bool vm_refuses(const char *key)
{
	static const char *const no[] = { "exec", "environment", "user", "group", "workdir" };

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcmp(key, no[i]))
			return true;
	return false;
}

/* A key in a [service], [container] or [vm] section. */
static void service_key(struct parser *p, const char *name, const char *v)
{
	struct cairn_service *s = cur_service(p);
	char msg[512];
	int r = 1;

	if (s->kind == CAIRN_KIND_CONTAINER)
		r = cairn_container_key(s, name, v, p->lineno, msg, sizeof(msg));
	else if (s->kind == CAIRN_KIND_VM) {
		if (vm_refuses(name))
			return fail(p, -EINVAL, p->lineno, "key '%s' is not for [vm %s]: a VM runs no host program",
				    name, s->name);
		r = cairn_vm_key(s, name, v, p->lineno, msg, sizeof(msg));
	}
	if (r < 0)
		return fail(p, r, p->lineno, "%s", msg);
	if (r > 0)
		set_key(p, svc_keys, N_SVC_KEYS, p->meta[p->c->n_services - 1].key_line, s, name, v);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const char *v;
	char msg[512];

	(void)section;
	(void)value;
	if (p->err)
		return 1;
	/* inih split at the first '=' or ':'; so do we, on the whole line. */
	v = strpbrk(p->line, "=:");
	if (!v || !*name) {
		fail(p, -EINVAL, p->lineno, "syntax error: no key before '%c'", v ? *v : '=');
		return 1;
	}
	for (v++; is_blank(*v); v++)
		;
	switch (p->sec) {
	case SEC_NONE:
		fail(p, -EINVAL, p->lineno, "key '%.100s' outside of any section (put it under [host] or [service NAME])",
		     name);
		break;
	case SEC_HOST:
		if (strcmp(name, "ntp") == 0)   /* config_iface.c */
			iface_key(p, cairn_host_ntp(p->c, v, p->lineno, msg, sizeof(msg)), msg);
		else
			set_key(p, host_keys, N_HOST_KEYS, p->host_key_line, &p->c->host, name, v);
		break;
	case SEC_IFACE:
		iface_key(p, cairn_iface_key(p->c, name, v, p->lineno, msg, sizeof(msg)), msg);
		break;
	case SEC_POOL:
		iface_key(p, cairn_pool_key(p->c, name, v, p->lineno, msg, sizeof(msg)), msg);
		break;
	case SEC_TRUST:
		set_key(p, trust_keys, N_TRUST_KEYS, p->trust_key_line, p->c, name, v);
		break;
	case SEC_NETWORK:
		iface_key(p, cairn_network_key(p->c, name, v, p->lineno, msg, sizeof(msg)), msg);
		break;
	case SEC_SERVICE:
		service_key(p, name, v);
		break;
	}
	return 1;
}

/* What can only be checked once a whole section has been read. */
static void check_services(struct parser *p)
{
	struct cairn_config *c = p->c;

	for (size_t i = 0; i < c->n_services && !p->err; i++) {
		struct cairn_service *s = &c->services[i];
		int *kl = p->meta[i].key_line;

		s->exec_line = kl[K_EXEC];
		s->user_line = kl[K_USER];
		s->group_line = kl[K_GROUP];
		if (s->restart_delay_max_ms < s->restart_delay_ms)
			fail(p, -EINVAL, kl[K_DELAY_MAX] > kl[K_DELAY] ? kl[K_DELAY_MAX] : kl[K_DELAY],
			     "restart_delay_max (%ums) is below restart_delay (%ums) in [%s %s]",
			     s->restart_delay_max_ms, s->restart_delay_ms, cairn_kind_name(s->kind), s->name);
		else if (s->kind == CAIRN_KIND_CONTAINER)
			p->err = p->err ? p->err : cairn_container_finish(c, s, p->file, p->e);
		else if (s->kind == CAIRN_KIND_VM)
			p->err = p->err ? p->err : cairn_vm_finish(c, s, p->file, p->e);
		else if (!s->argv)
			fail(p, -EINVAL, s->line, "[service %s] has no exec (the command to run)", s->name);
	}
}

static int finish(struct parser *p)
{
	int **lines;
	size_t n_parsed = p->c->n_services;  /* then come the generated ones */
	int ret;

	ret = cairn_network_finish(p->c, p->file, p->e);  /* before the kinds use them */
	if (ret < 0)
		return ret;
	check_services(p);
	if (p->err)
		return p->err;
	ret = cairn_pool_finish(p->c, p->file, p->e);  /* [pool] sources vs fs */
	if (ret < 0)
		return ret;
	ret = cairn_net_finish(p->c, p->file, p->e);  /* dhcp-NAME, ntpd: with canon */
	if (ret < 0)
		return ret;
	lines = calloc(p->c->n_services + 1, sizeof(*lines));
	if (!lines)
		return cairn_config_error(p->e, -ENOMEM, p->file, 0, "out of memory");
	for (size_t i = 0; i < n_parsed; i++)
		lines[i] = p->meta[i].after_lines;
	ret = cairn_config_check_deps(p->c, lines, p->e);
	free(lines);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n_parsed; i++)
		if (cairn_service_make_canon(&p->c->services[i]) < 0)
			return cairn_config_error(p->e, -ENOMEM, p->file, p->c->services[i].line,
						  "out of memory");
	return 0;
}

int cairn_config_parse(const char *buf, size_t len, const char *name,
		       struct cairn_config **out, struct cairn_err *e)
{
	struct parser p = { .file = name ? name : "(config)", .buf = buf, .len = len, .e = e };
	const char *nul;
	int ret;

	*out = NULL;
	if (!buf) {
		p.buf = "";
		p.len = 0;
	}
	p.c = calloc(1, sizeof(*p.c));
	if (!p.c)
		return cairn_err_set(e, -ENOMEM, "%s: out of memory", p.file);
	p.c->path = strdup(p.file);
	p.c->host.hostname = strdup("cairn");
	p.c->host.bless_after_ms = 30 * 1000;
	p.c->host.health_timeout_ms = 5 * 60 * 1000;
	if (!p.c->path || !p.c->host.hostname) {
		ret = cairn_err_set(e, -ENOMEM, "%s: out of memory", p.file);
		goto out;
	}

	nul = memchr(p.buf, '\0', p.len);
	if (nul) {
		int line = 1;

		for (const char *q = p.buf; q < nul; q++)
			line += *q == '\n';
		ret = cairn_config_error(e, -EINVAL, p.file, line, "syntax error: NUL byte in the text");
		goto out;
	}

	ret = ini_parse_stream(reader, &p, handler, &p);
	if (ret > 0 && (!p.err || ret < p.err_line)) {
		p.err = 0;
		fail(&p, -EINVAL, ret, "syntax error: expected 'key = value', a [section] header or a comment");
	} else if (ret < 0 && !p.err) {
		fail(&p, -ENOMEM, p.lineno, "out of memory");
	}
	ret = p.err ? p.err : finish(&p);
out:
	for (size_t i = 0; p.meta && i < p.n_meta; i++)
		free(p.meta[i].after_lines);
	free(p.meta);
	free(p.line);
	if (ret < 0) {
		cairn_config_free(p.c);
		return ret;
	}
	*out = p.c;
	return 0;
}
