/* cmdline.c - parse the kernel command line into struct init_opts.
 *
 * Words are separated by blanks; a value may be double-quoted as the kernel
 * allows (key="a b").  Values are checked here so the stages can trust
 * them: a slot is short and alphanumeric, a label fits a GPT name, a root
 * hash is hex. */
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "util.h"

void opts_defaults(struct init_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cairnd = INIT_DEFAULT_CAIRND;
	o->stop_timeout = INIT_DEFAULT_STOP_TIMEOUT;
	o->kill_timeout = INIT_DEFAULT_KILL_TIMEOUT;
	strcpy(o->slot, "a");
}

static bool all_chars(const char *s, int (*ok)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!ok((unsigned char)*s))
			return false;
	return true;
}

static int is_label_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static bool copy_checked(char *dst, size_t size, const char *key, const char *val,
			 int (*ok)(int))
{
	if (strlen(val) >= size || !all_chars(val, ok)) {
		say("ignoring bad %s=\"%s\"", key, val);
		return false;
	}
	strcpy(dst, val);
	return true;
}

static void apply(struct init_opts *o, char *key, char *val)
{
	if (strcmp(key, "cairn.debug") == 0) {
		o->debug = !val || strcmp(val, "0") != 0;
		return;
	}
	if (strcmp(key, "cairn.insecure") == 0) {
		o->insecure = !val || strcmp(val, "0") != 0;
		return;
	}
	if (strncmp(key, "cairn.", 6) != 0)
		return;
	if (!val) {
		say("ignoring %s without a value", key);
		return;
	}
	if (strcmp(key, "cairn.slot") == 0) {
		copy_checked(o->slot, sizeof(o->slot), key, val, isalnum);
	} else if (strcmp(key, "cairn.root") == 0) {
		copy_checked(o->root_label, sizeof(o->root_label), key, val, is_label_char);
	} else if (strcmp(key, "cairn.roothash") == 0) {
		copy_checked(o->roothash, sizeof(o->roothash), key, val, isxdigit);
	} else if (strcmp(key, "cairn.stop_timeout") == 0) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(val, &end, 10);
		if (errno || *end || end == val || v > 86400)
			say("ignoring bad %s=\"%s\"", key, val);
		else if (!o->stop_timeout_set)
			o->stop_timeout = (unsigned)v;
	} else {
		say_debug("ignoring unknown %s", key);
	}
}

void cmdline_parse(char *text, struct init_opts *o)
{
	char *p = text;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		char *key = p, *val = NULL, *out = p;
		bool quoted = false;
		/* Copy the word onto itself, dropping quotes. */
		for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (*p == '=' && !val) {
				*out++ = '\0';
				val = out;
				continue;
			}
			*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
		apply(o, key, val);
	}
}

int cmdline_read(struct init_opts *o)
{
	char buf[4096];
	ssize_t n = read_file("/proc/cmdline", buf, sizeof(buf));
	if (n < 0)
		return say_err((int)n, "reading /proc/cmdline");
	cmdline_parse(buf, o);
	return 0;
}
