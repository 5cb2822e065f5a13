/* initproto.h - what cairn-init and cairnd say to each other.
 *
 * Header only: cairn-init is a static musl binary that links nothing of
 * libcairn, so everything shared between the two lives here as constants.
 *
 * Channel: a SOCK_SEQPACKET Unix socket at CAIRN_INIT_SOCK (mode 0600),
 * served by cairn-init stage 2.  One datagram = one text message, at most
 * CAIRN_INIT_MSG_MAX bytes, no trailing newline.  Messages cairnd sends:
 *
 *   "store NAME"   with one fd (SCM_RIGHTS): keep it (replaces NAME's fd).
 *                  Used for the read ends of the instances' log pipes, so
 *                  that a killed cairnd does not break its services' stdout.
 *   "drop NAME"    close and forget NAME's fd.
 *   "fetch"        init answers "fd NAME" + fd for every stored fd, then "end".
 *   "reboot" | "poweroff" | "halt"
 *                  begin the shutdown sequence (see init/shutdown.c).
 *
 * Exit status of processes that outlived a cairnd: cairnd creates the
 * marker file CAIRN_PIDS_DIR/<pid> for every process it spawns.  When
 * cairn-init reaps a pid whose marker exists, it writes the wait status
 * atomically to CAIRN_PIDS_DIR/<pid>.exit as "exited N\n" or "killed SIG\n".
 * cairnd removes both files once it has consumed them.
 *
 * Shutdown: init sends SIGTERM to cairnd, which stops every workload (each
 * with its own stop timeout) and exits; init waits at most its stop bound,
 * then SIGTERMs and SIGKILLs whatever is left.
 */
#ifndef CAIRN_INITPROTO_H
#define CAIRN_INITPROTO_H

#define CAIRN_RUN_DIR      "/run/cairn"
#define CAIRN_INIT_SOCK    "/run/cairn/init.sock"
#define CAIRN_API_SOCK     "/run/cairn/api.sock"
#define CAIRN_PIDS_DIR     "/run/cairn/pids"
#define CAIRN_STATE_DIR    "/run/cairn/state"
#define CAIRN_INIT_MSG_MAX 256

#endif
