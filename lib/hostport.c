/* hostport.c - HOST:PORT values (hostport.h). */
#include "hostport.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cairn_hostport_split(const char *s, char *host, size_t hsize, char *port, size_t psize)
{
	const char *colon, *h = s;
	size_t hl;
	char *end;
	long n;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
		if (!hl || strspn(h, "0123456789abcdefABCDEF:.") < hl)
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
		if (!hl || hl > 253 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") < hl)
			return -EINVAL;
	}
	if (!isdigit((unsigned char)colon[1]))
		return -EINVAL;
	errno = 0;
	n = strtol(colon + 1, &end, 10);
	if (errno || *end || n < 1 || n > 65535 || hl >= hsize || strlen(colon + 1) >= psize)
		return -EINVAL;
	snprintf(host, hsize, "%.*s", (int)hl, h);
	snprintf(port, psize, "%ld", n);
	return 0;
}
