/* reaper.h - collect every exited child, and leave word for cairnd.
 *
 * PID 1 inherits every orphan.  For a pid with a marker file
 * CAIRN_PIDS_DIR/<pid> (created by cairnd for what it spawns), the exit
 * status is written to CAIRN_PIDS_DIR/<pid>.exit ("exited N" or
 * "killed SIG"), atomically, so that a cairnd restarted after the process's
 * parent died still learns how it ended (lib/initproto.h). */
#ifndef CAIRN_INIT_REAPER_H
#define CAIRN_INIT_REAPER_H

#include <sys/types.h>

typedef void (*reap_cb)(pid_t pid, int status, void *ctx);

/* waitpid(-1, WNOHANG) until nothing is left to collect; cb (may be NULL)
 * sees each reaped pid.  Returns how many were reaped, or -ECHILD when
 * init has no children at all. */
int reap_children(reap_cb cb, void *ctx);

#endif
