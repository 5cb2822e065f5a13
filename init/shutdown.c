/* shutdown.c - the shutdown sequence of cairn-init, step by step.
 *
 *   1. SIGTERM to cairnd, which stops every workload and exits; wait up to
 *      the stop bound (--stop-timeout / cairn.stop_timeout=, default 90 s)
 *   2. kill(-1, SIGTERM) + SIGCONT: everything else; wait up to the grace
 *      (--kill-timeout, default 5 s) while reaping
 *   3. kill(-1, SIGKILL), naming the stragglers; reap
 *   4. sync
 *   5. unmount in reverse /proc/self/mountinfo order; what cannot be
 *      unmounted is remounted read-only (never in --container mode, where
 *      the superblocks are the host's)
 *   6. reboot(2): RB_AUTOBOOT, RB_POWER_OFF or RB_HALT_SYSTEM
 *
 * Children are reaped throughout (and exit markers written), so nothing
 * waits on a zombie.  Every wait is bounded; the sequence always ends in
 * reboot(2).  Static buffers only: this path must not fail on memory. */
#include "shutdown.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "console.h"
#include "mounts.h"
#include "reaper.h"
#include "signals.h"
#include "util.h"

static void on_reaped(pid_t pid, int status, void *ctx)
{
	cairnd_reaped(ctx, pid, status);
}

/* Wait until done(ctx) or deadline, reaping on SIGCHLD.  Returns true if
 * done.  Further shutdown signals are noted and ignored. */
static bool wait_until(int sigfd, int64_t deadline, struct cairnd_sup *c,
		       bool (*done)(struct cairnd_sup *c, int reaped))
{
	for (;;) {
		int r = reap_children(on_reaped, c);
		if (done(c, r))
			return true;
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = sigfd, .events = POLLIN };
		poll(&p, 1, left > 250 ? 250 : (int)left);
		struct signalfd_siginfo si;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				say("signal %d (%s) ignored: already shutting down", (int)si.ssi_signo,
				    strsignal((int)si.ssi_signo));
		}
	}
}

static bool cairnd_gone(struct cairnd_sup *c, int reaped)
{
	return c->pid == 0 || reaped == -ECHILD;
}

static bool no_children(struct cairnd_sup *c, int reaped)
{
	return reaped == -ECHILD;
}

/* Name what is still running (not kernel threads, not init) so the
 * operator can see who ignored SIGTERM.  Returns how many. */
static int list_survivors(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	char names[512] = "";
	size_t used = 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);
		if (pid <= 1)
			continue;
		char path[64], stat[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_file(path, stat, sizeof(stat)) <= 0)
			continue;
		char *open = strchr(stat, '('), *close = strrchr(stat, ')');
		if (!open || !close)
			continue;
		/* Fields after ")": state ppid pgrp session tty tpgid flags. */
		char state;
		int ppid;
		unsigned long flags = 0;
		if (sscanf(close + 1, " %c %d %*d %*d %*d %*d %lu", &state, &ppid, &flags) != 3)
			continue;
		if ((flags & 0x00200000UL) || ppid == 0 || pid == 2 || ppid == 2)
			continue; /* PF_KTHREAD */
		n++;
		*close = '\0';
		if (used < sizeof(names) - 64)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%d (%s)",
						 n > 1 ? ", " : "", pid, open + 1);
	}
	closedir(d);
	if (n)
		say("still running: %s%s", names, used >= sizeof(names) - 64 ? ", ..." : "");
	return n;
}

static void unmount_all(bool container)
{
	static char buf[MOUNTINFO_BUF];
	static char *mp[MOUNTINFO_MAX];

	int n = mountinfo_read(buf, sizeof(buf), mp, MOUNTINFO_MAX);
	if (n < 0) {
		say_err(n, "reading /proc/self/mountinfo: unmounting nothing");
		return;
	}

	int done = 0, ro = 0, failed = 0;
	for (int i = n - 1; i >= 0; i--) {
		if (strcmp(mp[i], "/") == 0)
			continue;
		if (umount2(mp[i], 0) == 0) {
			done++;
			say_debug("unmounted %s", mp[i]);
			if (strcmp(mp[i], "/var") == 0)
				say("unmounted /var");
			continue;
		}
		int err = errno;
		if (err == EINVAL || err == ENOENT)
			continue; /* went with a parent already */
		if (!container && mount(NULL, mp[i], NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0) {
			ro++;
			say("%s busy (%s): remounted read-only", mp[i], strerror(err));
		} else if (!container) {
			failed++;
			say("cannot unmount %s: %s", mp[i], strerror(err));
		} else {
			say_debug("left %s mounted: %s", mp[i], strerror(err));
		}
	}
	if (!container && mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0 && errno != EROFS)
		say_err(-errno, "remounting / read-only");
	say("filesystems: %d unmounted, %d remounted read-only, %d failed", done, ro, failed);
}

_Noreturn void power_final(enum power_action a, bool container)
{
	int cmd = a == POWER_POWEROFF ? RB_POWER_OFF : a == POWER_HALT ? RB_HALT_SYSTEM : RB_AUTOBOOT;
	sync();
	say("%s now", power_action_name(a));
	reboot(cmd);
	/* Only a PID 1 without CAP_SYS_BOOT gets here.  A container's init
	 * may leave; a real one must not, or the kernel panics. */
	say_err(-errno, "reboot(2)");
	if (container)
		_exit(1);
	for (;;)
		pause();
}

_Noreturn void shutdown_run(enum power_action a, const struct init_opts *o, int sigfd,
			    struct cairnd_sup *cairnd)
{
	int64_t t0 = now_ms();
	say("shutdown (%s): stopping cairnd, up to %u s", power_action_name(a), o->stop_timeout);

	/* 1. cairnd first: it knows how to stop its workloads gracefully. */
	cairnd->stopping = true;
	if (cairnd->pid > 0) {
		kill(cairnd->pid, SIGTERM);
		if (!wait_until(sigfd, now_ms() + (int64_t)o->stop_timeout * 1000, cairnd, cairnd_gone))
			say("cairnd did not exit within %u s", o->stop_timeout);
	}

	/* 2. everything else, politely. */
	say("sending SIGTERM to all processes, waiting up to %u s", o->kill_timeout);
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	if (!wait_until(sigfd, now_ms() + (int64_t)o->kill_timeout * 1000, cairnd, no_children)) {
		/* 3. then not. */
		int n = list_survivors();
		say("%d process(es) left after %u s: sending SIGKILL", n, o->kill_timeout);
		kill(-1, SIGKILL);
		if (!wait_until(sigfd, now_ms() + 5000, cairnd, no_children))
			say("processes still not gone 5 s after SIGKILL (stuck in the kernel?)");
	}

	/* 4-6. */
	say("syncing and unmounting");
	sync();
	unmount_all(o->container);
	say("shutdown took %lld ms", (long long)(now_ms() - t0));
	power_final(a, o->container);
}
