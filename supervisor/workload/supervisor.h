/* supervisor.h - what cairnd's main needs from the supervisor beyond the
 * API contract in instance.h: create it, boot it (adopt what a previous
 * cairnd left running, start the rest), feed it SIGCHLD, shut it down. */
#ifndef CAIRN_SUPERVISOR_H
#define CAIRN_SUPERVISOR_H

#include "err.h"
#include "instance.h"
#include "loop.h"
#include "reconcile.h"

/* Called after every change of the config in force (c NULL: none), on
 * the loop thread: the TLS layer takes the [trust] clients from it. */
typedef void (*sup_applied_fn)(struct supervisor *s, const struct cairn_config *c, void *data);

struct sup_opts {
	const char *config_dir;   /* the store (configstore.h) */
	const char *config_path;  /* NULL: config_dir/current.conf */
	const char *trust_dir;    /* trusted signers: *.pub */
	const char *seed_dir;     /* seed.conf + .sig, or NULL */
	const char *seed_label;   /* partition label of a seed stick ("" or NULL: none) */
	const char *demo_path;    /* the image's demo config (+ .sig), or NULL */
	const char *log_dir;
	const char *run_dir;      /* state/, pids/, init.sock under it */
	const char *root;         /* for validation: "/" */
	sup_applied_fn applied;
	void *applied_data;
};

int sup_new(struct supervisor **out, struct loop *l, const struct sup_opts *o,
	    struct cairn_err *e);

/* Fetch log pipes kept by init, load the config, re-adopt instances a
 * previous cairnd left, start the others.  The config is the first of
 * these that verifies: current (the store), previous (a damaged current),
 * a seed (seed dir, then a partition labelled seed_label), the image's
 * demo; a seed or the demo is then stored as current.  With none, e says
 * why for each and the supervisor runs with no instances. */
int sup_boot(struct supervisor *s, struct cairn_err *e);

/* The config in force, or NULL. */
const struct cairn_config *sup_active_config(const struct supervisor *s);

/* SIGCHLD arrived: reap children. */
void sup_sigchld(struct supervisor *s);

/* Stop every instance (dependents first, each with its stop timeout);
 * done(data) is called once all are down. */
void sup_shutdown(struct supervisor *s, void (*done)(void *), void *data);

/* Free memory and fds; processes are left alone (SIGQUIT hand-over). */
void sup_free(struct supervisor *s);

#endif
