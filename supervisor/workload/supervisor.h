/* supervisor.h - what cairnd's main needs from the supervisor beyond the
 * API contract in instance.h: create it, boot it (adopt what a previous
 * cairnd left running, start the rest), feed it SIGCHLD, shut it down. */
#ifndef CAIRN_SUPERVISOR_H
#define CAIRN_SUPERVISOR_H

#include "err.h"
#include "instance.h"
#include "loop.h"
#include "reconcile.h"

struct sup_opts {
	const char *config_path;
	const char *log_dir;
	const char *run_dir;      /* state/, pids/, init.sock under it */
	const char *root;         /* for validation: "/" */
	reconcile_verify_fn verify; /* signature check before parsing (NULL) */
	void *verify_data;
};

int sup_new(struct supervisor **out, struct loop *l, const struct sup_opts *o,
	    struct cairn_err *e);

/* Fetch log pipes kept by init, load the config, re-adopt instances a
 * previous cairnd left, start the others.  A bad config is returned in e
 * (FILE:LINE: ...) and the supervisor runs with no instances. */
int sup_boot(struct supervisor *s, struct cairn_err *e);

/* SIGCHLD arrived: reap children. */
void sup_sigchld(struct supervisor *s);

/* Stop every instance (dependents first, each with its stop timeout);
 * done(data) is called once all are down. */
void sup_shutdown(struct supervisor *s, void (*done)(void *), void *data);

/* Free memory and fds; processes are left alone (SIGQUIT hand-over). */
void sup_free(struct supervisor *s);

#endif
