/* config.c - the config's life outside parsing: loading a file, looking
 * services up, the canonical text of a section, freeing.  The grammar is
 * in config_parse.c, host checks in config_validate.c. */
#include "config_internal.h"
#include "config_kind.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_iface.h"
#include "config_pool.h"
#include "shellsplit.h"
#include "strv.h"

/* A config is a text an operator writes: anything bigger is a mistake. */
#define CONFIG_MAX_BYTES (16u << 20)

int cairn_config_error(struct cairn_err *e, int ret, const char *file, int line,
		       const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return ret;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cairn_err_set(e, ret, "%s:%d: %s", file, line, msg);
}

int cairn_config_load(const char *path, struct cairn_config **out, struct cairn_err *e)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_err_sys(e, -errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		ret = cairn_err_sys(e, -errno, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_BYTES) {
		ret = cairn_err_set(e, -EINVAL, "%s: not a regular file of at most %u bytes",
				    path, CONFIG_MAX_BYTES);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = cairn_err_set(e, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = cairn_err_sys(e, -errno, "%s", path);
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	ret = cairn_config_parse(buf, len, path, out, e);
out:
	free(buf);
	close(fd);
	return ret;
}

const char *cairn_kind_name(enum cairn_kind k)
{
	switch (k) {
	case CAIRN_KIND_CONTAINER: return "container";
	case CAIRN_KIND_VM: return "vm";
	default: return "service";
	}
}

const struct cairn_service *cairn_config_service(const struct cairn_config *c,
						 const char *name)
{
	for (size_t i = 0; c && i < c->n_services; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

const char *cairn_restart_name(enum cairn_restart r)
{
	switch (r) {
	case CAIRN_RESTART_NO: return "no";
	case CAIRN_RESTART_ON_FAILURE: return "on-failure";
	case CAIRN_RESTART_ALWAYS: return "always";
	}
	return "?";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Words quoted so that the line reads back as the same words.  Sorted
 * when order carries no meaning (environment names are unique, after is a
 * set), so that reordering them does not count as a change. */
static int print_words(FILE *f, char *const *v, bool sorted)
{
	size_t n = cairn_strv_len(v);
	char **tmp = NULL;

	if (sorted && n > 1) {
		tmp = malloc(n * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		memcpy(tmp, v, n * sizeof(*tmp));
		qsort(tmp, n, sizeof(*tmp), cmp_str);
		v = tmp;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		cairn_shellquote(f, v[i]);
	}
	fputc('\n', f);
	free(tmp);
	return 0;
}

/* Every key, in the fixed order of config_parse.c's table, with its parsed
 * value (defaults included): equal text means an equal service. */
int cairn_service_make_canon(struct cairn_service *s)
{
	size_t size;
	FILE *f;
	int ret = 0;

	free(s->canon);
	s->canon = NULL;
	f = open_memstream(&s->canon, &size);
	if (!f)
		return -ENOMEM;
	fprintf(f, "[%s %s]\nexec = ", cairn_kind_name(s->kind), s->name);
	ret |= print_words(f, s->argv, false);
	fputs("environment = ", f);
	ret |= print_words(f, s->env, true);
	fprintf(f, "user = %s\ngroup = %s\nworkdir = %s\n",
		s->user ? s->user : "", s->group ? s->group : "", s->workdir ? s->workdir : "");
	fprintf(f, "restart = %s\nrestart_delay = %ums\nrestart_delay_max = %ums\n",
		cairn_restart_name(s->restart), s->restart_delay_ms, s->restart_delay_max_ms);
	fprintf(f, "burst = %u\nburst_interval = %ums\nafter = ", s->burst, s->burst_interval_ms);
	ret |= print_words(f, s->after, true);
	fputs("stop_signal = ", f);
	cairn_config_print_signal(f, s->stop_signal);
	fprintf(f, "\nstop_timeout = %ums\nlog_max = %llu\nlog_keep = %u\nessential = %s\n",
		s->stop_timeout_ms, (unsigned long long)s->log_max_bytes, s->log_keep,
		s->essential ? "yes" : "no");
	if (s->ct)
		cairn_container_canon(f, s->ct);
	if (s->vm)
		cairn_vm_canon(f, s->vm);
	if (fclose(f) != 0 || ret) {
		free(s->canon);
		s->canon = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void service_free(struct cairn_service *s)
{
	free(s->name);
	cairn_strv_free(s->argv);
	cairn_strv_free(s->env);
	free(s->user);
	free(s->group);
	free(s->workdir);
	cairn_strv_free(s->after);
	free(s->canon);
	cairn_container_free(s->ct);
	cairn_vm_free(s->vm);
}

void cairn_config_free(struct cairn_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_services; i++)
		service_free(&c->services[i]);
	free(c->services);
	cairn_net_free(c);   /* [interface] sections, [host] ntp */
	cairn_pool_free(c);  /* [pool] sections */
	cairn_network_free(c);
	cairn_strv_free(c->trust_clients);
	free(c->trust_client_ca);
	free(c->host.hostname);
	cairn_strv_free(c->host.health_command);
	free(c->host.health_address);
	free(c->path);
	free(c);
}

void *cairn_config_grow(void *arr, size_t n, size_t size)
{
	char *a = realloc(arr, (n + 1) * size);

	if (a)
		memset(a + n * size, 0, size);
	return a;
}
