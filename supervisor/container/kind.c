/* kind.c - containers as instances (kind.h): the supervisor's state
 * machine, restarts, logs and adoption are the services'; what differs is
 * how the process starts (spawn.c), how it is asked to stop (halt_signal:
 * SIGRTMIN+3 is systemd's "halt"), and what is left to undo. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config_container.h"
#include "ct_spawn.h"
#include "kind.h"
#include "sup_int.h"

static int container_spawn(struct inst *i, int out_fd, pid_t *pid, int *pidfd,
			   struct cairn_err *e)
{
	return ct_spawn(i->sup->config, i->svc, out_fd, pid, pidfd, e);
}

static void container_stop(struct inst *i)
{
	int sig = i->svc->ct->halt_signal;

	/* PID 1 of a pid namespace gets only the signals it handles: an app
	 * that handles none is killed after stop_timeout */
	if (i->pidfd < 0 || syscall(SYS_pidfd_send_signal, i->pidfd, sig, NULL, 0) < 0)
		kill(i->pid, sig);
}

/* A system container's init that halts or powers off calls reboot(2),
 * and in a pid namespace the kernel reports that by killing it with
 * SIGINT (SIGHUP for a restart).  A halt is a clean end, not a crash. */
static void container_exit_status(const struct inst *i, int *code, int *sig)
{
	if (i->svc->ct->type == CAIRN_CT_SYSTEM && *code < 0 && *sig == SIGINT) {
		*code = 0;
		*sig = 0;
	}
}

static void container_cleanup(struct inst *i)
{
	ct_cleanup(i->sup->config, i->svc->name);
}

static void container_detail(const struct inst *i, char *buf, size_t size)
{
	const struct cairn_container *ct = i->svc->ct;

	snprintf(buf, size, "%s container, image %s", cairn_ct_type_name(ct->type), ct->image);
}

const struct kind_ops container_kind = {
	.spawn = container_spawn,
	.stop = container_stop,
	.cleanup = container_cleanup,
	.exit_status = container_exit_status,
	.detail = container_detail,
};
