/* kind.h - what differs between a service, a container and a VM.
 *
 * The supervisor (supervisor.c) runs one state machine for every instance;
 * at four points it asks the instance's kind: to start its process, to ask
 * it to stop, to clean up once the process is gone, and to re-attach after
 * a cairnd restart adopted it.  A kind keeps what it needs at run time in
 * i->kdata (its own struct; NULL between runs unless it says otherwise).
 * Services are the plain case (spawn.c); containers live in
 * supervisor/container/, VMs in supervisor/vm/. */
#ifndef CAIRN_KIND_H
#define CAIRN_KIND_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "err.h"

struct inst;

struct kind_ops {
	/* Start i (definition i->svc, the config in force i->sup->config)
	 * with stdout and stderr to out_fd.  On success *pid is the process
	 * the supervisor watches (its exit is the instance's exit) and *pidfd
	 * a CLOEXEC pidfd of it.  On failure nothing is left behind (mounts,
	 * links, cgroups) and e says what and where. */
	int (*spawn)(struct inst *i, int out_fd, pid_t *pid, int *pidfd,
		     struct cairn_err *e);
	/* Ask i to stop (state STOPPING; SIGKILL follows after
	 * stop_timeout).  NULL: send i->svc->stop_signal. */
	void (*stop)(struct inst *i);
	/* i's process is gone (exited, killed, or found gone at adoption):
	 * undo what spawn set up.  May be NULL. */
	void (*cleanup)(struct inst *i);
	/* cairnd restarted and adopted i's running process (i->pid):
	 * re-attach (a VM's QMP socket...).  May be NULL. */
	void (*adopt)(struct inst *i);
	/* How i's process ended, as the restart policy should see it: may
	 * rewrite (code, sig) (code -1 when it died of sig).  May be NULL. */
	void (*exit_status)(const struct inst *i, int *code, int *sig);
	/* One line for `cairnctl status` beyond the common fields ("qemu
	 * pid 123, guest running"), or "" (buf[0] = 0).  May be NULL. */
	void (*detail)(const struct inst *i, char *buf, size_t size);
};

extern const struct kind_ops service_kind;     /* spawn.c */
extern const struct kind_ops container_kind;   /* supervisor/container/ */
extern const struct kind_ops vm_kind;          /* supervisor/vm/ */

const struct kind_ops *kind_of(const struct inst *i);

#endif
