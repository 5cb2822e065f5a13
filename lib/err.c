/* err.c - the error message buffer shared by every glibc program. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cairn_err_set(struct cairn_err *e, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return ret;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return ret;
}

int cairn_err_sys(struct cairn_err *e, int ret, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!e)
		return ret;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(ret < 0 ? -ret : ret));
	return ret;
}

int cairn_err_prefix(struct cairn_err *e, int ret, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	va_list ap;
	size_t n;

	if (!e)
		return ret;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", old);
	return ret;
}
