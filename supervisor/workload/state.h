/* state.h - per-instance bookkeeping under RUN/state/NAME, so a restarted
 * cairnd can re-adopt what its predecessor started, and the pid markers
 * RUN/pids/PID[.exit] shared with cairn-init (lib/initproto.h).
 *
 * A pid alone is never trusted: the record carries the process start time
 * (/proc/PID/stat field 22), and adoption requires the live process to have
 * the same one, so a recycled pid is not mistaken for our service. */
#ifndef CAIRN_STATE_H
#define CAIRN_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backoff.h"
#include "err.h"
#include "instance.h"

struct inst_record {
	enum inst_state state;
	pid_t pid;
	uint64_t starttime;        /* clock ticks since boot (stat field 22) */
	uint64_t canon_hash;       /* of the definition it was started with */
	unsigned restarts;
	int last_exit_code;
	int last_exit_signal;
	uint64_t since_ms;         /* realtime */
	uint64_t run_start_ms;     /* monotonic, when the process started */
	struct backoff backoff;    /* monotonic times */
	char reason[192];
};

/* Write dir/name atomically (temp, fsync, rename, fsync dir). */
int state_save(const char *dir, const char *name, const struct inst_record *r,
	       struct cairn_err *e);
/* Read dir/name; -ENOENT if there is none. */
int state_load(const char *dir, const char *name, struct inst_record *r,
	       struct cairn_err *e);
void state_remove(const char *dir, const char *name);

/* /proc/PID/stat field 22, or 0 on error (process gone). */
uint64_t state_proc_starttime(pid_t pid);

/* pids dir markers. */
int state_marker_create(const char *pids_dir, pid_t pid, const char *name);
void state_marker_remove(const char *pids_dir, pid_t pid);
/* Parse pids_dir/PID.exit ("exited N" | "killed SIG"): 0 and fills code or
 * sig (the other -1/0), -ENOENT if init has not written it (yet). */
int state_exit_read(const char *pids_dir, pid_t pid, int *code, int *sig);

/* FNV-1a of a string (the section's canon). */
uint64_t state_hash(const char *s);

#endif
