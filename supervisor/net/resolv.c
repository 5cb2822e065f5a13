/* resolv.c - /run/resolv.conf from fragments.  cairnd is its only writer:
 * static `dns =` servers go to DIR/static, and udhcpc's script writes
 * DIR/dhcp-IFACE for each lease; cairnd watches DIR (inotify, on the loop)
 * and composes the file again, atomically, whenever a fragment changes.
 * One writer means no lock and no lost update between the two sources. */
#include "net.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "strv.h"

#define FRAG_MAX 65536

static int by_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	int xs = !strcmp(x, "static"), ys = !strcmp(y, "static");

	if (xs != ys)   /* "static" first: configured servers before leased ones */
		return ys - xs;
	return strcmp(x, y);
}

static int list_fragments(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*out = NULL;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
			continue;   /* hidden and temporary files */
		if (cairn_strv_push_dup(&v, de->d_name) < 0) {
			closedir(d);
			cairn_strv_free(v);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (v)
		qsort(v, cairn_strv_len(v), sizeof(*v), by_name);
	*out = v;
	return 0;
}

int resolv_compose(const char *dir, char **out)
{
	char **frags, *text = NULL, *search = NULL;
	size_t tsize, ssize;
	FILE *t, *s;
	int ret = list_fragments(dir, &frags);

	if (ret < 0)
		return ret;
	t = open_memstream(&text, &tsize);
	s = open_memstream(&search, &ssize);
	if (!t || !s) {
		if (t)
			fclose(t);
		free(text);
		cairn_strv_free(frags);
		return -ENOMEM;
	}
	fputs("# written by cairnd: [interface] dns first, then DHCP leases\n", t);
	for (char **f = frags; f && *f; f++) {
		char path[4096], *buf, *save = NULL;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		if (cairn_read_file(path, FRAG_MAX, &buf, &len, NULL) < 0)
			continue;
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(l, "search ", 7))
				fprintf(s, "%s%s", ftell(s) ? " " : "", l + 7);
			else if (!strncmp(l, "nameserver ", 11))
				fprintf(t, "%s\n", l);
		}
		free(buf);
	}
	cairn_strv_free(frags);
	if (fclose(s) == 0 && search && *search)
		fprintf(t, "search %s\n", search);
	free(search);
	if (fclose(t) != 0) {
		free(text);
		return -ENOMEM;
	}
	*out = text;
	return 0;
}

int resolv_write(const char *dir, const char *resolv_conf, struct cairn_err *e)
{
	char *text;
	int ret = resolv_compose(dir, &text);

	if (ret < 0)
		return cairn_err_sys(e, ret, "%s", dir);
	ret = cairn_write_atomic(resolv_conf, text, strlen(text), 0644, e);
	free(text);
	return ret;
}

int resolv_set_static(const char *dir, const struct cairn_config *c, struct cairn_err *e)
{
	char path[4096], *want = NULL, *have = NULL;
	size_t size, len;
	FILE *m;
	int ret;

	snprintf(path, sizeof(path), "%s/static", dir);
	m = open_memstream(&want, &size);
	if (!m)
		return cairn_err_set(e, -ENOMEM, "out of memory");
	for (size_t k = 0; c && k < c->n_ifaces; k++)
		for (char **d = c->ifaces[k].dns; d && *d; d++)
			fprintf(m, "nameserver %s\n", *d);
	if (fclose(m) != 0) {
		free(want);
		return cairn_err_set(e, -ENOMEM, "out of memory");
	}
	if (cairn_read_file(path, FRAG_MAX, &have, &len, NULL) < 0)
		have = NULL;
	if ((have ? have : "")[0] == '\0' && !*want) {
		ret = 0;
	} else if (have && !strcmp(have, want)) {
		ret = 0;
	} else if (!*want) {
		ret = unlink(path) < 0 && errno != ENOENT ? cairn_err_sys(e, -errno, "%s", path) : 1;
	} else {
		mkdir(dir, 0755);
		ret = cairn_write_atomic(path, want, strlen(want), 0644, e);
		ret = ret < 0 ? ret : 1;
	}
	free(want);
	free(have);
	return ret;
}
