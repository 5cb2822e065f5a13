/* loop.c - the event loop of stage 2.
 *
 * One poll(2) over: the signalfd (SIGCHLD and shutdown signals), the init
 * socket and its clients, the power buttons; its timeout is cairnd's next
 * restart.  Idle, init sleeps in poll and wakes on nothing but events.
 * Any shutdown request, whatever its source, ends in shutdown_run(). */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cairnd.h"
#include "console.h"
#include "initsock.h"
#include "powerbtn.h"
#include "reaper.h"
#include "shutdown.h"
#include "signals.h"

static void on_reaped(pid_t pid, int status, void *ctx)
{
	cairnd_reaped(ctx, pid, status);
}

static enum power_action read_signals(int sigfd, struct cairnd_sup *c)
{
	enum power_action a = POWER_NONE;
	struct signalfd_siginfo si;
	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD)
			continue; /* reaped below, all at once */
		enum power_action s = signal_action(sig);
		if (s == POWER_NONE) {
			say("signal %d (%s) from pid %d ignored", sig, strsignal(sig), (int)si.ssi_pid);
			continue;
		}
		say("signal %d (%s) from pid %d: %s", sig, strsignal(sig), (int)si.ssi_pid,
		    power_action_name(s));
		a = s;
	}
	/* SIGCHLD coalesces: always reap until nothing is left. */
	reap_children(on_reaped, c);
	return a;
}

_Noreturn void supervise(const struct init_opts *o, int sigfd)
{
	/* The fd table is 1 MiB: static, so it costs nothing until used. */
	static struct initsock sock;
	struct powerbtn btn = { .n = 0 };
	struct cairnd_sup cairnd;

	initsock_open(&sock, CAIRN_INIT_SOCK);
	if (!o->container)
		powerbtn_open(&btn);
	cairnd_init(&cairnd, o->cairnd);
	cairnd_start(&cairnd);

	enum power_action pending = POWER_NONE;
	while (pending == POWER_NONE) {
		struct pollfd pfd[1 + 1 + INITSOCK_MAX_CLIENTS + POWERBTN_MAX];
		int n = 0;
		pfd[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		int sock_at = n, nsock = 0;
		if (sock.listen_fd >= 0)
			n += nsock = initsock_pollfds(&sock, &pfd[n]);
		int btn_at = n;
		int nbtn = powerbtn_pollfds(&btn, &pfd[n]);
		n += nbtn;

		int r = poll(pfd, (nfds_t)n, cairnd_poll_timeout(&cairnd));
		if (r < 0 && errno != EINTR) {
			say_err(-errno, "poll");
			sleep(1); /* never spin, never exit */
			continue;
		}
		if (r > 0) {
			enum power_action a;
			if (pfd[0].revents && (a = read_signals(sigfd, &cairnd)) != POWER_NONE)
				pending = a;
			if (nsock && (a = initsock_handle(&sock, &pfd[sock_at], nsock)) != POWER_NONE)
				pending = a;
			if (nbtn && (a = powerbtn_handle(&btn, &pfd[btn_at], nbtn)) != POWER_NONE)
				pending = a;
		}
		if (pending == POWER_NONE)
			cairnd_tick(&cairnd);
	}
	/* cairnd keeps its own copies of the stored fds; init's go now so
	 * that neither they nor the bound socket keep /run busy. */
	initsock_close(&sock);
	unlink(CAIRN_INIT_SOCK);
	shutdown_run(pending, o, sigfd, &cairnd);
}
