/* opts.h - everything that steers cairn-init, from argv and /proc/cmdline.
 *
 * Filled once by main() (argv) and cmdline_parse() (kernel command line),
 * then passed read-only to the stages. */
#ifndef CAIRN_INIT_OPTS_H
#define CAIRN_INIT_OPTS_H

#include <stdbool.h>

#define INIT_DEFAULT_CAIRND       "/usr/sbin/cairnd"
#define INIT_DEFAULT_STOP_TIMEOUT 90 /* s: cairnd's bound to stop workloads */
#define INIT_DEFAULT_KILL_TIMEOUT 5  /* s: between SIGTERM and SIGKILL to all */

struct init_opts {
	bool stage2;          /* --stage2, or found to run in the real root */
	bool container;       /* --container: PID 1 of a namespace, no hardware */
	bool debug;           /* cairn.debug: verbose, emergency shell on failure */
	const char *cairnd;   /* --cairnd PATH */
	unsigned stop_timeout;
	unsigned kill_timeout;
	bool stop_timeout_set; /* --stop-timeout given: wins over the cmdline */
	char slot[16];        /* cairn.slot= (default "a") */
	char root_label[72];  /* cairn.root= overrides "cairn-root-<slot>" */
	char roothash[136];   /* cairn.roothash= (dm-verity root hash, hex) */
	bool insecure;        /* cairn.insecure: boot without a root hash */
};

void opts_defaults(struct init_opts *o);

#endif
