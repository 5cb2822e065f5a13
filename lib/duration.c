/* duration.c - parse "500ms", "10s", "2m", "1h", "10". */
#include "duration.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int cairn_duration_parse(const char *s, unsigned *ms)
{
	static const struct {
		const char *unit;
		unsigned long long mult;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 },
		{ "m", 60000 }, { "h", 3600000 },
	};
	unsigned long long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT_MAX)
			return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		if (v > UINT_MAX / units[i].mult)
			return -EINVAL;
		*ms = (unsigned)(v * units[i].mult);
		return 0;
	}
	return -EINVAL;
}
