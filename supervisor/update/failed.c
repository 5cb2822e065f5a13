/* failed.c - the list of versions that failed to boot (failed.h). */
#include "failed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "slot_env.h"

static void list_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/" FAILED_VERSIONS, slot_env()->update_dir);
}

/* Walk the lines of text; 1 and the reason when one names version. */
static int find_in(const char *text, const char *version, char *reason, size_t size)
{
	size_t vl = strlen(version);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t ll = strcspn(p, "\n"), wl = strcspn(p, " \t\r\n");

		if (wl == vl && !strncmp(p, version, vl)) {
			const char *r = p + wl;

			while (r < p + ll && (*r == ' ' || *r == '\t'))
				r++;
			if (reason)
				snprintf(reason, size, "%.*s", (int)(p + ll - r), r);
			return 1;
		}
	}
	return 0;
}

int failed_version_find_at(const char *path, const char *version, char *reason, size_t size,
			   struct cairn_err *e)
{
	char *text = NULL;
	size_t len;
	int ret;

	ret = cairn_read_file(path, 1 << 20, &text, &len, e);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	ret = find_in(text, version, reason, size);
	free(text);
	return ret;
}

int failed_version_find(const char *version, char *reason, size_t size, struct cairn_err *e)
{
	char path[512];

	list_path(path, sizeof(path));
	return failed_version_find_at(path, version, reason, size, e);
}

int failed_version_add(const char *version, const char *reason, struct cairn_err *e)
{
	char path[512], why[256], *text = NULL, *out, *p;
	size_t len = 0, n;
	int ret;

	if (!version[0] || strcspn(version, " \t\r\n") != strlen(version))
		return cairn_err_set(e, -EINVAL, "version '%.80s': not one word", version);
	list_path(path, sizeof(path));
	ret = cairn_read_file(path, 1 << 20, &text, &len, e);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	if (ret == 0 && find_in(text, version, NULL, 0)) {
		free(text);
		return 0;
	}
	snprintf(why, sizeof(why), "%s", reason);
	for (p = why; *p; p++)   /* one line per version */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	n = len + strlen(version) + strlen(why) + 4;
	if (!(out = malloc(n))) {
		free(text);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	snprintf(out, n, "%.*s%s%s %s\n", (int)len, text ? text : "",
		 len && text[len - 1] != '\n' ? "\n" : "", version, why);
	free(text);
	mkdir(slot_env()->update_dir, 0755);
	ret = cairn_write_atomic(path, out, strlen(out), 0644, e);
	free(out);
	return ret;
}
