/* main.c - cairn-init: pick the stage, read the options.
 *
 *   cairn-init [--stage2] [--container] [--cairnd PATH]
 *              [--stop-timeout SEC] [--kill-timeout SEC]
 *
 * As PID 1 on an initramfs (rootfs is a tmpfs/ramfs) it runs stage 1;
 * given --stage2, or started by the kernel straight from a real root, it
 * runs stage 2.  The kernel hands init the command-line words it did not
 * understand, so unknown arguments are logged, never fatal.  Outside
 * PID 1 it refuses to run (exit 100): it would kill(-1) its host. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cmdline.h"
#include "console.h"
#include "opts.h"
#include "stages.h"

static int parse_seconds(const char *opt, const char *val, unsigned *out)
{
	char *end;
	if (!val)
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(val, &end, 10);
	if (errno || *end || end == val || v > 86400) {
		say("%s: bad number of seconds \"%s\"", opt, val);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

static void usage(void)
{
	say("usage: cairn-init [--stage2] [--container] [--cairnd PATH] "
	    "[--stop-timeout SEC] [--kill-timeout SEC]");
}

/* Returns 0, or -EINVAL for a malformed known option (fatal only when
 * not started by the kernel). */
static int parse_args(int argc, char **argv, struct init_opts *o)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--stage2") == 0) {
			o->stage2 = true;
		} else if (strcmp(a, "--container") == 0) {
			o->container = true;
		} else if (strcmp(a, "--cairnd") == 0 && next) {
			o->cairnd = next;
			i++;
		} else if (strcmp(a, "--stop-timeout") == 0) {
			if (parse_seconds(a, next, &o->stop_timeout) < 0)
				bad = -EINVAL;
			o->stop_timeout_set = true;
			i++;
		} else if (strcmp(a, "--kill-timeout") == 0) {
			if (parse_seconds(a, next, &o->kill_timeout) < 0)
				bad = -EINVAL;
			i++;
		} else if (strcmp(a, "--debug") == 0) {
			o->debug = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage();
			bad = -EINVAL;
		} else if (a[0] == '-' && a[1] == '-') {
			say("unknown option %s", a);
			bad = -EINVAL;
		} else {
			say_debug("ignoring argument \"%s\"", a);
		}
	}
	return bad;
}

static bool root_is_initramfs(void)
{
	struct statfs sf;
	return statfs("/", &sf) == 0 && ((unsigned long)sf.f_type == RAMFS_MAGIC ||
					 (unsigned long)sf.f_type == TMPFS_MAGIC);
}

int main(int argc, char **argv)
{
	struct init_opts o;
	opts_defaults(&o);
	int bad = parse_args(argc, argv, &o);
	console_set_debug(o.debug);

	if (getpid() != 1) {
		say("must run as PID 1 (of the machine, or of a new pid namespace)");
		usage();
		return 100;
	}
	if (bad < 0 && o.container)
		return 100; /* a test harness, not the kernel: bad usage is fatal */

	/* Hold no directory busy that shutdown will want to unmount. */
	if (chdir("/") < 0)
		say_err(-errno, "chdir /");

	if (o.stage2 || o.container || !root_is_initramfs())
		stage2_run(&o);
	stage1_run(&o);
}
