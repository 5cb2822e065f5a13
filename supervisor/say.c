/* say.c - cairnd's console lines (say.h). */
#include "say.h"

#include <stdarg.h>
#include <stdio.h>

void cairnd_say(const char *fmt, ...)
{
	va_list ap;

	fputs("cairnd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
