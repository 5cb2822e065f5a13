/* msg.c - cairnctl's failure and usage messages (msg.h). */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

int ctl_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("cairnctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cairnctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see cairnctl help)\n", stderr);
	return EXIT_USAGE;
}
