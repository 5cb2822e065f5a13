/* instance.h - a supervised instance and its state machine.
 *
 * One model for every kind of workload: services now, containers and VMs
 * later.  The state machine is a table (instance.c): state x event -> next
 * state + action.  This header is the contract the API layer uses; it
 * never touches processes itself.
 */
#ifndef CAIRN_INSTANCE_H
#define CAIRN_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "err.h"

enum inst_state {
	INST_STOPPED,
	INST_STARTING,   /* waiting for its after= dependencies or backoff */
	INST_RUNNING,
	INST_STOPPING,   /* stop signal sent, waiting (then SIGKILL) */
	INST_FAILED,     /* restart burst exhausted or could not spawn */
	INST__N_STATES
};

struct instance_info {
	const char *name;
	const char *kind;          /* "service", "container", "vm" */
	char detail[256];          /* the kind's own status line, or "" */
	enum inst_state state;
	pid_t pid;                 /* 0 when not running */
	unsigned restarts;         /* restarts since the operator last started it */
	int last_exit_code;        /* -1 if none */
	int last_exit_signal;      /* 0 if none */
	uint64_t since_ms;         /* realtime ms of the last state change */
	uint64_t uptime_ms;        /* time in RUNNING, 0 otherwise */
	const char *reason;        /* why it is failed/stopped, or "" */
	const char *log_path;
};

const char *inst_state_name(enum inst_state s);

/* The supervisor exposed to the API.  All calls run on the loop thread. */
struct supervisor;

size_t sup_count(const struct supervisor *s);
/* Fill info for instance i (0 <= i < sup_count) / by name; -ENOENT if none. */
int sup_info(const struct supervisor *s, size_t i, struct instance_info *info);
int sup_info_by_name(const struct supervisor *s, const char *name,
		     struct instance_info *info);

/* Operator actions; return -ENOENT for an unknown name. */
int sup_start(struct supervisor *s, const char *name, struct cairn_err *e);
int sup_stop(struct supervisor *s, const char *name, struct cairn_err *e);
int sup_restart(struct supervisor *s, const char *name, struct cairn_err *e);

/* Re-read the config file and reconcile.  On error nothing changes and e
 * says FILE:LINE: what.  Names of changed/added/removed instances are
 * reported through the callback (may be NULL). */
typedef void (*sup_change_cb)(const char *what, const char *name, void *data);
int sup_reload(struct supervisor *s, sup_change_cb cb, void *data, struct cairn_err *e);

/* Host information for GET /1.0. */
const char *sup_hostname(const struct supervisor *s);
uint64_t sup_generation(const struct supervisor *s);
uint64_t sup_uptime_ms(const struct supervisor *s);

/* Ask cairn-init for a reboot or poweroff ("reboot" | "poweroff"). */
int sup_host_action(struct supervisor *s, const char *action, struct cairn_err *e);

/* ---- the configuration, for GET/PUT /1.0/config ------------------------ */

/* The active configuration's text and its length, or NULL when there is
 * none.  Valid until the next call or the next configuration change.
 * (config_text.c: a minimal version the config store will replace.) */
const char *sup_config_text(const struct supervisor *s, size_t *len);

/* A pushed configuration: conf_len bytes of text and its detached DER
 * signature.  Verified, checked (generation, parse, validate), stored and
 * applied, or refused with nothing changed and e saying why.  try_seconds
 * > 0 makes it provisional: reverted unless sup_confirm() comes in time.
 * (push.c.) */
int sup_push(struct supervisor *s, const char *conf, size_t conf_len,
	     const unsigned char *sig, size_t sig_len, unsigned try_seconds,
	     struct cairn_err *e);
/* Keep a provisional configuration. */
int sup_confirm(struct supervisor *s, struct cairn_err *e);

#endif
