/* config_value.c - the grammar of single values: names, numbers, booleans,
 * signals.  Durations and sizes have their own files. */
#include "config_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

bool cairn_config_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 63 || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!strchr(alnum, *s) && !strchr("_.-", *s))
			return false;
	return true;
}

bool cairn_config_hostname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool cairn_config_account_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!strchr(alnum, *s) && !strchr("_.-", *s))
			return false;
	return true;
}

bool cairn_config_env_ok(const char *w)
{
	const char *eq = strchr(w, '=');

	if (!eq || eq == w || (w[0] >= '0' && w[0] <= '9'))
		return false;
	for (const char *p = w; p < eq; p++)
		if (!strchr(alnum, *p) && *p != '_')
			return false;
	return true;
}

int cairn_config_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cairn_config_bool(const char *s, bool *out)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* "SIGTERM", "TERM", "sigterm" or "15"; the names are glibc's own
 * abbreviations (sigabbrev_np), so the list matches the C library. */
int cairn_config_signal(const char *s, int *sig)
{
	uint64_t n;

	if (*s >= '0' && *s <= '9') {
		if (cairn_config_uint(s, 1, (uint64_t)SIGRTMAX, &n) < 0)
			return -EINVAL;
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && strcasecmp(s, abbrev) == 0) {
			*sig = i;
			return 0;
		}
	}
	return -EINVAL;
}

void cairn_config_print_signal(FILE *f, int sig)
{
	const char *abbrev = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		fprintf(f, "SIG%s", abbrev);
	else
		fprintf(f, "%d", sig);
}

int cairn_config_fingerprint(const char *s, char out[65])
{
	size_t n = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ':')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || n == 64)
			return -EINVAL;
		out[n++] = c;
	}
	if (n != 64)
		return -EINVAL;
	out[64] = '\0';
	return 0;
}

int cairn_config_bad(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}
