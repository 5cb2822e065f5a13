/* signals.c - the signal policy of cairn-init, in one place.
 *
 *   signal            effect
 *   ----------------  ------------------------------------------------------
 *   SIGCHLD           reap every exited child (reaper.c), restart cairnd
 *   SIGTERM           orderly reboot
 *   SIGINT            orderly reboot: ctrl-alt-del, since init calls
 *                     reboot(RB_DISABLE_CAD) at start so the kernel sends
 *                     SIGINT instead of rebooting on the spot
 *   SIGUSR2, SIGPWR   orderly power-off (the ACPI power button too, powerbtn.c)
 *   SIGUSR1           orderly halt
 *   SIGHUP            logged, otherwise ignored
 *   SIGPIPE           ignored (a client of the init socket went away)
 *
 * A second shutdown request while one runs is logged and ignored: the
 * sequence in shutdown.c is bounded and always ends in reboot(2).
 *
 * The signals are blocked and read from a signalfd, so the only code that
 * runs on a signal is the event loop's.  Blocked signals are never
 * "ignored" by the kernel, which matters for PID 1: an unblocked signal
 * without a handler is dropped for init. */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/signalfd.h>

#include "console.h"

static const int handled[] = {
	SIGCHLD, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGPWR, SIGHUP,
};

int signals_setup(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (unsigned i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigaddset(&set, handled[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return say_err(-errno, "blocking signals");
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return say_err(-errno, "signalfd");
	return fd;
}

void signals_reset_child(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
}

enum power_action signal_action(int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		return POWER_REBOOT;
	case SIGUSR2:
	case SIGPWR:
		return POWER_POWEROFF;
	case SIGUSR1:
		return POWER_HALT;
	default:
		return POWER_NONE;
	}
}
